"""The web service through Flask's test client: every route, every role, and what each may not do."""

from __future__ import annotations

import html
import re
import subprocess
from io import BytesIO

import pytest
from PIL import Image, ImageChops, ImageStat

from service import journal
from service.web import service
from tests.outils import pdf_texte
from tests.web.outils import HTTPS, Navigateur, texte


@pytest.mark.parametrize("url", ["/", "/formulaires/compte_rendu_sopa", "/documents/20260101-AAAAAA",
                                 "/brouillons/" + "x" * 32])
def test_every_page_needs_an_account(app, url):
    reponse = Navigateur(app).get(url)
    # the sign-in page, which leads back to the page asked for
    attendu = "/connexion" if url == "/" else f"/connexion?suivant={url}"
    assert reponse.status_code == 302 and reponse.headers["Location"] == attendu


def test_security_headers_and_cookies(app):
    navigateur = Navigateur(app)
    reponse = navigateur.get("/connexion")
    csp = reponse.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and reponse.headers["X-Frame-Options"] == "DENY"
    assert reponse.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script" not in texte(reponse)
    reponse = navigateur.connexion("secretariat")
    cookie = reponse.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_form_without_its_csrf_token_is_refused(connecte):
    navigateur = connecte("tuteur")
    reponse = navigateur.client.post("/formulaires/fiche_synthese_collectif", base_url=HTTPS,
                                     data={"collectif": "X", "action": "apercu"})
    assert reponse.status_code == 400


def test_an_invalid_form_keeps_what_was_typed_and_says_what_is_wrong(connecte):
    navigateur = connecte("tuteur")
    reponse = navigateur.post("/formulaires/compte_rendu_sopa", {
        "stagiaire_nom": "MOREAU", "stagiaire_prenom": "Léa",
        "lieu_stage": "École <Jules-Ferry> & fils", "demi_journees_absence": "deux",
        "action": "apercu"})
    assert reponse.status_code == 400
    page = texte(reponse)
    assert 'value="MOREAU"' in page and 'value="École &lt;Jules-Ferry&gt; &amp; fils"' in page
    bloc = page[page.index('id="demi_journees_absence-erreur"') - 200:]
    assert "« deux » n’est pas un nombre entier" in bloc[:600]
    assert "champ obligatoire non rempli" in page
    assert "rien n’a été perdu de votre saisie" in page


