"""A real HTTP server process on loopback for the content-pack tests: serves a folder with
ETags (If-None-Match -> 304) and can drop the connection in the middle of a file.

Run as `python -m tests.helpers.pack_server FOLDER LOG`: prints its port on the first line.
Each request is appended to LOG as "METHOD PATH STATUS". A file FOLDER/.drop naming a path
makes the server send that file's headers (full Content-Length) and half its body, then close."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote


class Handler(BaseHTTPRequestHandler):
    root: Path
    log: Path

    def do_GET(self) -> None:
        relative = unquote(self.path.split("?", 1)[0]).lstrip("/")
        target = (self.root / relative).resolve()
        if not target.is_relative_to(self.root.resolve()) or not target.is_file():
            self._status(404)
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = target.read_bytes()
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self._status(304)
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        drop = self.root / ".drop"
        cut = drop.is_file() and drop.read_text().strip() == relative
        self._status(200)
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(data[: len(data) // 2] if cut else data)
        if cut:
            self.wfile.flush()
            self.close_connection = True

    def _status(self, code: int) -> None:
        with self.log.open("a") as handle:
            handle.write(f"GET /{unquote(self.path).lstrip('/')} {code}\n")

    def log_message(self, format: str, *args: object) -> None:
        pass  # the LOG file is the record


@dataclass
class PackServer:
    url: str
    root: Path
    log: Path
    process: subprocess.Popen[str]

    def requests(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []

    def drop_in_middle_of(self, path: str) -> None:
        (self.root / ".drop").write_text(path)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@contextmanager
def serve(root: Path, log: Path) -> Iterator[PackServer]:
    process = subprocess.Popen([sys.executable, "-m", "tests.helpers.pack_server", str(root), str(log)],
                               stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2])
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield PackServer(f"http://127.0.0.1:{port}/", root, log, process)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def main() -> None:
    Handler.root = Path(sys.argv[1])
    Handler.log = Path(sys.argv[2])
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
