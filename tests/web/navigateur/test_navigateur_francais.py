"""A French service whatever the browser's language, and forms that say where their errors are.

This module's Chromium speaks English (--lang=en-US, LANGUAGE=en, locale en-US): the date
fields, the file choosers and the error summary must still read as French, since a browser's
own widgets (« mm/dd/yyyy », « Choose File », « No file chosen », « Please select a file. »)
speak the browser's language, not the page's.
"""

from __future__ import annotations

import io
import os
import shutil

import pytest

ANGLAIS = ("Choose File", "No file chosen", "mm/dd/yyyy", "Please select", "Please fill")


@pytest.fixture(scope="module")
def page(chromium, adresse):
    """A page of a second Chromium, in English, launched by the package's Playwright (the
    ``chromium`` fixture skips where Chromium is absent)."""
    navigateur = chromium.browser_type.launch(
        executable_path=shutil.which("chromium"), headless=True,
        env={**os.environ, "LANGUAGE": "en", "LANG": "en_US.UTF-8"},
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run", "--lang=en-US"])
    contexte = navigateur.new_context(locale="en-US", viewport={"width": 1100, "height": 900},
                                      extra_http_headers={"Accept-Language": "en-US,en;q=0.9"})
    yield contexte.new_page()
    navigateur.close()


def _connecter(page, adresse, qui):
    page.goto(f"{adresse}/")
    if page.get_by_role("button", name="Se déconnecter").count():
        page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_label("Identifiant", exact=True).fill(qui)
    page.get_by_label("Mot de passe", exact=True).fill(f"demo-{qui}")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{adresse}/")


def _rien_d_anglais(page):
    texte = page.locator("body").inner_text()
    assert not [mot for mot in ANGLAIS if mot in texte], texte


def _choix_de_fichier_francais(page, id_, fichier):
    """The native input is out of sight, « Choisir un fichier » is what one sees and clicks,
    and the chosen file's name is said in French."""
    champ = page.locator(f"#{id_}")
    assert champ.evaluate("e => getComputedStyle(e).opacity") == "0"
    bouton = page.locator(f"label[for={id_}].bouton")
    assert bouton.is_visible() and bouton.inner_text() == "Choisir un fichier"
    assert page.locator(f"#{id_}-choisi").inner_text() == "Aucun fichier choisi."
    with page.expect_file_chooser() as attente:  # the French label opens the chooser
        bouton.click()
    attente.value.set_files(fichier)
    assert page.locator(f"#{id_}-choisi").inner_text().startswith(
        f"Fichier choisi : {os.path.basename(fichier)} (")
    _rien_d_anglais(page)


def test_the_form_its_dates_and_its_error_summary_read_as_french(page, adresse, captures):
    _connecter(page, adresse, "tuteur")
    page.goto(f"{adresse}/formulaires/compte_rendu_sopa")
    debut = page.get_by_label("Période de stage : du *", exact=True)
    # a text field: no native date widget, which would show « mm/dd/yyyy »
    assert debut.evaluate("e => e.type") == "text"
    _rien_d_anglais(page)
    debut.scroll_into_view_if_needed()
    page.screenshot(path=str(captures / "formulaire-navigateur-anglais.png"), full_page=False)

    debut.fill("05/10/2026")
    page.get_by_label("Nombre de ½ journées d’absence", exact=True).fill("deux")
    page.get_by_role("button", name="Voir le document avant de le valider").click()
    page.wait_for_load_state()
    resume = page.locator("#resume-erreurs")
    liens = resume.get_by_role("link")
    titre = resume.locator("h2").inner_text()
    # a real plural, the count of the links, one per error
    assert titre == f"Le formulaire contient {liens.count()} erreurs : rien n’a été perdu de votre saisie."
    assert liens.count() > 2 and "(s)" not in resume.inner_text()
    assert "Nombre de ½ journées d’absence : « deux » n’est pas un nombre entier" in resume.inner_text()
    # the focus is on the summary, not at the top of a long page
    assert page.evaluate("document.activeElement.id") == "resume-erreurs"
    page.screenshot(path=str(captures / "formulaire-resume-erreurs.png"), full_page=False)
    # each link puts the focus in its field, whose message is tied to it
    lien = resume.get_by_role("link", name="Nombre de ½ journées d’absence", exact=False)
    lien.click()
    assert page.evaluate("document.activeElement.id") == "demi_journees_absence"
    assert "demi_journees_absence-erreur" in page.evaluate(
        "document.activeElement.getAttribute('aria-describedby')")
    for i in range(liens.count()):
        cible = liens.nth(i).get_attribute("href")[1:]
        assert page.locator(f"[id='{cible}']").evaluate("e => e.tagName") in ("INPUT", "TEXTAREA")
    # the date is given back as it was typed, JJ/MM/AAAA
    assert debut.input_value() == "05/10/2026"
    _rien_d_anglais(page)


def test_the_recap_has_its_buttons_after_the_page_images_too(page, adresse, captures, tmp_path):
    _connecter(page, adresse, "tuteur")
    page.goto(f"{adresse}/formulaires/compte_rendu_sopa")
    for libelle, valeur in (("Nom du stagiaire *", "MOREAU"), ("Prénom du stagiaire *", "Léa"),
                            ("Lieu du stage *", "École élémentaire Jules-Ferry, Clairval"),
                            ("Titulaire de la classe *", "Mme Hélène Garnier"),
                            ("Période de stage : du *", "05/10/2026"),
                            ("Période de stage : au *", "16/10/2026"),
                            ("Nom et prénom du tuteur ou de la tutrice *", "Hélène Garnier")):
        page.get_by_label(libelle, exact=True).fill(valeur)
    page.get_by_label("Observations", exact=True).check()
    page.get_by_label("En cours d’acquisition").first.check()
    page.get_by_role("button", name="Voir le document avant de le valider").click()
    page.wait_for_url("**/brouillons/**")
    fin_des_pages = max(b["y"] + b["height"] for b in
                        (i.bounding_box() for i in page.locator("img.page").all()))
    for nom in ("Valider le document", "Corriger"):
        boutons = page.get_by_text(nom, exact=True)
        assert boutons.count() == 2
        assert boutons.first.bounding_box()["y"] < page.locator("img.page").first.bounding_box()["y"]
        assert boutons.last.bounding_box()["y"] > fin_des_pages
    page.get_by_role("button", name="Valider le document").last.click()
    page.wait_for_url("**/documents/**")

    # the signing page's image of a signature: a French file chooser too
    page.get_by_role("link", name="Signer ce document").click()
    page.wait_for_load_state()
    signature = page.locator("#pad").screenshot()  # any PNG does
    chemin = tmp_path / "signature.png"
    chemin.write_bytes(signature)
    _choix_de_fichier_francais(page, "image", str(chemin))
    page.screenshot(path=str(captures / "signer-navigateur-anglais.png"), full_page=False)


def test_every_file_chooser_reads_as_french(page, adresse, captures, tmp_path):
    _connecter(page, adresse, "secretariat")
    tableur = tmp_path / "liste.xlsx"
    tableur.write_bytes(b"PK")
    for chemin, image in (("/lots", "lots"), ("/effectifs", "effectifs")):
        page.goto(f"{adresse}{chemin}")
        # sent with no file: the service's French message, not the browser's bubble
        page.get_by_role("button", name="Importer").click()
        page.wait_for_load_state()
        assert "choisissez le tableur" in page.locator(".erreur-resume").inner_text()
        _choix_de_fichier_francais(page, "tableur", str(tableur))
        page.screenshot(path=str(captures / f"{image}-navigateur-anglais.png"), full_page=False)

    page.goto(f"{adresse}/archives/deposer")
    page.get_by_role("button", name="Déposer et vérifier").click()
    page.wait_for_load_state()
    assert "Choisissez le document Word complété (.docx)." in page.locator(".erreur-resume").inner_text()
    docx = tmp_path / "compte-rendu.docx"
    docx.write_bytes(io.BytesIO(b"PK").getvalue())
    _choix_de_fichier_francais(page, "fichier", str(docx))
    page.screenshot(path=str(captures / "deposer-navigateur-anglais.png"), full_page=False)