def test_fill_check_validate_download(app, connecte, catalogue, tmp_path):
    navigateur = connecte("tuteur")
    exemple = catalogue.gabarit("fiche_synthese_collectif").formulaire.exemple
    donnees = {k: v for k, v in exemple.items() if isinstance(v, (str, int))}
    donnees["date_regroupement"] = "2026-12-08"
    donnees["date_fiche"] = "2026-12-10"
    donnees["ressources"] = exemple["ressources"]
    for i, ligne in enumerate(exemple["participants"]):
        for cle, valeur in ligne.items():
            donnees[f"participants-{i}-{cle}"] = valeur
    reponse = navigateur.post("/formulaires/fiche_synthese_collectif",
                              dict(donnees, action="ajouter:participants"))
    assert texte(reponse).count('class="ligne-groupe"') == len(exemple["participants"]) + 1
    reponse = navigateur.post("/formulaires/fiche_synthese_collectif", dict(donnees, action="apercu"))
    assert reponse.status_code == 302
    recap = reponse.headers["Location"]
    page = texte(navigateur.get(recap))
    assert "Vérifiez le document avant de le valider" in page
    apercu = navigateur.get(f"{recap}/apercu.pdf")
    assert apercu.mimetype == "application/pdf"
    assert "frame-ancestors 'self'" in apercu.headers["Content-Security-Policy"]
    # the picture of a page shows what poppler, another renderer, draws of the same PDF:
    # compared at a fifth of its size, where only the two renderers' anti-aliasing differs
    (tmp_path / "apercu.pdf").write_bytes(apercu.data)
    subprocess.run(["pdftoppm", "-jpeg", "-r", "90", "-f", "1", "-l", "1",
                    str(tmp_path / "apercu.pdf"), str(tmp_path / "attendue")], check=True)
    image = navigateur.get(f"{recap}/page-1.jpg")
    assert image.mimetype == "image/jpeg"
    attendue = Image.open(next(tmp_path.glob("attendue-*.jpg")))
    montree = Image.open(BytesIO(image.data))
    assert montree.size == attendue.size == (745, 1053)  # A4 at 90 dpi

    def ecart(a, b):
        a, b = (i.convert("L").resize((149, 211), Image.BOX) for i in (a, b))
        return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]

    assert ecart(montree, attendue) < 4
    # what the comparison tells apart: a blank page, the page one line lower
    assert ecart(Image.new("L", attendue.size, 255), attendue) > 8
    assert ecart(ImageChops.offset(attendue, 0, 12), attendue) > 8

    autre = connecte("inspecteur")
    assert autre.get(recap).status_code == 404  # someone else's draft does not exist

    reponse = navigateur.post(f"{recap}/valider", {}, page=recap)
    assert reponse.status_code == 302
    document = reponse.headers["Location"]
    numero = document.rsplit("/", 1)[1]
    assert f"Document n° {numero} enregistré ; 1 version." in texte(navigateur.get(document))
    pdf = navigateur.get(f"{document}/v1.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert "attachment" in pdf.headers["Content-Disposition"]
    contenu = pdf_texte(pdf.data)
    assert exemple["collectif"] in contenu and f"document n° {numero}" in contenu
    assert navigateur.get(f"{document}/v1.docx").data.startswith(b"PK")

    assert autre.get(document).status_code == 404  # URL guessing answers "not found"
    assert autre.get(f"{document}/v1.pdf").status_code == 404
    assert connecte("secretariat").get(document).status_code == 200

    # every read and write is in the audit log, and the log is whole
    quoi = [(e.qui, e.quoi) for e in journal.entrees(service(app)["base"], numero)]
    assert quoi[0] == ("tuteur (tuteur)", "création")
    assert {("tuteur (tuteur)", "consultation"), ("tuteur (tuteur)", "téléchargement"),
            ("inspecteur (inspecteur)", "accès refusé"),
            ("secretariat (secretariat)", "consultation")} <= set(quoi)
    assert journal.verifier_journal(service(app)["base"]) == []


def test_correcting_from_the_recap_brings_back_every_value(connecte, catalogue):
    navigateur = connecte("tuteur")
    exemple = catalogue.gabarit("compte_rendu_sopa").formulaire.exemple
    donnees = {k: v for k, v in exemple.items() if isinstance(v, (str, int))}
    donnees.update(periode_debut="2026-10-05", periode_fin="2026-10-16",
                   date_compte_rendu="2026-10-19", activites=exemple["activites"])
    reponse = navigateur.post("/formulaires/compte_rendu_sopa", dict(donnees, action="apercu"))
    assert reponse.status_code == 302, texte(reponse)[:3000]
    jeton = reponse.headers["Location"].rsplit("/", 1)[1]
    page = texte(navigateur.get(f"/formulaires/compte_rendu_sopa?brouillon={jeton}"))
    assert 'value="05/10/2026"' in page and f'value="{exemple["titulaire_classe"]}"' in page
    assert re.search(r'value="Observations"[^>]*checked|checked[^>]*value="Observations"', page)


def test_sante(app):
    reponse = Navigateur(app).get("/sante")
    assert reponse.status_code == 200 and reponse.json["etat"] == "ok"
    assert reponse.json["detail"] == "rendu, conversion et sceau : ok"


def test_signing_on_the_web_refuses_a_hostile_image_and_keeps_versions(app, connecte, catalogue):
    import io

    from PIL import Image, ImageDraw

    from service.archive import documents as dossiers
    from service.catalogue.generation import generer
    from service.pdf.production import produire_pdfs
    from service.personnes.comptes import authentifier
    from service.web import moteur

    navigateur = connecte("tuteur")
    with app.app_context():
        document = generer(catalogue, "compte_rendu_sopa",
                           catalogue.gabarit("compte_rendu_sopa").formulaire.exemple)
        pool, sceau = moteur(app)
        (pdf,) = produire_pdfs([document], pool, sceau)
    tuteur = authentifier(service(app)["base"], "tuteur", "demo-tuteur")
    dossiers.enregistrer(service(app)["config"].sorties, document, pdf, auteur=tuteur.id)
    page = f"/documents/{document.numero}/signer"
    assert "Signature du tuteur ou de la tutrice" in texte(navigateur.get(page))

    def envoyer(image: bytes):
        return navigateur.post(page, {
            "champ": "signature_tuteur", "nom": "Hélène Garnier", "qualite": "tutrice de stage",
            "image": (io.BytesIO(image), "signature.png")})

    reponse = envoyer(b"%PDF-1.7 ceci n'est pas une image")
    assert reponse.status_code == 400
    assert "seules les images PNG ou JPEG sont acceptées" in texte(reponse)
    trace = Image.new("RGB", (500, 160), "white")
    ImageDraw.Draw(trace).line([(20, 120), (120, 30), (220, 130), (480, 40)], fill="navy", width=6)
    tampon = io.BytesIO()
    trace.save(tampon, "PNG")
    assert envoyer(tampon.getvalue()).status_code == 302
    fiche = texte(navigateur.get(f"/documents/{document.numero}"))
    assert "2 versions" in fiche
    v2 = navigateur.get(f"/documents/{document.numero}/v2.pdf")
    contenu = pdf_texte(v2.data)
    assert "Hélène Garnier (tuteur ou tutrice de terrain), signé le" in contenu
    assert "Toutes les signatures de ce document sont apposées." in texte(navigateur.get(page))


def test_a_draft_is_saved_as_typed_and_resumed(connecte):
    navigateur = connecte("tuteur")
    reponse = navigateur.post("/formulaires/compte_rendu_sopa", {
        "stagiaire_nom": "MOREAU", "demi_journees_absence": "deux (à vérifier)",
        "action": "enregistrer"})
    assert reponse.status_code == 302
    assert reponse.headers["Location"] == "/formulaires"
    accueil = texte(navigateur.get("/formulaires"))
    assert "Brouillon enregistré" in accueil and "Aucun brouillon enregistré" not in accueil
    # no stagiaire of the roster was chosen: the name typed says whom it is for
    assert ("Pour MOREAU (nom saisi dans le formulaire, hors de la liste des stagiaires)"
            in html.unescape(accueil))
    jeton = re.search(r"saisie=([A-Za-z0-9_-]+)", accueil).group(1)
    page = texte(navigateur.get(f"/formulaires/compte_rendu_sopa?saisie={jeton}"))
    assert 'value="MOREAU"' in page and 'value="deux (à vérifier)"' in page  # kept as typed
    assert connecte("inspecteur").get(
        f"/formulaires/compte_rendu_sopa?saisie={jeton}").status_code == 404
    navigateur.post(f"/saisies/{jeton}/supprimer", {}, page="/formulaires")
    assert "Aucun brouillon enregistré" in texte(navigateur.get("/formulaires"))


def test_the_roster_prefills_forms_and_opens_documents_to_the_trio(connecte):
    import io

    import openpyxl

    from service.catalogue.tableur import modele_import
    from service.personnes import effectifs

    secretariat = connecte("secretariat")
    classeur = openpyxl.load_workbook(io.BytesIO(modele_import(effectifs.DECLARATION)))
    feuille = classeur[classeur.sheetnames[1]]
    exemple = [c.value for c in feuille[2]]
    for n, valeur in enumerate(exemple, 1):
        feuille.cell(row=3, column=n, value=valeur)
    feuille.cell(row=3, column=1, value="BERNARD")
    feuille.cell(row=3, column=8).value = None  # no tuteur de terrain: a required column
    tampon = io.BytesIO()
    classeur.save(tampon)

    def importer(contenu):
        return secretariat.post("/effectifs", {"tableur": (io.BytesIO(contenu), "liste.xlsx")})

    reponse = importer(tampon.getvalue())
    assert reponse.status_code == 400
    assert "ligne 3, colonne « Identifiant du tuteur de terrain » : champ obligatoire non rempli" in (
        texte(reponse).replace("&#34;", '"').replace("&#39;", "'"))
    feuille.cell(row=3, column=8, value="tuteur")
    tampon = io.BytesIO()
    classeur.save(tampon)
    assert "2 stagiaires importés (feuille « effectifs » lue)" in texte(importer(tampon.getvalue()))

    tuteur = connecte("tuteur")
    page = texte(tuteur.get("/mes-stagiaires"))
    assert "MOREAU Léa" in page and "BERNARD Léa" in page
    (sid,) = re.findall(r"/formulaires/compte_rendu_sopa\?stagiaire=(\d+)", page)[:1]
    formulaire = texte(tuteur.get(f"/formulaires/compte_rendu_sopa?stagiaire={sid}"))
    assert 'value="École élémentaire Jules-Ferry, Clairval"' in formulaire
    assert 'value="05/10/2026"' in formulaire and 'value="Hélène Garnier"' in formulaire
    docx = tuteur.get(f"/stagiaires/{sid}/compte_rendu_sopa.docx")
    assert docx.status_code == 200 and docx.data.startswith(b"PK")
    from tests.outils import texte_docx
    assert "Jules-Ferry" in texte_docx(docx.data)
    assert connecte("admin").get(f"/stagiaires/{sid}/compte_rendu_sopa.docx").status_code == 200
    # the stagiaire of the trio sees the list; someone outside it gets nothing
    assert "MOREAU Léa" in texte(connecte("stagiaire").get("/mes-stagiaires"))
    assert connecte("tuteur").get("/effectifs").status_code == 404


def test_a_document_about_a_stagiaire_opens_to_their_trio_only(app, connecte, catalogue):
    from service.personnes import effectifs
    from service.personnes.comptes import creer_compte

    base_ = service(app)["base"]
    creer_compte(base_, "autre", "Paul Autre", "tuteur", "demo-autre")
    if not effectifs.tous(base_):

        from service.catalogue.tableur import modele_import

        effectifs.importer(base_, modele_import(effectifs.DECLARATION), "liste.xlsx")
    (moreau,) = [s for s in effectifs.tous(base_) if s.nom == "MOREAU"]
    tuteur = connecte("tuteur")
    # Léa is in M1 SOPA: the fiche de personnalisation (stagiaires' form) is not hers
    assert moreau.parcours == "m1_meef_1d_sopa"
    assert tuteur.get(f"/formulaires/fiche_personnalisation?stagiaire={moreau.id}").status_code == 404
    page = f"/formulaires/compte_rendu_sopa?stagiaire={moreau.id}"
    exemple = catalogue.gabarit("compte_rendu_sopa").formulaire.exemple
    donnees = {k: v for k, v in exemple.items() if isinstance(v, (str, int))}
    donnees.update(stagiaire=moreau.id, action="apercu")
    reponse = tuteur.post("/formulaires/compte_rendu_sopa", donnees, page=page)
    assert reponse.status_code == 302, texte(reponse)[:2000]
    recap = reponse.headers["Location"]
    document = tuteur.post(f"{recap}/valider", {}, page=recap).headers["Location"]
    assert connecte("stagiaire").get(document).status_code == 200  # in the trio
    assert connecte("referent").get(document).status_code == 200  # tuteur Inspé here
    assert connecte("autre", "demo-autre").get(document).status_code == 404


def test_field_attributes_are_written_and_escaped_as_wtforms_writes_them():
    from markupsafe import Markup

    from service.web.formulaires import html_params

    # WTForms' own examples (attributes sorted by name), then what a user could type
    assert html_params(data_attr="user.name", aria_labeledby="name") == \
        'aria-labeledby="name" data-attr="user.name"'
    assert html_params(name="text1", id="f", class_="text") == 'class="text" id="f" name="text1"'
    assert html_params(checked=True, readonly=False, name="text1", abc="hello") == \
        'abc="hello" checked name="text1"'
    assert html_params(value='« Léa » "x" <script>&') == \
        'value="« Léa » &#34;x&#34; &lt;script&gt;&amp;"'
    assert html_params(value=Markup('a"b')) == 'value="a&quot;b"'
    assert html_params(value=3, for_="x") == 'for="x" value="3"'
