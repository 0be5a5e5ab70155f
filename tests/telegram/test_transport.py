"""The Telegram adapter over real HTTP with python-telegram-bot unmodified, around an echo engine.

These check the transport (what reaches the engine, what reaches the user); the conversation
itself is tested with the real engine in ``test_conversation.py``.
"""

from __future__ import annotations

import io
import logging

import pytest
from PIL import Image as PilImage

from bot.engine.events import AlbumIn, CommandIn, DocumentIn, PhotoIn, TextIn
from tests.fakes.bot_api import FakeBotApi
from tests.telegram.conftest import EchoEngine, ProgressEngine, StartBot


def jpeg(width: int, height: int, color: str = "white") -> bytes:
    out = io.BytesIO()
    PilImage.new("RGB", (width, height), color).save(out, "JPEG")
    return out.getvalue()


async def test_text_goes_through_long_polling_and_back(bot_api: FakeBotApi, echo_bot: EchoEngine):
    alice = bot_api.user(1001, first_name="Alice", language_code="fr")
    await alice.send_text("bonjour")
    reply = await alice.expect_text("echo: bonjour")
    assert reply.method == "sendMessage"
    assert reply.params["parse_mode"] == "HTML"
    user, event = echo_bot.events[0]
    assert event == TextIn(text="bonjour", update_id=1)
    assert (user.user_id, user.chat_id, user.language_code, user.chat_type) == (
        1001,
        1001,
        "fr",
        "private",
    )
    assert bot_api.calls_of("getMe"), "PTB initialises against the fake server"


async def test_commands_reach_the_engine_with_their_arguments(
    bot_api: FakeBotApi, echo_bot: EchoEngine
):
    alice = bot_api.user(1001)
    await alice.send_command("/start@carnet_bot")
    await alice.expect_text("command start []")
    await alice.send_command("/langue en")
    await alice.expect_text("command langue [en]")
    assert [e for _, e in echo_bot.events] == [
        CommandIn(name="start"),
        CommandIn(name="langue", args="en"),
    ]


async def test_command_menus_are_registered_in_french_and_english(
    bot_api: FakeBotApi, echo_bot: EchoEngine
):
    menus = {
        c.params.get("language_code"): c.params["commands"]
        for c in bot_api.calls_of("setMyCommands")
    }
    assert menus[None] == [
        {"command": "start", "description": "Start"},
        {"command": "help", "description": "Help"},
    ]
    assert [c["command"] for c in menus["fr"]] == ["start", "aide"]


async def test_photo_arrives_as_its_largest_size_and_buttons_come_back(
    bot_api: FakeBotApi, echo_bot: EchoEngine
):
    alice = bot_api.user(1001)
    await alice.send_photo(jpeg(2000, 1500))
    reply = await alice.expect_buttons()
    assert reply.text.startswith("photo 1280x960 ")
    assert reply.button_labels == ["Confirmer", "Non"]
    (_, event) = echo_bot.events[0]
    assert isinstance(event, PhotoIn)
    assert event.file.is_photo and event.file.data[:2] == b"\xff\xd8"
    assert bot_api.calls_of("getFile"), "the file is fetched through getFile"
    assert any(c.method == "sendChatAction" for c in alice.replies()) or bot_api.calls_of(
        "sendChatAction"
    )

    await alice.press("Confirmer")
    pressed = await alice.expect_text("pressed ok:1")
    assert str(reply.result["message_id"]) in pressed.text
    assert bot_api.calls_of("answerCallbackQuery"), "the button spinner is stopped"


async def test_pdf_document_is_downloaded_byte_for_byte(bot_api: FakeBotApi, echo_bot: EchoEngine):
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF"
    alice = bot_api.user(1001)
    await alice.send_document(pdf, file_name="bilan mars.pdf")
    await alice.expect_text("document bilan mars.pdf application/pdf")
    (_, event) = echo_bot.events[0]
    assert isinstance(event, DocumentIn)
    assert event.file.data == pdf


async def test_album_becomes_one_event_with_pages_in_order(
    bot_api: FakeBotApi, echo_bot: EchoEngine
):
    alice = bot_api.user(1001)
    pages = [jpeg(600, 800, "white"), jpeg(600, 800, "gray"), jpeg(600, 800, "black")]
    await alice.send_album(pages, caption="ordonnance")
    await alice.expect_text("album 3", "caption=ordonnance")
    albums = [e for _, e in echo_bot.events if isinstance(e, AlbumIn)]
    assert len(albums) == 1 and len(echo_bot.events) == 1
    assert [f.width for f in albums[0].files] == [600, 600, 600]


async def test_oversized_file_is_refused_before_download(
    bot_api: FakeBotApi, echo_bot: EchoEngine
):
    alice = bot_api.user(1001)
    await alice.send_document(b"%PDF-1.4 tiny", declared_size=25 * 1024 * 1024)
    await alice.expect_text("unsupported file_too_big")
    assert not bot_api.calls_of("getFile")


