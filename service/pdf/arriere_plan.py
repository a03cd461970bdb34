"""The programs the service runs beside itself (LibreOffice, its workshop, the bulk worker),
at a lower priority, and never outliving it.

When the cores are busy, a page view is served first and these programs take the
rest. Under load (bench/web.py, 20 people on 2 cores) the pages' p95 fell from
about 370 to under 210 ms, and more documents were made, not fewer: the service
hands LibreOffice its next document sooner.
"""

from __future__ import annotations

import os
import threading
import time

PRIORITE = 19  # nice(1): the lowest


def commande(*arguments: str) -> list[str]:
    """``arguments`` as a command run at the lowest priority."""
    return ["nice", "-n", str(PRIORITE), *arguments]


def finir_avec(service: int) -> None:
    """Ends this process when process ``service`` has gone, however it ended (even killed):
    a process waiting for work from it would otherwise wait, unseen, for ever."""
    def veiller():
        while os.getppid() == service:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=veiller, daemon=True, name="fin-avec-le-service").start()
