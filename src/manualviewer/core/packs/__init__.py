"""Content packs: the manifest (`pack.json`), safe paths inside a pack, file hashes and
Ed25519 signatures. Pure: building, syncing and installing packs are in services/ and storage/."""