@pytest.mark.parametrize(
    ("send", "kind"),
    [("send_sticker", "sticker"), ("send_voice", "voice"), ("send_location", "location")],
)
async def test_unusable_messages_are_named_to_the_engine(
    bot_api: FakeBotApi, echo_bot: EchoEngine, send: str, kind: str
):
    alice = bot_api.user(1001)
    await getattr(alice, send)()
    await alice.expect_text(f"unsupported {kind}")


async def test_edited_message_is_not_taken_as_new(bot_api: FakeBotApi, echo_bot: EchoEngine):
    alice = bot_api.user(1001)
    sent = await alice.send_text("je prends du doliprane")
    await alice.expect_text("echo:")
    await alice.edit(sent, "je prends du dafalgan")
    await alice.expect_text("unsupported edited_message")


async def test_long_reply_is_split_on_line_boundaries(bot_api: FakeBotApi, echo_bot: EchoEngine):
    alice = bot_api.user(1001)
    await alice.send_text("long 150")
    await bot_api.wait_quiet(0.3)
    parts = [c.text for c in alice.replies()]
    assert len(parts) >= 3
    assert all(len(p) <= 4096 for p in parts)
    assert all(not c.error for c in alice.replies())
    lines = "\n".join(parts).split("\n")
    assert lines == [f"ligne {i:04d} " + "x" * 60 for i in range(150)], "no line cut or lost"


async def test_html_special_characters_are_escaped(bot_api: FakeBotApi, echo_bot: EchoEngine):
    alice = bot_api.user(1001)
    await alice.send_text("<b>Glycémie</b> < 1 g/L & HbA1c > 7 %")
    reply = await alice.expect(lambda c: c.method == "sendMessage")
    assert reply.error is None, "Telegram would accept it"
    assert alice.visible_texts()[-1] == (
        "echo: &lt;b&gt;Glycémie&lt;/b&gt; &lt; 1 g/L &amp; HbA1c &gt; 7 %"
    )


async def test_images_and_files_are_uploaded(bot_api: FakeBotApi, echo_bot: EchoEngine):
    alice = bot_api.user(1001)
    await alice.send_text("image")
    photo = await alice.expect(lambda c: c.method == "sendPhoto")
    assert photo.upload().data[:8] == b"\x89PNG\r\n\x1a\n"
    assert photo.params["caption"] == "courbe &lt;HbA1c&gt; &amp; co"
    await alice.send_text("file")
    document = await alice.expect(lambda c: c.method == "sendDocument")
    assert document.upload().filename == "carnet.pdf"
    assert document.upload().data == b"%PDF-1.4 test"


async def test_progress_message_is_edited_in_place(bot_api: FakeBotApi, start_bot: StartBot):
    async with start_bot(ProgressEngine()):
        alice = bot_api.user(1001)
        await alice.send_text("go")
        await alice.expect_text("Résumé")
    sends = [c for c in alice.replies() if c.method == "sendMessage"]
    edits = [c for c in alice.replies() if c.method == "editMessageText"]
    assert [c.text for c in sends] == ["Lecture page 1/2…", "Résumé"]
    assert [c.text for c in edits] == ["Lecture page 2/2…", "Lecture terminée."]
    assert alice.visible_texts() == ["Lecture terminée.", "Résumé"]


async def test_two_users_are_answered_in_their_own_chats(
    bot_api: FakeBotApi, echo_bot: EchoEngine
):
    alice = bot_api.user(1001)
    bob = bot_api.user(2002, language_code="en")
    for i in range(5):
        await alice.send_text(f"alice {i}")
        await bob.send_text(f"bob {i}")
    await bot_api.wait_quiet(0.3)
    assert [c.text for c in alice.replies()] == [f"echo: alice {i}" for i in range(5)]
    assert [c.text for c in bob.replies()] == [f"echo: bob {i}" for i in range(5)]


async def test_group_chat_is_explained_once_then_left(bot_api: FakeBotApi, echo_bot: EchoEngine):
    alice = bot_api.user(1001)
    group = alice.in_group(-100777)
    await alice.add_bot_to_group(group)
    await bot_api.wait_for(lambda c: c.method == "leaveChat")
    notices = [c for c in bot_api.calls if c.chat_id == -100777 and c.method == "sendMessage"]
    assert len(notices) == 1 and "privée" in notices[0].text
    await alice.send_text("mes traitements", chat=group)
    await bot_api.wait_quiet(0.3)
    to_group = [c for c in bot_api.calls if c.chat_id == -100777 and c.method == "sendMessage"]
    assert len(to_group) == 1, "explained once"
    assert not [e for u, e in echo_bot.events if u.chat_type == "private"]


async def test_group_message_without_join_update_is_refused(
    bot_api: FakeBotApi, echo_bot: EchoEngine
):
    alice = bot_api.user(1001)
    await alice.send_text("quels sont mes traitements ?", chat=alice.in_group(-100888))
    await bot_api.wait_for(lambda c: c.method == "leaveChat" and c.chat_id == -100888)
    assert [c.method for c in bot_api.calls if c.chat_id == -100888] == [
        "sendMessage",
        "leaveChat",
    ]


