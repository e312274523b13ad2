"""Use cases without Qt, each in one place, between `ui`/`commands` and `core`/`storage`.

In the style of Anki's Qt-free operations: a service does the work and returns a value saying
what changed; the window or the command only reacts to it (shows it, prints it)."""
