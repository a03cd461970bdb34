"""The institution's settings page (/admin/etablissement): versions, documents made before and
after a change, the logo's checks, the errors naming their field, the parcours still in use, the
test e-mail."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from html.parser import HTMLParser

import pytest
from PIL import Image
from sqlalchemy import update
from sqlalchemy.orm import Session

from service import journal
from service.catalogue.generation import generer, signer
from service.catalogue.signature_document import Signataire
from service.pdf.production import produire_pdfs
from service.personnes.comptes import Compte
from service.personnes.effectifs import Stagiaire
from service.web import moteur, service
from tests.outils import pdf_texte
from tests.web.outils import texte

PAGE = "/admin/etablissement"


@pytest.fixture(scope="module")
def reglages(serveur_smtp_du_module) -> dict:
    port, _ = serveur_smtp_du_module
    return {"smtp": f"smtp://127.0.0.1:{port}", "courriel": "secretariat@clairval.example"}


class _Champs(HTMLParser):
    """The values a browser would post from the settings form, as the page shows them."""

    def __init__(self):
        super().__init__()
        self.valeurs: dict = {}

    def handle_starttag(self, balise, attributs):
        a = dict(attributs)
        if balise != "input" or not a.get("name") or a.get("type") in ("file", "submit"):
            return
        if a.get("type") == "checkbox":
            if "checked" in a:
                self.valeurs.setdefault(a["name"], []).append(a["value"])
        elif a["name"] != "csrf_token":
            self.valeurs[a["name"]] = a.get("value") or ""


def _formulaire(admin) -> dict:
    lecteur = _Champs()
    lecteur.feed(texte(admin.get(PAGE)).split('id="essai"')[0])
    return lecteur.valeurs


def _enregistrer(admin, **changes):
    return admin.post(PAGE, _formulaire(admin) | changes)


def _pdf(app, document) -> str:
    moteur_, sceau = moteur(app)
    return pdf_texte(produire_pdfs([document], moteur_, sceau)[0])


@pytest.mark.parametrize("role", ["secretariat", "tuteur"])
def test_la_page_n_existe_que_pour_l_administrateur(connecte, client, role):
    autre = connecte(role)
    assert autre.get(PAGE).status_code == 404
    assert autre.post(f"{PAGE}/essai", {}, page="/").status_code == 404
    reponse = client.get(PAGE, base_url="https://localhost")
    assert reponse.status_code == 302 and "/connexion" in reponse.headers["Location"]
    admin = connecte("admin")
    assert PAGE in texte(admin.get("/admin")) and admin.get(PAGE).status_code == 200


def test_une_version_s_applique_aux_documents_produits_ensuite(app, connecte):
    catalogue = service(app)["catalogue"]
    exemple = catalogue.gabarit("lettre_mission_sopa").formulaire.exemple
    lettre_avant = generer(catalogue, "lettre_mission_sopa", exemple)
    compte_rendu = catalogue.gabarit("compte_rendu_sopa")
    cr_avant = generer(catalogue, compte_rendu.id, compte_rendu.formulaire.exemple)
    admin = connecte("admin")
    reponse = _enregistrer(admin, signataires__directeur__nom="Anne Martin",
                           nom="INSPÉ de l’académie de Val-Clair")
    assert reponse.status_code == 302
    page = texte(admin.get(PAGE))
    assert "Version 2 enregistrée" in page
    assert "signataires.directeur.nom : Bruno Vasseur → Anne Martin" in page
    assert "admin (administrateur)" in page.split('id="historique"')[1]
    entree = [e for e in journal.entrees(service(app)["base"]) if e.quoi == "parametres_etablissement"]
    assert entree[-1].document == "version 2" and "Bruno Vasseur → Anne Martin" in entree[-1].detail
    assert entree[-1].qui == "admin (administrateur)"

    lettre_apres = generer(catalogue, "lettre_mission_sopa", exemple)
    assert (lettre_avant.reglages, lettre_apres.reglages) == (1, 2)
    avant, apres = _pdf(app, lettre_avant), _pdf(app, lettre_apres)
    assert "Bruno Vasseur" in avant and "Anne Martin" not in avant
    assert "Anne Martin" in apres and "Bruno Vasseur" not in apres
    # a document made before, signed after: its next version keeps its settings (its header)
    case = next(c.nom for c in compte_rendu.formulaire.champs if c.type == "signature")
    png = io.BytesIO()
    image = Image.new("RGB", (200, 80), "white")
    image.paste((0, 0, 0), (20, 30, 180, 50))
    image.save(png, "PNG")
    from service.catalogue.signature import preparer_signature
    signe = signer(catalogue, cr_avant, Signataire(case, "Léa Moreau", "Tutrice", cr_avant.genere_le.date(),
                                                   preparer_signature(png.getvalue())))
    assert signe.reglages == 1
    assert "académie de Clairval" in _pdf(app, signe) and "Val-Clair" not in _pdf(app, signe)


def _png_bombe() -> bytes:
    """A PNG whose header says 30000 × 30000 pixels (a few bytes that would decode to 900 Mpx)."""
    def bloc(nom, donnees):
        return struct.pack(">I", len(donnees)) + nom + donnees + struct.pack(
            ">I", zlib.crc32(nom + donnees))
    return (b"\x89PNG\r\n\x1a\n" + bloc(b"IHDR", struct.pack(">IIBBBBB", 30000, 30000, 8, 0, 0, 0, 0))
            + bloc(b"IDAT", zlib.compress(b"\0" * 1000)) + bloc(b"IEND", b""))


@pytest.mark.parametrize("nom, contenu, message", [
    ("faux.png", b"\x89PNG\r\n\x1a\n" + b"pas une image" * 10, "seules les images PNG ou JPEG"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9"/></svg>',
     "n’est pas une image reconnue"),
    ("bombe.png", _png_bombe(), "l’image est trop grande"),
    ("lourd.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 2**20 + 1), "l’image dépasse 2 Mo"),
])
def test_un_mauvais_logo_est_refuse(connecte, nom, contenu, message):
    admin = connecte("admin")
    reponse = _enregistrer(admin, logo=(io.BytesIO(contenu), nom))
    assert reponse.status_code == 400
    page = texte(reponse)
    assert message in page.split('id="logo-erreur"')[1].split("</p>")[0]
    assert "rien n’a été enregistré" in page


def test_un_vrai_logo_est_une_nouvelle_version(app, connecte):
    admin = connecte("admin")
    png = io.BytesIO()
    Image.new("RGB", (400, 100), (200, 30, 30)).save(png, "PNG")
    assert _enregistrer(admin, logo=(io.BytesIO(png.getvalue()), "logo.png")).status_code == 302
    catalogue = service(app)["catalogue"]
    assert "logo : remplacé" in texte(admin.get(PAGE))
    courant = catalogue.etablissement
    # each version's logo in its own documents: the compiled gabarits are kept per logo
    gabarit = catalogue.gabarit("compte_rendu_sopa")
    assert catalogue.compile(gabarit, courant.logo) is not catalogue.compile(
        gabarit, catalogue.etablissement_version(1).logo)
    docx = generer(catalogue, gabarit.id, gabarit.formulaire.exemple).docx
    with zipfile.ZipFile(io.BytesIO(docx)) as paquet:
        assert paquet.read("word/media/logo.png") == courant.logo.png
    assert courant.logo.png != catalogue.etablissement_version(1).logo.png


def test_les_erreurs_nomment_le_champ(connecte):
    admin = connecte("admin")
    reponse = _enregistrer(admin, nom="", annee_universitaire="2026-2028",
                           contacts__eafc="pas-une-adresse", archives__conservation_ans__defaut="0")
    assert reponse.status_code == 400
    page = texte(reponse)
    assert "4 erreurs" in page
    assert 'id="nom-erreur">à renseigner' in page
    assert "« 2026-2028 » n’est pas une année universitaire" in page
    assert "« pas-une-adresse » n’est pas une adresse électronique" in page
    assert "un nombre entier d’années, 1 au moins" in page
    assert 'href="#contacts__eafc"' in page  # the summary leads to the field
    assert 'value="pas-une-adresse"' in page  # nothing typed is lost


def test_un_parcours_utilise_ne_peut_pas_etre_retire(app, connecte):
    with Session(service(app)["base"]) as session, session.begin():
        session.add(Stagiaire(nom="MARTIN", prenom="Léa", parcours="m2a"))
    admin = connecte("admin")
    valeurs = _formulaire(admin)
    numeros = {valeurs[k]: k for k in valeurs if k.startswith("parcours__") and k.endswith("__id")}
    for id_ in ("m1_meef_1d_sopa", "m2a"):
        valeurs[numeros[id_]] = valeurs[numeros[id_][:-4] + "__libelle"] = ""
    reponse = admin.post(PAGE, valeurs)
    assert reponse.status_code == 400
    page = texte(reponse)
    assert "« m1_meef_1d_sopa » ne peut pas être retiré : la déclaration « compte_rendu_sopa »" in page
    assert "« m2a » ne peut pas être retiré : la liste des stagiaires (MARTIN Léa)" in page
    assert "m2a" in service(app)["catalogue"].etablissement.parcours


def test_le_message_d_essai_arrive(app, connecte, serveur_smtp_du_module):
    _, messages = serveur_smtp_du_module
    with Session(service(app)["base"]) as session, session.begin():
        session.execute(update(Compte).where(Compte.identifiant == "admin")
                        .values(courriel="admin@clairval.example"))
    admin = connecte("admin")
    reponse = admin.post(f"{PAGE}/essai", {}, page=PAGE)
    assert reponse.status_code == 302
    assert "Message d’essai envoyé à admin@clairval.example" in texte(admin.get(PAGE))
    destinataires, message = messages[-1]
    assert destinataires == ["admin@clairval.example"] and "Message d’essai" in message["Subject"]


def test_sans_serveur_de_courriel_la_page_le_dit(app, connecte, monkeypatch):
    monkeypatch.setitem(service(app), "messagerie", None)
    admin = connecte("admin")
    admin.post(f"{PAGE}/essai", {}, page=PAGE)
    assert "Aucun serveur de courriel n’est configuré : renseignez INSPE_SMTP" in texte(admin.get(PAGE))
