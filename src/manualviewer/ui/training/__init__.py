"""Training: scenarios for new staff, run on a copy of the stores (picker, training panel,
debrief, presenter and the records of attempts)."""
