"""``make distribue``: the distributed topology on 127.0.0.1 until Ctrl-C (see ``__init__``)."""

from __future__ import annotations

import argparse
import signal
import time

from tests.distribue import topologie


def main() -> None:
    parseur = argparse.ArgumentParser(prog="python -m tests.distribue")
    parseur.add_argument("--noeuds", type=int, default=2, help="services web derrière nginx (2)")
    parseur.add_argument("--workers", type=int, default=2, help="workers des lots (2)")
    args = parseur.parse_args()
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stopped as by Ctrl-C
    print("Démarrage : PostgreSQL, Redis, S3 (SeaweedFS), migrations, "
          f"{args.noeuds} services web, nginx, {args.workers} workers…", flush=True)
    try:
        with topologie(noeuds=args.noeuds, workers=args.workers) as t:
            print(f"\nService sur {t.adresse}/ (nginx, tour à tour vers "
                  + ", ".join(f"{n.nom} :{n.port}" for n in t.noeuds) + ")")
            print(f"  base      {t.commun['DATABASE_URL']}")
            print(f"  file      {t.commun['INSPE_FILE']}")
            print(f"  stockage  {t.commun['INSPE_STOCKAGE']} sur {t.s3.point_d_acces}")
            print(f"  dossiers  {t.racine}/<processus>/ ; journaux : {t.racine}/journaux/, "
                  f"{t.nginx}/acces.log")
            print("Comptes de démonstration :")
            journal = t.noeuds[0].journal.read_text(errors="replace").splitlines()
            for ligne in journal:
                if " mot de passe " in ligne:
                    print(ligne)
            print("\nCtrl-C pour tout arrêter.", flush=True)
            while all(p.vivant() for p in [*t.noeuds, *t.workers]):
                time.sleep(1)
            mort = next(p for p in [*t.noeuds, *t.workers] if not p.vivant())
            print(f"{mort.nom} s'est arrêté (code {mort.popen.returncode}) :\n"
                  + mort.journal.read_text(errors="replace")[-2000:])
    except KeyboardInterrupt:
        pass
    print("Tout est arrêté.")


if __name__ == "__main__":
    main()
