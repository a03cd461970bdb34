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

from sqlalchemy import Integer, String, insert, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from service.bd.modele import Base

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


class _Attente:
    """An entry waiting to be written, and what became of it."""

    def __init__(self, moteur, entree: tuple[str, str, str, str]):
        self.moteur, self.entree = moteur, entree
        self.faite, self.erreur = False, None


_attente: list[_Attente] = []
_FILE = threading.Condition()  # guards the waiting entries; notified when a write ends
_ecriture_en_cours = False


def noter(moteur, qui: str, quoi: str, document: str, detail: str = "") -> None:
    """Adds one entry at the end of the chain; it is written when this returns.

    Entries asked for while another write is under way wait for it to end, then
    go together in the next transaction (group commit): under load (twenty people,
    bench/web.py) one write at a time made each wait behind all the others, 20 ms
    at the median and 180 ms at p95.
    """
    global _ecriture_en_cours
    attente = _Attente(moteur, (qui, quoi, document, detail))
    with _FILE:
        _attente.append(attente)
        while _ecriture_en_cours and not attente.faite:
            _FILE.wait()
        if not attente.faite:  # this caller writes its entry and all those waiting with it
            _ecriture_en_cours = True
            lot = [a for a in _attente if a.moteur is moteur]
            _attente[:] = [a for a in _attente if a.moteur is not moteur]
    if not attente.faite:
        try:
            with VERROU, Session(moteur) as session, session.begin():
                _ajouter(session, [a.entree for a in lot])
        except BaseException as exc:  # each waiting caller learns its entry was not written
            for a in lot:
                a.erreur = exc
        with _FILE:
            for a in lot:
                a.faite = True
            _ecriture_en_cours = False
            _FILE.notify_all()
    if attente.erreur is not None:
        raise attente.erreur


def ajouter(session: Session, qui: str, quoi: str, document: str, detail: str = "") -> None:
    """Adds one entry within the caller's transaction, so that it is written with what it records.

    The chain's end is locked until the transaction ends, across processes: by an
    advisory lock on PostgreSQL (a row lock would hand a waiting writer the old end),
    by taking SQLite's write lock first; ``VERROU``, held by the caller, does the same
    between the threads of one process.
    """
    _ajouter(session, [(qui, quoi, document, detail)])


def _ajouter(session: Session, nouvelles: list[tuple[str, str, str, str]]) -> None:
    if session.bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:cle)"), {"cle": _CLE_VERROU})
    else:
        session.execute(text("UPDATE journal SET id = id WHERE id < 0"))
    dernier = session.scalar(select(Entree.empreinte).order_by(Entree.id.desc()).limit(1))
    precedent = dernier or ORIGINE
    lignes = []
    for qui, quoi, document, detail in nouvelles:
        quand = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        empreinte = _empreinte(quand, qui, quoi, document, detail, precedent)
        lignes.append({"quand": quand, "qui": qui, "quoi": quoi, "document": document,
                       "detail": detail, "precedent": precedent, "empreinte": empreinte})
        precedent = empreinte
    # a plain INSERT, without the ORM's unit of work: the log is written on every request
    session.execute(insert(Entree.__table__), lignes)


def entrees(moteur, document: str | None = None) -> list[Entree]:
    with Session(moteur) as session:
        requete = select(Entree).order_by(Entree.id)
        if document:
            requete = requete.where(Entree.document == document)
        return list(session.scalars(requete))


def _ruptures(moteur):
    """(entry id, what is wrong with it) for every break of the chain, in order."""
    precedent = ORIGINE
    for entree in entrees(moteur):
        if entree.precedent != precedent:
            yield entree.id, "l’entrée qui la précédait a été supprimée ou modifiée"
        attendue = _empreinte(entree.quand, entree.qui, entree.quoi, entree.document,
                              entree.detail, entree.precedent)
        if entree.empreinte != attendue:
            yield entree.id, "son contenu a été modifié"
        precedent = entree.empreinte


def verifier_journal(moteur) -> list[str]:
    """Every break of the chain, in French; an empty list means the log is whole."""
    return [f"entrée {n} : {raison}".replace("’", "'") for n, raison in _ruptures(moteur)]


def etat_de_la_chaine(moteur) -> tuple[int, int | None, str]:
    """(last entry id — 0 for an empty log —, first broken entry or None, why it is broken):
    what the administration page says. It reads the whole log: fine for an institute's years."""
    with Session(moteur) as session:
        dernier = session.scalar(select(Entree.id).order_by(Entree.id.desc()).limit(1)) or 0
    for numero, raison in _ruptures(moteur):
        return dernier, numero, raison
    return dernier, None, ""
