"""The institution's settings page as the administrateur sees it in Chromium, in French: a file
that is no picture refused beside the logo, the summary leading to it, nothing typed lost; then
the new signatory recorded as version 2, in the history."""

from __future__ import annotations

import re


def test_l_administrateur_change_un_signataire(page, adresse, captures):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{adresse}/connexion")
    page.get_by_label("Identifiant", exact=True).fill("admin")
    page.get_by_label("Mot de passe", exact=True).fill("demo-admin")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{adresse}/")
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Paramètres de l’établissement").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Paramètres de l’établissement"

    page.get_by_label("Directeur : nom").fill("Anne Martin")
    page.locator("input[type=file]#logo").set_input_files(
        {"name": "logo.svg", "mimeType": "image/svg+xml",
         "buffer": b'<svg xmlns="http://www.w3.org/2000/svg"/>'})
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    resume = page.locator(".erreur-resume")
    assert "1 erreur" in resume.inner_text() and "rien n’a été enregistré" in resume.inner_text()
    assert "n’est pas une image reconnue" in page.locator("#logo-erreur").inner_text()
    assert page.get_by_label("Directeur : nom").input_value() == "Anne Martin"
    page.screenshot(path=str(captures / "etablissement-logo-refuse.png"), full_page=True)

    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    assert page.get_by_role("status").filter(has_text="Version 2 enregistrée").is_visible()
    ligne = page.locator("table tbody tr").first.inner_text()
    assert ligne.startswith("2") and "Bruno Vasseur → Anne Martin" in ligne
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", ligne)
    assert page.get_by_label("Directeur : nom").input_value() == "Anne Martin"
