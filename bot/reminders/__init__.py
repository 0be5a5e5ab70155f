"""Reminders: the prevention calendar, the planner, the dispatcher and what users answer.

The engine uses ``sync`` (medications → reminders), ``sync_preventions``, ``schedule_follow_up``,
``handle_button`` (buttons whose data starts with ``rem:``), ``pause_reminders`` /
``resume_reminders`` and ``weekly_adherence``; ``bot.tg.jobs`` runs ``Dispatcher.tick``.
"""

from bot.reminders.actions import (
    AdherenceLine,
    adherence,
    adherence_text,
    answer_occurrence,
    handle_button,
    pause_reminders,
    resume_reminders,
    weekly_adherence,
)
from bot.reminders.calendar import DueItem, DueStatus, due_preventions, due_vaccinations
from bot.reminders.dispatcher import Dispatcher, Sender, TickReport
from bot.reminders.messages import CALLBACK_PREFIX, parse_callback
from bot.reminders.planner import Plan, plan_follow_up, plan_medication, sync
from bot.reminders.prevention import schedule_follow_up, sync_preventions

__all__ = [
    "CALLBACK_PREFIX",
    "AdherenceLine",
    "Dispatcher",
    "DueItem",
    "DueStatus",
    "Plan",
    "Sender",
    "TickReport",
    "adherence",
    "adherence_text",
    "answer_occurrence",
    "due_preventions",
    "due_vaccinations",
    "handle_button",
    "parse_callback",
    "pause_reminders",
    "plan_follow_up",
    "plan_medication",
    "resume_reminders",
    "schedule_follow_up",
    "sync",
    "sync_preventions",
    "weekly_adherence",
]
