"""What changed between two versions of a library, and how a section's text changed: pure values
and functions, no storage (storage/versions.py keeps the versions a user has seen)."""
