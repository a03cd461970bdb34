"""``make run``: every gabarit's example, as .docx and sealed PDF/A, in sorties/exemples/.

Until the web service exists, this is what running the service shows.
"""

from __future__ import annotations

import os
import sys

from service import creer_catalogue, creer_moteur, creer_sceau
from service.catalogue.ecriture import ecrire_documents
from service.catalogue.generation import generer
from service.config import Config
from service.pdf.libreoffice import ConversionImpossible
from service.pdf.production import produire_pdfs


def main(environ=None) -> int:
    config = Config.depuis(os.environ if environ is None else environ)
    catalogue = creer_catalogue(config)
    dossier = config.sorties / "exemples"
    # The examples are remade each time rather than numbered -2, -3 …
    for ancien in [*dossier.glob("*.docx"), *dossier.glob("*.pdf")]:
        ancien.unlink()
    documents = [generer(catalogue, g.id, g.formulaire.exemple) for g in catalogue.courants()]
    docx = ecrire_documents(documents, dossier, "docx")
    try:
        with creer_moteur(config) as moteur:
            pdfs = produire_pdfs(documents, moteur, creer_sceau(config, catalogue))
    except ConversionImpossible as exc:
        print(exc, file=sys.stderr)
        return 1
    pdf = ecrire_documents(documents, dossier, "pdf", pdfs)
    print(f"{len(documents)} gabarits, un exemple chacun, dans {dossier}/ :")
    for d, w, p in zip(documents, docx, pdf):
        print(f"  {d.gabarit.id:32} v{d.gabarit.version}  {w.name}  |  {p.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
