"""The programs the service runs beside itself (LibreOffice), at a lower priority.

When the cores are busy, a page view is served first and these programs take the
rest. Under load (bench/web.py, 20 people on 2 cores) the pages' p95 fell from
about 370 to under 210 ms, and more documents were made, not fewer: the service
hands LibreOffice its next document sooner.
"""

from __future__ import annotations

PRIORITE = 19  # nice(1): the lowest


def commande(*arguments: str) -> list[str]:
    """``arguments`` as a command run at the lowest priority."""
    return ["nice", "-n", str(PRIORITE), *arguments]
