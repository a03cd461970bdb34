"""What the web's tests share: a client that posts forms as a browser does, the API's checks.

The fixtures (``app``, ``client``, ``connecte``) are in tests/web/conftest.py; these are the plain
helpers they and the test modules use, so that no test module imports another.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import zipfile
from contextlib import contextmanager
from pathlib import Path

import jsonschema

from service.web.api import OPENAPI
from service.web.formulaires import pour_le_formulaire

HTTPS = "https://localhost"
CHROMIUM = shutil.which("chromium")


@contextmanager
def chromium_francais():
    """Debian's Chromium through Playwright, headless, a French person's: its own widgets in
    French (chromium-l10n, LANGUAGE=fr, --lang=fr-FR). Check ``CHROMIUM`` first (None: absent)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        navigateur = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, env={**os.environ, "LANGUAGE": "fr"},
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--lang=fr-FR"])
        try:
            yield navigateur
        finally:
            navigateur.close()


class Navigateur:
    """A client that signs in and posts forms with their CSRF token, as a browser does."""

    def __init__(self, app):
        self.client = app.test_client()

    def get(self, url, **kw):
        return self.client.get(url, base_url=HTTPS, **kw)

    def jeton(self, url) -> str:
        """The CSRF token of the form on the page at ``url``."""
        m = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                      r'name="csrf_token" value="([^"]+)"', self.get(url).get_data(as_text=True))
        return m.group(1) or m.group(2)

    def post(self, url, donnees, page=None):
        """Posts the form of ``page`` (default: ``url``) with its CSRF token. A value given as
        ``(io.BytesIO(contenu), "nom.docx")`` is a file: the form is then sent multipart."""
        donnees = dict(donnees, csrf_token=self.jeton(page or url))
        # over HTTPS, Flask-WTF also checks that the form came from this site, as browsers say
        return self.client.post(url, data=donnees, base_url=HTTPS,
                                headers={"Referer": HTTPS + (page or url)})

    def connexion(self, identifiant, mot_de_passe=None):
        return self.post("/connexion", {"identifiant": identifiant,
                                        "mot_de_passe": mot_de_passe or f"demo-{identifiant}"})


def texte(reponse) -> str:
    return reponse.get_data(as_text=True)


def conforme(reponse, chemin: str, methode: str):
    """The response matches what the OpenAPI document says of this path, method and status."""
    reponses = OPENAPI["paths"][chemin][methode]["responses"]
    schema = reponses[str(reponse.status_code)]["content"]["application/json"]["schema"]
    jsonschema.validate(reponse.json, {**schema, "components": OPENAPI["components"]},
                        cls=jsonschema.Draft202012Validator)
    return reponse.json


def entetes(jeton):
    return {"Authorization": f"Bearer {jeton}"}


def deposer(navigateur, contenu: bytes, nom: str = "document.docx"):
    """Uploads a completed .docx to the archive, as the « Déposer » page does."""
    return navigateur.post("/archives/deposer", {"fichier": (io.BytesIO(contenu), nom)})


def champs_du_formulaire(declaration, valeurs: dict) -> dict:
    """Validated values as the check page's form posts them."""
    plat = {}
    for cle, valeur in pour_le_formulaire(declaration, valeurs).items():
        if isinstance(valeur, list) and valeur and isinstance(valeur[0], dict):
            for i, ligne in enumerate(valeur):
                plat.update({f"{cle}-{i}-{c}": x for c, x in ligne.items()})
        else:
            plat[cle] = valeur
    return plat


def changer_un_texte(docx: bytes, avant: str, apres: str) -> bytes:
    """The same Word file with one text changed (its properties, document_id included, kept):
    a forged or corrected upload."""
    sortie = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as entree, zipfile.ZipFile(sortie, "w") as z:
        for info in entree.infolist():
            contenu = entree.read(info.filename)
            if info.filename == "word/document.xml":
                assert avant.encode() in contenu
                contenu = contenu.replace(avant.encode(), apres.encode(), 1)
            z.writestr(info, contenu)
    return sortie.getvalue()


