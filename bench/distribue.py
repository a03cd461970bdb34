"""The distributed topology measured (tests/distribue/: PostgreSQL, Redis, S3, nginx).

    .venv/bin/python bench/distribue.py [web] [lots] [stockage] [--tours 2] [--personnes 20]
                                        [--duree 60] [--lignes 300]

- web: bench/web.py's people through nginx, to one node then to two, alternated in one series
  (one topology with two nodes, two nginx in front of it: one sends to the first node only, the
  other to both): pages p95, PDF p95, errors.
- lots: the same lot of compte-rendus SOPA (PDF/A sealed) made by one worker pinned to one core
  (taskset), then by two workers pinned to one core each, alternated: seconds, documents/s and the
  ratio (goal ≥ 1.8).
- stockage: the same lot, two workers, with the files on a folder every process shares, then on
  the S3 server, alternated: the overhead of the object storage (goal < 10 %).

Every figure of a section comes from the same run. Nothing here is written to the README: the
figures are for whoever runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RACINE))

from bench import web  # noqa: E402
from tests.distribue import nginx, port_libre, topologie  # noqa: E402

ID = "compte_rendu_sopa"


def _p50(valeurs) -> float:
    return statistics.median(valeurs) if valeurs else float("nan")


def _p95(valeurs) -> float:
    return statistics.quantiles(valeurs, n=20)[-1] if len(valeurs) >= 2 else float("nan")


def mesurer_web(args) -> None:
    print(f"web : {args.personnes} personnes, {args.duree:.0f} s par exécution, sans pause, "
          f"{os.cpu_count()} cœurs")
    with topologie(noeuds=2, workers=0) as t, ExitStack() as pile:
        jeton = t.commande("jeton", "tuteur").stdout.strip()
        adresses = {}
        for n in (1, 2):
            dossier = t.racine / f"nginx-{n}"
            adresses[n] = pile.enter_context(nginx([x.port for x in t.noeuds[:n]], dossier,
                                                   port_libre()))
        print("| exécution | nœuds | parcours | pages p50 | pages p95 | PDF p50 | PDF p95 | erreurs |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        execution = 0
        for _ in range(args.tours):
            for n in (1, 2):
                execution += 1
                erreurs = []
                pages, pdfs, etapes = web.charge(adresses[n], jeton, args.personnes, args.duree, 0,
                                                 erreurs)
                parcours = len(etapes.get("téléchargement", []))
                print(f"| {execution} | {n} | {parcours} | {_p50(pages) * 1000:.0f} ms "
                      f"| {_p95(pages) * 1000:.0f} ms | {_p50(pdfs):.2f} s "
                      f"| {_p95(pdfs):.2f} s | {len(erreurs)} |", flush=True)
                if erreurs:
                    print(f"    {sorted(set(erreurs))[:3]}")


def _lignes(n: int) -> list[dict]:
    from service import creer_catalogue
    from service.config import Config

    exemple = creer_catalogue(Config()).gabarit(ID).formulaire.exemple
    modele = json.loads(json.dumps(exemple, default=str))
    return [{**modele, "stagiaire_nom": f"STAGIAIRE{i:04d}"} for i in range(1, n + 1)]


def _lot(t, donnees: Path, cpus: list[int | None]) -> float:
    """Seconds from the workers' start to the lot finished: the lot is queued first, then the
    workers start (their start, LibreOffice's, counted as in bench/bulk.py: the same for both)."""
    lot = t.commande("lot", ID, "--donnees", str(donnees), "--format", "pdf",
                     "--par", "secretariat").stdout.split("\t")[0]
    personne = web.Personne(t.adresse)
    _, _, page, _ = personne.requete("/connexion")
    personne.requete("/connexion", {"csrf_token": personne.jeton(page), "identifiant": "secretariat",
                                    "mot_de_passe": "demo-secretariat"}, "/connexion")
    debut = time.perf_counter()
    workers = [t.worker(cpu=cpu) for cpu in cpus]
    try:
        while True:
            _, statut, contenu, _ = personne.requete(f"/lots/{lot}/etat.json")
            etat = json.loads(contenu) if statut == 200 else {"etat": f"HTTP {statut}"}
            if etat["etat"] in ("termine", "echoue") or statut != 200:
                break
            time.sleep(0.5)
        duree = time.perf_counter() - debut
    finally:
        for w in workers:
            w.arreter()
        t.workers.clear()
    if etat["etat"] != "termine":
        raise RuntimeError(f"le lot {lot} n'a pas abouti : {etat}")
    return duree


def mesurer_lots(args, donnees: Path) -> None:
    print(f"lots : {args.lignes} compte-rendus SOPA (PDF/A scellés), un worker par cœur (taskset), "
          "une instance LibreOffice chacun")
    with topologie(noeuds=1, workers=0) as t:
        par_tour = []
        for tour in range(1, args.tours + 1):
            un = _lot(t, donnees, [0])
            deux = _lot(t, donnees, [0, 1])
            par_tour.append(un / deux)
            print(f"tour {tour} : 1 worker {un:6.1f} s ({args.lignes / un:5.2f} doc/s), 2 workers "
                  f"{deux:6.1f} s ({args.lignes / deux:5.2f} doc/s), rapport {un / deux:.2f} "
                  "(objectif ≥ 1,8)", flush=True)
        print(f"rapport médian : {statistics.median(par_tour):.2f}")


def mesurer_stockage(args, donnees: Path) -> None:
    print(f"stockage : {args.lignes} compte-rendus SOPA, deux workers, dossier partagé puis S3")
    durees: dict[bool, list[float]] = {False: [], True: []}
    for tour in range(1, args.tours + 1):
        for s3 in (False, True):
            with topologie(noeuds=1, workers=0, s3=s3) as t:
                durees[s3].append(_lot(t, donnees, [None, None]))
            print(f"tour {tour} : {'S3' if s3 else 'dossier':7} {durees[s3][-1]:6.1f} s "
                  f"({args.lignes / durees[s3][-1]:5.2f} doc/s)", flush=True)
    dossier, s3 = statistics.median(durees[False]), statistics.median(durees[True])
    print(f"médianes : dossier {dossier:.1f} s, S3 {s3:.1f} s, surcoût {(s3 / dossier - 1) * 100:+.1f} % "
          "(objectif < 10 %)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mesures", nargs="*", choices=["web", "lots", "stockage"],
                        default=["web", "lots", "stockage"])
    parser.add_argument("--tours", type=int, default=2, help="exécutions de chaque sorte")
    parser.add_argument("--personnes", type=int, default=20)
    parser.add_argument("--duree", type=float, default=60, help="secondes par exécution (web)")
    parser.add_argument("--lignes", type=int, default=300, help="documents du lot (lots, stockage)")
    args = parser.parse_args()
    if "web" in args.mesures:
        mesurer_web(args)
    if {"lots", "stockage"} & set(args.mesures):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            donnees = Path(tmp, "lot.json")
            donnees.write_text(json.dumps(_lignes(args.lignes), ensure_ascii=False), encoding="utf-8")
            if "lots" in args.mesures:
                mesurer_lots(args, donnees)
            if "stockage" in args.mesures:
                mesurer_stockage(args, donnees)


if __name__ == "__main__":
    main()
