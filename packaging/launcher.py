"""The packaged app's entry point (PyInstaller runs this script): the same `manualviewer` command
as `pip install` gives, with the desktop app as its default."""

from manualviewer.cli import main

raise SystemExit(main())