def avec_dossiers_de_demo(app):
    """The app with the demo roster and its dossiers, documents in every state, as
    ``serve --demo`` makes them (LibreOffice converts their PDFs); returns how many were made."""
    from service import creer_archives
    from service.dossier.circuit import Outils
    from service.dossier.demo import dossiers_de_demo
    from service.personnes.demo import effectifs_de_demo
    from service.web import moteur, service

    outils = service(app)
    config, base, catalogue = outils["config"], outils["base"], outils["catalogue"]
    effectifs_de_demo(base)
    moteur_, sceau = moteur(app)
    archives = creer_archives(config, catalogue, base)
    return dossiers_de_demo(Outils(base, catalogue, archives.coffre.stockage, archives,
                                   moteur_, sceau))


def sections(page: str) -> dict[str, str]:
    """The four sections of « Mes documents » (a_remplir, a_signer, en_attente, termines), each
    as its HTML up to the next one."""
    bornes = ["a-remplir", "a-signer", "en-attente", "termines"]
    debuts = [page.index(f'id="titre-{b}"') for b in bornes] + [page.index("</main>")]
    return {b.replace("-", "_"): page[debuts[i]:debuts[i + 1]] for i, b in enumerate(bornes)}


def campagne_en_retard(base, catalogue, jour: dt.date, sorties: Path | None = None) -> dict[str, int]:
    """A campaign with late documents, for the demo accounts: MOREAU Léa (SOPA: her compte-rendu,
    late by a day, Hélène Garnier's), DUVAL Hugo (PE: his fiche de personnalisation, 30 days,
    Hélène Garnier's and Marc Roussel's; his parcours d'individualisation made by Hélène Garnier,
    in signature, 5 days, waiting for the IEN Sylvie Dumont) and ROUX Théo (M2 CA: his lettre
    de mission, 10 days, the secretariat's). Their dossiers are opened as the roster's import
    does on the web; with ``sorties``, the parcours is also kept there as the service keeps a
    document (D-ESSAI-000002). Returns the late rows' ids: moreau, fiche, parcours, roux."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from service.dossier import suivi
    from service.personnes import effectifs
    from service.personnes.comptes import Compte
    from tests.outils import fixer_echeance, roster_csv

    assert effectifs.importer(base, roster_csv(
        {"nom": "MOREAU", "prenom": "Léa", "parcours": "m1_meef_1d_sopa",
         "compte_stagiaire": "stagiaire", "tuteur_terrain": "tuteur", "tuteur_inspe": "referent"},
        {"nom": "DUVAL", "prenom": "Hugo", "parcours": "pe_stagiaire", "tuteur_terrain": "tuteur",
         "tuteur_inspe": "referent", "inspecteur": "inspecteur"},
        {"nom": "ROUX", "prenom": "Théo", "parcours": "m2_meef_ca", "tuteur_terrain": "tuteur"},
    ), "liste.csv").erreurs == []
    inscrits = {s.nom: s for s in effectifs.tous(base)}
    annee = suivi.annee_courante()
    suivi.ouvrir(base, catalogue, list(inscrits.values()), annee)
    with Session(base) as session:
        tuteur = session.scalar(select(Compte).where(Compte.identifiant == "tuteur"))
    suivi.document_cree(base, catalogue, inscrits["DUVAL"],
                        catalogue.gabarit("parcours_individualisation_1d"), "D-ESSAI-000002",
                        tuteur.id, "tuteur", annee)
    if sorties is not None:
        gabarit = catalogue.gabarit("parcours_individualisation_1d")
        dossier = sorties / "documents" / "D-ESSAI-000002"
        dossier.mkdir(parents=True)
        (dossier / "document.json").write_text(json.dumps({
            "gabarit_id": gabarit.id, "gabarit_version": gabarit.version, "numero": "D-ESSAI-000002",
            "nom": "DUVAL Hugo - parcours", "stagiaire_id": inscrits["DUVAL"].id,
            "versions": [{"version": 1, "signataires": []}]}), encoding="utf-8")

    def jours(n: int) -> dt.date:
        return jour + dt.timedelta(days=n)

    return {"moreau": fixer_echeance(base, "MOREAU", "compte_rendu_sopa", jours(-1)),
            "fiche": fixer_echeance(base, "DUVAL", "fiche_personnalisation", jours(-30)),
            "parcours": fixer_echeance(base, "DUVAL", "parcours_individualisation_1d", jours(-5)),
            "roux": fixer_echeance(base, "ROUX", "lettre_mission_tuteurs_m2", jours(-10))}


def trace_de_signature(forme: int = 0) -> str:
    """A signature drawn on the pad, as the page sends it: a PNG data URL (``forme``: 0, 1 or 2,
    three different strokes)."""
    import base64

    from PIL import Image, ImageDraw

    trace = Image.new("RGB", (400, 120), "white")
    points = ([(20, 90), (200, 20), (380, 100)], [(20, 30), (150, 100), (380, 20)],
              [(30, 60), (120, 20), (260, 100), (370, 40)])[forme]
    ImageDraw.Draw(trace).line(points, fill="navy", width=6)
    tampon = io.BytesIO()
    trace.save(tampon, "PNG")
    return "data:image/png;base64," + base64.b64encode(tampon.getvalue()).decode()


def remplir_en_ligne(navigateur, declaration, valeurs: dict, stagiaire_id: int | None = None,
                     page: str | None = None):
    """Posts the online form of ``declaration`` with ``valeurs`` (validated ones) for the recap,
    as « Vérifier le document » does; ``page``: where the form was opened (its CSRF token)."""
    gabarit_id = declaration.id
    page = page or (f"/formulaires/{gabarit_id}" + (f"?stagiaire={stagiaire_id}"
                                                    if stagiaire_id else ""))
    donnees = dict(champs_du_formulaire(declaration, valeurs), action="apercu")
    if stagiaire_id:
        donnees["stagiaire"] = stagiaire_id
    return navigateur.post(f"/formulaires/{gabarit_id}", donnees, page=page)


def dossier_de(base, stagiaire_id: int, gabarit_id: str):
    """The dossier's row of that stagiaire's document (service/dossier), or None."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from service.dossier.modele import DocumentDuDossier

    with Session(base, expire_on_commit=False) as session:
        return session.scalar(select(DocumentDuDossier).where(
            DocumentDuDossier.stagiaire_id == stagiaire_id,
            DocumentDuDossier.gabarit_id == gabarit_id))


