"""A throwaway redis-server on 127.0.0.1 (no persistence), for the tests and the benches."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager


class RedisAbsent(Exception):
    pass


@contextmanager
def serveur(delai: float = 20):
    """Starts redis-server on a free port, yields its URL (``redis://127.0.0.1:port/0``), then
    stops it and removes its folder."""
    if shutil.which("redis-server") is None:
        raise RedisAbsent("redis-server absent : make install l'installe")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="inspe-redis-") as dossier:
        processus = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                      "--save", "", "--appendonly", "no", "--dir", dossier],
                                     stdout=subprocess.DEVNULL)
        try:
            fin = time.monotonic() + delai
            while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
                if processus.poll() is not None or time.monotonic() > fin:
                    raise RuntimeError("redis-server n'a pas démarré")
                time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            processus.terminate()
            processus.wait()
