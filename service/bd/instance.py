"""What every node and worker of one instance must share, kept in the database: the web's
secret key, the seal's key and certificate (one row each, ``instance``).

Each value is made once, by the first process that needs it (``une_fois``): insert-if-absent on
the row's primary key, so that two processes starting together end with the same one — the
loser's insert fails on the key and it reads the winner's. A value is never changed afterwards,
but for being written in another form of the same thing (``remplacer``: the seal's key,
encrypted once a passphrase is given).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import DateTime, String, Text, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import moteur
from .modele import Base, durable


class ValeurInstance(Base):
    __tablename__ = "instance"
    cle: Mapped[str] = mapped_column(String(64), primary_key=True)
    valeur: Mapped[str] = mapped_column(Text)
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC, no time zone


def lire(base, cle: str) -> str | None:
    """The value under ``cle``, None when there is none yet."""
    with Session(moteur(base)) as session:
        return session.scalar(select(ValeurInstance.valeur).where(ValeurInstance.cle == cle))


def une_fois(base, cle: str, faire: Callable[[], str]) -> str:
    """The value under ``cle``: the one kept, else ``faire()``'s, kept for all (made once: of
    two processes asking together, one inserts, the other reads what it inserted)."""
    existante = lire(base, cle)
    if existante is not None:
        return existante
    valeur = faire()
    try:
        with Session(moteur(base)) as session, session.begin():
            durable(session)
            session.add(ValeurInstance(cle=cle, valeur=valeur,
                                       cree_le=dt.datetime.now(dt.UTC).replace(tzinfo=None)))
    except IntegrityError:
        pass  # another process was first: its value is the instance's
    gardee = lire(base, cle)
    if gardee is None:  # cannot happen: a row is never removed
        raise RuntimeError(f"instance : la valeur « {cle} » n’a pas pu être enregistrée")
    return gardee


def remplacer(base, cle: str, ancienne: str, nouvelle: str) -> bool:
    """``nouvelle`` under ``cle`` if it still holds ``ancienne`` (of two processes doing it
    together, one writes, the other finds it done): whether this one wrote."""
    with Session(moteur(base)) as session, session.begin():
        durable(session)
        fait = session.execute(update(ValeurInstance).where(
            ValeurInstance.cle == cle, ValeurInstance.valeur == ancienne).values(valeur=nouvelle))
    return fait.rowcount == 1
