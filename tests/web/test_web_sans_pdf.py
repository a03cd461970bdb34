"""When the PDF cannot be made (here: no LibreOffice), people are told why and lose nothing."""

from __future__ import annotations

import pytest

from service.catalogue.generation import generer
from service.catalogue.tableur import modele_import
from service.catalogue.validation import valider
from service.personnes import effectifs
from service.personnes.comptes import creer_jeton
from service.web import service
from tests.web.outils import champs_du_formulaire, conforme, deposer, entetes, texte


@pytest.fixture(scope="module")
def reglages(tmp_path_factory) -> dict:
    return {"soffice": str(tmp_path_factory.mktemp("sans-libreoffice") / "pas-de-soffice")}


@pytest.fixture(scope="module")
def app(app):
    effectifs.importer(service(app)["base"], modele_import(effectifs.DECLARATION), "liste.xlsx")
    return app


def test_the_form_stays_filled_and_says_why_the_document_could_not_be_made(connecte, catalogue):
    navigateur = connecte("tuteur")
    exemple = catalogue.gabarit("fiche_personnalisation").formulaire.exemple
    donnees = {cle: valeur for cle, valeur in exemple.items() if isinstance(valeur, str)}
    donnees.update(stagiaire_nom="MOREAU-TESTÉ", date_reunion="2026-10-15",
                   date_fiche="2026-10-19", action="apercu")
    reponse = navigateur.post("/formulaires/fiche_personnalisation", donnees)
    assert reponse.status_code == 503
    page = texte(reponse)
    assert "Le document n’a pas pu être fabriqué" in page and "introuvable" in page
    assert "Rien n’a été perdu de votre saisie" in page
    assert 'value="MOREAU-TESTÉ"' in page


def test_the_api_answers_503_in_french_and_keeps_nothing(app, client, catalogue):
    jeton = creer_jeton(service(app)["base"], "tuteur")
    reponse = client.post(
        "/api/documents", headers=entetes(jeton),
        json={"gabarit": "compte_rendu_sopa",
              "donnees": catalogue.gabarit("compte_rendu_sopa").formulaire.exemple})
    assert reponse.status_code == 503
    (erreur,) = conforme(reponse, "/api/documents", "post")["erreurs"]
    assert erreur["message"].startswith("Le document n’a pas pu être fabriqué : LibreOffice")
    documents = service(app)["config"].sorties / "documents"
    assert not documents.exists() or not any(documents.iterdir())


def test_sante_says_what_is_wrong(client):
    reponse = client.get("/sante")
    assert reponse.status_code == 503 and reponse.json["etat"] == "panne"
    assert "LibreOffice" in reponse.json["detail"] and "introuvable" in reponse.json["detail"]


def test_an_upload_that_cannot_be_archived_stays_waiting_with_its_corrections(app, client, connecte,
                                                                             catalogue):
    tuteur = connecte("tuteur")
    declaration = catalogue.gabarit("compte_rendu_sopa").formulaire
    reponse = deposer(tuteur, generer(catalogue, "compte_rendu_sopa", declaration.exemple).docx)
    verification = reponse.headers["Location"]
    donnees = champs_du_formulaire(declaration, valider(declaration, declaration.exemple))
    reponse = tuteur.post(verification, dict(donnees, lieu_stage="École Jules-Ferry (site B)",
                                             action="archiver"))
    assert reponse.status_code == 503
    page = texte(reponse)
    assert "le dépôt reste en attente" in page
    assert "Le document n’a pas pu être fabriqué" in page and "introuvable" in page
    assert 'value="École Jules-Ferry (site B)"' in page  # the correction, still on the page
    numero = verification.split("/")[2]
    assert tuteur.get(verification).status_code == 200  # still waiting to be archived

    jeton = creer_jeton(service(app)["base"], "tuteur")
    reponse = client.post(f"/api/archives/{numero}/versions/1/archiver",
                                     headers=entetes(jeton), json={})
    assert reponse.status_code == 503
    (erreur,) = conforme(reponse, "/api/archives/{numero}/versions/{version}/archiver",
                         "post")["erreurs"]
    assert erreur["message"].startswith("Le document n’a pas pu être fabriqué : LibreOffice")
    assert tuteur.get(verification).status_code == 200
