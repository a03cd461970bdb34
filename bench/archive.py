"""The archive: uploads per second, and search latency over 100,000 records, SQLite and PostgreSQL.

    .venv/bin/python bench/archive.py [--depots 40] [--fiches 100000]

Uploads: typical compte-rendus SOPA (each a different file), through the whole
path: checks, extraction, storing the original (``deposer``), then validation,
PDF/A conversion, seal and storing the PDF (``archiver``); one at a time, then
two at once (one per core). Search: 100,000 records with their versions and
search words written straight into the index, then 300 searches of the kinds
the web page runs (a word of the values, a stagiaire, filters, a tuteur's own
view), p50 and p95, on SQLite and on a PostgreSQL cluster started here.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import insert, text

RACINE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RACINE))

from service import creer_archives, creer_catalogue, creer_moteur, creer_sceau  # noqa: E402
from service.archive.depot import Archive, MotArchive, VersionArchivee, mots  # noqa: E402
from service.archive.recherche import Filtres, Lecteur, rechercher  # noqa: E402
from service.bd import ouvrir  # noqa: E402
from service.catalogue.generation import generer  # noqa: E402
from service.catalogue.validation import cle_de_comparaison  # noqa: E402
from service.config import Config  # noqa: E402
from tests import postgresql_local  # noqa: E402

NOMS = ["MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU",
        "LAURENT", "SIMON", "MICHEL", "LEFEBVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL",
        "FOURNIER", "GIRARD", "BONNET", "DUPONT", "LAMBERT", "FONTAINE", "ROUSSEAU", "VINCENT"]
PRENOMS = ["Léa", "Hugo", "Chloé", "Louis", "Emma", "Jules", "Inès", "Gabriel", "Manon", "Arthur",
           "Jade", "Raphaël", "Camille", "Nathan", "Zoé", "Lucas", "Sarah", "Adam", "Lina", "Noé"]
ECOLES = ["École élémentaire Jules-Ferry", "École Paul-Bert", "Collège Jean-Moulin",
          "École des Tilleuls", "Lycée Victor-Hugo", "École maternelle Pasteur", "Collège Camus"]
PHRASES = ["Léa a rapidement trouvé sa place dans l'équipe", "bonne gestion du temps",
           "la prise en charge de groupes est prometteuse", "travailler la différenciation",
           "posture d'enseignant affirmée", "séances préparées avec soin", "écoute des élèves",
           "à consolider : l'évaluation formative", "relation aux familles", "autonomie croissante"]
GABARITS = ["compte_rendu_sopa", "fiche_personnalisation", "lettre_mission_sopa",
            "accompagnement_renforce_m2ca", "parcours_individualisation_1d"]


def depots(n: int) -> None:
    config = Config(sorties=Path(tempfile.mkdtemp(prefix="bench-archive-")),
                    donnees=Path(tempfile.mkdtemp(prefix="bench-archive-d-")))
    catalogue = creer_catalogue(config)
    archives = creer_archives(config, catalogue, ouvrir(config.base_de_donnees))
    exemple = catalogue.gabarit("compte_rendu_sopa").formulaire.exemple
    fichiers = [generer(catalogue, "compte_rendu_sopa",
                        exemple | {"stagiaire_nom": f"STAGIAIRE{i:04d}"}).docx for i in range(2 * n + 4)]
    with creer_moteur(config) as moteur:
        sceau = creer_sceau(config, catalogue)

        def un(docx: bytes) -> tuple[float, float]:
            debut = time.perf_counter()
            depot = archives.deposer(docx, "cr.docx", "secretariat")
            milieu = time.perf_counter()
            archives.archiver(depot.numero, depot.version, "secretariat", moteur, sceau)
            return milieu - debut, time.perf_counter() - milieu

        for docx in fichiers[:4]:  # LibreOffice's start, once
            un(docx)
        debut = time.perf_counter()
        temps = [un(docx) for docx in fichiers[4:n + 4]]
        seul = time.perf_counter() - debut
        debut = time.perf_counter()
        with ThreadPoolExecutor(2) as deux:
            list(deux.map(un, fichiers[n + 4:]))
        paire = time.perf_counter() - debut
    depot_ms = statistics.median(t[0] for t in temps) * 1000
    archivage_ms = statistics.median(t[1] for t in temps) * 1000
    print(f"Dépôts ({n} compte-rendus différents) :")
    print(f"  déposer (contrôles, antivirus absent, lecture des valeurs, stockage) : "
          f"médiane {depot_ms:.0f} ms")
    print(f"  archiver (validation, PDF/A, sceau, stockage) : médiane {archivage_ms:.0f} ms")
    print(f"  un à la fois : {n / seul:.2f} dépôts/s ; deux à la fois : {n / paire:.2f} dépôts/s")


def remplir(base, total: int, graine: int = 1) -> None:
    """``total`` records written straight into the index, with realistic values and words."""
    hasard = random.Random(graine)
    lot = 5000
    for debut in range(0, total, lot):
        archives, versions, mots_ = [], [], []
        for i in range(debut, min(total, debut + lot)):
            nom, prenom = hasard.choice(NOMS), hasard.choice(PRENOMS)
            stagiaire = f"{nom} {prenom} {i % 997}"
            tuteur = f"{hasard.choice(PRENOMS)} {hasard.choice(NOMS).title()}"
            valeurs = {"lieu_stage": hasard.choice(ECOLES), "commentaires": ". ".join(
                hasard.sample(PHRASES, 3)), "tuteur_nom": tuteur}
            annee = hasard.choice(["2024-2025", "2025-2026", "2026-2027"])
            quand = f"{annee[:4]}-10-{1 + i % 28:02d}T10:00:00+02:00"
            archives.append({"id": i + 1, "numero": f"A-{annee[:4]}-{i + 1:06d}", "cle": f"c{i}",
                             "gabarit_id": hasard.choice(GABARITS), "titre": "Document",
                             "stagiaire": stagiaire, "stagiaire_cle": cle_de_comparaison(stagiaire),
                             "tuteur": tuteur, "annee": annee,
                             "statut": hasard.choice(["recu", "archive", "archive", "signe"]),
                             "lecteurs": f"|tuteur{i % 500}|stagiaire{i}|", "cree_le": quand,
                             "modifie_le": quand, "conserver_jusqu_au": "2036-10-01"})
            versions.append({"archive_id": i + 1, "version": 1, "nom_fichier": "cr.docx",
                             "docx_sha256": f"{i:064x}", "pdf_sha256": f"{i + 10**9:064x}",
                             "gabarit_version": 1, "ancienne_version": False,
                             "reconnu_par": "propriétés", "valeurs_lues": json.dumps(valeurs),
                             "valeurs": json.dumps(valeurs), "corrige": False, "signe": False,
                             "depose_le": quand, "depose_par": "secretariat", "archive_le": quand})
            mots_ += [{"mot": m, "archive_id": i + 1}
                      for m in mots(stagiaire, tuteur, *valeurs.values())]
        with base.begin() as connexion:
            connexion.execute(insert(Archive), archives)
            connexion.execute(insert(VersionArchivee), versions)
            connexion.execute(insert(MotArchive), mots_)
    with base.begin() as connexion:  # what autovacuum (PostgreSQL) or a periodic ANALYZE does
        connexion.execute(text("ANALYZE"))


def recherches(base, n: int = 300) -> list[float]:
    hasard = random.Random(2)
    secretariat = Lecteur("secretariat", "secretariat")
    types = [
        lambda: (Filtres(texte=hasard.choice(["tilleuls", "différenciation", "pasteur jules",
                                               "autonomie", "famil"])), secretariat),
        lambda: (Filtres(stagiaire=f"{hasard.choice(NOMS).lower()} {hasard.choice(PRENOMS)}"),
                 secretariat),
        lambda: (Filtres(gabarit=hasard.choice(GABARITS), annee="2026-2027", statut="archive"),
                 secretariat),
        lambda: (Filtres(texte="évaluation", annee="2025-2026"), secretariat),
        lambda: (Filtres(), Lecteur(f"tuteur{hasard.randrange(500)}", "tuteur")),
    ]
    temps = []
    for k in range(n):
        filtres, lecteur = types[k % len(types)]()
        debut = time.perf_counter()
        rechercher(base, filtres, lecteur)
        temps.append(time.perf_counter() - debut)
    return temps


def latence(nom: str, url: str, total: int) -> None:
    base = ouvrir(url)
    debut = time.perf_counter()
    remplir(base, total)
    rempli = time.perf_counter() - debut
    rechercher(base, Filtres(texte="tilleuls"), Lecteur("secretariat", "secretariat"))  # warm
    temps = sorted(recherches(base))
    p50, p95 = temps[len(temps) // 2] * 1000, temps[int(len(temps) * 0.95)] * 1000
    print(f"  {nom:10} : {total} fiches (écrites en {rempli:.0f} s) ; recherche p50 {p50:.1f} ms, "
          f"p95 {p95:.1f} ms, max {temps[-1] * 1000:.1f} ms")
    base.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depots", type=int, default=40)
    parser.add_argument("--fiches", type=int, default=100_000)
    args = parser.parse_args()
    depots(args.depots)
    print(f"Recherche ({args.fiches} fiches, 300 recherches de 5 sortes) :")
    with tempfile.TemporaryDirectory() as tmp:
        latence("SQLite", f"sqlite:///{tmp}/inspe.sqlite3", args.fiches)
    with postgresql_local.cluster() as url:
        latence("PostgreSQL", url, args.fiches)


if __name__ == "__main__":
    main()
