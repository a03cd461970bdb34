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
    assert erreur["texte"] == ("periode_debut : « 31/02/2026 » n’est pas une date valide "
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


def test_a_name_typed_in_a_document_opens_it_to_no_one(app, client, jetons, catalogue):
    """The accompagnement renforcé names its IA-IPR: a name is text, not an account. Neither the
    account of that name nor a namesake reads it (issue 15, item 2); author and secretariat do."""
    from service.personnes.comptes import creer_compte

    base = service(app)["base"]
    creer_compte(base, "dumont2", "Marc Dumont", "inspecteur", "x")  # the same family name
    jetons["dumont2"] = creer_jeton(base, "dumont2")
    exemple = catalogue.gabarit("accompagnement_renforce_m2ca").formulaire.exemple
    reponse = client.post("/api/documents", headers=entetes(jetons["tuteur"]), json={
        "gabarit": "accompagnement_renforce_m2ca",
        "donnees": exemple | {"ia_ipr_nom": "Mme Sylvie Dumont"}})
    assert reponse.status_code == 201
    numero = reponse.json["numero"]

    def statut(qui):
        return client.get(f"/api/documents/{numero}", headers=entetes(jetons[qui])).status_code

    assert statut("inspecteur") == 404  # Sylvie Dumont's account: named, not bound
    assert statut("dumont2") == 404
    assert statut("tuteur") == 200 and statut("secretariat") == 200
