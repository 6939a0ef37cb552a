"""Reminders: when a step's holder is escalated to the supervisor, when units are told the figures
are due, and how often the worker looks (docs/reminders.md)."""

from .env import envint

# A step still overdue this many working days after its deadline is escalated to the holder's supervisor.
REMINDER_ESCALATE_AFTER_DAYS = envint("REMINDER_ESCALATE_AFTER_DAYS", 2)
# The units that have not handed in a quarter's figures are reminded this many working days before
# the agency's deadline (Agency.figures_due_days working days after the quarter ends).
REMINDER_FIGURES_BEFORE_DAYS = envint("REMINDER_FIGURES_BEFORE_DAYS", 3)
# `manage.py worker` runs `send_reminders` every this many seconds (0: never; run it from a timer instead).
REMINDER_INTERVAL = envint("REMINDER_INTERVAL", 900)
