"""The bundled guidance library (installed as manualviewer.bundled); see README.md here."""
