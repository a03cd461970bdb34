"""The accessibility gate: axe-core on every page of the service, for each role, at 1280 and 375 px.

Each demo account signs in and walks the service from « Mes documents », following every link of
the site (one page per kind of address: the first archive record stands for all of them), then
the error states a person meets (a wrong password, a form sent empty, a file that is not a Word
document). On each page axe-core (vendored: tests/web/navigateur/vendor/, MPL-2.0) must find no
violation, and at 375 px nothing may be wider than the screen: a page that scrolls sideways on a
phone fails too.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import yaml

from tests.outils import RACINE
from tests.web.navigateur.axe import violations
from tests.web.outils import avec_dossiers_de_demo

LARGEURS = (1280, 375)
# what sticks out of a phone's screen, for the message: the deepest such elements
TROP_LARGES = """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right
  > window.innerWidth + 1 && ![...e.children].some(c => c.getBoundingClientRect().right
  > window.innerWidth + 1)).slice(0, 4).map(e => e.tagName.toLowerCase() + (e.className ?
  '.' + e.className : '') + ' « ' + e.textContent.trim().slice(0, 30) + ' »').join(', ')"""
ROLES = ("tuteur", "stagiaire", "inspecteur", "secretariat", "admin", "referent")
# downloads and what signs out or changes things are not pages
PAS_DES_PAGES = re.compile(r"\.(pdf|docx|xlsx|zip|jpg|json)$|^/(deconnexion|sante)")


# the service's own words: typographic apostrophes, no « (s) » where the number is known, the
# institution's name as it writes it; what the declarations say is theirs and stays as declared
PAS_DU_SERVICE = [(re.compile(r"\w'\w"), "une apostrophe droite"),
                  (re.compile(r"\w\(s\)"), "un pluriel « (s) »"),
                  (re.compile(r"\bINSPE\b"), "« INSPE » sans accent"),
                  (re.compile(r"\bm1 MEEF1?\b|MEEF1"), "« m1 MEEF1 »")]


def _textes(valeur):
    if isinstance(valeur, str):
        yield valeur
    elif isinstance(valeur, dict):
        for v in valeur.values():
            yield from _textes(v)
    elif isinstance(valeur, list):
        for v in valeur:
            yield from _textes(v)


# every text of the forms' declarations (titles, labels, help, choices, examples)
DECLARE = sorted({t.strip() for f in (RACINE / "formulaires").glob("*/v*.yaml")
                  for t in _textes(yaml.safe_load(f.read_text())) if len(t.strip()) > 3},
                 key=len, reverse=True)


def mots_hors_service(texte: str) -> list[str]:
    """What, in a page's text less the declarations' own words, is not the service's way."""
    texte = " ".join(texte.split())
    for declare in DECLARE:
        texte = texte.replace(" ".join(declare.split()), "")
    return [f"{quoi} : « {texte[max(0, m.start() - 25):m.end() + 25]} »"
            for motif_, quoi in PAS_DU_SERVICE for m in motif_.finditer(texte)]


@pytest.fixture(scope="module")
def app(app):
    # in a thread of its own: the seal runs asyncio, and Playwright's loop runs in this one
    with ThreadPoolExecutor(1) as fil:
        fil.submit(avec_dossiers_de_demo, app).result()
    return app


