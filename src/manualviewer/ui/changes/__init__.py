"""What changed in the guidance: the "What changed" window (sections added, changed and removed
per manual, with the manuals' change notes), the pages of a section's word diff for the section
view's changes mode, and marking each section shown as read. Over `services.changes`."""
