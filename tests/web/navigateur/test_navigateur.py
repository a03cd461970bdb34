"""End to end in a real headless Chromium (Debian's), with screenshots of the main pages."""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest

from tests.outils import pdf_texte


@pytest.fixture(scope="module")
def app(app):
    """The module's app with its lots' queue consumed by threads of this process, as `serve` does."""
    from service.web.lots import travaux

    with app.app_context():
        consommateur = travaux().file.create_consumer(workers=1, worker_type="thread")
    anciens = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consommateur.start()
    for numero, gestionnaire in anciens.items():  # the test run keeps its own signals
        signal.signal(numero, gestionnaire)
    yield app
    consommateur.stop()


def test_a_tuteur_fills_the_compte_rendu_and_downloads_its_pdf(page, adresse, captures, tmp_path):
    page.goto(f"{adresse}/")
    page.screenshot(path=str(captures / "connexion.png"), full_page=True)
    page.get_by_label("Identifiant", exact=True).fill("tuteur")
    page.get_by_label("Mot de passe", exact=True).fill("demo-tuteur")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{adresse}/")
    page.screenshot(path=str(captures / "accueil.png"), full_page=True)
    page.get_by_role("link", name="Formulaires", exact=True).click()
    page.get_by_role("link", name="Remplir : Compte-rendu du tuteur de stage SOPA").click()

    page.get_by_label("Nom du stagiaire *", exact=True).fill("MOREAU")
    page.get_by_label("Prénom du stagiaire *", exact=True).fill("Léa")
    page.get_by_label("Lieu du stage *", exact=True).fill("École élémentaire Jules-Ferry, Clairval")
    page.get_by_label("Nombre de ½ journées d’absence", exact=True).fill("deux")
    page.get_by_role("button", name="Voir le document avant de le valider").click()
    # the French error, next to its field, and nothing typed is lost
    assert page.locator("#demi_journees_absence-erreur").inner_text() == (
        "« deux » n’est pas un nombre entier")
    assert page.get_by_label("Lieu du stage *", exact=True).input_value() == (
        "École élémentaire Jules-Ferry, Clairval")
    page.screenshot(path=str(captures / "formulaire-erreurs.png"), full_page=True)

    page.get_by_label("Nombre de ½ journées d’absence", exact=True).fill("1")
    page.get_by_label("Titulaire de la classe *", exact=True).fill("Mme Hélène Garnier")
    page.get_by_label("Période de stage : du *", exact=True).fill("05/10/2026")
    page.get_by_label("Période de stage : au *", exact=True).fill("16/10/2026")
    page.get_by_label("Nom et prénom du tuteur ou de la tutrice *", exact=True).fill("Hélène Garnier")
    page.get_by_label("Observations", exact=True).check()
    page.get_by_label("En cours d’acquisition").first.check()
    page.get_by_role("button", name="Voir le document avant de le valider").click()
    page.wait_for_url("**/brouillons/**")
    page.screenshot(path=str(captures / "recapitulatif.png"), full_page=True)
    page.get_by_role("button", name="Valider le document").first.click()
    page.wait_for_url("**/documents/**")
    page.screenshot(path=str(captures / "document.png"), full_page=True)
    with page.expect_download() as attente:
        page.get_by_role("link", name="Télécharger le PDF").click()
    chemin = tmp_path / "compte-rendu.pdf"
    attente.value.save_as(chemin)
    texte = pdf_texte(chemin)
    assert "MOREAU Léa" in texte and "École élémentaire Jules-Ferry, Clairval" in texte
    assert "☒ Observations" in texte and "05/10/2026" in texte
    assert Path(captures / "recapitulatif.png").stat().st_size > 10_000

    # sign it: a signature drawn with the mouse on the pad
    page.get_by_role("link", name="Signer ce document").click()
    # the qualité printed is the slot's poste, not a typed one
    assert "tuteur ou tutrice de terrain" in page.locator("main").inner_text()
    boite = page.locator("#pad").bounding_box()
    page.mouse.move(boite["x"] + 30, boite["y"] + 120)
    page.mouse.down()
    for x, y in ((90, 30), (150, 130), (230, 40), (320, 110), (420, 50)):
        page.mouse.move(boite["x"] + x, boite["y"] + y, steps=8)
    page.mouse.up()
    page.screenshot(path=str(captures / "signature.png"), full_page=False)
    page.get_by_role("button", name="Signer la version 1").click()
    page.wait_for_url("**/documents/**")
    assert "2 versions" in page.locator("main").inner_text()
    with page.expect_download() as attente:
        page.get_by_role("link", name="Télécharger le PDF").nth(1).click()
    signe = tmp_path / "signe.pdf"
    attente.value.save_as(signe)
    texte = pdf_texte(signe)
    assert "Hélène Garnier (tuteur ou tutrice de terrain), signé le" in texte
    assert " v2 · généré le" in texte  # the footer: « document n° … v2 »


