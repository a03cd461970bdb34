"""The archive, on SQLite and on PostgreSQL: round trip from Word, hostile uploads, versions,
search, retention, personal data, integrity after a crash at each write step."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import zipfile

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import creer_archives, journal
from service.archive.conservation import exporter_personne, purger
from service.archive.depot import Archive, ArchiveSupprimee, VersionArchivee
from service.archive.integrite import verifier as fsck
from service.archive.recherche import Filtres, Lecteur, dossier, manquants, rechercher
from service.catalogue.docx_sur import DocxRefuse
from service.catalogue.extraction import DocumentNonReconnu
from service.catalogue.generation import generer
from service.conception.wordml import PLACEHOLDER
from service.config import Config
from service.pdf.sceau import verifier as verifier_pdf
from service.personnes.effectifs import Stagiaire
from tests.outils import RACINE, W, Word, ecriture_interrompue, q

SECRETARIAT = Lecteur("secretariat", "secretariat")


@pytest.fixture
def archives(base_de_donnees, catalogue, tmp_path, request):
    """The archive, its files in a local folder; on the S3 server for a test that asks
    (``@pytest.mark.parametrize("archives", ["dossier", "s3"], indirect=True)``)."""
    config = Config(sorties=tmp_path / "sorties", donnees=tmp_path / "donnees")
    stockage = request.getfixturevalue("stockage_s3") if getattr(request, "param", "") == "s3" else None
    return creer_archives(config, catalogue, base_de_donnees, stockage)


SUR_LES_DEUX_STOCKAGES = pytest.mark.parametrize("archives", ["dossier", "s3"], indirect=True)


def _inscrire(base, nom="MOREAU", prenom="Léa", terrain="tuteur", inspe="", compte="stagiaire",
              parcours=""):
    with Session(base) as session, session.begin():
        session.add(Stagiaire(nom=nom, prenom=prenom, tuteur_terrain=terrain, tuteur_inspe=inspe,
                              compte_stagiaire=compte, parcours=parcours))


def _prerempli(catalogue, **valeurs) -> bytes:
    """The compte-rendu a tuteur downloads, filled with what the institution knows."""
    formulaire = catalogue.gabarit("compte_rendu_sopa").formulaire
    connu = {c.nom: formulaire.exemple[c.nom] for c in formulaire.champs if c.requis}
    return generer(catalogue, "compte_rendu_sopa", connu | valeurs).docx


def _compter(archives) -> tuple[int, int]:
    with Session(archives.base) as session:
        return (session.scalar(select(func.count()).select_from(Archive)),
                len(list(archives.coffre.objets())))


@SUR_LES_DEUX_STOCKAGES
def test_a_document_completed_in_word_is_archived_with_exactly_its_values(
        archives, catalogue, moteur, sceau, tmp_path):
    _inscrire(archives.base)
    word = Word(_prerempli(catalogue))
    word.saisir(word.controles("lieu_stage")[0], "École Paul-Bert, Clairval")
    word.saisir(word.controles("commentaires_etapes_3_4")[0], "Bonne progression.",
                "Gestion du temps à travailler.")
    word.dater(word.controles("periode_fin")[0], dt.date(2026, 10, 23))
    word.saisir(word.controles("conseil_1")[0], "Soigner l’écriture au tableau" + PLACEHOLDER)
    word.cocher("activites#1")
    word.cocher("c7#3")
    complete = word.enregistrer()

    depot = archives.deposer(complete, "compte-rendu Léa.docx", "tuteur")
    assert not depot.deja_archive and not depot.libre and depot.erreurs == []
    recu = archives.une(depot.numero)
    assert recu.statut == "recu" and recu.stagiaire == "MOREAU Léa"
    assert recu.lecteurs == "|stagiaire|tuteur|"  # the trio found in the roster, and the depositor

    archive = archives.archiver(depot.numero, depot.version, "secretariat", moteur, sceau)
    assert archive.statut == "archive" and archive.annee == "2026-2027"
    valeurs = json.loads(archive.derniere.valeurs)
    assert valeurs["lieu_stage"] == "École Paul-Bert, Clairval"
    assert valeurs["commentaires_etapes_3_4"] == "Bonne progression.\nGestion du temps à travailler."
    assert valeurs["periode_fin"] == "2026-10-23"
    assert valeurs["conseil_1"] == "Soigner l’écriture au tableau"  # not the dots typed beside
    assert valeurs["activites"] == ["Observations"] and valeurs["c7"] == "Acquis"
    assert archives.coffre.lire(archive.derniere.docx_sha256) == complete  # the original, as sent

    pdf = archives.coffre.lire(archive.derniere.pdf_sha256)
    (tmp_path / "a.pdf").write_bytes(pdf)
    texte = subprocess.run(["pdftotext", "-layout", str(tmp_path / "a.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert f"n° {depot.numero} version 1" in texte and "Archivé le " in texte
    assert "École Paul-Bert, Clairval" in texte
    assert b"pdfaid:part" in pdf  # a PDF/A
    verification = verifier_pdf(pdf, sceau)
    assert verification.intact, verification.message
    assert verification.identite["archive_numero"] == f"{depot.numero} v1"
    assert [e.quoi for e in journal.entrees(archives.base, depot.numero)] == ["depot", "archivage"]
    assert fsck(archives.base, archives.coffre).sain


def test_the_same_file_twice_is_one_record_and_a_corrected_file_its_next_version(
        archives, catalogue, moteur, sceau):
    premier = _prerempli(catalogue)
    depot = archives.deposer(premier, "cr.docx", "tuteur")
    encore = archives.deposer(premier, "cr (copie).docx", "tuteur")
    assert encore.deja_archive and (encore.numero, encore.version) == (depot.numero, 1)
    assert _compter(archives) == (1, 1)

    word = Word(premier)
    word.saisir(word.controles("lieu_stage")[0], "École Jean-Macé")
    corrige = archives.deposer(word.enregistrer(), "cr corrigé.docx", "tuteur")
    assert (corrige.numero, corrige.version) == (depot.numero, 2)
    archives.archiver(depot.numero, 1, "secretariat", moteur, sceau)
    archive = archives.archiver(depot.numero, 2, "secretariat", moteur, sceau)
    assert [v.version for v in archive.versions] == [1, 2]
    assert json.loads(archive.versions[0].valeurs)["lieu_stage"] != "École Jean-Macé"
    assert json.loads(archive.versions[1].valeurs)["lieu_stage"] == "École Jean-Macé"


def test_values_corrected_by_a_person_are_validated_and_kept_beside_what_was_read(
        archives, catalogue, moteur, sceau):
    depot = archives.deposer(_prerempli(catalogue), "cr.docx", "tuteur")
    lues = json.loads(archives.version(depot.numero, 1).valeurs_lues)
    from service.catalogue.validation import DonneesInvalides

    with pytest.raises(DonneesInvalides) as exc:
        archives.archiver(depot.numero, 1, "tuteur", moteur, sceau,
                          lues | {"periode_debut": "31/02/2026"})
    assert "periode_debut" in str(exc.value)
    assert archives.une(depot.numero).statut == "recu"  # nothing changed, nothing lost
    archive = archives.archiver(depot.numero, 1, "tuteur", moteur, sceau,
                                lues | {"lieu_stage": "École des Tilleuls"})
    assert archive.derniere.corrige
    assert json.loads(archive.derniere.valeurs)["lieu_stage"] == "École des Tilleuls"
    assert json.loads(archive.derniere.valeurs_lues)["lieu_stage"] != "École des Tilleuls"


def _paquet(docx: bytes, **remplacements: bytes) -> bytes:
    sortie = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(sortie, "w",
                                                                       zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            z.writestr(info, remplacements.pop(info.filename, None) or source.read(info))
        for nom, contenu in remplacements.items():
            z.writestr(nom, contenu)
    return sortie.getvalue()


def _hostiles(docx: bytes) -> dict[str, tuple[bytes, str]]:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        types = z.read("[Content_Types].xml").decode()
    bombe = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(bombe, "w",
                                                                      zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            z.writestr(info, source.read(info))
        for i in range(3):
            z.writestr(f"word/media/zero{i}.bin", b"\0" * (100 * 2**20))
    return {
        "PDF renommé": (b"%PDF-1.7\n" + b"0" * 1000, "c’est un PDF"),
        "ancien .doc ou chiffré": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000, "mot de passe"),
        "pas un zip": (b"Bonjour", "pas un document Word"),
        ".docm": (_paquet(docx, **{"[Content_Types].xml": types.replace(
            "wordprocessingml.document.main+xml", "ms-word.document.macroEnabled.main+xml").encode()}),
            "macros"),
        "macros": (_paquet(docx, **{"word/vbaProject.bin": b"\0" * 64}), "macros"),
        "bombe zip": (bombe.getvalue(), "bombe zip"),
        "entités XML": (_paquet(docx, **{"word/document.xml": (
            b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>'
            b'<w:document>&a;</w:document>')}), "entités"),
        "trop gros": (_paquet(docx, **{"word/media/bruit.bin": os.urandom(11 * 2**20)}), "10 Mo"),
    }


def test_every_hostile_upload_is_refused_and_nothing_is_stored(archives, exemples):
    for nom, (contenu, motif) in _hostiles(exemples["compte_rendu_sopa"].docx).items():
        with pytest.raises(DocxRefuse, match=motif):
            archives.deposer(contenu, f"{nom}.docx", "tuteur")
        assert _compter(archives) == (0, 0), nom
    assert journal.entrees(archives.base) == []


def test_a_document_no_gabarit_matches_is_archived_only_as_a_document_libre(
        archives, moteur, sceau):
    import docx as python_docx

    libre = python_docx.Document()
    libre.add_paragraph("Attestation de présence en établissement — Léa MOREAU")
    tampon = io.BytesIO()
    libre.save(tampon)
    with pytest.raises(DocumentNonReconnu, match="document libre"):
        archives.deposer(tampon.getvalue(), "attestation.docx", "secretariat")
    assert _compter(archives) == (0, 0)
    depot = archives.deposer(tampon.getvalue(), "attestation.docx", "secretariat", libre=True)
    archive = archives.archiver(depot.numero, 1, "secretariat", moteur, sceau,
                                titre="Attestation de présence", stagiaire="MOREAU Léa")
    assert (archive.gabarit_id, archive.titre, archive.stagiaire) == (
        "libre", "Attestation de présence", "MOREAU Léa")
    assert verifier_pdf(archives.coffre.lire(archive.derniere.pdf_sha256), sceau).intact


def test_an_upload_the_antivirus_flags_is_refused_and_nothing_is_stored(
        base_de_donnees, catalogue, tmp_path, clamd_adresse, exemples):
    from tests.archive.clamav_local import MARQUEUR, SIGNATURE

    config = Config(sorties=tmp_path / "s", donnees=tmp_path / "d", antivirus=clamd_adresse)
    archives = creer_archives(config, catalogue, base_de_donnees)
    docx = exemples["compte_rendu_sopa"].docx
    piege = _paquet(docx, **{"word/media/image99.bin": MARQUEUR})
    with pytest.raises(DocxRefuse, match=f"l'antivirus y a trouvé « {SIGNATURE}"):
        archives.deposer(piege, "cr.docx", "tuteur")
    assert _compter(archives) == (0, 0)
    assert not archives.deposer(docx, "cr.docx", "tuteur").deja_archive  # a clean one goes in

    from service.archive.antivirus import AntivirusIndisponible

    eteint = creer_archives(replace_antivirus(config, str(tmp_path / "absent.sock")), catalogue,
                            base_de_donnees)
    with pytest.raises(AntivirusIndisponible, match="réessayez"):
        eteint.deposer(exemples["fiche_personnalisation"].docx, "f.docx", "tuteur")
    assert _compter(archives) == (1, 1)


def replace_antivirus(config: Config, adresse: str) -> Config:
    from dataclasses import replace

    return replace(config, antivirus=adresse)


def test_search_filters_full_text_and_what_each_reader_sees(archives, catalogue):
    _inscrire(archives.base, terrain="tuteur")
    archives.deposer(_prerempli(catalogue, lieu_stage="École élémentaire Pasteur"), "a.docx",
                     "secretariat")
    archives.deposer(_prerempli(catalogue, stagiaire_nom="DUVAL", stagiaire_prenom="Hugo",
                                lieu_stage="Collège Jules-Verne"), "b.docx", "secretariat")
    archives.deposer(generer(catalogue, "fiche_personnalisation",
                             catalogue.gabarit("fiche_personnalisation").formulaire.exemple).docx,
                     "c.docx", "secretariat")

    def trouves(lecteur=SECRETARIAT, **filtres):
        total, resultats = rechercher(archives.base, Filtres(**filtres), lecteur)
        assert total == len(resultats)
        return sorted((a.stagiaire, a.gabarit_id) for a in resultats)

    assert len(trouves()) == 3
    assert trouves(texte="pasteur ELEMENTAIRE") == [("MOREAU Léa", "compte_rendu_sopa")]
    assert trouves(texte="collè vern") == [("DUVAL Hugo", "compte_rendu_sopa")]  # word starts
    assert trouves(texte="introuvable") == []
    assert trouves(stagiaire="duval") == [("DUVAL Hugo", "compte_rendu_sopa")]
    assert len(trouves(gabarit="fiche_personnalisation")) == 1
    assert len(trouves(statut="recu")) == 3 and trouves(statut="archive") == []
    assert len(trouves(annee="2026-2027")) == 3 and trouves(annee="2019-2020") == []
    # a tuteur sees the documents of the stagiaires whose trio they belong to, no others
    assert trouves(Lecteur("tuteur", "tuteur")) == [("MOREAU Léa", "compte_rendu_sopa"),
                                                    ("MOREAU Léa", "fiche_personnalisation")]
    assert trouves(Lecteur("autre", "tuteur")) == []

    with Session(archives.base) as session:
        lea = session.scalar(select(Stagiaire).where(Stagiaire.nom == "MOREAU"))
    assert len(dossier(archives.base, lea, SECRETARIAT)) == 2
    assert dossier(archives.base, lea, Lecteur("autre", "tuteur")) == []


def test_expected_documents_of_each_parcours_are_listed_until_they_come(archives, catalogue):
    _inscrire(archives.base, parcours="m1_meef_1d_sopa")
    _inscrire(archives.base, nom="DUVAL", prenom="Hugo", parcours="pe_stagiaire")
    _inscrire(archives.base, nom="ROUX", prenom="Théo", parcours="m2_meef_ca")

    def attendus():
        return {(m.stagiaire.nom, m.gabarit_id) for m in manquants(archives.base, catalogue,
                                                                    "2026-2027")}

    # each stagiaire is expected only the documents of their parcours
    assert attendus() == {("MOREAU", "compte_rendu_sopa"), ("DUVAL", "fiche_personnalisation"),
                          ("ROUX", "lettre_mission_tuteurs_m2")}
    archives.deposer(_prerempli(catalogue), "cr.docx", "tuteur")
    assert attendus() == {("DUVAL", "fiche_personnalisation"), ("ROUX", "lettre_mission_tuteurs_m2")}


def test_past_its_retention_period_a_record_and_its_files_go_and_the_deletion_is_recorded(
        archives, catalogue, moteur, sceau):
    depot = archives.deposer(_prerempli(catalogue), "cr.docx", "tuteur")
    archives.archiver(depot.numero, 1, "secretariat", moteur, sceau)
    garde = archives.deposer(generer(catalogue, "lettre_mission_sopa", catalogue.gabarit(
        "lettre_mission_sopa").formulaire.exemple).docx, "lm.docx", "secretariat")
    compte_rendu = archives.une(depot.numero)
    assert (dt.date.fromisoformat(compte_rendu.conserver_jusqu_au).year
            - dt.date.fromisoformat(compte_rendu.cree_le[:10]).year) == 10
    # five years for mission letters, ten for the compte-rendu (the instance's settings)
    dans_sept_ans = dt.date.today() + dt.timedelta(days=7 * 366)
    assert purger(archives.base, archives.coffre, dans_sept_ans) == [garde.numero]
    assert purger(archives.base, archives.coffre, dt.date.today() + dt.timedelta(days=11 * 366)
                  ) == [depot.numero]
    assert _compter(archives) == (0, 0)
    with Session(archives.base) as session:
        traces = list(session.scalars(select(ArchiveSupprimee).order_by(ArchiveSupprimee.id)))
    assert [t.numero for t in traces] == [garde.numero, depot.numero]
    assert "MOREAU" not in json.dumps([t.motif for t in traces])
    assert [e.quoi for e in journal.entrees(archives.base, depot.numero)][-1] == "suppression"
    assert fsck(archives.base, archives.coffre).sain


def test_everything_held_about_a_person_is_exported(archives, catalogue, moteur, sceau):
    _inscrire(archives.base)
    depot = archives.deposer(_prerempli(catalogue), "cr.docx", "tuteur")
    archives.archiver(depot.numero, 1, "secretariat", moteur, sceau)
    archives.deposer(_prerempli(catalogue, stagiaire_nom="DUVAL", stagiaire_prenom="Hugo"),
                     "autre.docx", "tuteur")
    contenu = exporter_personne(archives.base, archives.coffre, "Moreau Léa", "secretariat")
    with zipfile.ZipFile(io.BytesIO(contenu)) as z:
        fiche = json.loads(z.read("donnees.json"))
        noms = z.namelist()
    assert fiche["effectifs"][0]["nom"] == "MOREAU"
    assert [d["numero"] for d in fiche["documents"]] == [depot.numero]
    assert any(n.endswith("/v1.pdf") for n in noms) and any(n.endswith("/v1.docx") for n in noms)
    assert {e["quoi"] for e in fiche["journal"]} == {"depot", "archivage"}
    assert "DUVAL" not in json.dumps(fiche)


@SUR_LES_DEUX_STOCKAGES
def test_fsck_finds_missing_and_altered_files_and_clears_what_a_crash_leaves(archives, catalogue):
    depot = archives.deposer(_prerempli(catalogue), "cr.docx", "tuteur")
    assert fsck(archives.base, archives.coffre).sain
    stockage = archives.coffre.stockage
    orphelin = archives.coffre.deposer(b"un fichier sans fiche")
    ecriture_interrompue(stockage, archives.coffre.cle("0" * 64))
    assert fsck(archives.base, archives.coffre).restes == []  # younger than an hour: a write under way
    rapport = fsck(archives.base, archives.coffre, delai_orphelin=0)
    assert rapport.sain and len(rapport.restes) == 2
    assert f"fichier orphelin {orphelin[:12]}… (aucune fiche ne le cite)" in rapport.restes
    rapport = fsck(archives.base, archives.coffre, reparer=True, delai_orphelin=0)
    assert len(rapport.repares) == 2 and not archives.coffre.existe(orphelin)
    assert list(stockage.temporaires("")) == []
    assert archives.coffre.existe(archives.version(depot.numero, 1).docx_sha256)  # what a record names

    cle = archives.coffre.cle(archives.version(depot.numero, 1).docx_sha256)
    stockage.ecrire(cle, stockage.lire(cle)[:-1] + b"X")
    assert "a été altéré" in fsck(archives.base, archives.coffre).erreurs[0]
    stockage.supprimer(cle)
    assert "manque" in fsck(archives.base, archives.coffre).erreurs[0]


@pytest.mark.parametrize("etape", ["apres-fichier-depose", "apres-pdf-depose"])
def test_a_crash_between_write_steps_leaves_a_consistent_archive(url_base, etape, tmp_path, exemples):
    """The real command, killed at each step of its writes, then run again."""
    _panne_puis_reprise(url_base, etape, tmp_path, exemples)


def test_a_crash_leaves_a_consistent_archive_on_s3_too(tmp_path, exemples, serveur_s3):
    """The same with the files in an S3 bucket (INSPE_STOCKAGE; the database is not what is tried
    here: SQLite alone): in the bucket, and nothing on the local disk."""
    prefixe = f"commande-{tmp_path.name}"
    _panne_puis_reprise(f"sqlite:///{tmp_path / 'inspe.sqlite3'}", "apres-fichier-depose", tmp_path,
                        exemples, serveur_s3.environ(prefixe))
    objets = serveur_s3.client().list_objects_v2(Bucket=serveur_s3.bucket, Prefix=prefixe)["Contents"]
    assert [o["Key"].split("/")[1:3] for o in objets] == [["archive", "objets"]] * 2  # Word, PDF
    assert not (tmp_path / "sorties" / "archive").exists()


def _panne_puis_reprise(url_base, etape, tmp_path, exemples, variables=None):
    fichier = tmp_path / "cr.docx"
    fichier.write_bytes(exemples["compte_rendu_sopa"].docx)
    environ = dict(os.environ, DATABASE_URL=url_base, INSPE_SORTIES=str(tmp_path / "sorties"),
                   INSPE_DONNEES=str(tmp_path / "donnees"), INSPE_LIBREOFFICE="1") | (variables or {})

    def commande(*arguments, panne=None):
        return subprocess.run([sys.executable, "-m", "service", *arguments], cwd=RACINE,
                              capture_output=True, text=True, timeout=180,
                              env=environ | ({"INSPE_PANNE_ARCHIVE": panne} if panne else {}))

    assert commande("archiver", str(fichier), "--par", "secretariat", panne=etape).returncode == 70
    verification = commande("fsck")
    assert verification.returncode == 0, verification.stdout
    assert "archive saine" in verification.stdout
    apres = commande("archiver", str(fichier), "--par", "secretariat")
    assert apres.returncode == 0, apres.stderr
    numero = apres.stdout.split("\t")[0]
    assert "Archivé" in apres.stdout
    assert commande("fsck").returncode == 0
    from service.bd import ouvrir

    with Session(ouvrir(url_base)) as session:
        versions = [(v.archive.numero, bool(v.pdf_sha256))
                    for v in session.scalars(select(VersionArchivee))]
    assert versions == [(numero, True)]  # one record, archived once


def test_archiver_from_the_command_line(url_base, tmp_path, exemples, capsys):
    from service.cli import main

    environ = {"DATABASE_URL": url_base, "INSPE_SORTIES": str(tmp_path / "s"),
               "INSPE_DONNEES": str(tmp_path / "d")}
    word = Word(exemples["compte_rendu_sopa"].docx)
    controle = word.controles("periode_debut")[0]
    word.saisir(controle, "31/02/2026")
    controle.find(f"{q(W, 'sdtPr')}/{q(W, 'date')}").attrib.pop(q(W, "fullDate"))
    (tmp_path / "faux.docx").write_bytes(word.enregistrer())
    assert main(["archiver", str(tmp_path / "faux.docx")], environ=environ) == 2
    erreurs = capsys.readouterr().err
    assert erreurs.startswith("faux.docx : ") and "31/02/2026" in erreurs
    assert not (tmp_path / "s" / "archive").exists()  # nothing stored
    (tmp_path / "pdf.docx").write_bytes(b"%PDF-1.7")
    assert main(["archiver", str(tmp_path / "pdf.docx")], environ=environ) == 2
    assert "document refusé : c’est un PDF" in capsys.readouterr().err


def test_a_new_instance_s_folder_is_created_for_its_database(tmp_path, capsys):
    from service.cli import main

    environ = {"INSPE_SORTIES": str(tmp_path / "s"), "INSPE_DONNEES": str(tmp_path / "nouvelle")}
    assert main(["fsck"], environ=environ) == 0
    assert "archive saine" in capsys.readouterr().out
    assert (tmp_path / "nouvelle" / "inspe.sqlite3").exists()


def test_a_name_typed_in_an_archived_document_opens_it_to_no_one(archives, catalogue):
    """A name is text: the account whose name the IA-IPR field carries reads nothing more than
    its namesake (issue 15, item 2); its depositor and the secretariat read it."""
    from service.personnes.comptes import creer_compte

    creer_compte(archives.base, "sdumont", "Sylvie Dumont", "inspecteur", "x")
    creer_compte(archives.base, "mdumont", "Marc Dumont", "inspecteur", "x")
    gabarit = catalogue.gabarit("accompagnement_renforce_m2ca")
    depot = archives.deposer(generer(catalogue, gabarit.id, gabarit.formulaire.exemple | {
        "ia_ipr_nom": "Mme Sylvie DUMONT"}).docx, "ar.docx", "secretariat")
    assert archives.une(depot.numero).lecteurs == "|secretariat|"
    assert rechercher(archives.base, Filtres(), Lecteur("sdumont", "inspecteur"))[0] == 0
    assert rechercher(archives.base, Filtres(), Lecteur("mdumont", "inspecteur"))[0] == 0
    assert rechercher(archives.base, Filtres(), SECRETARIAT)[0] == 1
