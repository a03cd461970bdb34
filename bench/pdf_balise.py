"""What keeping the structure tree (screen readers) costs a lot: compte-rendus SOPA in packets,
each document cut out with its part of the tree, or without it (as before), alternated.

    .venv/bin/python bench/pdf_balise.py [--lot 100] [--tours 2]

LibreOffice 7.4 tags every PDF/A-2 it writes, whatever UseTaggedPDF says: the conversion costs
the same either way; what is new is cutting each document's part of the packet's tree.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service import creer_catalogue, creer_moteur, creer_sceau  # noqa: E402
from service.catalogue.generation import generer  # noqa: E402
from service.config import Config  # noqa: E402
from service.pdf import paquets  # noqa: E402
from service.pdf.production import produire_pdfs  # noqa: E402

ID = "compte_rendu_sopa"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lot", type=int, default=100)
    parser.add_argument("--tours", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = Config.depuis(dict(os.environ, INSPE_DONNEES=tmp))
        catalogue = creer_catalogue(config)
        sceau = creer_sceau(config, catalogue)
        exemple = catalogue.gabarit(ID).formulaire.exemple
        with creer_moteur(config) as moteur:
            moteur.demarrer()
            produire_pdfs([generer(catalogue, ID, exemple)], moteur, sceau)
            for tour in range(1, args.tours + 1):
                for arbre in (False, True):
                    documents = [generer(catalogue, ID, exemple) for _ in range(args.lot)]
                    debut = time.perf_counter()
                    pdfs = paquets.produire_lot(documents, moteur, sceau, auteur=sceau.nom,
                                                structure=arbre)
                    debit = args.lot / (time.perf_counter() - debut)
                    taille = statistics.mean(map(len, pdfs)) / 1024
                    lecteur = paquets.PdfReader(paquets.BytesIO(pdfs[0]))
                    debut = time.perf_counter()
                    for _ in range(20):
                        paquets.extraire(lecteur, range(0, 3), paquets.Entete.de(documents[0]),
                                         sceau.nom, True, arbre)
                    coupe = (time.perf_counter() - debut) / 20 * 1000
                    print(f"tour {tour} {'avec l’arbre' if arbre else 'sans arbre  '} : lot "
                          f"{debit:5.2f} documents/s, {taille:6.1f} kio par PDF scellé, "
                          f"découpe d’un document {coupe:5.1f} ms", flush=True)


if __name__ == "__main__":
    main()
