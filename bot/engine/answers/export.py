"""/export: the FHIR archive (zip) and a one-page PDF summary for a doctor."""

from __future__ import annotations

import importlib
import logging

from bot.engine.replies import File, Reply, Text
from bot.engine.turn import Turn
from store.records import Allergy, AuditAction, LabResult, Medication, Vaccination

log = logging.getLogger("carnet.engine")


def export(turn: Turn) -> list[Reply]:
    """Both files when their builders are available; a kind message otherwise."""
    tr = turn.tr
    replies: list[Reply] = []
    stamp = turn.today.isoformat()
    try:
        archive = importlib.import_module("store.fhir.archive")
        data = archive.export_archive(turn.vault)
        payload = data if isinstance(data, bytes) else bytes(data)
        replies.append(
            File(
                data=payload,
                filename=f"carnet-{stamp}.zip",
                media_type="application/zip",
                caption=tr("export.archive"),
            )
        )
    except Exception as exc:
        log.warning("export archive unavailable error=%s", type(exc).__name__)
    try:
        summary = importlib.import_module("bot.engine.summary_pdf")
        pdf = _summary_pdf(summary, turn)
        replies.append(
            File(
                data=pdf,
                filename=f"carnet-{tr('export.summary_name')}-{stamp}.pdf",
                media_type="application/pdf",
                caption=tr("export.summary"),
            )
        )
    except Exception as exc:
        log.warning("export summary unavailable error=%s", type(exc).__name__)
    if not replies:
        return [Text(text=tr("error.export_unavailable"))]
    turn.vault.audit(AuditAction.EXPORTED, "record", count=len(replies))
    return [Text(text=tr("export.intro")), *replies]


def _summary_pdf(module: object, turn: Turn) -> bytes:
    vault = turn.vault
    fn = getattr(module, "summary_pdf")  # noqa: B009
    result = fn(
        turn.profile,
        vault.records(Medication),
        vault.records(Allergy),
        vault.records(Vaccination),
        vault.records(LabResult),
        turn.tr.language,
        turn.today,
    )
    return result if isinstance(result, bytes) else bytes(result)
