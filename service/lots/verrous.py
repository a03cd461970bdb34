"""Which worker makes which packet of a lot: a row of ``verrous_de_paquets`` in the database
that every machine shares (SQLite on one machine, PostgreSQL for several), not a file.

- taking a packet is one statement, atomic on both databases: insert the row, or — when it is
  there already — take it over only if it was left untouched for ``PERIME_S`` seconds
  (``INSERT … ON CONFLICT DO UPDATE … WHERE``); its owner is ``host:pid:uuid``, new at each take;
- its worker touches it every ``PERIME_S / 3`` seconds while it works (``entretenu``); a worker
  that died stops touching it, and another takes the packet over within ``PERIME_S``. On the
  same machine a dead owner (its pid gone) loses it at once, by a compare-and-swap on the owner;
- times are the database's clock: the machines' clocks need not agree.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from contextlib import contextmanager

from sqlalchemy import text

from service.bd import moteur

log = logging.getLogger("service.lots")

# A worker making a packet touches its lock every PERIME_S / 3 seconds; a lock left untouched
# for PERIME_S belongs to a worker that is gone: taken over.
PERIME_S = 30

_MAINTENANT = {  # the database's clock, in seconds since 1970
    "sqlite": "((julianday('now') - 2440587.5) * 86400.0)",
    "postgresql": "CAST(extract(epoch FROM clock_timestamp()) AS double precision)",
}


def _maintenant(base) -> str:
    return _MAINTENANT[base.dialect.name]


def _vivant_ici(proprietaire: str) -> bool:
    """False when ``proprietaire`` is a process of this machine that no longer runs."""
    hote, _, reste = proprietaire.partition(":")
    pid = reste.partition(":")[0]
    if hote != socket.gethostname() or not pid.isdigit():
        return True  # another machine's: only its lock's age tells
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def prendre(base, lot_id: str, debut: int) -> str | None:
    """Takes the packet: its owner's name, or None when a live worker has it."""
    base = moteur(base)
    moi = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    cles = {"lot": lot_id, "debut": debut, "moi": moi, "perime": PERIME_S}
    maintenant = _maintenant(base)
    with base.begin() as connexion:
        pris = connexion.execute(text(
            "INSERT INTO verrous_de_paquets (lot, debut, proprietaire, touche_le) "
            f"VALUES (:lot, :debut, :moi, {maintenant}) "
            "ON CONFLICT (lot, debut) DO UPDATE SET proprietaire = excluded.proprietaire, "
            "touche_le = excluded.touche_le "
            f"WHERE verrous_de_paquets.touche_le < {maintenant} - :perime"), cles).rowcount
    if pris == 1:
        return moi
    with base.connect() as connexion:  # its owner, on this machine, may be dead
        ancien = connexion.execute(text(
            "SELECT proprietaire FROM verrous_de_paquets WHERE lot = :lot AND debut = :debut"),
            cles).scalar()
    if ancien is None or _vivant_ici(ancien):
        return None
    with base.begin() as connexion:  # compare-and-swap: only if it is still the dead one's
        repris = connexion.execute(text(
            f"UPDATE verrous_de_paquets SET proprietaire = :moi, touche_le = {maintenant} "
            "WHERE lot = :lot AND debut = :debut AND proprietaire = :ancien"),
            dict(cles, ancien=ancien)).rowcount
    return moi if repris == 1 else None


def pris(base, lot_id: str, debut: int) -> bool:
    """Whether a live worker is making this packet now."""
    base = moteur(base)
    with base.connect() as connexion:
        ligne = connexion.execute(text(
            f"SELECT proprietaire, touche_le >= {_maintenant(base)} - :perime "
            "FROM verrous_de_paquets WHERE lot = :lot AND debut = :debut"),
            {"lot": lot_id, "debut": debut, "perime": PERIME_S}).first()
    return ligne is not None and bool(ligne[1]) and _vivant_ici(ligne[0])


def toucher(base, lot_id: str, debut: int, moi: str) -> bool:
    """The lock touched: still alive. False if another worker took it over meanwhile."""
    base = moteur(base)
    with base.begin() as connexion:
        return connexion.execute(text(
            f"UPDATE verrous_de_paquets SET touche_le = {_maintenant(base)} "
            "WHERE lot = :lot AND debut = :debut AND proprietaire = :moi"),
            {"lot": lot_id, "debut": debut, "moi": moi}).rowcount == 1


def rendre(base, lot_id: str, debut: int, moi: str) -> None:
    """The packet made (or given up): its lock released, if it is still ``moi``'s."""
    with moteur(base).begin() as connexion:
        connexion.execute(text(
            "DELETE FROM verrous_de_paquets WHERE lot = :lot AND debut = :debut "
            "AND proprietaire = :moi"), {"lot": lot_id, "debut": debut, "moi": moi})


def oublier(base, lot_id: str) -> None:
    """Every lock of a lot deleted (the lot is)."""
    with moteur(base).begin() as connexion:
        connexion.execute(text("DELETE FROM verrous_de_paquets WHERE lot = :lot"), {"lot": lot_id})


@contextmanager
def entretenu(base, lot_id: str, debut: int, moi: str):
    """While its packet is being made, the lock is touched now and then: alive, for the
    other workers (which cannot see this process); released at the end."""
    fin = threading.Event()

    def entretenir():
        while not fin.wait(PERIME_S / 3):
            try:
                if not toucher(base, lot_id, debut, moi):
                    log.warning("lot %s, paquet %d : verrou repris par un autre worker", lot_id, debut)
                    return
            except Exception:  # the database away for a moment: touched next time
                log.warning("lot %s, paquet %d : verrou non entretenu", lot_id, debut, exc_info=True)

    fil = threading.Thread(target=entretenir, daemon=True, name="verrou-de-paquet")
    fil.start()
    try:
        yield
    finally:
        fin.set()
        try:
            rendre(base, lot_id, debut, moi)
        except Exception:  # the database away: the lock, untouched, goes stale by itself
            log.warning("lot %s, paquet %d : verrou non rendu", lot_id, debut, exc_info=True)
