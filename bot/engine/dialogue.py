"""The declared dialogue state table: which step accepts which event and where it leads.

The engine is a small state machine whose state (``DialogueState.step``) lives in the store, so a
restart or a second instance continues where the user was. ``TRANSITIONS`` is the table the
handlers implement; ``tests/bot/test_dialogue.py`` checks it is consistent and complete, and
``diagram()`` renders it (Mermaid) for the documentation.
"""

from __future__ import annotations

from enum import StrEnum


class Step(StrEnum):
    """Named dialogue steps."""

    IDLE = "idle"
    BIRTH_YEAR = "onb_birth_year"
    SEX = "onb_sex"
    TIMEZONE = "onb_timezone"
    HOURS = "onb_hours"
    ASK_TIMEZONE = "ask_timezone"
    ASK_HOURS = "ask_hours"
    CONFIRM_DOCUMENT = "confirm_document"
    CORRECT_DOCUMENT = "correct_document"
    CONFIRM_STATEMENT = "confirm_statement"
    CONFIRM_ERASE = "confirm_erase"


class On(StrEnum):
    """Kinds of events as the table sees them."""

    TEXT = "text"
    BUTTON = "button"
    COMMAND = "command"
    FILE = "file"


ONBOARDING = (Step.BIRTH_YEAR, Step.SEX, Step.TIMEZONE, Step.HOURS)

TRANSITIONS: dict[tuple[Step, On], tuple[Step, ...]] = {
    (Step.IDLE, On.TEXT): (Step.IDLE, Step.CONFIRM_STATEMENT),
    (Step.IDLE, On.COMMAND): (
        Step.IDLE,
        Step.CONFIRM_ERASE,
        Step.ASK_TIMEZONE,
        Step.ASK_HOURS,
        Step.BIRTH_YEAR,
    ),
    (Step.IDLE, On.FILE): (Step.CONFIRM_DOCUMENT, Step.IDLE),
    (Step.IDLE, On.BUTTON): (Step.IDLE, Step.BIRTH_YEAR),
    (Step.BIRTH_YEAR, On.TEXT): (Step.SEX, Step.BIRTH_YEAR),
    (Step.BIRTH_YEAR, On.BUTTON): (Step.SEX,),
    (Step.SEX, On.BUTTON): (Step.TIMEZONE,),
    (Step.SEX, On.TEXT): (Step.TIMEZONE, Step.SEX),
    (Step.TIMEZONE, On.BUTTON): (Step.HOURS, Step.TIMEZONE),
    (Step.TIMEZONE, On.TEXT): (Step.HOURS, Step.TIMEZONE),
    (Step.HOURS, On.BUTTON): (Step.IDLE,),
    (Step.HOURS, On.TEXT): (Step.IDLE, Step.HOURS),
    (Step.ASK_TIMEZONE, On.TEXT): (Step.IDLE, Step.ASK_TIMEZONE),
    (Step.ASK_TIMEZONE, On.BUTTON): (Step.IDLE,),
    (Step.ASK_HOURS, On.TEXT): (Step.IDLE, Step.ASK_HOURS),
    (Step.ASK_HOURS, On.BUTTON): (Step.IDLE,),
    (Step.CONFIRM_DOCUMENT, On.BUTTON): (Step.IDLE, Step.CORRECT_DOCUMENT),
    (Step.CONFIRM_DOCUMENT, On.TEXT): (Step.CONFIRM_DOCUMENT, Step.CONFIRM_STATEMENT),
    (Step.CONFIRM_DOCUMENT, On.FILE): (Step.CONFIRM_DOCUMENT, Step.IDLE),
    (Step.CORRECT_DOCUMENT, On.TEXT): (Step.CONFIRM_DOCUMENT, Step.CORRECT_DOCUMENT),
    (Step.CORRECT_DOCUMENT, On.BUTTON): (Step.IDLE, Step.CORRECT_DOCUMENT),
    (Step.CONFIRM_STATEMENT, On.BUTTON): (Step.IDLE,),
    (Step.CONFIRM_STATEMENT, On.TEXT): (Step.IDLE, Step.CONFIRM_STATEMENT),
    (Step.CONFIRM_ERASE, On.BUTTON): (Step.IDLE,),
    (Step.CONFIRM_ERASE, On.TEXT): (Step.IDLE,),
}
"""(step, event kind) -> the steps a handler may move to. Commands are accepted in every step."""


def diagram() -> str:
    """The state table as a Mermaid state diagram."""
    lines = ["stateDiagram-v2"]
    for (step, on), targets in TRANSITIONS.items():
        lines.extend(f"    {step.value} --> {target.value}: {on.value}" for target in targets)
    return "\n".join(lines)


def step_of(name: str) -> Step:
    """The Step named ``name`` (idle for an unknown or outdated name)."""
    try:
        return Step(name)
    except ValueError:
        return Step.IDLE
