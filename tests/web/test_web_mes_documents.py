"""« Mes documents », « Mes stagiaires » and a stagiaire's dossier, on the demo's dossiers: each
account sees its own documents in the right section, with only the actions it may do."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.dossier.etats import ETATS
from service.dossier.modele import DocumentDuDossier
from service.personnes import effectifs
from service.web import service
from tests.outils import pdf_texte
from tests.web.outils import avec_dossiers_de_demo, sections, texte

# the demo roster's stagiaires of the demo tuteur (Hélène Garnier), and of no demo account
DU_TUTEUR = ["Léa MOREAU", "Hugo BERNARD", "Inès FONTAINE", "Manon CHEVALIER"]
D_AUTRES_TRIOS = ["Camille LEROY", "Lucas GIRARD", "Théo ROUX", "Chloé LAMBERT", "Nathan FAURE",
                  "Jade MERCIER", "Enzo BLANC", "Zoé GUERIN"]


@pytest.fixture(scope="module")
def app(app):
    assert avec_dossiers_de_demo(app) == 6
    return app


def page(reponse) -> str:
    return html.unescape(texte(reponse))


def stagiaire(app, nom: str):
    (trouve,) = [s for s in effectifs.tous(service(app)["base"]) if f"{s.prenom} {s.nom}" == nom]
    return trouve


def test_the_demo_has_a_document_in_every_state_made_once(app):
    base = service(app)["base"]
    with Session(base) as session:
        etats = dict(session.execute(select(DocumentDuDossier.etat, func.count())
                                     .group_by(DocumentDuDossier.etat)).all())
    assert set(etats) == set(ETATS)
    assert avec_dossiers_de_demo(app) == 0  # a restart: nothing made again
    with Session(base) as session:
        assert dict(session.execute(select(DocumentDuDossier.etat, func.count())
                                    .group_by(DocumentDuDossier.etat)).all()) == etats
        motif = session.scalar(select(DocumentDuDossier.motif).where(
            DocumentDuDossier.etat == "renvoye"))
    assert "Dispositif proposé" in motif


def test_the_demo_tuteur_sees_her_documents_in_their_sections(connecte, app):
    tuteur = connecte("tuteur")
    contenu = page(tuteur.get("/"))
    parties = sections(contenu)
    # sent back, with its reason, late; and her saved draft, to resume
    assert "Inès FONTAINE" in parties["a_remplir"] and "Renvoyé : La partie « Dispositif proposé »" \
        in parties["a_remplir"] and "en retard" in parties["a_remplir"]
    assert "Hugo BERNARD" in parties["a_remplir"] and "Reprendre le brouillon" in parties["a_remplir"]
    assert "saisie=" in parties["a_remplir"]
    # her turn in the parcours d'individualisation, once the IEN signed
    assert "Parcours d’individualisation" in parties["a_signer"]
    assert re.search(r'href="/documents/[0-9A-Z-]+/signer"', parties["a_signer"])
    assert "à rendre le 15/01/2027" in parties["a_signer"]
    assert "Reste : vous (tuteur ou tutrice de terrain), Nathalie Caron" in parties["a_signer"]
    # the accompagnement renforcé waits for the inspecteur
    assert "Manon CHEVALIER" in parties["en_attente"] and "Reste : Sylvie Dumont (IEN ou IA-IPR)" \
        in parties["en_attente"]
    # Léa's compte-rendu, archived
    assert "Léa MOREAU" in parties["termines"] and "Archivé" in parties["termines"]
    assert re.search(r'href="/archives/A-[0-9-]+"', parties["termines"])
    for nom in D_AUTRES_TRIOS:
        assert nom not in contenu
    assert "Campagne" not in contenu


def test_the_demo_stagiaire_sees_her_archived_compte_rendu_and_may_fill_nothing(connecte, app):
    lea = connecte("stagiaire")
    contenu = page(lea.get("/"))
    parties = sections(contenu)
    assert "Compte-rendu du tuteur de stage SOPA" in parties["termines"]
    assert "Aucun document à remplir" in parties["a_remplir"]
    assert "Aucune signature ne vous est demandée" in parties["a_signer"]
    for nom in D_AUTRES_TRIOS + [n for n in DU_TUTEUR if n != "Léa MOREAU"]:
        assert nom not in contenu
    # her tutor's forms are never offered to her, here or in « Mes stagiaires »
    moreau = stagiaire(app, "Léa MOREAU")
    for url in ("/", "/mes-stagiaires", f"/archives/stagiaire/{moreau.id}"):
        assert "/formulaires/" not in texte(lea.get(url)) and "Commencer" not in texte(lea.get(url))
    assert lea.get(f"/formulaires/compte_rendu_sopa?stagiaire={moreau.id}").status_code == 404
    archive = re.search(r'href="(/archives/A-[0-9-]+)"', parties["termines"]).group(1)
    assert lea.get(archive).status_code == 200


def test_the_demo_inspecteur_signs_the_accompagnement_renforce(connecte):
    contenu = page(connecte("inspecteur").get("/"))
    parties = sections(contenu)
    assert "Procédure d’accompagnement renforcé" in parties["a_signer"]
    assert "Manon CHEVALIER" in parties["a_signer"] and "2 signatures apposées" in parties["a_signer"]
    assert "Inès FONTAINE" in parties["en_attente"]  # the tuteur's turn to sign
    for nom in ("Théo ROUX", "Chloé LAMBERT", "Nathan FAURE", "Jade MERCIER", "Enzo BLANC"):
        assert nom not in contenu  # the IA-IPR's and the principal's stagiaires


def test_the_secretariat_sees_the_campaign_in_short(connecte):
    contenu = page(connecte("secretariat").get("/"))
    assert "Campagne 2026-2027" in contenu and 'href="/campagne"' in contenu
    contenu = re.sub(r"<[^>]+>", "", contenu)
    for compte in ("1 à vérifier", "2 en signature", "1 archivé", "1 renvoyé", "1 retiré"):
        assert compte in contenu
    assert "documents en retard" in contenu and "Nathan FAURE" in contenu
    assert "Aucun stagiaire ne vous est rattaché" in contenu
    depots = contenu[contenu.index("Dépôts à vérifier"):]
    assert depots.startswith("Dépôts à vérifier (1)") and "Camille LEROY" in depots


def test_an_upload_waits_for_the_secretariat_not_for_its_tuteur(connecte):
    parties = sections(page(connecte("tuteur2", "demo-tuteur2").get("/")))
    assert "Camille LEROY" in parties["en_attente"] and "Camille LEROY" not in parties["a_remplir"]
    assert "Attend : le secrétariat" in parties["en_attente"]


def test_a_procedure_started_from_mes_stagiaires_is_resumed_from_mes_documents(connecte, app):
    sophie = connecte("tuteur3", "demo-tuteur3")
    faure = stagiaire(app, "Nathan FAURE")
    lien = f"/formulaires/parcours_individualisation_2d?stagiaire={faure.id}"
    assert lien in texte(sophie.get("/mes-stagiaires"))
    assert "Parcours d’individualisation" not in sections(page(sophie.get("/")))["a_remplir"]
    reponse = sophie.post(lien, {"action": "enregistrer", "stagiaire": str(faure.id)})
    assert reponse.status_code == 302 and reponse.headers["Location"] == "/"
    a_remplir = sections(page(sophie.get("/")))["a_remplir"]
    assert re.search(r"Parcours d’individualisation.{0,900}Nathan FAURE.{0,900}Reprendre le brouillon",
                     a_remplir, re.S)
    assert "Commencer : Parcours d’individualisation" not in _bloc(
        page(sophie.get("/mes-stagiaires")), "FAURE Nathan")
    assert "Pour Nathan FAURE" in page(sophie.get("/formulaires"))


def test_signed_out_one_is_sent_to_sign_in(client):
    assert client.get("/").headers["Location"] == "/connexion"
    assert client.get("/formulaires").headers["Location"] == "/connexion?suivant=/formulaires"


def _bloc(contenu: str, nom: str) -> str:
    debut = contenu.index(f">{nom}</h2>")
    fin = contenu.find("<section", debut)
    return contenu[debut:fin if fin > 0 else len(contenu)]


def test_mes_stagiaires_lists_only_each_parcours_documents_and_one_s_own_actions(connecte):
    contenu = page(connecte("tuteur").get("/mes-stagiaires"))
    for nom in ("MOREAU Léa", "BERNARD Hugo"):  # 1er degré (M1 SOPA)
        bloc = _bloc(contenu, nom)
        assert "Compte-rendu du tuteur de stage SOPA" in bloc
        assert "Lettre de mission" not in bloc and "Fiche de personnalisation" not in bloc
    fontaine = _bloc(contenu, "FONTAINE Inès")
    assert "Signer" in fontaine and "/signer" in fontaine
    assert "second degré" not in fontaine  # the 2d parcours d'individualisation: not hers
    chevalier = _bloc(contenu, "CHEVALIER Manon")
    assert "Lettre de mission des tuteurs" in chevalier  # written by the secretariat: read only
    assert "lettre_mission_tuteurs_m2?stagiaire=" not in chevalier

    autre = page(connecte("tuteur3", "demo-tuteur3").get("/mes-stagiaires"))
    for nom in ("MERCIER Jade", "BLANC Enzo"):  # M2A, DU: no fiche de personnalisation
        bloc = _bloc(autre, nom)
        assert "Fiche de personnalisation" not in bloc and "Aucun document attendu" in bloc
    roux = _bloc(autre, "ROUX Théo")  # M2 CA: the accompagnement renforcé, to start
    assert "Commencer : Procédure d’accompagnement renforcé" in roux
    lambert = _bloc(autre, "LAMBERT Chloé")
    assert "Commencer : Parcours d’individualisation" in lambert and "écoles stagiaires" not in lambert


def test_a_stagiaire_s_dossier_lists_each_document_once_with_its_links(connecte, app):
    tuteur = connecte("tuteur")
    fontaine = stagiaire(app, "Inès FONTAINE")
    contenu = page(tuteur.get(f"/archives/stagiaire/{fontaine.id}"))
    assert "Documents attendus non reçus" not in contenu
    assert contenu.count("<h3>Fiche de personnalisation") == 1
    assert "Renvoyé : La partie « Dispositif proposé »" in contenu
    assert re.search(r'href="/documents/[0-9A-Z-]+"', contenu)
    moreau = stagiaire(app, "Léa MOREAU")
    contenu = page(tuteur.get(f"/archives/stagiaire/{moreau.id}"))
    assert contenu.count("<h3>Compte-rendu") == 1 and "Archivé" in contenu
    archive = re.search(r'href="(/archives/A-[0-9-]+)"', contenu).group(1)
    assert "Hélène Garnier" in page(tuteur.get(archive))
    # its PDF carries the tuteur's signature, made by LibreOffice
    numero = re.search(r'href="/documents/([0-9A-Z-]+)"', contenu).group(1)
    pdf = tuteur.get(f"/documents/{numero}/v2.pdf")
    assert pdf.status_code == 200 and "Hélène Garnier" in pdf_texte(pdf.data)
