"""People's documents converted together when several of them wait for LibreOffice.

LibreOffice pays a fixed cost for every document it opens: a one-page fiche
costs it 83 ms of processor alone, 49 ms in a packet of four. When twenty
people ask for their document at once, they queue for the pool's instances
anyway; so each time an instance is free, the documents of one gabarit version
waiting at that moment go together, as one packet (``paquets``), and are split
again, each sealed on its own: the same PDFs as one by one. A document that
waits alone is converted alone: nobody waits for a packet to fill.

The dispatcher only converts, then hands each person the packet and where its
document lies in it: their own thread has it split and sealed (by the
``atelier``'s processes when there is one), while LibreOffice is already
converting the next packet. Done by the dispatcher, that work (20 ms of
processor a document, much longer under load) left the instance idle.
"""

from __future__ import annotations

import tempfile
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from pathlib import Path

from service.catalogue.generation import DocumentGenere

from .atelier import Atelier, Scelle, finir
from .libreoffice import Moteur
from .paquets import Entete, convertir_paquets, pages_des_documents
from .sceau import Sceau

PAQUET_MAX = 4  # 49 ms a fiche in fours, 42 in eights: the first of a packet waits for all of it


class Regroupement:
    """Converts documents for people waiting, in packets while LibreOffice is busy."""

    def __init__(self, moteur: Moteur, sceau: Sceau, *, atelier: Atelier | None = None,
                 paquet_max: int = PAQUET_MAX):
        self.moteur, self.sceau, self.atelier = moteur, sceau, atelier
        self.paquet_max = paquet_max
        # each waiting document, and the Future of what makes its sealed PDF
        self._attente: deque[tuple[DocumentGenere, bool, Future]] = deque()
        self._condition = threading.Condition()
        self.paquets: list[int] = []  # the size of the last thousand conversions, for tests
        # one dispatcher per instance of the pool: each sends one packet at a time
        for i in range(moteur.taille):
            threading.Thread(target=self._boucle, daemon=True, name=f"regroupement-{i}").start()

    def produire(self, document: DocumentGenere, *, pdfa: bool = True,
                 images: bool = False) -> Scelle:
        """The sealed PDF of ``document`` (PDF/A-2b unless ``pdfa`` is false), with the
        pictures of its pages if ``images``."""
        futur: Future = Future()
        with self._condition:
            self._attente.append((document, pdfa, futur))
            self._condition.notify()
        return futur.result()(images)

    def _boucle(self) -> None:
        while True:
            with self._condition:
                while not self._attente:
                    self._condition.wait()
                paquet = self._prendre()
            self._convertir(paquet)

    def _prendre(self) -> list[tuple[DocumentGenere, bool, Future]]:
        """The first document waiting, with those that can share its packet (in their order)."""
        premier = self._attente.popleft()
        paquet = [premier]
        if not _regroupable(premier[0]):
            return paquet
        for attente in list(self._attente):
            if len(paquet) == self.paquet_max:
                break
            document, pdfa, _ = attente
            if _regroupable(document) and document.gabarit is premier[0].gabarit \
                    and pdfa == premier[1]:
                paquet.append(attente)
                self._attente.remove(attente)
        return paquet

    def _convertir(self, paquet: list[tuple[DocumentGenere, bool, Future]]) -> None:
        documents, pdfa = [d for d, _, _ in paquet], paquet[0][1]
        self.paquets.append(len(paquet))
        del self.paquets[:-1000]  # the service runs for months
        try:
            parties = self._parties(documents, pdfa)
        except Exception as exc:
            if len(paquet) > 1:  # one bad document must not cost the others theirs
                for element in paquet:
                    self._convertir([element])
                return
            paquet[0][2].set_exception(exc)
            return
        for (_, _, futur), partie in zip(paquet, parties):
            futur.set_result(partie)

    def _parties(self, documents: list[DocumentGenere],
                 pdfa: bool) -> list[Callable[[bool], Scelle]]:
        """Converts ``documents`` as one; for each, what makes its sealed PDF from the packet's."""
        with tempfile.TemporaryDirectory(prefix="inspe-paquet-") as tmp:
            if len(documents) == 1:
                docx = Path(tmp, "document.docx")
                docx.write_bytes(documents[0].docx)
                seul = self.moteur.convertir(docx, Path(tmp, "document.pdf"), pdfa=pdfa).read_bytes()
                return [partial(self._finir, seul, documents[0], None, pdfa)]
            [(_, futur)] = convertir_paquets(documents, self.moteur, pdfa=pdfa, taille=len(documents),
                                             dossier=Path(tmp), voie="interactive")
            pdf = futur.result().read_bytes()
        # where each document lies, read once here: a packet LibreOffice got wrong is retried
        # one by one, rather than failing in the hands of the people waiting
        plages = pages_des_documents(pdf, len(documents))
        return [partial(self._finir, pdf, document, pages, pdfa)
                for document, pages in zip(documents, plages)]

    def _finir(self, pdf: bytes, document: DocumentGenere, pages: range | None,
               pdfa: bool, images: bool) -> Scelle:
        """``document``'s sealed PDF, cut from the packet's ``pdf`` when ``pages`` are given."""
        entete = Entete.de(document)
        if self.atelier:
            return self.atelier.finir(pdf, document.proprietes, pages=pages, entete=entete,
                                      pdfa=pdfa, images=images)
        return finir(self.sceau, pdf, document.proprietes, pages, entete, pdfa, images)


def _regroupable(document: DocumentGenere) -> bool:
    return not document.signataires  # a signed version is converted on its own (paquets)
