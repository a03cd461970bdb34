"""The whole signing circuit of a dossier's document, in a real Chromium, with real e-mail.

The secretariat imports a roster naming six people for one stagiaire; the IA-IPR fills the
parcours d'individualisation (second degré: six slots, signed in order) online, checks it and
validates it; each signer is sent, by the real SMTP server, the link to the sign page, and signs
there, on the pad, in turn (someone whose turn has not come is refused); after the sixth, the
document is archived by itself, sealed, with its « Certificat de signature »."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import openpyxl
import pytest

from service.catalogue.tableur import modele_import
from service.personnes import effectifs
from service.personnes.comptes import creer_compte
from service.personnes.demo import AUTRES_DEMO
from service.web import service
from tests.outils import RACINE, normaliser, pdf_texte
from tests.web.outils import connecter_demo, tracer_une_signature

# slot by slot, in the declaration's order: (account, its name, its qualité printed)
SIGNATAIRES = [
    ("ipr", "Olivier Marchal", "IEN ou IA-IPR"),
    ("principal", "Anne Fournier", "chef ou cheffe d’établissement, directeur ou directrice d’école"),
    ("tuteur3", "Sophie Lemaire", "tuteur ou tutrice de terrain"),
    ("referent2", "Nathalie Caron", "tuteur ou tutrice Inspé"),
    ("responsable", "Karim Benali", "responsable de parcours"),
    ("stagiaire", "Léa Moreau", "stagiaire"),
]


@pytest.fixture(scope="module")
def reglages(serveur_smtp_du_module) -> dict:
    port, _ = serveur_smtp_du_module
    return {"smtp": f"smtp://127.0.0.1:{port}", "courriel": "secretariat@clairval.example"}


@pytest.fixture(scope="module")
def app(app):
    """The demo accounts, and the other people of the demo roster (with their e-mail)."""
    for identifiant, nom, role, mot_de_passe in AUTRES_DEMO:
        creer_compte(service(app)["base"], identifiant, nom, role, mot_de_passe,
                     f"{identifiant}@clairval.example")
    return app


def _liste(tmp_path) -> str:
    """The roster's spreadsheet, from the model the page hands out: one stagiaire, six people."""
    classeur = openpyxl.load_workbook(io.BytesIO(modele_import(effectifs.DECLARATION)))
    feuille = classeur[classeur.sheetnames[1]]
    entetes = [c.value for c in feuille[1]]
    valeurs = {"nom": "LAMBERT", "prenom": "Chloé",
               "parcours": effectifs.PARCOURS["stagiaire_2d_cpe"],
               "lieu": "Lycée Marie-Curie, Clairval", "periode_debut": "01/09/2026",
               "periode_fin": "30/06/2027", "compte_stagiaire": "stagiaire",
               "tuteur_terrain": "tuteur3", "tuteur_inspe": "referent2", "inspecteur": "ipr",
               "chef_etablissement": "principal", "responsable_parcours": "responsable"}
    libelles = {c.nom: c.libelle for s in effectifs.DECLARATION.sections for c in s.champs}
    for cle, valeur in valeurs.items():
        colonne = next(i for i, e in enumerate(entetes, 1) if e.rstrip(" *") == libelles[cle])
        feuille.cell(row=2, column=colonne, value=valeur)
    chemin = tmp_path / "liste.xlsx"
    classeur.save(chemin)
    return str(chemin)


def _lien(messages, identifiant) -> str:
    """The sign page's link in the one e-mail ``identifiant`` received."""
    (message,) = [m for destinataires, m in messages
                  if destinataires == [f"{identifiant}@clairval.example"]]
    corps = message.get_body(("plain",)).get_content()
    return re.search(r"http://\S+/documents/\S+/signer", corps).group(0)


