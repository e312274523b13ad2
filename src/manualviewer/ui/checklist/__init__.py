"""Guided checklists in the main window: the controller (a thin adapter over
services.checklist_session), its installer, the Checklist panel, the note and escalation dialogs, and
the Notes and Escalations panels."""
