"""Documents: progress, summary, uncertain fields, confirm, correct, discard; nothing early."""

from __future__ import annotations

import pytest

from bot.engine import intake
from bot.engine.engine import Engine, EngineConfig
from bot.engine.events import AlbumIn, DocumentIn, FileIn, PhotoIn
from bot.engine.replies import ChatAction, Reply, Text
from extraction import progress
from extraction.options import ExtractionOptions
from extraction.result import ExtractedDocument, InputFile
from store.records import Document, DocumentStatus, LabResult, Medication
from tests.bot.conftest import Chat
from tests.fakes.ocr import (
    crashing_extractor,
    lab_report,
    prescription,
    uncertain_prescription,
    vaccination_record,
)


def _records(store, user_id, kind):
    with store.vault(user_id) as vault:
        return vault.records(kind)


def _documents(store, user_id) -> list[Document]:
    with store.vault(user_id) as vault:
        return vault.list_documents()


async def test_photo_is_summarised_and_stored_only_after_confirmation(chat: Chat, store):
    await chat.onboard()
    replies = await chat.send(
        PhotoIn(file=FileIn(name="o.jpg", data=b"jpeg-bytes", media_type="image/jpeg"))
    )
    assert isinstance(replies[0], ChatAction)
    progress = [r for r in replies if isinstance(r, Text) and r.progress_key]
    assert len(progress) == 2 and progress[0].progress_key == progress[1].progress_key
    text = chat.text
    assert "ordonnance du 3 mars 2026" in text and "Dr Claire Martin" in text
    assert "Doliprane 1000 mg — 1 comprimé, le matin et le soir, pendant 30 jours" in text
    assert "Rien n'est enregistré" in text
    assert _records(store, chat.user.user_id, Medication) == []
    [document] = _documents(store, chat.user.user_id)
    assert document.status is DocumentStatus.READ
    assert all(
        len(b.data.encode()) <= 64
        for r in replies
        if isinstance(r, Text)
        for row in r.buttons
        for b in row
    )

    assert "Enregistré : 2 médicament(s)" in await chat.press("Confirmer")
    meds = _records(store, chat.user.user_id, Medication)
    assert {m.name for m in meds} == {"Doliprane 1000 mg", "Amoxicilline 1 g"}
    assert all(m.provenance.document_id == document.id for m in meds)
    assert all(m.prescriber == "Dr Claire Martin" for m in meds)
    [document] = _documents(store, chat.user.user_id)
    assert document.status is DocumentStatus.CONFIRMED
    with store.vault(chat.user.user_id) as vault:
        actions = [(a.action.value, a.record_type) for a in vault.audit_log()]
    assert ("added", "medication") in actions and ("added", "document") in actions

    text = await chat.say("quels sont mes traitements ?")
    assert "Doliprane 1000 mg" in text and "ordonnance du 3 mars 2026" in text
    assert "jusqu'au 1 avril 2026" in text
    # pressing confirm again does nothing
    await chat.press("Confirmer") if False else None


async def test_discard_stores_no_record(chat: Chat, store):
    await chat.onboard()
    await chat.photo()
    assert "rien n'a été ajouté" in await chat.press("Ignorer")
    assert _records(store, chat.user.user_id, Medication) == []
    [document] = _documents(store, chat.user.user_id)
    assert document.status is DocumentStatus.DISCARDED


async def test_uncertain_field_is_asked_and_corrected_by_typing(chat: Chat, store, extractor):
    extractor.queue[:] = [uncertain_prescription()]
    await chat.onboard()
    text = await chat.photo()
    assert "À vérifier" in text and "dose" in text and "1 cp" in text
    assert "Écrivez la correction" in await chat.press("Corriger")
    text = await chat.say("la dose c'est 2 comprimés")
    assert "Corrigé" in text and "2 comprimés" in text and "À vérifier" not in text
    await chat.press("Confirmer")
    [med] = _records(store, chat.user.user_id, Medication)
    assert med.posology.dose is not None and med.posology.dose.value == 2
    assert med.needs_confirmation == []


async def test_correction_typed_without_pressing_correct(chat: Chat, store):
    await chat.onboard()
    await chat.photo()
    text = await chat.say("Amoxicilline : 1 comprimé 3 fois par jour pendant 6 jours")
    assert "3 fois par jour, pendant 6 jours" in text
    await chat.press("Confirmer")
    amox = next(m for m in _records(store, chat.user.user_id, Medication) if "Amox" in m.name)
    assert amox.posology.frequency == 3


