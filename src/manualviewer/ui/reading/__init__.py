"""Reading: the main window and its pieces (tabs of sections, find in page, search, contents,
bookmarks and recent sections)."""