def nom_telecharge(reponse) -> str:
    """The file name a browser saves a download under (its UTF-8 ``filename*`` if any)."""
    from urllib.parse import unquote

    entete = reponse.headers["Content-Disposition"]
    if "filename*=UTF-8''" in entete:
        return unquote(entete.split("filename*=UTF-8''")[1].split(";")[0])
    return entete.split('filename="')[1].split('"')[0]


def tracer_une_signature(page) -> None:
    """Draws a signature with the mouse on the sign page's pad (Playwright ``page``), once the page
    has loaded: drawn before signature.js holds the pad, the strokes are lost and the form goes
    without a signature (seen on a loaded machine)."""
    page.wait_for_load_state("load")
    boite = page.locator("#pad").bounding_box()
    page.mouse.move(boite["x"] + 30, boite["y"] + 110)
    page.mouse.down()
    for x, y in ((90, 30), (150, 120), (230, 40), (320, 100)):
        page.mouse.move(boite["x"] + x, boite["y"] + y, steps=6)
    page.mouse.up()


def connecter_demo(page, adresse: str, identifiant: str) -> None:
    """Signs a demo account in, in the browser (signing out whoever was in)."""
    if page.get_by_role("button", name="Se déconnecter").count():
        page.get_by_role("button", name="Se déconnecter").click()
    page.goto(f"{adresse}/connexion")
    page.get_by_label("Identifiant", exact=True).fill(identifiant)
    page.get_by_label("Mot de passe", exact=True).fill(f"demo-{identifiant}")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{adresse}/")
