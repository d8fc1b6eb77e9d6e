"""Telegram: tell each user what is new, and let them triage it from the chat.

* :mod:`etl.telegram.messages` — pure formatting: the message text, its buttons, the CSV, the
  application reminders' texts;
* :mod:`etl.telegram.outbox` — the outbox in the database (enqueue, pending, sent, deliveries);
* :mod:`etl.telegram.sender` — delivery through the Bot API (``notify_job``, ``deliver_pending``);
* :mod:`etl.telegram.reminders` — application reminders (next steps, follow-ups), each sent once
  (``due_reminders``, ``deliver_reminders``);
* :mod:`etl.telegram.bot` — the long-polling bot: ``/start <token>``, ``/stop``, ``/status``, buttons;
* :mod:`etl.telegram.redact` — keeps the bot token out of every log record.
"""
