"""Publishing never blocks pages for others: bench/web.py's page series, without then with an
administrator uploading a Word form, having it recognised and previewed, in one run.

    .venv/bin/python bench/publication.py [--personnes 10] [--duree 30] [--pause 0]

Starts the service (``serve --demo``) once; runs the people of bench/web.py (form, error page,
finished PDF, recap, download, signature) for ``--duree`` seconds alone, then again while the
demo administrateur loops over /admin/gabarits: upload of a shipped gabarit exported for Word
(``pour_word``), recognition, the declaration checked and the preview made (example rendered,
LibreOffice, page pictures), then the work abandoned. Prints the page views' p95 without and
with, and their ratio (target: ≤ 1.2, publishing blocks nobody).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import secrets
import statistics
import sys
import threading
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("banc_web", RACINE / "bench" / "web.py")
banc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(banc)


def formulaire_word() -> bytes:
    """A Word-authored form, as an administrator would upload it."""
    sys.path.insert(0, str(RACINE))
    from service.catalogue.declaration import charger
    from service.conception.pour_word import pour_word

    racine = RACINE / "gabarits" / "fiche_synthese_collectif"
    return pour_word((racine / "v2.docx").read_bytes(),
                     charger(RACINE / "formulaires" / "fiche_synthese_collectif" / "v2.yaml"))


def multipart(champs: dict, fichier: tuple[str, str, bytes]) -> tuple[bytes, str]:
    limite = secrets.token_hex(12)
    morceaux = [f'--{limite}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                for k, v in champs.items()]
    nom, fichier_nom, contenu = fichier
    morceaux.append(f'--{limite}\r\nContent-Disposition: form-data; name="{nom}"; '
                    f'filename="{fichier_nom}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                    .encode() + contenu + b"\r\n")
    morceaux.append(f"--{limite}--\r\n".encode())
    return b"".join(morceaux), f"multipart/form-data; boundary={limite}"


def administrateur(adresse: str, pause: float, fin: float, docx: bytes, tours: list,
                   erreurs: list) -> None:
    p = banc.Personne(adresse, pause)
    _, _, page, _ = p.requete("/connexion")
    p.requete("/connexion", {"csrf_token": p.jeton(page), "identifiant": "admin",
                             "mot_de_passe": "demo-admin"}, "/connexion")
    while time.monotonic() < fin:
        debut = time.perf_counter()
        _, statut, page, _ = p.requete("/admin/gabarits")
        corps, type_ = multipart({"csrf_token": p.jeton(page), "id": "fiche_synthese_collectif"},
                                 ("fichier", "synthese.docx", docx))
        entetes = {"Cookie": "; ".join(f"{k}={v}" for k, v in p.cookies.items()),
                   "Content-Type": type_, "Referer": adresse + "/admin/gabarits"}
        p.connexion.request("POST", "/admin/gabarits/televerser", corps, entetes)
        reponse = p.connexion.getresponse()
        reponse.read()
        editeur = reponse.headers.get("Location") or ""
        if reponse.status != 302 or "/travaux/" not in editeur:
            erreurs.append(f"téléversement (HTTP {reponse.status})")
            continue
        editeur = re.sub(r"^https?://[^/]+", "", editeur)
        _, _, page, _ = p.requete(editeur)
        _, statut, _, apercu = p.requete(editeur, {"csrf_token": p.jeton(page), "action": "yaml",
                                                   "yaml": _yaml(page)}, editeur)
        if statut != 302:
            erreurs.append(f"aperçu (HTTP {statut})")
        else:
            p.requete(re.sub(r"^https?://[^/]+", "", apercu))
        p.requete(editeur, {"csrf_token": p.jeton(page), "action": "abandonner"}, editeur)
        tours.append(time.perf_counter() - debut)


def _yaml(page: bytes) -> str:
    import html

    m = re.search(rb'<textarea id="yaml" name="yaml"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(m.group(1).decode()) if m else ""


def serie(adresse, args, jeton_api, avec_publication: bool, docx: bytes):
    pages, pdfs, etapes, erreurs, verrou = [], [], {}, [], threading.Lock()
    fin = time.monotonic() + args.duree
    fils = [threading.Thread(target=banc.parcours, args=(adresse, args.pause, fin, pages, pdfs,
                                                         etapes, erreurs, verrou, jeton_api))
            for _ in range(args.personnes)]
    tours: list[float] = []
    if avec_publication:
        fils.append(threading.Thread(target=administrateur,
                                     args=(adresse, args.pause, fin, docx, tours, erreurs)))
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    return pages, erreurs, tours


def p95(valeurs) -> float:
    return statistics.quantiles(valeurs, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--personnes", type=int, default=10)
    parser.add_argument("--duree", type=float, default=30)
    parser.add_argument("--pause", type=float, default=0)
    args = parser.parse_args()
    docx = formulaire_word()
    with banc.service_de_demo(4000) as (adresse, jeton_api, erreurs):
        sans, erreurs_sans, _ = serie(adresse, args, jeton_api, False, docx)
        avec, erreurs_avec, tours = serie(adresse, args, jeton_api, True, docx)
        erreurs += erreurs_sans + erreurs_avec  # the service's log is printed when there are
    print(f"{args.personnes} personnes, {args.duree:.0f} s par série, {os.cpu_count()} cœurs")
    print(f"pages sans publication : {len(sans)} vues, p95 {p95(sans) * 1000:6.0f} ms")
    print(f"pages pendant les téléversements : {len(avec)} vues, p95 {p95(avec) * 1000:6.0f} ms "
          f"({len(tours)} téléversement(s) reconnu(s) et prévisualisé(s)"
          + (f", {statistics.median(tours):.1f} s chacun)" if tours else ")"))
    print(f"rapport p95 avec / sans : {p95(avec) / p95(sans):.2f}  (objectif ≤ 1,2)")
    print(f"erreurs : {len(erreurs_sans) + len(erreurs_avec)}  "
          f"{sorted(set(erreurs_sans + erreurs_avec))[:5]}")


if __name__ == "__main__":
    main()
