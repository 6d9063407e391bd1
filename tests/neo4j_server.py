"""A real Neo4j 5 Community server for the tests, started from tools/neo4j without Docker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "tools" / "neo4j" / "run.sh"
PASSWORD = "paperkg-test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalNeo4j:
    """One server process on a fixed loopback port and data folder, so it can be restarted.

    The server watches its stdin: if the test process dies, the pipe closes and it stops.
    """

    def __init__(self, workdir: Path, password: str = PASSWORD, *, http: bool = False) -> None:
        self.workdir = workdir
        self.password = password
        self.port = free_port()
        self.uri = f"bolt://127.0.0.1:{self.port}"
        #: With ``http``, the server also serves Neo4j Browser at ``browser_url``.
        self.http_port = free_port() if http else None
        self.browser_url = f"http://127.0.0.1:{self.http_port}/browser/" if http else None
        self.process: subprocess.Popen[bytes] | None = None
        self.log = workdir / "neo4j.log"

    def start(self, timeout: float = 900) -> None:
        """Start and wait for the ready line; the first run also builds the launcher (Maven)."""
        uri_file = self.workdir / "uri"
        uri_file.unlink(missing_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(RUN),
                    "--bolt-port",
                    str(self.port),
                    "--data",
                    str(self.workdir / "data"),
                    "--password",
                    self.password,
                    "--uri-file",
                    str(uri_file),
                    *(["--http-port", str(self.http_port)] if self.http_port else []),
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not uri_file.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = self.log.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"Neo4j did not start (see {self.log}):\n{tail}")
            time.sleep(0.2)

    def _signal(self, sig: int, wait: float) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, sig)
        try:
            self.process.wait(wait)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)

    def stop(self) -> None:
        """SIGTERM: a clean shutdown."""
        self._signal(signal.SIGTERM, 60)

    def kill(self) -> None:
        """SIGKILL: the server dies mid-whatever, as on a crash."""
        self._signal(signal.SIGKILL, 30)
