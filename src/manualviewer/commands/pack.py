"""`manualviewer pack`: build, sign and verify content packs (IT), and sync, list and roll
back the packs installed on this desktop. docs/content-packs.md is the guide."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from manualviewer.commands.common import CommandStop, print_json, run_action

PROG = "manualviewer pack"


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "pack", help="build, verify and sync content packs",
        description="Content packs: publish the manuals once (build, sign), install them on every desktop (sync).")
    actions = parser.add_subparsers(dest="pack_action", metavar="ACTION")

    build = actions.add_parser("build", help="build a versioned pack from content folders")
    build.add_argument("content", nargs="+", type=Path, metavar="CONTENT", help="content folder(s) to pack")
    build.add_argument("--out", type=Path, required=True, metavar="DIR",
                       help="the pack folder (an earlier pack there is replaced as a whole)")
    build.add_argument("--name", required=True, help="the pack's name (letters, digits, . _ -)")
    build.add_argument("--version", required=True, help="the pack's version, e.g. 2026.12.1")
    build.add_argument("--sign", type=Path, metavar="KEY", help="sign with this Ed25519 private key (PEM)")
    build.add_argument("--json", action="store_true", help="print the summary as JSON")

    keygen = actions.add_parser("keygen", help="make an Ed25519 key pair for signing packs")
    keygen.add_argument("--out", type=Path, required=True, metavar="KEY",
                        help="private key file to write (0600); the public key goes to KEY.pub")

    verify = actions.add_parser("verify", help="check a pack folder against its manifest and signature")
    verify.add_argument("folder", type=Path, metavar="DIR")
    verify.add_argument("--public-key", metavar="KEY",
                        help="public key (base64 or a .pub file); default: the settings'")

    sync = actions.add_parser("sync", help="install or update packs from their sources")
    sync.add_argument("sources", nargs="*", metavar="SOURCE", help="http(s) URL or folder; default: the settings'")
    sync.add_argument("--public-key", metavar="KEY", help="public key (base64 or a .pub file); default: the settings'")
    sync.add_argument("--json", action="store_true", help="print the results as JSON")

    rollback = actions.add_parser("rollback", help="go back to the previous version of an installed pack")
    rollback.add_argument("name", help="the pack's name")

    listing = actions.add_parser("list", help="the packs installed on this desktop")
    listing.add_argument("--json", action="store_true")

    parser.set_defaults(func=lambda args: run_action(args, args.pack_action, parser, PROG, {
        "build": _build, "keygen": _keygen, "verify": _verify, "sync": _sync,
        "rollback": _rollback, "list": _list}))


def _public_key(args: argparse.Namespace) -> str | None:
    given: str | None = getattr(args, "public_key", None)
    if given is None:
        from manualviewer.core.settings import SettingsError
        from manualviewer.services.pack_sync import configured_pack_settings

        try:
            return configured_pack_settings()[1]
        except SettingsError as exc:
            raise CommandStop(2, str(exc)) from None
    path = Path(given).expanduser()
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    return given


def _build(args: argparse.Namespace) -> int:
    from manualviewer.core.packs.signing import SigningKeyError
    from manualviewer.services.pack_build import PackError, build_pack

    key = None
    if args.sign is not None:
        try:
            key = args.sign.read_bytes()
        except OSError as exc:
            raise CommandStop(2, f"cannot read the signing key {args.sign}: {exc.strerror}") from None
    try:
        result = build_pack(list(args.content), args.out, name=args.name, version=args.version, key_pem=key)
    except (PackError, SigningKeyError) as exc:
        raise CommandStop(1, str(exc)) from None
    if args.json:
        print_json(result.summary())
    else:
        s = result.summary()
        print(f"Built {s['name']} {s['version']} in {result.out}: {s['sections']} sections, {s['files']} files, "
              f"{s['bytes']} bytes, {'signed' if s['signed'] else 'not signed'}.")
    return 0


def _keygen(args: argparse.Namespace) -> int:
    from manualviewer.core.packs.signing import generate

    out: Path = args.out
    pub = out.with_name(out.name + ".pub")
    if out.exists() or pub.exists():
        raise CommandStop(1, f"{out} or {pub} exists already: not overwriting a key")
    out.parent.mkdir(parents=True, exist_ok=True)
    pem, public = generate()
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    pub.write_text(public + "\n", encoding="ascii")
    print(f"Private key: {out} (keep it offline, readable only by you)")
    print(f"Public key:  {pub}: {public}")
    print("Give desktops the public key as pack_public_key in the organisation's settings.")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from manualviewer.core.packs.signing import SigningKeyError
    from manualviewer.services.pack_build import PackError, verify_pack

    try:
        verified = verify_pack(args.folder, _public_key(args))
    except (PackError, SigningKeyError) as exc:
        print(f"{PROG}: {args.folder}: {exc}", file=sys.stderr)
        return 1
    m = verified.manifest
    signature = ("signature verified" if verified.signature_checked
                 else "signed, signature not checked (no public key)" if verified.signed else "not signed")
    print(f"{m.name} {m.version}: {len(m.files)} files, {m.total_bytes} bytes, all match pack.json; {signature}.")
    return 0


def _sync(args: argparse.Namespace) -> int:
    from manualviewer.core.packs.signing import SigningKeyError, load_public_key
    from manualviewer.core.settings import SettingsError
    from manualviewer.services.pack_sync import configured_pack_settings, sync

    key = _public_key(args)
    if key is not None:
        try:
            load_public_key(key)
        except SigningKeyError as exc:
            raise CommandStop(2, str(exc)) from None
    sources = list(args.sources)
    if not sources:
        try:
            sources = list(configured_pack_settings()[0])
        except SettingsError as exc:
            raise CommandStop(2, str(exc)) from None
        if not sources:
            raise CommandStop(2, "no pack sources: name one, or set content_sources in the settings")
    results = sync(sources, public_key=key)
    if args.json:
        print_json([r.to_json() for r in results])
    else:
        for r in results:
            print(f"{r.source}: {r.status}: {r.message}")
    return 1 if any(r.status == "failed" for r in results) else 0


def _rollback(args: argparse.Namespace) -> int:
    from manualviewer.services.pack_sync import rollback

    pack = rollback(args.name)
    if pack is None:
        raise CommandStop(1, f"{args.name} has no previous version installed")
    print(f"{pack.name} is back to version {pack.version}.")
    return 0


def _list(args: argparse.Namespace) -> int:
    from manualviewer.storage.installed_packs import installed

    packs = installed()
    if args.json:
        print_json([{"name": p.name, "version": p.version, "verified": p.verified, "folder": str(p.folder)}
                    for p in packs])
    else:
        for p in packs:
            print(f"{p.name} {p.version}{' (signature verified)' if p.verified else ''}  {p.folder}")
        if not packs:
            print("No packs installed.")
    return 0
