"""The archive end to end in a real headless Chromium (Debian's), with screenshots of its pages."""

from __future__ import annotations

import re

from service.catalogue.generation import generer


def test_the_secretariat_uploads_checks_and_archives_a_compte_rendu(page, adresse, captures, catalogue,
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
    page.screenshot(path=str(captures / "archives-depot.png"), full_page=True)
    page.get_by_role("button", name="Déposer et vérifier").click()
    page.wait_for_url("**/verifier")
    assert page.get_by_label("Nom du stagiaire *", exact=True).input_value() == "MOREAU"
    assert page.get_by_label("Période de stage : du *", exact=True).input_value() == "05/10/2026"
    page.screenshot(path=str(captures / "archives-verification.png"), full_page=True)

    page.get_by_role("button", name="Archiver", exact=True).click()
    page.wait_for_url(re.compile(r".*/archives/A-\d{4}-\d{6}$"))
    principal = page.locator("main").inner_text()
    assert "Archivé" in principal and "MOREAU Léa" in principal
    numero = page.url.rsplit("/", 1)[1]
    assert f"Document archivé sous le n° {numero}." in principal
    page.screenshot(path=str(captures / "archives-fiche.png"), full_page=True)

    page.get_by_role("link", name="Retour aux archives").click()
    page.get_by_label("Mots contenus dans le document").fill("hétérogénéité")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/archives?**")
    assert page.get_by_role("link", name=numero).is_visible()
    page.screenshot(path=str(captures / "archives-recherche.png"), full_page=True)
