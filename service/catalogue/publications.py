"""Versions of gabarits published by an administrator, beside the shipped catalogue.

The shipped catalogue (``gabarits/``, ``formulaires/``, ``gabarits/manifeste.json``) is the
project's and stays read-only. A version an administrator publishes from a Word file
(/admin/gabarits, ``python -m service publier --depuis F.docx``) is written under the
instance::

    <INSPE_DONNEES>/catalogue/gabarits/<id>/v<N>.docx
    <INSPE_DONNEES>/catalogue/formulaires/<id>/v<N>.yaml

and recorded as one row of ``publications`` (sha256 of both files, who, when, what changed
since the previous version, the uploaded file's name). The database is what says a version
exists: files without a row (a publisher that died before its commit) are ignored, and
overwritten by the next publication of that number. A row's files are checked against its
sha256 when the catalogue first loads it: a version once published never changes.

Here the table and what reads it (the catalogue, at most every ``FRAICHEUR`` seconds: one
small query for the latest id, as the settings' versions do). Writing a version, with its
audit-log entry, is service/conception/publication.py's.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from service.bd import moteur
from service.bd.modele import Base

from .contexte import FUSEAU

FRAICHEUR = 2.0  # seconds a process trusts its last look at the latest publication


class Publication(Base):
    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("gabarit_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    gabarit_id: Mapped[str] = mapped_column(String(48))
    version: Mapped[int] = mapped_column(Integer)
    sha256_gabarit: Mapped[str] = mapped_column(String(64))
    sha256_formulaire: Mapped[str] = mapped_column(String(64))
    auteur: Mapped[str] = mapped_column(String(200))
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC, no time zone
    resume: Mapped[str] = mapped_column(Text)  # what changed since the previous version
    source: Mapped[str] = mapped_column(String(255))  # the uploaded file's name


@dataclass(frozen=True)
class Ligne:
    """A published version, as the list of /admin/gabarits says it."""
    id: int
    gabarit_id: str
    version: int
    sha256_gabarit: str
    sha256_formulaire: str
    auteur: str
    cree_le: dt.datetime
    resume: str
    source: str

    @property
    def quand(self) -> str:
        """JJ/MM/AAAA HH:MM, Paris time."""
        return self.cree_le.replace(tzinfo=dt.UTC).astimezone(FUSEAU).strftime("%d/%m/%Y %H:%M")

    @classmethod
    def de(cls, p: Publication) -> Ligne:
        return cls(p.id, p.gabarit_id, p.version, p.sha256_gabarit, p.sha256_formulaire,
                   p.auteur, p.cree_le, p.resume, p.source)


class Publiees:
    """The published versions of one instance: files under ``racine``, rows in ``base`` (an
    engine, or a function that opens it at first use: the command line, the lot workers)."""

    def __init__(self, base, racine: Path):
        self._base = base
        self.racine = Path(racine)
        self._vu: tuple[float, int] | None = None

    @property
    def base(self):
        return moteur(self._base)

    @property
    def gabarits(self) -> Path:
        return self.racine / "gabarits"

    @property
    def formulaires(self) -> Path:
        return self.racine / "formulaires"

    def chemins(self, id_: str, version: int) -> tuple[Path, Path]:
        """Where version ``version`` of ``id_`` lives: its .docx and its declaration."""
        return (self.gabarits / id_ / f"v{version}.docx",
                self.formulaires / id_ / f"v{version}.yaml")

    def derniere(self, *, maintenant: bool = False) -> int:
        """The latest publication's id (0: none); one small query at most every FRAICHEUR
        seconds (``maintenant``: asked now). A command or a worker that has not opened the
        database yet does not open it for an instance where nothing was ever published."""
        if callable(self._base) and not self.racine.exists():
            return 0  # nothing was ever published here: no need to open the database yet
        vu = self._vu
        if maintenant or vu is None or time.monotonic() - vu[0] > FRAICHEUR:
            with Session(self.base) as session:
                numero = session.scalar(select(func.max(Publication.id))) or 0
            self._vu = vu = (time.monotonic(), numero)
        return vu[1]

    def lignes(self, apres: int = 0) -> list[Ligne]:
        """The publications after id ``apres``, the oldest first."""
        with Session(self.base) as session:
            return [Ligne.de(p) for p in session.scalars(
                select(Publication).where(Publication.id > apres).order_by(Publication.id))]

    def oublier(self) -> None:
        """The next look asks the database (after this process published)."""
        self._vu = None
