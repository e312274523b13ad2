"""One app per user: `manualviewer open ID` hands the ID to the running window over a local socket."""

from __future__ import annotations

import getpass
import hashlib
import os

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

TIMEOUT_MS = 1000


def server_name() -> str:
    # Per user and per data folder, so tests (own XDG folders) never talk to a real running app.
    where = os.environ.get("XDG_DATA_HOME", "")
    digest = hashlib.sha256(f"{getpass.getuser()}:{where}".encode()).hexdigest()[:12]
    return f"manualviewer-{digest}"


def send_to_running(message: str, name: str | None = None) -> bool:
    """True when a running app took the message."""
    socket = QLocalSocket()
    socket.connectToServer(name or server_name())
    if not socket.waitForConnected(TIMEOUT_MS):
        return False
    data = (message + "\n").encode("utf-8")
    if socket.write(data) != len(data):
        return False
    while socket.bytesToWrite() > 0:
        if not socket.waitForBytesWritten(TIMEOUT_MS):
            return False
    # The server answers "ok" once it has acted; a running app that is busy may answer late,
    # but the message is in its hands either way.
    socket.waitForReadyRead(TIMEOUT_MS)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for messages from later `manualviewer` processes: "open ID" or "show"."""

    message_received = Signal(str)

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)

    def listen(self) -> bool:
        if self._server.listen(self.name):
            return True
        # A stale socket file from a crashed app: nobody answers, so take it over.
        QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    def close(self) -> None:
        self._server.close()

    def _on_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)  # one short message each: free it after

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            line = bytes(socket.readLine().data()).decode("utf-8", "replace").strip()
            if line:
                self.message_received.emit(line)
                socket.write(b"ok\n")
                socket.flush()
