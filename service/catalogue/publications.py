"""Versions of gabarits published by an administrator, beside the shipped catalogue.

The shipped catalogue (``gabarits/``, ``formulaires/``, ``gabarits/manifeste.json``) is the
project's and stays read-only. A version an administrator publishes from a Word file
(/admin/gabarits, ``python -m service publier --depuis F.docx``) is written to the storage
every node and worker shares (service/stockage: the folder ``sorties``, or S3)::

    catalogue/gabarits/<id>/v<N>.docx
    catalogue/formulaires/<id>/v<N>.yaml

and recorded as one row of ``publications`` (sha256 of both files, who, when, what changed
since the previous version, the uploaded file's name). The database is what says a version
exists: files without a row (a publisher that died before its commit) are ignored, and
overwritten by the next publication of that number. A row's files are checked against its
sha256 when the catalogue first loads it: a version once published never changes. Each
process reads them from the storage once; on S3 into a folder of its own among the temporary
files (removed when it ends), where LibreOffice's rendering reads them. An instance that published
before they went to the storage (under ``<INSPE_DONNEES>/catalogue/``) has them imported into it
at their first load.

Here the table and what reads it (the catalogue, at most every ``FRAICHEUR`` seconds: one
small query for the latest id, as the settings' versions do). Writing a version, with its
audit-log entry, is service/conception/publication.py's.
"""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from service.bd import moteur
from service.bd.modele import Base
from service.stockage import Absent, Dossier

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
    """The published versions of one instance: files in ``stockage`` (a storage, or a function
    that opens it at first use), rows in ``base`` (an engine, or a function that opens it at
    first use: the command line, the lot workers). ``ancien``: where an instance kept them
    before (``<INSPE_DONNEES>/catalogue``), imported from there when the storage lacks them."""

    def __init__(self, base, stockage, ancien: Path | None = None):
        self._base = base
        self._stockage = stockage
        self.ancien = Path(ancien) if ancien else None
        self._vu: tuple[float, int] | None = None
        self._verrou = threading.Lock()
        self._cache: Path | None = None

    @property
    def base(self):
        return moteur(self._base)

    @property
    def stockage(self):
        if callable(self._stockage):
            with self._verrou:
                if callable(self._stockage):
                    self._stockage = self._stockage()
        return self._stockage

    @staticmethod
    def cles(id_: str, version: int) -> tuple[str, str]:
        """Version ``version`` of ``id_`` in the storage: its .docx and its declaration."""
        return (f"catalogue/gabarits/{id_}/v{version}.docx",
                f"catalogue/formulaires/{id_}/v{version}.yaml")

    def adresse(self, cle: str) -> str:
        """Where a person finds ``cle`` (a path, s3://…), for the messages."""
        return self.stockage.adresse(cle)

    def ecrire(self, id_: str, version: int, docx: bytes, declaration: bytes) -> None:
        """The two files of a version being published (each written whole or not at all)."""
        for cle, contenu in zip(self.cles(id_, version), (docx, declaration), strict=True):
            self.stockage.ecrire(cle, contenu)

    def chemins(self, id_: str, version: int) -> tuple[Path, Path]:
        """Local files of version ``version`` of ``id_`` (its .docx and its declaration), for
        the rendering: the storage's own when it is a folder, else this process's copies.
        ``Absent`` when one is neither in the storage nor in the instance's former folder."""
        stockage = self.stockage
        chemins = []
        for cle in self.cles(id_, version):
            if isinstance(stockage, Dossier):
                chemin = stockage.chemin(cle)
                if not chemin.is_file():
                    stockage.ecrire(cle, self._ancien(cle))
            else:
                chemin = self._dossier_cache() / cle
                if not chemin.is_file():
                    try:
                        contenu = stockage.lire(cle)
                    except Absent:
                        contenu = self._ancien(cle)
                        stockage.ecrire(cle, contenu)
                    chemin.parent.mkdir(parents=True, exist_ok=True)
                    provisoire = chemin.with_name(f".{chemin.name}.{threading.get_ident()}")
                    provisoire.write_bytes(contenu)
                    provisoire.replace(chemin)
            chemins.append(chemin)
        return chemins[0], chemins[1]

    def _ancien(self, cle: str) -> bytes:
        """``cle``'s file in the instance's former folder (then imported into the storage)."""
        chemin = self.ancien / cle.removeprefix("catalogue/") if self.ancien else None
        if chemin is None or not chemin.is_file():
            raise Absent(f"rien sous la clé {cle} dans {self.stockage!r}")
        return chemin.read_bytes()

    def _dossier_cache(self) -> Path:
        """This process's copies of the versions in the storage: a temporary folder of its
        own, removed when it ends (a few files a version; rebuilt from the storage)."""
        with self._verrou:
            if self._cache is None:
                self._cache = Path(tempfile.mkdtemp(prefix="inspe-catalogue-"))
                atexit.register(shutil.rmtree, self._cache, True)
        return self._cache

    def _rien_publie(self) -> bool:
        """Nothing was ever published here, as far as this machine can tell without the
        database: no former folder, a local storage without catalogue/ (on S3: unknown)."""
        if self.ancien is not None and self.ancien.exists():
            return False
        stockage = self.stockage
        return isinstance(stockage, Dossier) and not stockage.chemin("catalogue").exists()

    def derniere(self, *, maintenant: bool = False) -> int:
        """The latest publication's id (0: none); one small query at most every FRAICHEUR
        seconds (``maintenant``: asked now). A command or a worker that has not opened the
        database yet does not open it for an instance where nothing was ever published."""
        if callable(self._base) and self._rien_publie():
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
