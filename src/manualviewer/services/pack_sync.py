"""`pack sync` and `pack rollback`: bring this desktop's installed packs up to date from their
sources (intranet http(s) URLs or shared folders), safely.

For each source: fetch pack.json (If-None-Match with the ETag of the last fetch: a 304 costs
one small request), check its signature when the organisation configured a public key, then
stage the new version beside the installed ones (services/pack_stage.py): files whose SHA-256
is unchanged are linked from the version in use, the others downloaded (from the pack's
archive when many are missing, as on a first install), each checked for size and hash.
Only a complete, checked version is switched to (one atomic state write); on any failure the
staging folder is removed and the version in use stays, with one plain sentence saying why.

HTTP is the standard library's urllib: proxies from the usual environment variables
(http_proxy, https_proxy, no_proxy, as every intranet tool reads them) and, for https, a
`truststore` SSL context, which verifies against the operating system's certificate store
(Windows, macOS keychain, Linux CA bundle): that is where an organisation installs its own
root certificate. No other HTTP stack is needed for GET with two headers."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import http.client
import os
import shutil
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from manualviewer import __version__
from manualviewer.core.packs.hashing import BLOCK
from manualviewer.core.packs.manifest import MANIFEST_FILE, SIGNATURE_FILE, Manifest, version_tuple
from manualviewer.core.packs.paths import PackPathError, inside
from manualviewer.services.pack_build import PackError, read_signed_manifest
from manualviewer.services.pack_stage import Stager
from manualviewer.storage import installed_packs

Status = Literal["updated", "unchanged", "failed"]
TIMEOUT = 30.0


@dataclass(frozen=True)
class SyncResult:
    source: str
    name: str | None
    version: str | None
    status: Status
    files_downloaded: int
    bytes_downloaded: int
    message: str

    def to_json(self) -> dict[str, object]:
        """One entry of `pack sync --json`, exactly these keys."""
        return {"source": self.source, "name": self.name, "version": self.version, "status": self.status,
                "files_downloaded": self.files_downloaded, "bytes_downloaded": self.bytes_downloaded,
                "message": self.message}


def configured_pack_settings() -> tuple[tuple[str, ...], str | None]:
    """(content_sources, pack_public_key) from the effective settings (the organisation's file
    usually sets both). A broken user file does not stop the sync: the organisation's values
    and the defaults are used, as the app does everywhere else."""
    from manualviewer.storage.settings_file import load_layered

    settings = load_layered().settings
    return settings.content_sources, settings.pack_public_key or None


def sync_configured(root: Path | None = None) -> list[SyncResult]:
    """Sync every configured source (the app's background sync, at start and every few minutes)."""
    sources, key = configured_pack_settings()
    return sync(list(sources), public_key=key, root=root)


KEEP_SENTENCE = " The version in use stays."


def failure_sentence(results: list[SyncResult], root: Path | None = None) -> str:
    """One plain sentence for the status bar about the sources that failed ("" when none did):
    what stays in use and why, e.g. "Guidance not updated (org-guidance 1.0 stays in use):
    could not reach http://intranet/packs/org/ (Connection refused)."."""
    failed = [r for r in results if r.status == "failed"]
    if not failed:
        return ""
    first = failed[0]
    reason = first.message.removesuffix(KEEP_SENTENCE).rstrip(".")
    reason = reason[:1].lower() + reason[1:] if reason[:2] != reason[:2].upper() else reason
    current = installed_packs.get(first.name, root) if first.name else None
    kept = f" ({current.name} {current.version} stays in use)" if current is not None else ""
    more = len(failed) - 1
    others = f"; {more} more source{'s' if more != 1 else ''} also failed" if more else ""
    return f"Guidance not updated{kept}: {reason}{others}."


def installed_versions(root: Path | None = None) -> list[tuple[str, str, bool]]:
    """(name, version, signature verified) of every installed pack's current version."""
    return [(p.name, p.version, p.verified) for p in installed_packs.installed(root)]


# --- where a pack comes from -------------------------------------------------------------
class PackSource(Protocol):
    def manifest(self, etag: str | None) -> tuple[bytes | None, str]:
        """(pack.json bytes, ETag); bytes None when unchanged since `etag`."""
        ...

    def signature(self) -> bytes | None: ...

    def chunks(self, path: str) -> Iterator[bytes]: ...


class FolderSource:
    """A pack folder on a file share (or any mounted path)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def manifest(self, etag: str | None) -> tuple[bytes | None, str]:
        try:
            return (self.folder / MANIFEST_FILE).read_bytes(), ""
        except OSError as exc:
            raise PackError(f"Could not read {self.folder / MANIFEST_FILE} ({exc.strerror or exc}).") from None

    def signature(self) -> bytes | None:
        path = self.folder / SIGNATURE_FILE
        return path.read_bytes() if path.is_file() else None

    def chunks(self, path: str) -> Iterator[bytes]:
        with inside(self.folder, path).open("rb") as handle:
            while block := handle.read(BLOCK):
                yield block


def _ssl_context() -> ssl.SSLContext:
    try:
        import truststore

        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    except ImportError:  # pragma: no cover - truststore is a dependency; the stdlib default then
        return ssl.create_default_context()


class HttpSource:
    """A pack published on a web server: `url` is the pack's folder (or its pack.json)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.base = url[: -len(MANIFEST_FILE)] if url.endswith("/" + MANIFEST_FILE) else url.rstrip("/") + "/"
        # ProxyHandler() with no argument reads the *_proxy environment variables.
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler(),
                                                  urllib.request.HTTPSHandler(context=_ssl_context()))

    def _get(self, relative: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
        url = self.base + urllib.parse.quote(relative)
        request = urllib.request.Request(url, headers={"User-Agent": f"manualviewer/{__version__}", **(headers or {})})
        response: http.client.HTTPResponse = self.opener.open(request, timeout=TIMEOUT)
        return response

    def manifest(self, etag: str | None) -> tuple[bytes | None, str]:
        try:
            with self._get(MANIFEST_FILE, {"If-None-Match": etag} if etag else None) as response:
                return response.read(), response.headers.get("ETag", "")
        except urllib.error.HTTPError as exc:
            if exc.code == 304 and etag:
                return None, etag
            raise PackError(f"The server answered {exc.code} {exc.reason} for {self.base}{MANIFEST_FILE}.") from None

    def signature(self) -> bytes | None:
        try:
            with self._get(SIGNATURE_FILE) as response:
                data: bytes = response.read()
                return data
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise PackError(f"The server answered {exc.code} {exc.reason} for {self.base}{SIGNATURE_FILE}.") from None

    def chunks(self, path: str) -> Iterator[bytes]:
        try:
            with self._get(path) as response:
                while block := response.read(BLOCK):
                    yield block
        except urllib.error.HTTPError as exc:
            raise PackError(f"The server answered {exc.code} {exc.reason} for {self.base}{path}.") from None


def open_source(source: str) -> PackSource:
    if source.startswith(("http://", "https://")):
        return HttpSource(source)
    if "://" in source:
        raise PackError(f"{source} is neither an http(s) address nor a folder.")
    return FolderSource(Path(source).expanduser())


# --- sync ------------------------------------------------------------------------------
def sync(sources: list[str], *, public_key: str | None, root: Path | None = None) -> list[SyncResult]:
    return [sync_source(source, public_key=public_key, root=root) for source in sources]


def sync_source(source: str, *, public_key: str | None, root: Path | None = None) -> SyncResult:
    remembered = installed_packs.source_state(root).get(source, {})
    name: str | None = remembered.get("name")
    version: str | None = None
    counts = [0, 0]
    try:
        origin = open_source(source)
        known = installed_packs.get(name, root) if name else None
        data, etag = origin.manifest(remembered.get("etag") if known else None)
        if data is None and known is not None:
            return SyncResult(source, known.name, known.version, "unchanged", 0, 0,
                              f"{known.name} {known.version} is up to date (not modified).")
        if data is None:  # pragma: no cover - a 304 is only asked for with a pack installed
            raise PackError("The server said the pack was not modified, but none is installed.")
        # Fetched once: the signature stored is the one checked.
        signature = origin.signature() if public_key else None
        manifest, checked = read_signed_manifest(data, signature, public_key)
        name, version = manifest.name, manifest.version
        if version_tuple(manifest.min_app_version) > version_tuple(__version__):
            raise PackError(f"{name} {version} needs manualviewer {manifest.min_app_version} or later "
                            f"(this is {__version__}).")
        current = installed_packs.get(name, root)
        if current is not None and _same_manifest(current.folder, data) and current.verified == checked:
            installed_packs.remember_source(source, etag, name, root)
            return SyncResult(source, name, version, "unchanged", 0, 0, f"{name} {version} is up to date.")
        label = f"{version}-{hashlib.sha256(data).hexdigest()[:12]}"
        final = installed_packs.new_version_dir(name, label, root)
        staging = final.with_name(f".staging-{os.getpid()}-{os.urandom(4).hex()}")
        staging.mkdir()
        try:
            stager = Stager(origin, manifest, staging)
            try:
                stager.stage(current.folder if current is not None else None,
                             _installed_manifest(current) if current is not None else None)
            finally:
                counts[:] = [stager.files_downloaded, stager.bytes_downloaded]
            (staging / MANIFEST_FILE).write_bytes(data)
            if checked and signature is not None:
                (staging / SIGNATURE_FILE).write_bytes(signature)
            if checked:
                (staging / installed_packs.VERIFIED_MARKER).write_text("signature verified\n", encoding="ascii")
            if final.exists() and (current is None or final != current.folder):
                shutil.rmtree(final)
            if final.exists():  # the very version in use, re-checked: swap folders by name
                old = final.with_name(f".old-{os.urandom(4).hex()}")
                os.replace(final, old)
                os.replace(staging, final)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(staging, final)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        installed_packs.switch(name, final, root)
        _manifest_cache[final] = manifest  # the next sync compares with it (the app syncs every few minutes)
        installed_packs.remember_source(source, etag, name, root)
        return SyncResult(source, name, version, "updated", counts[0], counts[1],
                          f"{name} updated to {version}: {counts[0]} file(s) downloaded"
                          f"{', signature verified' if checked else ''}.")
    except Exception as exc:
        return SyncResult(source, name, version, "failed", counts[0], counts[1], _plain(exc, source, name, root))


def _same_manifest(folder: Path, data: bytes) -> bool:
    try:
        return (folder / MANIFEST_FILE).read_bytes() == data
    except OSError:
        return False


_manifest_cache: dict[Path, Manifest] = {}


def _installed_manifest(pack: installed_packs.InstalledPack) -> Manifest | None:
    from manualviewer.core.packs.manifest import ManifestError, parse_manifest

    if pack.folder not in _manifest_cache:
        try:
            _manifest_cache[pack.folder] = parse_manifest((pack.folder / MANIFEST_FILE).read_bytes())
        except (OSError, ManifestError):
            return None
    return _manifest_cache[pack.folder]


def _plain(exc: Exception, source: str, name: str | None, root: Path | None) -> str:
    keep = KEEP_SENTENCE if name and installed_packs_has(name, root) else ""
    if isinstance(exc, PackError):
        return f"{exc}{keep}"
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        # "Connection refused", not "[Errno 111] Connection refused": the sentence is for the user.
        why = reason.strerror if isinstance(reason, OSError) and reason.strerror else reason
        return f"Could not reach {source} ({why}).{keep}"
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return f"The disk is full: the new version could not be stored.{keep}"
    if isinstance(exc, PackPathError):
        return f"pack.json names a file outside the pack ({exc}).{keep}"
    if isinstance(exc, (ConnectionError, TimeoutError, http.client.HTTPException)):
        return f"The connection to {source} failed ({type(exc).__name__}).{keep}"
    if isinstance(exc, OSError):
        return f"Could not read or write the pack ({exc.strerror or exc}).{keep}"
    return f"The pack could not be used ({type(exc).__name__}: {exc}).{keep}"


def installed_packs_has(name: str, root: Path | None = None) -> bool:
    with contextlib.suppress(Exception):
        return installed_packs.get(name, root) is not None
    return False


def rollback(name: str, root: Path | None = None) -> installed_packs.InstalledPack | None:
    return installed_packs.rollback(name, root)
