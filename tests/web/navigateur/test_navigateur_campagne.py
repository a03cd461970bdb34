"""The campaign in a real headless Chromium: « Renvoyer à son auteur », its reason asked first."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from service.catalogue.contexte import aujourdhui
from service.dossier.modele import DocumentDuDossier
from service.web import service
from tests.web.outils import campagne_en_retard

IDS: dict[str, int] = {}


@pytest.fixture(scope="module")
def app(app, catalogue):
    IDS.update(campagne_en_retard(service(app)["base"], catalogue, aujourdhui()))
    return app


def test_the_secretariat_sends_a_document_back_to_its_author_with_a_reason(app, page, adresse,
                                                                           captures):
    page.goto(f"{adresse}/")
    page.get_by_label("Identifiant", exact=True).fill("secretariat")
    page.get_by_label("Mot de passe", exact=True).fill("demo-secretariat")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{adresse}/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Campagne").click()
    page.wait_for_url(f"{adresse}/campagne")
    assert "4 documents en retard" in page.locator("main").inner_text()
    page.screenshot(path=str(captures / "campagne.png"), full_page=True)

    # only the document in signature can be sent back (the others are still to fill)
    renvoyer = page.get_by_role("link", name="Renvoyer à son auteur")
    assert renvoyer.count() == 1
    renvoyer.click()
    page.wait_for_url("**/renvoyer**")
    principal = page.locator("main").inner_text()
    assert "DUVAL Hugo" in principal and "Hélène Garnier" in principal
    confirmer = page.get_by_role("button", name="Confirmer le renvoi")
    confirmer.click()  # no reason: the browser itself refuses to send the form
    assert page.url.split("?")[0].endswith("/renvoyer")
    assert page.get_by_label("Raison du renvoi *").evaluate("e => !e.validity.valid")
    page.get_by_label("Raison du renvoi *").fill("Le projet de l’IEN n’est pas joint.")
    page.screenshot(path=str(captures / "campagne-renvoi.png"), full_page=True)
    confirmer.click()
    page.wait_for_url(f"{adresse}/campagne**")
    principal = page.locator("main").inner_text()
    assert "de DUVAL Hugo : renvoyé à son auteur." in principal
    assert "prévenez l’auteur vous-même de la raison du renvoi" in principal  # no SMTP here
    assert "Renvoyé" in page.get_by_role("row", name="DUVAL Hugo").filter(
        has_text="Parcours d’individualisation").inner_text()
    page.screenshot(path=str(captures / "campagne-apres-renvoi.png"), full_page=True)
    with Session(service(app)["base"]) as session:
        doc = session.get(DocumentDuDossier, IDS["parcours"])
        assert (doc.etat, doc.motif) == ("renvoye", "Le projet de l’IEN n’est pas joint.")
