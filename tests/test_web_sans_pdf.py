"""When the PDF cannot be made (here: no LibreOffice), people are told why and lose nothing."""

from __future__ import annotations

import pytest

from service.comptes import comptes_de_demo, creer_jeton
from service.config import Config
from service.web import create_app, service

from .test_api import conforme, entetes
from .test_web import connecte, texte


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("sans-libreoffice")
    app = create_app(Config(donnees=dossier / "d", sorties=dossier / "s",
                            soffice=str(dossier / "pas-de-soffice")))
    comptes_de_demo(service(app)["base"])
    yield app
    if "moteur" in service(app):
        service(app)["moteur"].fermer()
        service(app)["atelier"].fermer()


def test_the_form_stays_filled_and_says_why_the_document_could_not_be_made(app, catalogue):
    navigateur = connecte(app, "tuteur")
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


def test_the_api_answers_503_in_french_and_keeps_nothing(app, catalogue):
    jeton = creer_jeton(service(app)["base"], "tuteur")
    reponse = app.test_client().post(
        "/api/documents", headers=entetes(jeton),
        json={"gabarit": "compte_rendu_sopa",
              "donnees": catalogue.gabarit("compte_rendu_sopa").formulaire.exemple})
    assert reponse.status_code == 503
    (erreur,) = conforme(reponse, "/api/documents", "post")["erreurs"]
    assert erreur["message"].startswith("Le document n’a pas pu être fabriqué : LibreOffice")
    documents = service(app)["config"].sorties / "documents"
    assert not documents.exists() or not any(documents.iterdir())


def test_sante_says_what_is_wrong(app):
    reponse = app.test_client().get("/sante")
    assert reponse.status_code == 503 and reponse.json["etat"] == "panne"
    assert "LibreOffice" in reponse.json["detail"] and "introuvable" in reponse.json["detail"]
