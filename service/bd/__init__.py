"""The database: SQLite in the instance's folder by default, PostgreSQL by its URL.

``ouvrir`` gives an engine migrated to the latest revision; the tables' base class is
``modele.Base``; the schema's history is ``migrations/``.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from sqlalchemy import create_engine, event, make_url


def ouvrir(url: str):
    """The database (SQLite by default, PostgreSQL by its URL), migrated to the latest revision."""
    from .migrations import mettre_a_jour

    adresse = make_url(url)
    if adresse.get_backend_name() == "sqlite" and adresse.database not in (None, "", ":memory:"):
        _fichier_prive(Path(adresse.database))
    moteur = create_engine(url)
    if adresse.get_backend_name() == "sqlite":
        event.listen(moteur, "connect", _sqlite_en_wal)
        event.listen(moteur, "checkin", _sqlite_ordinaire_a_nouveau)
    mettre_a_jour(moteur)
    return moteur


def moteur(base):
    """``base`` when it is an engine; else ``base()``: a function that opens the database at
    its first call (``plus_tard``), for those who may never need it."""
    return base() if callable(base) else base


def plus_tard(url: str):
    """A function that opens the database at its first call, once even when threads call it
    together, and then gives that same engine."""
    verrou, ouvert = threading.Lock(), []

    def ouvrir_une_fois():
        if not ouvert:
            with verrou:
                if not ouvert:
                    ouvert.append(ouvrir(url))
        return ouvert[0]
    return ouvrir_une_fois


def _fichier_prive(chemin: Path) -> None:
    """The SQLite file (password and token hashes) readable by the service's user only (0600),
    in a folder of its own when it makes it (0700); SQLite gives its -wal and -shm files
    the database's own permissions."""
    if not chemin.parent.exists():
        chemin.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # a new instance's folder
        chemin.parent.chmod(0o700)  # whatever the umask
    os.close(os.open(chemin, os.O_CREAT | os.O_RDWR, 0o600))
    if chemin.stat().st_mode & 0o077:  # an older instance's file, made 0644
        chemin.chmod(0o600)


def _sqlite_en_wal(connexion, _):
    """Readers and the one writer no longer wait for each other (write-ahead log).

    In SQLite's default mode a page that reads waited, in sleeps of up to 100 ms,
    for any write of the audit log to end.

    An ordinary commit is not flushed to disk (``synchronous=NORMAL``): a power cut
    may undo the last few, never half of one. Under load, twenty people's audit-log
    entries queued behind one flush each (a download took 500 ms). What must
    survive a power cut says so: ``durable``.
    """
    connexion.execute("PRAGMA journal_mode=WAL")
    connexion.execute("PRAGMA synchronous=NORMAL")


def _sqlite_ordinaire_a_nouveau(connexion, enregistrement):
    # back in the pool after a durable transaction: ordinary again (set here rather than at
    # every checkout, a statement more for every request)
    if enregistrement.info.pop("durable", False):
        connexion.execute("PRAGMA synchronous=NORMAL")