async def test_rate_limit_drops_the_excess_with_one_notice(
    bot_api: FakeBotApi, start_bot: StartBot, tg_settings
):
    settings = tg_settings.model_copy(update={"rate_limit_per_minute": 3})
    engine = EchoEngine()
    async with start_bot(engine, settings=settings):
        alice = bot_api.user(1001)
        for i in range(6):
            await alice.send_text(f"m{i}")
        await bot_api.wait_quiet(0.4)
    assert len(engine.events) == 3
    assert len(alice.replies()) == 4, "three answers and one notice"


async def test_allow_list_refuses_strangers_once(
    bot_api: FakeBotApi, start_bot: StartBot, tg_settings
):
    settings = tg_settings.model_copy(update={"allowed_user_ids": "1001"})
    engine = EchoEngine()
    async with start_bot(engine, settings=settings):
        stranger = bot_api.user(6666)
        await stranger.send_text("bonjour")
        await stranger.send_text("bonjour ?")
        alice = bot_api.user(1001)
        await alice.send_text("salut")
        await alice.expect_text("echo: salut")
        await bot_api.wait_quiet(0.2)
    assert len(stranger.replies()) == 1
    assert [u.user_id for u, _ in engine.events] == [1001]


async def test_engine_crash_gets_a_kind_reply_and_a_redacted_log(
    bot_api: FakeBotApi, echo_bot: EchoEngine, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    alice = bot_api.user(1001)
    await alice.send_text("boom")
    reply = await alice.expect(lambda c: c.method == "sendMessage")
    assert "secret" not in reply.text
    await alice.send_text("still there?")
    await alice.expect_text("echo: still there?")
    assert "RuntimeError" in caplog.text
    assert "secret health detail" not in caplog.text
    assert "boom" not in caplog.text


async def test_rate_limited_bot_api_is_retried(bot_api: FakeBotApi, echo_bot: EchoEngine):
    bot_api.fail("sendMessage", status=429, retry_after=1)
    bot_api.fail("sendMessage", status=502)
    alice = bot_api.user(1001)
    await alice.send_text("après une erreur")
    reply = await alice.expect(lambda c: c.error is None, within=10)
    assert reply.text == "echo: après une erreur"
    assert [c.error for c in alice.replies()] == ["429", "502", None]


async def test_sender_never_delivers_replies_to_a_group(bot_api: FakeBotApi, start_bot: StartBot):
    from bot.engine.replies import Text
    from bot.tg.application import sender_of
    from bot.tg.outbound import NotPrivateChat

    async with start_bot(EchoEngine()) as app:
        sender = sender_of(app)
        with pytest.raises(NotPrivateChat):
            await sender.send(-100555, [Text(text="Levothyrox 75 µg le matin")])
        await sender.send(1001, [Text(text="rappel")])
        await bot_api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == 1001)
    assert not [c for c in bot_api.calls if c.chat_id == -100555]


async def test_album_with_an_oversized_page_is_refused_whole(
    bot_api: FakeBotApi, echo_bot: EchoEngine
):
    alice = bot_api.user(1001)
    await alice.send_photo(jpeg(600, 800), media_group_id="g2")
    await alice.send_photo(jpeg(600, 800), media_group_id="g2", declared_size=30 * 1024 * 1024)
    await alice.expect_text("unsupported file_too_big")
    await bot_api.wait_quiet(0.4)
    assert len(echo_bot.events) == 1


class SlowForBob(EchoEngine):
    """Takes its time on Bob's first message (as OCR would), answers Alice at once."""

    async def handle(self, user, event, emit=None):
        import asyncio

        if user.user_id == 2002 and isinstance(event, TextIn) and event.text == "lent":
            await asyncio.sleep(1.5)
        return await super().handle(user, event, emit)


async def test_users_run_concurrently_and_each_user_in_order(
    bot_api: FakeBotApi, start_bot: StartBot
):
    engine = SlowForBob()
    async with start_bot(engine):
        alice = bot_api.user(1001)
        bob = bot_api.user(2002)
        await bob.send_text("lent")
        await bob.send_text("après")
        await alice.send_text("vite")
        await alice.expect_text("echo: vite", within=1.2)
        assert not bob.replies(), "Bob's second message waits for his first"
        await bob.expect_text("echo: lent")
        await bob.expect_text("echo: après")


async def test_bot_api_timeout_is_retried_and_the_reply_delivered(
    bot_api: FakeBotApi, start_bot: StartBot
):
    async with start_bot(EchoEngine(), read_timeout=1.0):
        bot_api.fail("sendMessage", status=504, delay=2.5)
        alice = bot_api.user(1001)
        await alice.send_text("malgré la panne")
        await alice.expect(lambda c: c.error is None and c.text == "echo: malgré la panne")
    assert [c.error for c in alice.replies()] == ["504", None]
    assert alice.visible_texts() == ["echo: malgré la panne"], "delivered once"
