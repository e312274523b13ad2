"""Icons and other resources (installed as manualviewer.resources)."""
