"""From generated documents to sealed PDFs: one at a time for a person, in packets for bulk work."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from service.catalogue.generation import DocumentGenere

from .libreoffice import Moteur
from .paquets import produire_lot
from .sceau import Sceau


def produire_pdfs(documents: Sequence[DocumentGenere], moteur: Moteur, sceau: Sceau, *,
                  pdfa: bool = True, voie: str = "interactive",
                  avancement: Callable[[int], object] | None = None) -> list[bytes]:
    """The sealed PDF of each document, in order (PDF/A-2b unless ``pdfa`` is false).

    The footer laid out by the template already stamps every page with the
    gabarit and document identity, the generation date and "page n/N". Bulk
    work (``voie="lot"``) on unsigned documents of one gabarit version is
    converted in packets, which costs LibreOffice less per document.
    ``avancement(n)`` is called as each n more documents are done.
    """
    avancement = avancement or (lambda n: None)
    if (voie == "lot" and len(documents) > 1 and not any(d.signataires for d in documents)
            and all(d.gabarit is documents[0].gabarit for d in documents)):
        return produire_lot(documents, moteur, sceau, auteur=sceau.nom, pdfa=pdfa,
                            avancement=avancement)
    with tempfile.TemporaryDirectory(prefix="inspe-pdf-") as tmp:
        futures = []
        for i, document in enumerate(documents):
            docx = Path(tmp, f"{i:05d}.docx")
            docx.write_bytes(document.docx)
            futures.append(moteur.soumettre(docx, Path(tmp, f"{i:05d}.pdf"), pdfa=pdfa, voie=voie))
        resultats = []
        for futur, document in zip(futures, documents):
            resultats.append(sceau.sceller(futur.result().read_bytes(), document.proprietes))
            avancement(1)
        return resultats