@pytest.fixture(scope="module")
def page(chromium, adresse):
    """A French page whose context lets axe's script in despite the service's CSP."""
    contexte = chromium.new_context(locale="fr-FR", bypass_csp=True,
                                    extra_http_headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    yield contexte.new_page()
    contexte.close()


def motif(chemin: str) -> str:
    """The kind of page an address is: its numbers and identifiers made alike."""
    chemin = re.sub(r"/(formulaires|brouillons|lots)/[^/]+", r"/\1/*", chemin)
    return re.sub(r"/[^/]*\d[^/]*", "/#", chemin)


def examiner(page, nom: str, captures=None) -> list[str]:
    """axe-core's violations on the page as it is, at both widths, and a sideways scroll at
    375 px; each as one readable line."""
    fautes = [f"{nom} : {m}" for m in mots_hors_service(page.inner_text("body"))]
    titre = page.title()
    if re.search(r"\d{4}-\d{2}-\d{2}|\.(docx|pdf)\b", titre):
        fautes.append(f"{nom} : titre de fichier, pas de page : « {titre} »")
    if re.search(r"</?[a-z]", titre):  # a block of the page written into <title> by mistake
        fautes.append(f"{nom} : titre illisible : « {titre[:80]}… »")
    for largeur in LARGEURS:
        page.set_viewport_size({"width": largeur, "height": 900})
        fautes += [f"{nom} à {largeur} px : {v}" for v in violations(page)]
        if captures is not None and largeur == 1280:
            page.screenshot(path=str(captures / f"a11y-{nom}-1280.png"), full_page=True)
        if largeur == 375:
            bandeau = page.evaluate("document.querySelector('header').offsetHeight")
            if bandeau > 160:  # 240 px before: over a quarter of a phone's screen, on every page
                fautes.append(f"{nom} à 375 px : l’en-tête prend {bandeau} px de haut")
            large = page.evaluate("document.documentElement.scrollWidth")
            if large > page.evaluate("window.innerWidth"):
                fautes.append(f"{nom} à 375 px : la page défile de côté ({large} px de large) : "
                              + page.evaluate(TROP_LARGES))
            if captures is not None:
                page.screenshot(path=str(captures / f"a11y-{nom}-375.png"), full_page=True)
    return fautes


def liens(page, adresse: str) -> list[str]:
    """The site's own pages this page links to."""
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    chemins = []
    for href in hrefs:
        morceaux = urlsplit(href)
        if href.startswith(adresse) and not PAS_DES_PAGES.search(morceaux.path):
            chemins.append(morceaux.path + (f"?{morceaux.query}" if morceaux.query else ""))
    return chemins


def connecter(page, adresse, identifiant, mot_de_passe=None):
    page.context.clear_cookies()
    page.goto(f"{adresse}/connexion")
    page.get_by_label("Identifiant", exact=True).fill(identifiant)
    page.get_by_label("Mot de passe", exact=True).fill(mot_de_passe or f"demo-{identifiant}")
    page.get_by_role("button", name="Se connecter").click()


def test_the_sign_in_page_and_its_error_pass_axe(page, adresse, captures):
    absents = []
    page.on("response", lambda r: r.status == 404 and absents.append(r.url))
    page.goto(f"{adresse}/connexion")
    page.wait_for_load_state("networkidle")
    # the tab's icon is the service's own, not a 404 on every page
    assert page.locator("link[rel=icon]").get_attribute("href") == "/static/favicon.svg"
    assert absents == []
    fautes = examiner(page, "connexion", captures)
    connecter(page, adresse, "tuteur", "pas-le-bon")
    assert page.get_by_role("alert").or_(page.locator(".erreur-resume")).first.is_visible()
    fautes += examiner(page, "connexion-erreur", captures)
    # signed out, the page the sign-in page links to (« Mot de passe oublié ? »)
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    fautes += examiner(page, "mot-de-passe-oublie", captures)
    page.goto(f"{adresse}/une-page-qui-n-existe-pas")
    fautes += examiner(page, "introuvable")
    assert not fautes, "\n".join(fautes)


@pytest.mark.parametrize("identifiant", ROLES)
def test_every_page_a_role_reaches_passes_axe(page, adresse, captures, identifiant):
    connecter(page, adresse, identifiant)
    page.wait_for_url(f"{adresse}/")
    vus, a_voir, fautes = set(), ["/"], []
    while a_voir:
        chemin = a_voir.pop(0)
        if motif(urlsplit(chemin).path) in vus:
            continue
        vus.add(motif(urlsplit(chemin).path))
        reponse = page.goto(adresse + chemin)
        assert reponse.status < 500, f"{chemin} : {reponse.status}"
        nom = f"{identifiant}{motif(urlsplit(chemin).path)}".replace("/", "_").replace("#", "n")
        # screenshots of the pages two roles see: enough to look at, quick to make
        fautes += examiner(page, nom, captures if identifiant in ("tuteur", "secretariat")
                           or chemin.startswith("/admin") else None)
        a_voir += [lien for lien in liens(page, adresse) if motif(urlsplit(lien).path) not in vus]
    assert len(vus) >= 4, vus  # the walk did go somewhere
    assert not fautes, "\n".join(fautes)


def test_the_error_states_pass_axe(page, adresse, captures):
    connecter(page, adresse, "secretariat")
    page.wait_for_url(f"{adresse}/")
    fautes = []
    # a form sent empty: its error summary and the errors next to the fields
    page.goto(f"{adresse}/formulaires/compte_rendu_sopa")
    page.get_by_role("button", name="Voir le document avant de le valider").click()
    assert page.locator(".erreur-resume").is_visible()
    fautes += examiner(page, "formulaire-erreurs", captures)
    # a file that is not a Word document, to the archive and to the roster import
    for chemin in ("/archives/deposer", "/effectifs"):
        page.goto(adresse + chemin)
        page.locator("input[type=file]").first.set_input_files(
            {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"pas un document"})
        page.locator("form:has(input[type=file]) button[type=submit]").first.click()
        page.wait_for_load_state()
        assert page.locator(".erreur, .erreur-resume").first.is_visible(), chemin
        fautes += examiner(page, f"erreur{chemin.replace('/', '_')}", captures)
    assert not fautes, "\n".join(fautes)


def test_the_administration_pages_and_the_password_confirmation_pass_axe(page, adresse, captures):
    """The audit log and the password asked again before an administration page (no link leads
    there: the walk above does not meet it), its error too."""
    connecter(page, adresse, "admin")
    page.wait_for_url(f"{adresse}/")
    page.goto(f"{adresse}/admin/journal")
    assert page.get_by_text("Journal intègre jusqu’à l’entrée").is_visible()
    fautes = examiner(page, "admin-journal", captures)
    page.goto(f"{adresse}/admin/confirmer?suivant=/admin/journal")
    fautes += examiner(page, "admin-confirmer", captures)
    page.get_by_label("Mot de passe", exact=True).fill("pas-le-bon")
    page.get_by_role("button", name="Confirmer").click()
    assert page.get_by_role("alert").is_visible()
    fautes += examiner(page, "admin-confirmer-erreur", captures)
    page.get_by_label("Mot de passe", exact=True).fill("demo-admin")
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url(f"{adresse}/admin/journal")
    # the settings sent with errors: the summary, each error beside its field
    page.goto(f"{adresse}/admin/etablissement")
    page.get_by_label("Nom de l’établissement").fill("")
    page.get_by_label("Direction des stagiaires").fill("pas-une-adresse")
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    assert page.locator(".erreur-resume").is_visible()
    fautes += examiner(page, "admin-etablissement-erreurs", captures)
    assert not fautes, "\n".join(fautes)



def _luminance(rgb: str) -> float:
    canaux = [int(x) / 255 for x in re.findall(r"\d+", rgb)[:3]]
    lineaires = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in canaux]
    return 0.2126 * lineaires[0] + 0.7152 * lineaires[1] + 0.0722 * lineaires[2]