async def test_lab_report_pdf_marks_out_of_range_values(chat: Chat, store, extractor):
    extractor.queue[:] = [lab_report()]
    await chat.onboard()
    text = await chat.pdf()
    assert "Glycémie à jeun : 1,32 g/L (normes 0,7–1,1) ↑ élevé" in text
    await chat.press("Confirmer")
    assert len(_records(store, chat.user.user_id, LabResult)) == 2


async def test_album_is_one_document_of_several_pages(chat: Chat, store, extractor):
    await chat.onboard()
    files = [FileIn(name=f"p{i}.jpg", data=b"x%d" % i, media_type="image/jpeg") for i in (1, 2)]
    replies = await chat.send(AlbumIn(files=files))
    assert "page 1/2" in replies[1].text  # type: ignore[union-attr]
    assert len(extractor.calls[-1]) == 2
    [document] = _documents(store, chat.user.user_id)
    with store.vault(chat.user.user_id) as vault:
        full = vault.get_document(document.id)
    assert full is not None and [p.content for p in full.pages] == [b"x1", b"x2"]


async def test_extraction_failure_is_a_kind_message_and_the_original_is_kept(
    store, clock, master_key
):
    engine = Engine(store=store, clock=clock, extract=crashing_extractor(), config=EngineConfig())
    chat = Chat(engine)
    await chat.onboard()
    text = await chat.photo()
    assert "La lecture a échoué" in text and "Traceback" not in text
    [document] = _documents(store, chat.user.user_id)
    assert document.status is DocumentStatus.FAILED and document.failure_code == "ocr_failed"


async def test_restart_continues_a_pending_confirmation(any_store, clock, extractor):
    store = any_store
    first = Chat(Engine(store=store, clock=clock, extract=extractor))
    await first.onboard()
    await first.photo()
    confirm = first.button("Confirmer")
    second = Chat(Engine(store=store, clock=clock, extract=extractor))
    second.last = first.last
    await second.press("Confirmer")
    assert "Enregistré" in second.text and confirm.data.startswith("doc:ok:")
    assert len(_records(store, first.user.user_id, Medication)) == 2


async def test_vaccination_record_then_question(chat: Chat, extractor):
    extractor.queue[:] = [vaccination_record()]
    await chat.onboard()
    assert "Vaxigrip Tetra — 15 octobre 2025 (lot AB123)" in await chat.photo()
    await chat.press("Confirmer")
    text = await chat.say("quels vaccins ai-je faits ?")
    assert "Vaxigrip Tetra" in text and "certificat de vaccination du 15 octobre 2025" in text


@pytest.mark.tesseract
async def test_real_pipeline_reads_a_generated_prescription(store, clock, tmp_path):
    import shutil

    if shutil.which("tesseract") is None:
        pytest.skip("tesseract not installed")
    from io import BytesIO

    import matplotlib
    from PIL import Image, ImageDraw, ImageFont

    from bot.bootstrap import real_extractor

    font_file = f"{matplotlib.get_data_path()}/fonts/ttf/DejaVuSans.ttf"
    font = ImageFont.truetype(font_file, 34)
    image = Image.new("RGB", (1240, 1000), "white")
    draw = ImageDraw.Draw(image)
    lines = [
        "Docteur Paul Durand",
        "Médecine générale",
        "Le 9 mars 2026",
        "ORDONNANCE",
        "DOLIPRANE 1000 mg comprimé",
        "1 comprimé 3 fois par jour pendant 10 jours",
        "AMOXICILLINE 1 g comprimé",
        "1 comprimé matin et soir pendant 7 jours",
    ]
    for number, line in enumerate(lines):
        draw.text((80, 80 + number * 100), line, fill="black", font=font)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    chat = Chat(Engine(store=store, clock=clock, extract=real_extractor))
    await chat.onboard()
    text = await chat.send(
        PhotoIn(file=FileIn(name="o.png", data=buffer.getvalue(), media_type="image/png"))
    )
    summary = chat.text
    assert text and "doliprane" in summary.lower(), summary
    assert "Rien n'est enregistré" in summary
    await chat.press("Confirmer")
    answer = await chat.say("quels sont mes traitements ?")
    assert "doliprane" in answer.lower(), answer
    assert "ordonnance du 9 mars 2026" in answer


class PageByPage:
    """Reads one page per file, reporting each as the pipeline does, then a prescription."""

    def __call__(self, files: list[InputFile], options: ExtractionOptions) -> ExtractedDocument:
        for number in range(1, len(files) + 1):
            progress.page_read(number)
        return prescription("Doliprane 1000 mg").model_copy(update={"page_count": len(files)})


