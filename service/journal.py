"""The audit log: every read and write of a document, who, what, when — append-only and chained.

Each entry carries the sha256 of its own content and of the entry before it, so
that an entry edited or deleted afterwards breaks the chain where it was:
``verifier_journal`` says so. Entries are only ever added.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading

from sqlalchemy import Integer, String, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from .comptes import Base

ORIGINE = "0" * 64
VERROU = threading.RLock()
_CLE_VERROU = 0x1A5E_70DA  # the audit log's advisory lock on PostgreSQL


class Entree(Base):
    __tablename__ = "journal"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    quand: Mapped[str] = mapped_column(String(40))
    qui: Mapped[str] = mapped_column(String(120))
    quoi: Mapped[str] = mapped_column(String(40))
    document: Mapped[str] = mapped_column(String(120))
    detail: Mapped[str] = mapped_column(String(500))
    precedent: Mapped[str] = mapped_column(String(64))
    empreinte: Mapped[str] = mapped_column(String(64))


def _empreinte(quand, qui, quoi, document, detail, precedent) -> str:
    contenu = json.dumps([quand, qui, quoi, document, detail, precedent], ensure_ascii=False)
    return hashlib.sha256(contenu.encode("utf-8")).hexdigest()


def noter(moteur, qui: str, quoi: str, document: str, detail: str = "") -> None:
    """Adds one entry at the end of the chain, in a transaction of its own."""
    with VERROU, Session(moteur) as session, session.begin():
        ajouter(session, qui, quoi, document, detail)


def ajouter(session: Session, qui: str, quoi: str, document: str, detail: str = "") -> None:
    """Adds one entry within the caller's transaction, so that it is written with what it records.

    The chain's end is locked until the transaction ends, across processes: by an
    advisory lock on PostgreSQL (a row lock would hand a waiting writer the old end),
    by taking SQLite's write lock first; ``VERROU``, held by the caller, does the same
    between the threads of one process.
    """
    if session.bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:cle)"), {"cle": _CLE_VERROU})
    else:
        session.execute(text("UPDATE journal SET id = id WHERE id < 0"))
    dernier = session.scalar(select(Entree).order_by(Entree.id.desc()).limit(1))
    precedent = dernier.empreinte if dernier else ORIGINE
    quand = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    session.add(Entree(quand=quand, qui=qui, quoi=quoi, document=document, detail=detail,
                       precedent=precedent,
                       empreinte=_empreinte(quand, qui, quoi, document, detail, precedent)))


def entrees(moteur, document: str | None = None) -> list[Entree]:
    with Session(moteur) as session:
        requete = select(Entree).order_by(Entree.id)
        if document:
            requete = requete.where(Entree.document == document)
        return list(session.scalars(requete))


def verifier_journal(moteur) -> list[str]:
    """Every break of the chain, in French; an empty list means the log is whole."""
    problemes, precedent = [], ORIGINE
    for entree in entrees(moteur):
        if entree.precedent != precedent:
            problemes.append(f"entrée {entree.id} : l'entrée qui la précédait a été supprimée "
                             "ou modifiée")
        attendue = _empreinte(entree.quand, entree.qui, entree.quoi, entree.document,
                              entree.detail, entree.precedent)
        if entree.empreinte != attendue:
            problemes.append(f"entrée {entree.id} : son contenu a été modifié")
        precedent = entree.empreinte
    return problemes