def contraste(a: str, b: str) -> float:
    clair, sombre = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (clair + 0.05) / (sombre + 0.05)


def test_the_focus_ring_stands_out_on_white_and_on_the_page(page, adresse):
    """WCAG 2.2 (2.4.13): the focus indicator has 3:1 against what surrounds it; #FFBF47 alone
    had 1.6:1 on white."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{adresse}/connexion")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    anneau = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    fond = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert contraste(anneau, "rgb(255, 255, 255)") >= 3, anneau
    assert contraste(anneau, fond) >= 3, (anneau, fond)



def test_the_verification_step_passes_axe_and_its_pages_fit_a_phone(page, adresse, captures):
    """The recap before validating: the document's pages as images, shrunk to a phone's width,
    each a link to open it alone (to zoom in with the fingers)."""
    connecter(page, adresse, "tuteur")
    page.wait_for_url(f"{adresse}/")
    page.get_by_role("link", name=re.compile("^Reprendre le brouillon")).first.click()
    page.get_by_role("button", name="Voir le document avant de le valider").click()
    page.wait_for_url("**/brouillons/**", timeout=60_000)
    fautes = examiner(page, "verification", captures)
    image = page.locator("img.page").first
    assert page.evaluate("e => e.getBoundingClientRect().width", image.element_handle()) <= 375
    assert image.locator("xpath=..").get_attribute("href") == image.get_attribute("src")
    assert not fautes, "\n".join(fautes)
