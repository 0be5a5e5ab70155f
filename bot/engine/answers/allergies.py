"""Allergies, and "can I take X?" answered only from allergies, classes and current treatments."""

from __future__ import annotations

from datetime import date

from bot.engine import drugs, safety
from bot.engine.answers.common import Facts, bullet, cite, is_current, med_label
from bot.engine.replies import Reply, Text
from bot.i18n import Translator


def listing(facts: Facts, tr: Translator) -> list[Reply]:
    """The allergies and intolerances of the record, with sources."""
    if not facts.allergies:
        return [Text(text=tr("allergies.none"))]
    lines = []
    for allergy in sorted(facts.allergies, key=lambda a: a.substance.lower()):
        prefix = allergy.drug_class or drugs.allergy_class(allergy.substance)
        key = drugs.class_key(prefix) if prefix else None
        klass = f" — {tr('allergies.class', name=tr(f'class.{key}'))}" if key else ""
        kind = tr(f"allergies.kind.{allergy.kind.value}")
        lines.append(bullet(f"{allergy.substance} ({kind}){klass} — {cite(allergy, facts, tr)}"))
    return [Text(text=tr("allergies.header") + "\n" + "\n".join(lines))]


def can_take(facts: Facts, tr: Translator, today: date, product: str | None) -> list[Reply]:
    """What the record says about a product: conflicts, duplicates, or nothing found."""
    if not product:
        return [Text(text=tr("cantake.which"))]
    current = [m for m in facts.medications if is_current(m, today)]
    result = safety.assess(product, facts.allergies, current)
    lines: list[str] = []
    for conflict in result.conflicts:
        key = drugs.class_key(conflict.class_prefix) if conflict.class_prefix else None
        lines.append(
            bullet(
                tr(
                    "cantake.allergy_class" if key else "cantake.allergy",
                    product=product,
                    allergy=conflict.allergy.substance,
                    klass=tr(f"class.{key}") if key else "",
                    source=cite(conflict.allergy, facts, tr),
                )
            )
        )
    for dup in result.duplicates:
        lines.append(
            bullet(
                tr(
                    "cantake.duplicate",
                    product=product,
                    substance=dup.substance,
                    existing=med_label(dup.existing),
                    source=cite(dup.existing, facts, tr),
                )
            )
        )
    if lines:
        text = tr("cantake.caution", product=product) + "\n" + "\n".join(lines)
        return [Text(text=text + "\n" + tr("cantake.ask_professional"))]
    checked = tr("cantake.checked", allergies=len(facts.allergies), treatments=len(current))
    if not result.substances:
        return [
            Text(
                text=tr("cantake.unknown_product", product=product)
                + "\n"
                + checked
                + "\n"
                + tr("cantake.ask_professional")
            )
        ]
    return [
        Text(
            text=tr("cantake.nothing_found", product=product)
            + "\n"
            + checked
            + "\n"
            + tr("cantake.not_a_verdict")
        )
    ]
