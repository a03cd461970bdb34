"""Splitting and sealing people's documents, and drawing their pages, beside the service.

Splitting and sealing are Python work (pypdf, pyHanko), about 20 ms of
processor a document; the pictures of the pages (``images``) 15 ms a page. In
the service's process that work holds the interpreter's lock that every page
view needs too: under load that process was busy nearly all the time, and pages
queued behind seals. A few processes at the lowest priority, like LibreOffice,
do that work instead, each with the instance's seal loaded once.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from io import BytesIO
from pathlib import Path
from typing import NamedTuple

from pypdf import PdfReader

from .arriere_plan import PRIORITE, finir_avec
from .images import images_des_pages
from .paquets import Entete, extraire
from .sceau import Sceau

_sceau: Sceau | None = None  # in each process of the workshop


class ScellementImpossible(Exception):
    """The workshop could not seal a document; the message says why, in French."""


def _preparer(donnees: str, nom: str, pem: tuple[bytes, bytes] | None = None) -> None:
    global _sceau
    os.nice(PRIORITE)
    _sceau = Sceau(Path(donnees), nom, pem=pem)
    finir_avec(os.getppid())  # the pool's queue never tells its processes the service has gone


class Scelle(NamedTuple):
    """A sealed PDF, and the pictures of its pages when they were asked for."""

    pdf: bytes
    images: list[bytes]


def finir(sceau: Sceau, pdf: bytes, identite: dict[str, str], pages: range | None = None,
          entete: Entete | None = None, pdfa: bool = True, images: bool = False) -> Scelle:
    """``pdf`` sealed; with ``pages``, only those pages of it, with ``entete``'s metadata."""
    if pages is not None:
        pdf = extraire(PdfReader(BytesIO(pdf)), pages, entete, sceau.nom, pdfa)
    scelle = sceau.sceller(pdf, identite)
    return Scelle(scelle, images_des_pages(scelle) if images else [])


def _finir(*arguments) -> Scelle:
    return finir(_sceau, *arguments)


def _pid(attente: float) -> int:
    time.sleep(attente)  # so that the other processes get their share of the calls
    return os.getpid()


class Atelier:
    """Processes that seal PDFs with ``sceau``, after cutting them from a packet if asked."""

    def __init__(self, sceau: Sceau, processus: int | None = None):
        self.sceau, self.taille = sceau, processus or os.cpu_count() or 1
        self._verrou = threading.Lock()
        self._processus = self._nouveaux()

    def _nouveaux(self) -> ProcessPoolExecutor:
        # "spawn": a fresh interpreter, not a copy of the service's threads and locks
        return ProcessPoolExecutor(
            self.taille, mp_context=multiprocessing.get_context("spawn"),
            initializer=_preparer, initargs=(str(self.sceau.dossier.parent), self.sceau.nom, self.sceau.pem))

    def finir(self, pdf: bytes, identite: dict[str, str], *, pages: range | None = None,
              entete: Entete | None = None, pdfa: bool = True, images: bool = False) -> Scelle:
        """``finir`` above, done by one of the workshop's processes."""
        return self._faire(_finir, pdf, identite, pages, entete, pdfa, images)

    def sceller(self, pdf: bytes, identite: dict[str, str]) -> bytes:
        """``Sceau.sceller``, done by one of the workshop's processes: the workshop can be
        handed wherever a seal is."""
        return self.finir(pdf, identite).pdf

    def images(self, pdf: bytes) -> list[bytes]:
        """``images_des_pages``, done by one of the workshop's processes."""
        return self._faire(images_des_pages, pdf)

    def _faire(self, travail, *arguments):
        processus = self._processus
        try:
            return processus.submit(travail, *arguments).result()
        except BrokenProcessPool:
            # one of the processes died (killed, out of memory): the pool refuses all work
            # from then on, so it is replaced, and this work done by the new one
            with self._verrou:
                if self._processus is processus:  # not already replaced by another request
                    self._processus = self._nouveaux()
                    processus.shutdown(wait=False, cancel_futures=True)
            try:
                return self._processus.submit(travail, *arguments).result()
            except BrokenProcessPool:  # they die as they start: the service's log says why
                raise ScellementImpossible(
                    "le sceau n'a pas pu être apposé : les processus qui scellent s'arrêtent dès "
                    "leur démarrage (le journal du service dit pourquoi)") from None

    def demarrer(self) -> list[int]:
        """Starts the processes now rather than for the first document; their ids.

        Returns once each has answered: the first person does not wait for one to start.
        """
        pids: set[int] = set()
        fin = time.monotonic() + 60
        while len(pids) < self.taille and time.monotonic() < fin:
            pids.update(self._processus.map(_pid, [0.05] * self.taille))
        return sorted(pids)

    def fermer(self) -> None:
        self._processus.shutdown(cancel_futures=True)