def test_six_people_sign_in_turn_from_their_email_and_the_document_archives_itself(
        page, adresse, app, captures, tmp_path, serveur_smtp_du_module):
    _, messages = serveur_smtp_du_module
    # the secretariat imports the roster
    connecter_demo(page, adresse, "secretariat")
    page.goto(f"{adresse}/effectifs")
    page.get_by_label("Tableur de la liste des stagiaires *").set_input_files(_liste(tmp_path))
    page.get_by_role("button", name="Importer").click()
    assert "1 stagiaire importé" in page.locator("main").inner_text()
    dossier = page.get_by_role("link", name="Dossier de LAMBERT Chloé").get_attribute("href")
    stagiaire_id = re.search(r"(\d+)$", dossier).group(1)

    # the IA-IPR fills the form for her, checks the recap, validates
    connecter_demo(page, adresse, "ipr")
    page.goto(f"{adresse}/formulaires/parcours_individualisation_2d?stagiaire={stagiaire_id}")
    assert page.get_by_label("Nom du ou de la professeur·e ou CPE stagiaire *",
                              exact=True).input_value() == (
        "LAMBERT")
    page.get_by_label("Nom – prénom de l’IA-IPR ou de l’IEN *").fill("MARCHAL Olivier")
    page.get_by_label("Date *", exact=True).fill("11/01/2027")
    page.get_by_label("Discipline *").fill("Physique-chimie")
    page.get_by_label("DU", exact=True).check()
    page.get_by_label("La gestion de classe : description de la situation").fill(
        "Difficultés à obtenir le calme en début d’heure.")
    page.get_by_role("button", name="Voir le document avant de le valider").click()
    page.wait_for_url("**/brouillons/**")
    assert page.locator("img").count() >= 1  # the finished document's pages, to check
    page.get_by_role("button", name="Valider le document").first.click()
    page.wait_for_url("**/documents/**")
    numero = page.url.rstrip("/").rsplit("/", 1)[1]
    # the first signer only is told (the slots are signed in order)
    assert [d for d, _ in messages] == [["ipr@clairval.example"]]
    (message,) = [m for _, m in messages]
    assert message["Subject"].startswith("Document à signer : Parcours d’individualisation")
    assert "LAMBERT" in message["Subject"]
    corps = normaliser(message.get_body(("plain",)).get_content())
    assert "Bonjour Olivier Marchal," in corps and "Il est attendu pour le 15/01/2027." in corps

    # the chef d'établissement comes too early: told whose signature is awaited, refused
    connecter_demo(page, adresse, "principal")
    page.goto(f"{adresse}/documents/{numero}/signer")
    principal = normaliser(page.locator("main").inner_text())
    assert "En attente de la signature de Olivier Marchal (IEN ou IA-IPR)" in principal
    assert "Reste à signer : Olivier Marchal (IEN ou IA-IPR), Anne Fournier (" in principal
    assert page.get_by_role("button", name=re.compile("Signer la version")).count() == 0
    page.screenshot(path=str(captures / "circuit-en-attente.png"), full_page=False)
    jeton = page.locator("input[name=csrf_token]").first.get_attribute("value")
    refus = page.request.post(f"{adresse}/documents/{numero}/signer", form={
        "csrf_token": jeton, "champ": "signature_chef_etablissement", "trace": "x"})
    assert refus.status == 404

    for n, (identifiant, nom, qualite) in enumerate(SIGNATAIRES, 1):
        connecter_demo(page, adresse, identifiant)
        page.goto(_lien(messages, identifiant))  # the link of the e-mail they received
        texte = normaliser(page.locator("main").inner_text())
        assert "Reste à signer : " + ", ".join(
            f"{x} ({q})" for _, x, q in SIGNATAIRES[n - 1:]) + "." in texte
        assert "En attente" not in texte
        tracer_une_signature(page)
        if n == 1:
            page.screenshot(path=str(captures / "circuit-signature.png"), full_page=False)
        page.get_by_role("button", name=f"Signer la version {n}").click()
        page.wait_for_url(f"**/documents/{numero}")
        assert f"Signature apposée : {nom} ({qualite}), signé le" in page.content()
        # the next one, and only them, is told
        assert len(messages) == min(n + 1, len(SIGNATAIRES))

    # complete: archived by itself, the document page says where
    assert page.get_by_role("link", name="Signer ce document").count() == 0
    annonce = page.locator("#archive")
    assert "le document est archivé" in annonce.inner_text()
    page.screenshot(path=str(captures / "circuit-archive.png"), full_page=True)
    annonce.get_by_role("link").click()
    page.wait_for_url("**/archives/A-*")
    with page.expect_download() as attente:
        page.get_by_role("link", name=re.compile("PDF archivé")).click()
    chemin = tmp_path / "archive.pdf"
    attente.value.save_as(chemin)
    pdf = chemin.read_bytes()
    texte = normaliser(pdf_texte(pdf))
    for _, nom, qualite in SIGNATAIRES:
        assert f"{nom} ({qualite}), signé le" in texte  # its six signatures
    assert "Certificat de signature" in texte and f"Numéro du document : {numero}" in texte
    assert "Signatures (6)" in texte and "version 7" in texte
    # the command line says it is intact (a process of its own: Playwright holds this one's loop)
    verification = subprocess.run(
        [sys.executable, "-m", "service", "verifier", str(chemin)], cwd=RACINE, text=True,
        capture_output=True, env=dict(os.environ,
                                      INSPE_DONNEES=str(service(app)["config"].donnees)))
    assert verification.returncode == 0, verification.stdout + verification.stderr
    assert "archive.pdf : INTACT : l'archive n° A-" in verification.stdout
    assert f"du document n° {numero} version 7" in verification.stdout
