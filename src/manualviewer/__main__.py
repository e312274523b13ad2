from manualviewer.cli import main

raise SystemExit(main())
