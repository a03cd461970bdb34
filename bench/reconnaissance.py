"""Recognising a Word-authored form: a 10-page form with 200 content controls.

    .venv/bin/python bench/reconnaissance.py [--controles 200] [--n 5]

Builds with python-docx a form of about ten pages (headings, paragraphs of fixed text,
tables) holding ``--controles`` content controls of every kind Word's Developer tab makes
(plain and rich text, dates, drop-down lists, check boxes in families, a repeating section,
pictures), then times ``reconnaitre`` on it (the declaration, the escaping of the author's
text and the compiled gabarit) and prints the median of ``--n`` runs (target: < 2 s).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import zipfile
from io import BytesIO
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RACINE))

TEXTE = ("Le tuteur ou la tutrice décrit ici, avec précision et en s’appuyant sur les "
         "observations faites en classe, la progression du stagiaire { y compris %} ce qui "
         "reste à travailler. ") * 5


def formulaire_de_test(controles: int) -> bytes:
    from tests.conception.word import (
        case,
        date,
        formulaire,
        image,
        liste,
        p,
        r,
        section_repetable,
        texte_brut,
        texte_riche,
    )
    blocs, n, i = [], 0, 0
    while n < controles:
        i += 1
        blocs.append(p(r(f"Partie {i}")))
        blocs.append(p(r(TEXTE)))
        blocs.append(p(r("Nom : "), texte_brut(f"nom_{i}", f"Nom {i}"), r("  Date : "),
                       date(f"date_{i}", f"Date {i}")))
        blocs.append(texte_riche(f"observations_{i}", f"Observations {i}"))
        blocs.append(p(r("Niveau : "), liste(f"niveau_{i}", "Niveau", ["CP", "CE1", "CE2"])))
        blocs.append(p(*[x for k in range(1, 5) for x in (case(f"activites_{i}_{k}"),
                                                         r(f" Activité {k}  "))]))
        n += 8
        if i % 4 == 0:
            blocs.append(section_repetable(f"lignes_{i}", "Lignes", date("date", "Date"),
                                           texte_brut("objet", "Objet")))
            blocs.append(p(image(f"signature_{i}", "Signature du tuteur")))
            n += 4
    return formulaire(*blocs, entete="{{ en-tête }}", pied="pied de page")


def main() -> None:
    from service.conception.reconnaissance import reconnaitre

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--controles", type=int, default=200)
    parser.add_argument("--n", type=int, default=5)
    args = parser.parse_args()
    docx = formulaire_de_test(args.controles)
    durees, resultat = [], None
    for _ in range(args.n):
        debut = time.perf_counter()
        resultat = reconnaitre(docx, "formulaire_de_test")
        durees.append(time.perf_counter() - debut)
    champs = resultat.declaration["sections"][0]["champs"]
    with zipfile.ZipFile(BytesIO(docx)) as z:
        sdt = z.read("word/document.xml").count(b"<w:sdt>")
    print(f"{len(docx) // 1024} Ko, {sdt} contrôles → {len(champs)} champs, "
          f"{len(resultat.alertes)} alertes")
    print(f"reconnaitre : médiane {statistics.median(durees) * 1000:.0f} ms "
          f"(min {min(durees) * 1000:.0f}, max {max(durees) * 1000:.0f}) ; objectif < 2000 ms")


if __name__ == "__main__":
    main()
