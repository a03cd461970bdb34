"""The dossier's pages over 3,000 stagiaires: « Mes documents », the campaign, a dossier.

    .venv/bin/python bench/dossier.py [--stagiaires 3000] [--mesures 300] [--bases sqlite,postgresql]

Writes straight into a fresh database (SQLite, then a PostgreSQL cluster started
here) a roster of ``--stagiaires`` stagiaires of every parcours, their trios and the
people beyond (tuteurs with a handful of stagiaires each, IEN / IA-IPR with about a
hundred), their dossiers over five années universitaires with every applicable document
in every state (≈ 17,500 documents for 3,000 stagiaires), and the archive's records of
the documents received, four versions each (≈ 60,000 versions). Then asks the service
(its Flask app, in this process: the time measured is the service's, not the network's)
for « Mes documents » of tuteurs, of inspecteurs and of stagiaires, the campaign of the
current year (as the secretariat, with and without filters) and dossier pages, and prints
p50 / p95 of each (targets: Mes documents and a dossier p95 < 100 ms, the campaign < 300 ms).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

RACINE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RACINE))

ANNEES = ("2022-2023", "2023-2024", "2024-2025", "2025-2026")  # past; the current one is added


def _etat(annee: str, courante: str, hasard: random.Random) -> str:
    if annee != courante:  # a past year: done, but for a few
        return hasard.choices(["archive", "signe", "retire", "a_remplir"], [90, 4, 2, 4])[0]
    return hasard.choice(["a_remplir", "brouillon", "a_verifier", "en_signature", "en_signature",
                          "signe", "archive", "renvoye", "retire"])


def peupler(base, catalogue, nombre: int, hasard: random.Random) -> dict:
    """The roster, the accounts, the dossiers and the archive's records; returns who to ask as."""
    from werkzeug.security import generate_password_hash

    from service.archive.depot import Archive, VersionArchivee
    from service.dossier import etats, suivi
    from service.dossier.modele import DocumentDuDossier
    from service.personnes.comptes import Compte
    from service.personnes.effectifs import PARCOURS, Stagiaire

    empreinte = generate_password_hash("bench-dossier")  # one hash for every account: fast
    comptes = [("secretariat", "Secrétariat du bench", "secretariat")]
    terrains = [f"terrain{i}" for i in range(max(1, nombre // 6))]
    inspes = [f"inspe{i}" for i in range(max(1, nombre // 20))]
    inspecteurs = [f"ien{i}" for i in range(max(1, nombre // 100))]
    chefs = [f"chef{i}" for i in range(max(1, nombre // 30))]
    responsables = [f"resp{i}" for i in range(max(1, nombre // 150))]
    for liste, role in ((terrains, "tuteur"), (inspes, "tuteur"), (inspecteurs, "inspecteur"),
                        (chefs, "tuteur"), (responsables, "tuteur")):
        comptes += [(i, f"Personne {i.capitalize()}", role) for i in liste]
    comptes += [(f"stag{i}", f"Stagiaire {i}", "stagiaire") for i in range(nombre)]
    parcours = list(PARCOURS)
    stagiaires = []
    for i in range(nombre):
        stagiaires.append({
            "id": i + 1, "nom": f"NOM{i:05d}", "prenom": f"Prénom{i}",
            "parcours": parcours[i % len(parcours)],
            "lieu": "École du bench", "periode_debut": "2026-09-01", "periode_fin": "2027-06-30",
            "compte_stagiaire": f"stag{i}", "tuteur_terrain": terrains[i % len(terrains)],
            "tuteur_inspe": inspes[i % len(inspes)], "inspecteur": inspecteurs[i % len(inspecteurs)],
            "chef_etablissement": chefs[i % len(chefs)],
            "responsable_parcours": responsables[i % len(responsables)]})
    courante = suivi.annee_courante()
    lignes, archives, versions = [], [], []
    gabarits = catalogue.courants()
    for s in stagiaires:
        objet = Stagiaire(**s)
        for annee in (*ANNEES, courante):
            for gabarit in gabarits:
                if not etats.s_applique(gabarit.formulaire, objet):
                    continue
                etat = _etat(annee, courante, hasard)
                cases = [c.champ for c in etats.cases(gabarit.formulaire, objet)]
                signes = cases[:hasard.randrange(len(cases))] if etat == "en_signature" and cases \
                    else (cases if etat in ("signe", "archive") else [])
                ligne = {"id": len(lignes) + 1, "stagiaire_id": s["id"], "annee": annee,
                         "gabarit_id": gabarit.id, "etat": etat,
                         "echeance": etats.echeance(gabarit.formulaire, annee),
                         "numero": None if etat in ("a_remplir", "brouillon") else f"N{len(lignes):07d}",
                         "archive_numero": None, "gabarit_version": gabarit.version,
                         "signes": ",".join(signes), "motif": "", "auteur": None,
                         "modifie_le": dt.datetime.now().isoformat()}
                if etat in ("archive", "signe", "a_verifier", "retire", "renvoye"):
                    numero = f"A-2026-{len(archives) + 1:06d}"
                    ligne["archive_numero"] = numero
                    archives.append({
                        "id": len(archives) + 1, "numero": numero, "cle": f"bench-{numero}",
                        "gabarit_id": gabarit.id, "titre": gabarit.titre,
                        "stagiaire": f"{s['nom']} {s['prenom']}",
                        "stagiaire_cle": f"{s['nom']} {s['prenom']}".lower(), "tuteur": "",
                        "annee": annee, "statut": "archive", "lecteurs": "|" + "|".join(
                            sorted({s["compte_stagiaire"], s["tuteur_terrain"], s["tuteur_inspe"]})) + "|",
                        "cree_le": "2026-01-01T00:00:00", "modifie_le": "2026-01-01T00:00:00",
                        "conserver_jusqu_au": "2036-01-01"})
                    for v in (1, 2, 3, 4):
                        versions.append({
                            "archive_id": len(archives), "version": v, "nom_fichier": "document.docx",
                            "docx_sha256": hashlib.sha256(f"{numero}-{v}".encode()).hexdigest(),
                            "pdf_sha256": None, "gabarit_version": gabarit.version,
                            "ancienne_version": False, "reconnu_par": "proprietes",
                            "valeurs_lues": "{}", "valeurs": "{}", "corrige": False, "signe": False,
                            "inchange": False, "depose_le": "2026-01-01T00:00:00",
                            "depose_par": s["tuteur_terrain"],
                            "archive_le": "2026-01-02T00:00:00" if v == 4 else None})
                lignes.append(ligne)
    with base.begin() as connexion:
        connexion.execute(insert(Compte), [
            {"identifiant": i, "nom": n, "role": r, "empreinte": empreinte, "courriel": "",
             "actif": True} for i, n, r in comptes])
        connexion.execute(insert(Stagiaire), stagiaires)
        for debut in range(0, len(lignes), 5000):
            connexion.execute(insert(DocumentDuDossier), lignes[debut:debut + 5000])
        for debut in range(0, len(archives), 5000):
            connexion.execute(insert(Archive), archives[debut:debut + 5000])
        for debut in range(0, len(versions), 5000):
            connexion.execute(insert(VersionArchivee), versions[debut:debut + 5000])
    return {"documents": len(lignes), "versions": len(versions), "terrains": terrains,
            "inspecteurs": inspecteurs, "stagiaires": [s["compte_stagiaire"] for s in stagiaires],
            "ids": [s["id"] for s in stagiaires]}


def _connecte(app, identifiant: str):
    client = app.test_client()
    reponse = client.post("/connexion", data={"identifiant": identifiant,
                                               "mot_de_passe": "bench-dossier"})
    assert reponse.status_code == 302, (identifiant, reponse.status_code)
    return client


def _mesurer(client, chemins: list[str]) -> tuple[list[float], int]:
    durees, erreurs = [], 0
    for chemin in chemins:
        debut = time.perf_counter()
        reponse = client.get(chemin)
        durees.append((time.perf_counter() - debut) * 1000)
        erreurs += reponse.status_code != 200
    return durees, erreurs


def _ligne(nom: str, durees: list[float], erreurs: int) -> str:
    durees = sorted(durees)
    p95 = durees[int(len(durees) * 0.95) - 1]
    return (f"  {nom:<38} p50 {statistics.median(durees):6.1f} ms   p95 {p95:6.1f} ms"
            f"   ({len(durees)} pages, {erreurs} erreurs)")


def mesurer(url: str, nombre: int, mesures: int, nom_base: str) -> None:
    from service.config import Config
    from service.web import create_app, service

    hasard = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="bench-dossier-") as dossier:
        app = create_app(Config(donnees=Path(dossier) / "d", sorties=Path(dossier) / "s",
                                base_de_donnees=url), {"WTF_CSRF_ENABLED": False})
        outils = service(app)
        debut = time.perf_counter()
        qui = peupler(outils["base"], outils["catalogue"], nombre, hasard)
        print(f"{nom_base} : {nombre} stagiaires, {qui['documents']} documents, "
              f"{qui['versions']} versions écrits en {time.perf_counter() - debut:.1f} s")
        cas = [
            ("Mes documents (tuteurs de terrain)", hasard.sample(qui["terrains"], 20), ["/"]),
            ("Mes documents (IEN, ~100 stagiaires)", qui["inspecteurs"][:10], ["/"]),
            ("Mes documents (stagiaires)", hasard.sample(qui["stagiaires"], 20), ["/"]),
            ("Mes documents (secrétariat)", ["secretariat"], ["/"]),
            ("Campagne (secrétariat)", ["secretariat"],
             ["/campagne", "/campagne?etat=en_signature", "/campagne?parcours=m2_meef_ca"]),
            ("Dossier d'un stagiaire (secrétariat)", ["secretariat"],
             [f"/archives/stagiaire/{i}" for i in hasard.sample(qui["ids"], 50)]),
        ]
        for nom, personnes, chemins in cas:
            durees, erreurs = [], 0
            clients = [_connecte(app, p) for p in personnes]
            for client in clients:  # one warm-up request each (compiled templates, caches)
                client.get(chemins[0])
            par_client = max(1, mesures // len(clients))
            for client in clients:
                d, e = _mesurer(client, [hasard.choice(chemins) for _ in range(par_client)])
                durees += d
                erreurs += e
            print(_ligne(nom, durees, erreurs))


def main() -> None:
    parseur = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parseur.add_argument("--stagiaires", type=int, default=3000)
    parseur.add_argument("--mesures", type=int, default=300, help="pages mesurées par cas")
    parseur.add_argument("--bases", default="sqlite,postgresql")
    args = parseur.parse_args()
    for nom_base in args.bases.split(","):
        if nom_base == "sqlite":
            with tempfile.TemporaryDirectory(prefix="bench-dossier-bd-") as dossier:
                mesurer(f"sqlite:///{dossier}/bench.sqlite3", args.stagiaires, args.mesures, "SQLite")
        else:
            from tests.postgresql_local import cluster

            with contextlib.ExitStack() as pile:
                url = pile.enter_context(cluster("bench_dossier"))
                mesurer(url, args.stagiaires, args.mesures, "PostgreSQL")


if __name__ == "__main__":
    main()
