"""An Elasticsearch endpoint for the tests: ``ELASTICSEARCH_URL`` when set (a real
cluster), else a ``noida-db`` server (PyPI) started here, which speaks the
Elasticsearch REST API. The tests talk to it over HTTP with the official client."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class NoidaServer:
    """A noida-db process serving only its Elasticsearch API; can be stopped and
    started again on the same port and data (for outage tests)."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.data = Path(tempfile.mkdtemp(prefix="raabta-noida-"))
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                _binary(),
                "start",
                "--data-dir",
                str(self.data),
                "--only",
                "elasticsearch",
                "--elasticsearch-port",
                str(self.port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url, timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"noida-db did not answer on {self.url}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.data, ignore_errors=True)


def _binary() -> str:
    """The server binary itself (the package's console script is a wrapper that would
    outlive a terminate(), leaving the server running)."""
    from importlib.resources import files

    binary = Path(str(files("noida_db").joinpath("noida-db")))
    binary.chmod(0o755)
    return str(binary)


def external_url() -> str | None:
    return os.environ.get("ELASTICSEARCH_URL") or None