def test_the_secretariat_generates_a_lot_and_follows_its_progress(page, adresse, captures, tmp_path,
                                                                  catalogue):
    import io
    import zipfile

    import openpyxl

    from service.catalogue.tableur import modele_import

    formulaire = catalogue.gabarit("fiche_personnalisation").formulaire
    classeur = openpyxl.load_workbook(io.BytesIO(modele_import(formulaire)))
    feuille = classeur[classeur.sheetnames[1]]
    exemple = [c.value for c in feuille[2]]
    noms = ["MARTIN", "BERNARD", "PETIT", "DURAND"]
    colonne_nom = [c.value for c in feuille[1]].index("Nom du ou de la stagiaire *") + 1
    for ligne, nom in enumerate(noms, 2):
        for n, valeur in enumerate(exemple, 1):
            feuille.cell(row=ligne, column=n, value=valeur)
        feuille.cell(row=ligne, column=colonne_nom, value=nom)
    tableur = tmp_path / "lot.xlsx"
    classeur.save(tableur)

    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_label("Identifiant", exact=True).fill("secretariat")
    page.get_by_label("Mot de passe", exact=True).fill("demo-secretariat")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Générer en nombre").click()
    # no document chosen beforehand: the first of the list is no default
    assert page.get_by_label("Document à générer *").input_value() == ""
    page.get_by_label("Document à générer *").select_option("fiche_personnalisation")
    page.get_by_label("Tableur rempli (.xlsx ou .csv) *").set_input_files(str(tableur))
    page.get_by_label("Word (.docx)").check()
    page.get_by_role("button", name="Importer et générer").click()
    page.wait_for_url("**/lots/**")
    # what the lot is, as the secretariat calls it (not the ZIP's name)
    assert re.fullmatch(r"Fiche de personnalisation de l’accompagnement d’un stagiaire \(annexe 1\) : "
                        r"4 documents, lancé le \d\d/\d\d/20\d\d à \d\d:\d\d",
                        page.locator("h1").inner_text())
    page.get_by_role("link", name="Télécharger le ZIP").wait_for(timeout=120_000)
    assert page.locator("#avancement").get_attribute("value") == "4"
    assert page.get_by_role("button", name="Annuler le lot").is_hidden()  # nothing left to cancel
    assert "4/4 documents (terminé)" in page.locator("#texte-avancement").inner_text()
    page.screenshot(path=str(captures / "lot.png"), full_page=True)
    with page.expect_download() as attente:
        page.get_by_role("link", name="Télécharger le ZIP").click()
    archive = tmp_path / "lot.zip"
    attente.value.save_as(archive)
    with zipfile.ZipFile(archive) as z:
        assert sorted(n.split(" ")[0] for n in z.namelist()) == sorted(noms)


def test_the_lot_page_shows_its_end_without_a_reload_and_deletion_is_confirmed(
        page, adresse, captures, app, catalogue):
    from service.catalogue.validation import valider
    from service.lots import lots
    from service.web import service
    from service.web.lots import travaux

    page.goto(f"{adresse}/")
    if page.get_by_role("button", name="Se déconnecter").count():
        page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_label("Identifiant", exact=True).fill("secretariat")
    page.get_by_label("Mot de passe", exact=True).fill("demo-secretariat")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{adresse}/")
    # a lot recorded but not yet queued: its page is open while it waits, then it is made
    formulaire = catalogue.gabarit("fiche_personnalisation").formulaire
    sorties = service(app)["config"].sorties
    lot = lots.creer(sorties, catalogue, "fiche_personnalisation",
                     [valider(formulaire, formulaire.exemple)] * 3, format_="docx")
    page.goto(f"{adresse}/lots/{lot.id}")
    continue_ = page.get_by_text("Vous pouvez fermer cette page : le lot continue")
    supprimer = page.get_by_role("link", name="Supprimer le lot")
    assert continue_.is_visible() and supprimer.is_hidden()
    with app.app_context():
        travaux().lancer_nouveau(lot.id)
    page.get_by_role("link", name="Télécharger le ZIP").wait_for(timeout=120_000)
    # the same page, not reloaded: nothing goes on any more, and the lot may be deleted
    supprimer.wait_for(timeout=5_000)
    assert continue_.is_hidden()
    page.screenshot(path=str(captures / "lot-termine.png"), full_page=True)
    supprimer.click()
    page.wait_for_url(f"**/lots/{lot.id}/supprimer")
    assert "Le lot et ses 3 documents seront supprimés du service" in page.locator("main").inner_text()
    page.screenshot(path=str(captures / "lot-suppression.png"), full_page=True)
    page.get_by_role("button", name="Supprimer le lot et ses 3 documents").click()
    page.wait_for_url("**/lots")
    assert "Lot supprimé" in page.locator("main").inner_text()
    with pytest.raises(lots.LotIntrouvable):
        lots.charger(sorties, lot.id)
