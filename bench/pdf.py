"""PDF throughput of the compte-rendu SOPA, four ways, in one run.

    .venv/bin/python bench/pdf.py [--lot 200]

(a) a new ``soffice --convert-to pdf`` process per document (naive baseline);
(b) this engine, one document at a time (render, convert, seal);
(c) this engine on a batch using both cores, sealing included; then, while a
    second batch runs, a person asks for single documents: their latency (p50/p95);
(d) the staged batch: render all, two ``soffice`` batch conversions side by
    side, then seal.
Also the memory of the whole LibreOffice pool.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service import creer_catalogue, creer_moteur, creer_sceau  # noqa: E402
from service.catalogue.generation import generer  # noqa: E402
from service.config import Config  # noqa: E402
from service.pdf.production import produire_pdfs  # noqa: E402

ID = "compte_rendu_sopa"


def soffice_en_lot(fichiers: list[Path], dossier: Path) -> list[Path]:
    """The baselines' converter: one new ``soffice --convert-to pdf`` process for ``fichiers``."""
    with tempfile.TemporaryDirectory(prefix="bench-lo-") as profil:
        subprocess.run(["soffice", f"-env:UserInstallation={Path(profil).as_uri()}", "--headless",
                        "--norestore", "--convert-to", "pdf", "--outdir", str(dossier),
                        *map(str, fichiers)], capture_output=True, check=True, timeout=600)
    return [dossier / (f.stem + ".pdf") for f in fichiers]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lot", type=int, default=200)
    parser.add_argument("--naif", type=int, default=8)
    parser.add_argument("--un", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = Config.depuis(dict(os.environ, INSPE_DONNEES=tmp))
        catalogue = creer_catalogue(config)
        sceau = creer_sceau(config, catalogue)
        exemple = catalogue.gabarit(ID).formulaire.exemple

        def document():
            return generer(catalogue, ID, exemple)

        # (a) one soffice process per document
        debut = time.perf_counter()
        for i in range(args.naif):
            chemin = Path(tmp, f"naif{i}.docx")
            chemin.write_bytes(document().docx)
            soffice_en_lot([chemin], Path(tmp, "naif"))
        a = args.naif / (time.perf_counter() - debut)

        with creer_moteur(config) as moteur:
            moteur.demarrer()  # the cold start, once, outside the measures
            produire_pdfs([document()], moteur, sceau)

            # (b) the engine, one document at a time
            debut = time.perf_counter()
            for _ in range(args.un):
                produire_pdfs([document()], moteur, sceau)
            b = args.un / (time.perf_counter() - debut)

            # (c) a batch on both cores
            debut = time.perf_counter()
            documents = [document() for _ in range(args.lot)]
            pdfs = produire_pdfs(documents, moteur, sceau, voie="lot")
            c = len(pdfs) / (time.perf_counter() - debut)
            memoire, recyclages = moteur.memoire(), moteur.recyclages

            # a person asking for single documents while another batch runs: their latency
            latences, fini = [], threading.Event()

            def personne():
                while not fini.is_set():
                    t0 = time.perf_counter()
                    produire_pdfs([document()], moteur, sceau, voie="interactive")
                    latences.append(time.perf_counter() - t0)
                    fini.wait(0.5)

            temoin = threading.Thread(target=personne)
            temoin.start()
            produire_pdfs([document() for _ in range(args.lot)], moteur, sceau, voie="lot")
            memoire = max(memoire, moteur.memoire())
            fini.set()
            temoin.join()

        # (d) staged: render all, two soffice batches side by side, then seal
        debut = time.perf_counter()
        documents = [document() for _ in range(args.lot)]
        chemins = []
        for i, d in enumerate(documents):
            chemins.append(Path(tmp, f"lot{i:04d}.docx"))
            chemins[-1].write_bytes(d.docx)
        moities = [chemins[: len(chemins) // 2], chemins[len(chemins) // 2:]]
        with ThreadPoolExecutor(2) as executeur:
            pdfs = [p for partie in executeur.map(
                lambda m: soffice_en_lot(m, Path(tmp, "etage")), moities) for p in partie]
        for d, p in zip(documents, pdfs):
            sceau.sceller(p.read_bytes(), d.proprietes)
        d_ = len(pdfs) / (time.perf_counter() - debut)

    versions = subprocess.run(["soffice", "--version"], capture_output=True, text=True).stdout
    print(f"compte-rendu SOPA (3 pages), {os.cpu_count()} cœurs, {versions.strip()}")
    print(f"(a) un soffice par document          : {a:5.2f} PDF/s  ({args.naif} documents)")
    print(f"(b) ce moteur, un document à la fois  : {b:5.2f} PDF/s  ({args.un} documents)"
          f"   (b)/(a) = {b / a:.1f}×  (objectif ≥ 3×)")
    print(f"(c) ce moteur, lot de {args.lot}, 2 cœurs    : {c:5.2f} PDF/s  scellement compris")
    print(f"(d) lot étagé (2 soffice en lot)      : {d_:5.2f} PDF/s  scellement compris"
          f"   (c)/(d) = {c / d_:.2f}×  (objectif ≥ 1,8×)")
    if latences:
        p95 = statistics.quantiles(latences, n=20)[-1] if len(latences) > 1 else latences[0]
        print(f"document unique pendant le lot : {len(latences)} demandes, médiane "
              f"{statistics.median(latences):.2f} s, p95 {p95:.2f} s  (objectif p95 < 1 s)")
    print(f"mémoire du groupe LibreOffice : {memoire / 2**20:.0f} Mio  (objectif < 1 Gio), "
          f"{recyclages} instance(s) recyclée(s) pendant la mesure")


if __name__ == "__main__":
    main()