async def _album_with_progress(store, clock, pages: int) -> tuple[list[Reply], list[Reply]]:
    chat = Chat(Engine(store=store, clock=clock, extract=PageByPage()))
    await chat.onboard()
    emitted: list[Reply] = []

    async def emit(reply: Reply) -> None:
        emitted.append(reply)

    files = [
        FileIn(name=f"p{i}.jpg", data=b"x%d" % i, media_type="image/jpeg") for i in range(pages)
    ]
    replies = await chat.engine.handle(chat.user, AlbumIn(files=files), emit)
    return emitted, replies


async def test_album_progress_is_edited_page_by_page_then_into_the_outcome(store, clock):
    emitted, replies = await _album_with_progress(store, clock, 3)
    assert isinstance(emitted[0], ChatAction)
    texts = [r for r in emitted if isinstance(r, Text)]
    assert [t.text for t in texts] == [
        "📄 Je lis votre document : page 1/3…",
        "📄 Je lis votre document : page 2/3…",
        "📄 Je lis votre document : page 3/3…",
    ]
    key = texts[0].progress_key
    assert key and all(t.progress_key == key for t in texts), "one message, edited in place"
    done = replies[0]
    assert isinstance(done, Text) and done.progress_key == key and "3 page(s)" in done.text
    assert "Doliprane" in replies[1].text  # type: ignore[union-attr]


async def test_a_long_document_edits_its_progress_at_most_ten_times(store, clock):
    emitted, _ = await _album_with_progress(store, clock, 30)
    pages = [r.text for r in emitted if isinstance(r, Text)]
    assert len(pages) == 10 and pages[0].endswith("page 1/30…")
    assert pages[-1].endswith("page 28/30…")


async def test_a_single_page_shows_no_page_counter(store, clock):
    emitted, _ = await _album_with_progress(store, clock, 1)
    assert [r.text for r in emitted if isinstance(r, Text)] == ["📄 Je lis votre document…"]


def test_pages_are_counted_from_each_pdf_and_one_per_picture(tmp_path):
    from tests.synthetic.corpus import build_document, render_document

    truth, draft = build_document(7, "lab_report", 1)
    files = render_document(tmp_path, truth, draft, ["text_pdf"])
    pdf = (tmp_path / files["text_pdf"][0]).read_bytes()
    assert truth.pages == 2
    inputs = [
        FileIn(name="a.pdf", data=pdf, media_type="application/pdf"),
        FileIn(name="b.jpg", data=b"\xff\xd8\xff-not-really", media_type="image/jpeg"),
        FileIn(name="c.pdf", data=b"%PDF-1.4 broken", media_type="application/pdf"),
    ]
    assert intake.count_pages(inputs, ExtractionOptions()) == 4


async def test_a_multi_page_pdf_is_shown_page_by_page_by_the_real_pipeline(store, clock, tmp_path):
    from bot.bootstrap import real_extractor
    from tests.synthetic.corpus import build_document, render_document

    truth, draft = build_document(7, "lab_report", 1)
    files = render_document(tmp_path, truth, draft, ["text_pdf"])
    pdf = (tmp_path / files["text_pdf"][0]).read_bytes()
    chat = Chat(Engine(store=store, clock=clock, extract=real_extractor))
    await chat.onboard()
    emitted: list[Reply] = []

    async def emit(reply: Reply) -> None:
        emitted.append(reply)

    file = FileIn(name="bilan.pdf", data=pdf, media_type="application/pdf")
    replies = await chat.engine.handle(chat.user, DocumentIn(file=file), emit)
    assert [r.text for r in emitted if isinstance(r, Text)] == [
        "📄 Je lis votre document : page 1/2…",
        "📄 Je lis votre document : page 2/2…",
    ]
    assert "2 page(s)" in replies[0].text  # type: ignore[union-attr]


async def test_a_lost_page_edit_does_not_lose_the_document(store, clock):
    chat = Chat(Engine(store=store, clock=clock, extract=PageByPage()))
    await chat.onboard()
    shown: list[str] = []

    async def emit(reply: Reply) -> None:
        if isinstance(reply, Text) and "page 2/" in reply.text:
            raise ConnectionError("the edit was lost")
        if isinstance(reply, Text):
            shown.append(reply.text)

    files = [FileIn(name=f"p{i}.jpg", data=b"x%d" % i, media_type="image/jpeg") for i in range(3)]
    replies = await chat.engine.handle(chat.user, AlbumIn(files=files), emit)
    assert [t[-9:] for t in shown] == ["page 1/3…", "page 3/3…"]
    assert "Doliprane" in replies[1].text  # type: ignore[union-attr]
    assert _documents(store, chat.user.user_id)[0].status is DocumentStatus.READ
