"""Reminders: calendar rules, planner, dispatcher."""
