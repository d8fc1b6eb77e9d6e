"""Tailored resume and cover letter for a vacancy, from the user's master resume (their profile).

* :mod:`.model` — the profile (master resume) and the structured answer a provider returns;
* :mod:`.importer` — a profile from pasted text or an uploaded DOCX;
* :mod:`.prompt` — the GigaChat prompt and robust parsing of its JSON answer;
* :mod:`.providers` — GigaChat through the SDK, and the deterministic offline template;
* :mod:`.truth` — the truthfulness check (no AI): nothing the profile does not support survives;
* :mod:`.render` — DOCX files (python-docx) and their file names;
* :mod:`.store` — profiles, encrypted keys and generations in PostgreSQL;
* :mod:`.service` — one generation from start to stored result, run in a background thread.

Nothing here imports ``etl``; the web pages are ``webapp.pages.profile`` and ``webapp.pages.documents``.
"""
