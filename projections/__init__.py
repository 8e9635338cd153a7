"""Read models: SQL tables built from the event log, each with its tracked position."""
