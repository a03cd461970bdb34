"""1,000 compte-rendus SOPA from one spreadsheet to a ZIP of PDFs, embedded and Redis modes.

    .venv/bin/python bench/bulk.py [--lignes 1000]

For each mode: seconds from the spreadsheet to the finished ZIP (reading and
validating the rows, queueing, generating, converting, sealing, zipping),
documents per second, and the peak memory of the workers with their
LibreOffice instances (sampled every 0.5 s). Embedded: one worker on the
SQLite queue; Redis: a real redis-server and two workers.
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

RACINE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RACINE))

from service import creer_catalogue  # noqa: E402
from service.catalogue.tableur import modele_import  # noqa: E402
from service.config import Config  # noqa: E402
from service.lots import lots  # noqa: E402
from tests import redis_local  # noqa: E402

ID = "compte_rendu_sopa"


def tableur(lignes: int) -> bytes:
    formulaire = creer_catalogue(Config()).gabarit(ID).formulaire
    classeur = openpyxl.load_workbook(io.BytesIO(modele_import(formulaire)))
    feuille = classeur[ID]
    exemple = [c.value for c in feuille[2]]
    nom = [c.value for c in feuille[1]].index("Nom du stagiaire *")
    for ligne in range(2, lignes + 2):
        for n, valeur in enumerate(exemple, 1):
            feuille.cell(row=ligne, column=n, value=valeur)
        feuille.cell(row=ligne, column=nom + 1, value=f"STAGIAIRE{ligne - 1:04d}")
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def memoire_de(pids: list[int]) -> int:
    """Resident memory of these processes and all their descendants (LibreOffice included)."""
    parents, tailles = {}, {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                parents[int(pid)] = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{pid}/statm") as f:
                tailles[int(pid)] = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    famille, ajoutes = set(pids), True
    while ajoutes:
        nouveaux = {p for p, parent in parents.items() if parent in famille} - famille
        famille |= nouveaux
        ajoutes = bool(nouveaux)
    return sum(tailles.get(p, 0) for p in famille)


def mesurer(nom: str, donnees: Path, lignes: int, environ: dict, workers: int) -> None:
    env = dict(os.environ, **environ)
    debut = time.perf_counter()
    lance = subprocess.run([sys.executable, "-m", "service", "lot", ID, "--donnees", str(donnees)],
                           cwd=RACINE, env=env, capture_output=True, text=True, check=True)
    lot = lance.stdout.split("\t")[0]
    processus = [subprocess.Popen([sys.executable, "-m", "service", "worker"], cwd=RACINE, env=env,
                                  start_new_session=True, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) for _ in range(workers)]
    pic, sorties = 0, Path(environ["INSPE_SORTIES"])
    try:
        while lots.charger(sorties, lot).etat not in ("termine", "echoue"):
            pic = max(pic, memoire_de([p.pid for p in processus]))
            time.sleep(0.5)
    finally:
        for p in processus:
            os.killpg(p.pid, signal.SIGTERM)
            p.wait(timeout=120)
    duree = time.perf_counter() - debut
    zip_ = next((Path(environ["INSPE_SORTIES"]) / "lots" / lot).glob("*.zip"))
    print(f"{nom:38} {duree:7.1f} s  {lignes / duree:6.2f} doc/s  "
          f"pic mémoire {pic / 2**20:6.0f} Mio  ZIP {zip_.stat().st_size / 2**20:.0f} Mio")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lignes", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        donnees = Path(tmp, "lot.xlsx")
        donnees.write_bytes(tableur(args.lignes))
        print(f"{args.lignes} compte-rendus SOPA (PDF/A scellés) depuis un tableur, {os.cpu_count()} cœurs")
        mesurer("intégré (SQLite, 1 worker)", donnees, args.lignes,
                {"INSPE_SORTIES": f"{tmp}/s1", "INSPE_DONNEES": f"{tmp}/d1"}, 1)
        try:
            with redis_local.serveur() as redis:
                mesurer("Redis, 2 workers (1 LibreOffice chacun)", donnees, args.lignes,
                        {"INSPE_SORTIES": f"{tmp}/s2", "INSPE_DONNEES": f"{tmp}/d2",
                         "INSPE_FILE": redis, "INSPE_LIBREOFFICE": "1"}, 2)
        except redis_local.RedisAbsent as exc:
            print(exc)


if __name__ == "__main__":
    main()
