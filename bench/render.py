"""Rendering speed: the safe compiled renderer against raw docxtpl, on one core.

    .venv/bin/python bench/render.py [--n 200] [--bac]

For each gabarit: median milliseconds to render its example to .docx in process
(after warm-up), and documents per second. For the compte-rendu SOPA, raw
docxtpl on the same template and data (load, render with a sandboxed autoescaping
environment, save), in the same run, and the ratio of the two rates.

``--bac`` measures only the cost of rendering under limits (``rendre_avec_limites``: a render
process with a wall-clock and a memory limit) against the same render in process, per gabarit,
and prints their ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docxtpl import DocxTemplate  # noqa: E402

from service import creer_catalogue  # noqa: E402
from service.catalogue.bac_a_sable import rendre_avec_limites  # noqa: E402
from service.catalogue.contexte import contexte  # noqa: E402
from service.catalogue.ecriture import ecrire_documents  # noqa: E402
from service.catalogue.generation import generer, preparer  # noqa: E402
from service.catalogue.rendu import environnement  # noqa: E402
from service.config import Config  # noqa: E402


def mesurer(fonction, n: int) -> list[float]:
    for _ in range(5):
        fonction()
    durees = []
    for _ in range(n):
        debut = time.perf_counter()
        fonction()
        durees.append(time.perf_counter() - debut)
    return durees


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--bac", action="store_true", help="rendu sous limites contre en processus")
    args = parser.parse_args()
    catalogue = creer_catalogue(Config.depuis(os.environ))
    if args.bac:
        return bac(catalogue, args.n)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # one core
    print(f"Rendu .docx, un cœur, {args.n} documents par gabarit (médiane après préchauffage)")
    print(f"{'gabarit':32} {'ms/doc':>8} {'doc/s':>8}")
    for gabarit in catalogue.courants():
        exemple = gabarit.formulaire.exemple
        durees = mesurer(lambda g=gabarit, e=exemple: generer(catalogue, g.id, e), args.n)
        mediane = statistics.median(durees)
        print(f"{gabarit.id:32} {mediane * 1000:8.1f} {1 / mediane:8.1f}")

    gabarit, valeurs = preparer(catalogue, "compte_rendu_sopa",
                                catalogue.gabarit("compte_rendu_sopa").formulaire.exemple)
    ctx = contexte(gabarit.formulaire, valeurs, instance=catalogue.etablissement.parametres,
                   document={"id": "x", "numero": "x", "genere_le": "x"})

    def docxtpl_brut():
        modele = DocxTemplate(gabarit.chemin)
        modele.render(ctx, jinja_env=environnement(), autoescape=True)
        modele.save(BytesIO())

    brut = statistics.median(mesurer(docxtpl_brut, max(args.n // 4, 20)))
    sur = statistics.median(mesurer(lambda: generer(catalogue, gabarit.id, gabarit.formulaire.exemple),
                                    args.n))
    print()
    print("compte_rendu_sopa, même gabarit, mêmes données :")
    print(f"  docxtpl brut (chargement, rendu, enregistrement) : {brut * 1000:7.1f} ms  "
          f"{1 / brut:6.1f} doc/s")
    print(f"  moteur sûr compilé (validation incluse)          : {sur * 1000:7.1f} ms  "
          f"{1 / sur:6.1f} doc/s")
    print(f"  rapport des débits : {brut / sur:.1f}×  (objectif ≥ 3×)")

    with tempfile.TemporaryDirectory() as dossier:
        debut = time.perf_counter()
        documents = [generer(catalogue, gabarit.id, gabarit.formulaire.exemple) for _ in range(1000)]
        ecrire_documents(documents, Path(dossier), "docx")
        total = time.perf_counter() - debut
    print(f"  1 000 documents .docx validés, rendus et écrits sur disque : {total:.1f} s")


def bac(catalogue, n: int) -> None:
    """Per document: the render in process, then through a render process under limits."""
    print(f"Rendu .docx sous limites (rendre_avec_limites) contre en processus, {n} documents "
          "par gabarit (médiane après préchauffage)")
    print(f"{'gabarit':32} {'en processus':>13} {'sous limites':>13} {'rapport':>8}")
    rapports = []
    for gabarit in catalogue.courants():
        _, valeurs = preparer(catalogue, gabarit.id, gabarit.formulaire.exemple)
        ctx = contexte(gabarit.formulaire, valeurs, instance=catalogue.etablissement.parametres,
                       document={"id": "x", "numero": "x", "version": 1, "genere_le": "x"})
        logo = catalogue.etablissement.logo
        compile_ = catalogue.compile(gabarit, logo)
        docx = gabarit.chemin.read_bytes()
        dedans = statistics.median(mesurer(lambda c=compile_, x=ctx: c.rendre(x, {}), n))
        limite = statistics.median(mesurer(
            lambda d=docx, x=ctx, lg=logo: rendre_avec_limites(d, x, logo=lg), n))
        rapports.append(limite / dedans)
        print(f"{gabarit.id:32} {dedans * 1000:10.2f} ms {limite * 1000:10.2f} ms "
              f"{limite / dedans:7.2f}×")
    print(f"rapport médian sous limites / en processus : {statistics.median(rapports):.2f}×")


if __name__ == "__main__":
    main()
