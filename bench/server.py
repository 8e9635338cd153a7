"""A ``dealtrail serve`` subprocess for the benchmarks that talk HTTP: started on a free
port with a clean ``DEALTRAIL_*`` environment, its output in ``<home>/serve.log``,
answered once ``/health`` does, and stopped (SIGTERM, then SIGKILL after 15 s)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

DEALTRAIL = Path(sys.executable).with_name("dealtrail")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(home: Path, env: dict[str, str], command: Callable[[int], list[str]],
            ready_within: float = 60) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """``command(port)`` run in ``home`` with ``env`` added; yields (port, process)."""
    port = free_port()
    full = {k: v for k, v in os.environ.items() if not k.startswith("DEALTRAIL_")} | env
    with (home / "serve.log").open("w") as log:
        process = subprocess.Popen(command(port), cwd=home, env=full, stdout=log,
                                   stderr=subprocess.STDOUT)
        try:
            wait_healthy(port, process, home / "serve.log", ready_within)
            yield port, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_healthy(port: int, process: subprocess.Popen[bytes], log: Path,
                 seconds: float) -> None:
    """A raw HTTP/1.1 request, so that no client library's start-up is measured."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"serve exited with {process.returncode}: {log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET /health HTTP/1.1\r\nHost: bench\r\n\r\n")
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"serve did not answer /health within {seconds:.0f} s")
