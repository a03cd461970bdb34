"""The demo tuteur signs in and lands on « Mes documents », on a wide screen and on a phone."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.web.outils import avec_dossiers_de_demo


@pytest.fixture(scope="module")
def app(app):
    # in a thread of its own: the seal runs asyncio, and Playwright's loop runs in this one
    with ThreadPoolExecutor(1) as fil:
        fil.submit(avec_dossiers_de_demo, app).result()
    return app


def test_the_demo_tuteur_lands_on_mes_documents(page, adresse, captures):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{adresse}/")
    page.get_by_label("Identifiant", exact=True).fill("tuteur")
    page.get_by_label("Mot de passe", exact=True).fill("demo-tuteur")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{adresse}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mes documents"
    for section in ("À remplir (2)", "À signer (1)", "En attente d’autres personnes (1)",
                    "Terminés (2)"):
        assert page.get_by_role("heading", name=section, level=2).is_visible()
    assert page.get_by_text("en retard").first.is_visible()
    page.screenshot(path=str(captures / "mes-documents-1280.png"), full_page=True)

    page.set_viewport_size({"width": 375, "height": 812})
    page.reload()
    bouton = page.get_by_role("link", name="Signer : Parcours d’individualisation")
    assert bouton.is_visible()
    # nothing wider than the phone's screen: no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(captures / "mes-documents-375.png"), full_page=True)

    bouton.click()
    page.wait_for_url("**/signer")
    assert page.get_by_role("heading", level=1).inner_text() == "Signer le document"

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mes stagiaires").click()
    assert page.get_by_role("heading", name="FONTAINE Inès", level=2).is_visible()
    page.screenshot(path=str(captures / "mes-stagiaires.png"), full_page=True)
    page.get_by_role("link", name="Dossier complet de FONTAINE Inès").click()
    assert page.get_by_text("Renvoyé : La partie « Dispositif proposé »").is_visible()
    page.screenshot(path=str(captures / "dossier-stagiaire.png"), full_page=True)


def test_the_secretariat_lands_on_the_campaign_in_short(page, adresse, captures):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_label("Identifiant", exact=True).fill("secretariat")
    page.get_by_label("Mot de passe", exact=True).fill("demo-secretariat")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{adresse}/")
    assert page.get_by_role("heading", name="Campagne", level=2).is_visible()
    assert page.get_by_role("link", name="Suivre la campagne").get_attribute("href") == "/campagne"
    page.get_by_role("link", name="Voir le dépôt : Compte-rendu du tuteur de stage SOPA").click()
    assert page.get_by_role("link", name="Vérifier et archiver").is_visible()
    page.go_back()
    page.screenshot(path=str(captures / "mes-documents-secretariat.png"), full_page=True)
