"""The archive end to end in a real headless Chromium (Debian's), with screenshots of its pages."""

from __future__ import annotations

import os
import re
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from service.catalogue.generation import generer
from service.config import Config
from service.personnes.demo import comptes_de_demo
from service.web import create_app, service
from tests.web.navigateur.test_navigateur import CAPTURES

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium absent : make test l'installe")


@pytest.fixture(scope="module")
def adresse(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("navigateur-archives")
    app = create_app(Config(donnees=dossier / "d", sorties=dossier / "s"))
    comptes_de_demo(service(app)["base"])
    serveur = make_server("127.0.0.1", 0, app, threaded=True)
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    yield f"http://127.0.0.1:{serveur.server_port}"
    serveur.shutdown()
    if "moteur" in service(app):
        service(app)["moteur"].fermer()
        service(app)["atelier"].fermer()


@pytest.fixture(scope="module")
def page(adresse):
    from playwright.sync_api import sync_playwright

    CAPTURES.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        # a French person's browser: its own widgets in French (chromium-l10n), dates JJ/MM/AAAA
        navigateur = p.chromium.launch(executable_path=CHROMIUM, env={**os.environ, "LANGUAGE": "fr"},
                                       args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--lang=fr-FR"])
        contexte = navigateur.new_context(locale="fr-FR", viewport={"width": 1100, "height": 900})
        yield contexte.new_page()
        navigateur.close()


def test_the_secretariat_uploads_checks_and_archives_a_compte_rendu(page, adresse, catalogue,
                                                                     tmp_path):
    fichier = tmp_path / "compte-rendu MOREAU Léa.docx"
    fichier.write_bytes(generer(catalogue, "compte_rendu_sopa",
                                catalogue.gabarit("compte_rendu_sopa").formulaire.exemple).docx)
    page.goto(f"{adresse}/")
    page.get_by_label("Identifiant", exact=True).fill("secretariat")
    page.get_by_label("Mot de passe", exact=True).fill("demo-secretariat")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{adresse}/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Archives").click()
    page.get_by_role("link", name="Déposer un document").click()

    page.get_by_label("Document Word complété (.docx) *").set_input_files(str(fichier))
    assert "Fichier choisi : compte-rendu MOREAU Léa.docx" in page.locator("#fichier-choisi").inner_text()
    page.screenshot(path=str(CAPTURES / "archives-depot.png"), full_page=True)
    page.get_by_role("button", name="Déposer et vérifier").click()
    page.wait_for_url("**/verifier")
    assert page.get_by_label("Nom du stagiaire *", exact=True).input_value() == "MOREAU"
    assert page.get_by_label("Période de stage : du *", exact=True).input_value() == "2026-10-05"
    page.screenshot(path=str(CAPTURES / "archives-verification.png"), full_page=True)

    page.get_by_role("button", name="Archiver", exact=True).click()
    page.wait_for_url(re.compile(r".*/archives/A-\d{4}-\d{6}$"))
    principal = page.locator("main").inner_text()
    assert "Archivé" in principal and "MOREAU Léa" in principal
    numero = page.url.rsplit("/", 1)[1]
    assert f"Document archivé sous le n° {numero}." in principal
    page.screenshot(path=str(CAPTURES / "archives-fiche.png"), full_page=True)

    page.get_by_role("link", name="Retour aux archives").click()
    page.get_by_label("Mots contenus dans le document").fill("hétérogénéité")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/archives?**")
    assert page.get_by_role("link", name=numero).is_visible()
    page.screenshot(path=str(CAPTURES / "archives-recherche.png"), full_page=True)
