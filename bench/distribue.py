"""The distributed topology measured (tests/distribue/: PostgreSQL, Redis, S3, nginx).

    .venv/bin/python bench/distribue.py [web] [lots] [stockage] [--tours 2] [--personnes 20]
                                        [--duree 60] [--lignes 300]

- web: bench/web.py's people through nginx, to one node then to two, alternated in one series
  (one topology with two nodes, two nginx in front of it: one sends to the first node only, the
  other to both): pages p95, PDF p95, errors.
- lots: the same lot of compte-rendus SOPA (PDF/A sealed) made by one worker pinned to one core
  (taskset), then by two workers pinned to one core each, alternated: seconds, documents/s and the
  ratio (goal ≥ 1.8). Twice: with the services (PostgreSQL, Redis, S3 server, web node) free on
  every core, then confined to the workers' cores (one core for the first run, two for the
  second). On a machine of two cores, the first leaves the lone worker a second core for the
  services' work, which two workers must share: the second gives each run the same share per
  worker, as services on machines of their own would.
- stockage: the same lot with the files on a folder every process shares, then on the S3 server,
  alternated: the overhead of the object storage (goal < 10 %). Twice: two workers and the
  services sharing every core, then one worker on the first core and the services on the other
  (the S3 server's own work off the worker's core, as on a machine of its own).

A lot is timed from queued (once created) to its ZIP ready, by workers already running and warmed by a lot of
two packets (LibreOffice started), as they are in service: a worker's start is not a lot's.
Every figure of a section comes from the same run. Nothing here is written to the README: the
figures are for whoever runs it.
"""

from __future__ import annotations

import argparse
import contextlib
import io
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


def _placer(coeurs: set[int]) -> None:
    """Every process of the machine (services, web node, this bench) on ``coeurs`` from now on,
    and what they start after; the workers started after get their own core (taskset). Kernel
    threads bound to a core refuse: left as they are."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            taches = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue  # ended meanwhile
        for tache in taches:
            try:
                os.sched_setaffinity(int(tache), coeurs)
            except OSError:
                pass


def _tous() -> set[int]:
    return set(range(os.cpu_count() or 1))


def _lancer(t, donnees: Path) -> str:
    """Creates and queues the lot as the command ``lot`` does, in this process (a command's
    own start would be counted otherwise): its id."""
    from service.cli import main

    p = t._processus(t._nom("commande"))
    sortie = io.StringIO()
    with contextlib.redirect_stdout(sortie):
        code = main(["lot", ID, "--donnees", str(donnees), "--format", "pdf", "--par", "secretariat"],
                    environ=t.environ(p))
    if code != 0:
        raise RuntimeError(f"lot : code {code}")
    return sortie.getvalue().split("\t")[0]


def _attendre(personne, lot: str) -> None:
    while True:
        _, statut, contenu, _ = personne.requete(f"/lots/{lot}/etat.json")
        etat = json.loads(contenu) if statut == 200 else {"etat": f"HTTP {statut}"}
        if etat["etat"] == "termine":
            return
        if etat["etat"] == "echoue" or statut != 200:
            raise RuntimeError(f"le lot {lot} n'a pas abouti : {etat}")
        time.sleep(0.2)


def _lot(t, donnees: Path, cpus: list[int | None], services: set[int] | None = None) -> float:
    """Seconds from the lot queued to its ZIP ready, for workers already running, as they do in
    service: they are started, then warmed by a lot of two packets (LibreOffice started in
    each), before the lot measured is created (not counted: the web node's or the command's
    work) and queued."""
    personne = web.Personne(t.adresse)
    _, _, page, _ = personne.requete("/connexion")
    personne.requete("/connexion", {"csrf_token": personne.jeton(page), "identifiant": "secretariat",
                                    "mot_de_passe": "demo-secretariat"}, "/connexion")
    _placer(services or _tous())
    workers = [t.worker(cpu=cpu) for cpu in cpus]
    try:
        _attendre(personne, _lancer(t, donnees.with_name("echauffement.json")))
        lot = _lancer(t, donnees)  # queued last: the workers begin as it returns
        debut = time.perf_counter()
        _attendre(personne, lot)
        return time.perf_counter() - debut
    finally:
        for w in workers:
            w.arreter()
        t.workers.clear()
        _placer(_tous())


def mesurer_lots(args, donnees: Path) -> None:
    print(f"lots : {args.lignes} compte-rendus SOPA (PDF/A scellés), un worker par cœur (taskset), "
          "une instance LibreOffice chacun")
    with topologie(noeuds=1, workers=0) as t:
        rapports: dict[str, list[float]] = {"libres": [], "confinés": []}
        for tour in range(1, args.tours + 1):
            for services in rapports:
                confines = services == "confinés"
                un = _lot(t, donnees, [0], {0} if confines else None)
                deux = _lot(t, donnees, [0, 1], {0, 1} if confines else None)
                rapports[services].append(un / deux)
                print(f"tour {tour}, services {services:8} : 1 worker {un:6.1f} s "
                      f"({args.lignes / un:5.2f} doc/s), 2 workers {deux:6.1f} s "
                      f"({args.lignes / deux:5.2f} doc/s), rapport {un / deux:.2f} "
                      "(objectif ≥ 1,8)", flush=True)
        for services, valeurs in rapports.items():
            print(f"rapport médian, services {services} : {statistics.median(valeurs):.2f}")


def mesurer_stockage(args, donnees: Path) -> None:
    print(f"stockage : {args.lignes} compte-rendus SOPA, dossier partagé puis S3")
    facons = {"partagés": ([None, None], None),  # two workers and the services on every core
              "séparés": ([0], {1})}  # one worker on core 0, the services on core 1
    durees = {(f, s3): [] for f in facons for s3 in (False, True)}
    for tour in range(1, args.tours + 1):
        for facon, (cpus, services) in facons.items():
            for s3 in (False, True):
                with topologie(noeuds=1, workers=0, s3=s3) as t:
                    durees[facon, s3].append(_lot(t, donnees, cpus, services))
                print(f"tour {tour}, cœurs {facon:8} : {'S3' if s3 else 'dossier':7} "
                      f"{durees[facon, s3][-1]:6.1f} s "
                      f"({args.lignes / durees[facon, s3][-1]:5.2f} doc/s)", flush=True)
    for facon in facons:
        dossier = statistics.median(durees[facon, False])
        s3 = statistics.median(durees[facon, True])
        print(f"médianes, cœurs {facon} : dossier {dossier:.1f} s, S3 {s3:.1f} s, "
              f"surcoût {(s3 / dossier - 1) * 100:+.1f} % (objectif < 10 %)")


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
            donnees.with_name("echauffement.json").write_text(
                json.dumps(_lignes(50), ensure_ascii=False), encoding="utf-8")
            if "lots" in args.mesures:
                mesurer_lots(args, donnees)
            if "stockage" in args.mesures:
                mesurer_stockage(args, donnees)


if __name__ == "__main__":
    main()
