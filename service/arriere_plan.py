"""The programs the service runs beside itself (LibreOffice, poppler), at a lower priority.

When the cores are busy, a page view is served first and these programs take the
rest. Under load (bench/web.py, 20 people on 2 cores) the pages' p95 fell from
about 370 to under 210 ms, and more documents were made, not fewer: the service
hands LibreOffice its next document sooner.
"""

from __future__ import annotations

import subprocess
import threading

PRIORITE = 19  # nice(1): the lowest


def commande(*arguments: str) -> list[str]:
    """``arguments`` as a command run at the lowest priority."""
    return ["nice", "-n", str(PRIORITE), *arguments]


def executer(*arguments: str, delai: float = 60) -> None:
    """Runs the command at the lowest priority; killed after ``delai`` s, an error if it fails.

    Its end is seen at once: ``subprocess.run`` with a time limit checks in sleeps
    of up to 50 ms, which made a 30 ms program wait up to twice as long.
    """
    processus = subprocess.Popen(commande(*arguments), stdin=subprocess.DEVNULL)
    minuterie = threading.Timer(delai, processus.kill)
    minuterie.start()
    try:
        code = processus.wait()
    finally:
        minuterie.cancel()
    if code != 0:
        raise subprocess.CalledProcessError(code, arguments)
