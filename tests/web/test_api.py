"""The JSON API: same operations, same validation and French messages, checked against its OpenAPI."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from service import journal
from service.personnes.comptes import creer_jeton
from service.web import service
from service.web.api import OPENAPI
from tests.web.outils import conforme, entetes


@pytest.fixture(scope="module")
def jetons(app) -> dict[str, str]:
    """An API token of three demo accounts."""
    base = service(app)["base"]
    return {qui: creer_jeton(base, qui) for qui in ("tuteur", "inspecteur", "secretariat")}


def test_the_openapi_document_is_valid_and_served(client):
    validate(OPENAPI)
    assert client.get("/api/openapi.json").json["openapi"] == "3.1.0"


def test_a_token_is_required(client):
    reponse = client.get("/api/gabarits", headers={"Authorization": "Bearer faux"})
    assert reponse.status_code == 401
    assert conforme(reponse, "/api/gabarits", "get")["erreurs"][0]["message"] == (
        "jeton d'accès absent ou invalide")


def test_gabarits_and_example(client, jetons):
    gabarits = conforme(client.get("/api/gabarits", headers=entetes(jetons["tuteur"])),
                        "/api/gabarits", "get")
    assert len(gabarits) == 8
    reponse = client.get("/api/gabarits/compte_rendu_sopa/exemple", headers=entetes(jetons["tuteur"]))
    assert conforme(reponse, "/api/gabarits/{id}/exemple", "get")["stagiaire_nom"] == "MOREAU"
    reponse = client.get("/api/gabarits/inconnu/exemple", headers=entetes(jetons["tuteur"]))
    assert reponse.status_code == 404 and "inconnu" in conforme(
        reponse, "/api/gabarits/{id}/exemple", "get")["erreurs"][0]["message"]


def test_invalid_data_get_the_same_french_messages(client, jetons, catalogue):
    donnees = dict(catalogue.gabarit("compte_rendu_sopa").formulaire.exemple,
                   periode_debut="31/02/2026")
    reponse = client.post("/api/documents", headers=entetes(jetons["tuteur"]),
                          json={"gabarit": "compte_rendu_sopa", "donnees": donnees})
    assert reponse.status_code == 422
    (erreur,) = conforme(reponse, "/api/documents", "post")["erreurs"]
    assert erreur["texte"] == ("periode_debut : « 31/02/2026 » n'est pas une date valide "
                               "(JJ/MM/AAAA)")
    reponse = client.post("/api/documents", headers=entetes(jetons["tuteur"]), data="pas du json")
    assert reponse.status_code == 400 and conforme(reponse, "/api/documents", "post")


def test_create_read_download_and_who_may_not(app, client, jetons, catalogue):
    donnees = catalogue.gabarit("fiche_personnalisation").formulaire.exemple
    reponse = client.post("/api/documents", headers=entetes(jetons["tuteur"]),
                          json={"gabarit": "fiche_personnalisation", "donnees": donnees})
    assert reponse.status_code == 201
    document = conforme(reponse, "/api/documents", "post")
    numero = document["numero"]
    lu = client.get(f"/api/documents/{numero}", headers=entetes(jetons["tuteur"]))
    assert conforme(lu, "/api/documents/{numero}", "get")["nom"] == document["nom"]
    pdf = client.get(document["versions"][0]["pdf"], headers=entetes(jetons["tuteur"]))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    refuse = client.get(f"/api/documents/{numero}", headers=entetes(jetons["inspecteur"]))
    assert refuse.status_code == 404 and conforme(refuse, "/api/documents/{numero}", "get")
    assert client.get(document["versions"][0]["pdf"],
                      headers=entetes(jetons["inspecteur"])).status_code == 404
    assert client.get(f"/api/documents/{numero}",
                      headers=entetes(jetons["secretariat"])).status_code == 200
    quoi = {(e.qui, e.quoi) for e in journal.entrees(service(app)["base"], numero)}
    assert {("tuteur (tuteur)", "création"), ("inspecteur (inspecteur)", "accès refusé")} <= quoi


def test_the_people_a_procedure_names_read_its_document_and_no_one_else(app, client, jetons, catalogue):
    """The accompagnement renforcé names its IA-IPR: that account reads it; a namesake does not."""
    from service.personnes.comptes import creer_compte

    base = service(app)["base"]
    creer_compte(base, "dumont2", "Marc Dumont", "inspecteur", "x")  # the same family name
    jetons["dumont2"] = creer_jeton(base, "dumont2")
    exemple = catalogue.gabarit("accompagnement_renforce_m2ca").formulaire.exemple
    numeros = {}
    for ia_ipr in ("Mme Sylvie Dumont", "M. Olivier Dumas"):
        reponse = client.post("/api/documents", headers=entetes(jetons["tuteur"]), json={
            "gabarit": "accompagnement_renforce_m2ca", "donnees": exemple | {"ia_ipr_nom": ia_ipr}})
        assert reponse.status_code == 201
        numeros[ia_ipr] = reponse.json["numero"]

    def statut(qui, numero):
        return client.get(f"/api/documents/{numero}", headers=entetes(jetons[qui])).status_code

    assert statut("inspecteur", numeros["Mme Sylvie Dumont"]) == 200  # Sylvie Dumont is named
    assert statut("inspecteur", numeros["M. Olivier Dumas"]) == 404
    assert statut("dumont2", numeros["Mme Sylvie Dumont"]) == 404
    # the référent named, Mme Claire Besson, is the secretariat's account: it reads everything anyway
    assert statut("secretariat", numeros["M. Olivier Dumas"]) == 200
