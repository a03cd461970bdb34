"""Hostile uploads on the web and the API: a spreadsheet bomb, XML entities, merged cells, a
hidden sheet, a .docx whose zip lies. Each a 4xx with the French message, never a 500, and
the long-lived web process does not grow by hundreds of MiB."""

from __future__ import annotations

import io
import resource
import zlib

import openpyxl
import pytest

from service.catalogue.tableur import modele_import
from service.personnes.comptes import creer_jeton
from service.web import service
from tests.catalogue.paquets_hostiles import (
    bombe,
    membre,
    membres_de,
    paquet,
    partie,
    remplacer,
    tableur_bombe,
)
from tests.web.outils import conforme, deposer, entetes, texte

ID = "fiche_synthese_collectif"


def _classeur(catalogue, cache: bool) -> bytes:
    classeur = openpyxl.load_workbook(io.BytesIO(modele_import(catalogue.gabarit(ID).formulaire)))
    feuille = classeur[ID]
    for ligne in (3, 4):
        for cellule in feuille[2]:
            feuille.cell(row=ligne, column=cellule.column, value=cellule.value)
    if cache:
        _ancien(classeur)
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


@pytest.fixture(scope="module")
def simple(catalogue) -> bytes:
    """The workbook to fill, its example row copied to rows 3 and 4."""
    return _classeur(catalogue, cache=False)


@pytest.fixture(scope="module")
def rempli(catalogue) -> bytes:
    """The same with a hidden « Ancien » sheet first, whose decoy row must never be read."""
    return _classeur(catalogue, cache=True)


def _ancien(classeur) -> None:
    feuille = classeur[ID]
    ancien = classeur.create_sheet("Ancien", 0)
    for cellule in feuille[1] + feuille[2]:
        ancien.cell(row=cellule.row, column=cellule.column, value=cellule.value)
    ancien["A2"] = "Leurre"
    ancien.sheet_state = "hidden"


def _feuille(source: bytes) -> str:
    noms = openpyxl.load_workbook(io.BytesIO(source)).sheetnames
    return f"xl/worksheets/sheet{noms.index(ID) + 1}.xml"


def _envoyer(navigateur, contenu: bytes, nom: str = "lot.xlsx"):
    return navigateur.post("/lots", {"gabarit": ID, "format": "docx",
                                     "tableur": (io.BytesIO(contenu), nom)})


def _pic_mio() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def test_a_spreadsheet_bomb_is_a_400_and_the_process_does_not_grow(connecte, simple):
    secretariat = connecte("secretariat")
    for annonce in (None, 2000):  # honest headers, then headers that lie
        contenu = tableur_bombe(simple, _feuille(simple), 2**30, annonce)
        avant = _pic_mio()
        reponse = _envoyer(secretariat, contenu, "bombe.xlsx")
        assert _pic_mio() - avant < 100
        assert reponse.status_code == 400
        assert "bombe.xlsx : ce tableur" in texte(reponse) and "bombe zip" in texte(reponse)
        avant = _pic_mio()
        reponse = secretariat.post("/effectifs", {"tableur": (io.BytesIO(contenu), "liste.xlsx")})
        assert _pic_mio() - avant < 100
        assert reponse.status_code == 400 and "liste.xlsx : ce tableur" in texte(reponse)


def test_xml_entities_and_merged_cells_are_400_never_500(connecte, simple):
    secretariat = connecte("secretariat")
    nom = _feuille(simple)
    xml = partie(simple, nom).decode()
    xxe = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + xml.replace(
        "<t>", "<t>&xxe;", 1)
    reponse = _envoyer(secretariat, paquet(remplacer(membres_de(simple), nom,
                                                     membre(nom, xxe.encode()))))
    assert reponse.status_code == 400
    assert "ce tableur contient des déclarations XML interdites (entités)" in texte(reponse)
    assert "root:" not in texte(reponse)

    classeur = openpyxl.load_workbook(io.BytesIO(simple))
    classeur[ID].merge_cells("A3:B3")  # « Nom du pilote » of row 3 emptied, and read-only
    tampon = io.BytesIO()
    classeur.save(tampon)
    reponse = _envoyer(secretariat, tampon.getvalue())
    assert reponse.status_code == 400
    assert "ligne 3, colonne « Nom du pilote » : champ obligatoire non rempli" in texte(
        reponse).replace("&#34;", '"').replace("&#39;", "'")
    assert "/rapports/" in texte(reponse)


def test_the_hidden_sheet_is_never_read_and_the_page_says_which_was(connecte, rempli):
    navigateur = connecte("secretariat")
    reponse = _envoyer(navigateur, rempli)
    assert reponse.status_code == 302
    page = texte(navigateur.get(reponse.headers["Location"]))
    # the service's sheet: three rows (the hidden « Ancien » has one, its decoy)
    assert "Lot de 3 documents lancé (feuille « fiche_synthese_collectif » lue)." in page


def test_a_docx_whose_zip_lies_is_422_on_the_page_and_the_api(app, client, connecte, exemples):
    docx = exemples["compte_rendu_sopa"].docx
    document = partie(docx, "word/document.xml")
    brut, _, _ = bombe(document, b"", 2**30)
    menteur = paquet(remplacer(membres_de(docx), "word/document.xml",
                               ("word/document.xml", brut, 8, zlib.crc32(document), len(document))))
    crc_faux = paquet(remplacer(membres_de(docx), "word/document.xml", membre(
        "word/document.xml", document, crc=zlib.crc32(document) ^ 1)))
    double = paquet(membres_de(docx) + [membre("word/document.xml", document)])
    jeton = creer_jeton(service(app)["base"], "tuteur")
    tuteur = connecte("tuteur")
    for contenu, motif in ((menteur, "ment sur la taille"), (crc_faux, "somme de contrôle"),
                           (double, "deux fois la partie")):
        avant = _pic_mio()
        reponse = deposer(tuteur, contenu, "piege.docx")
        assert reponse.status_code == 422 and motif in texte(reponse).replace("&#39;", "'")
        reponse = client.post("/api/archives", headers=entetes(jeton),
                              data={"fichier": (io.BytesIO(contenu), "piege.docx")})
        assert reponse.status_code == 422
        assert motif in conforme(reponse, "/api/archives", "post")["erreurs"][0]["message"]
        assert _pic_mio() - avant < 100


def test_an_uploaded_file_name_is_stored_and_shown_safe(connecte, exemples):
    tuteur = connecte("tuteur")
    envoye = "..\\..\\" + "x" * 3000 + "\x00\u202egpj.docx"
    reponse = deposer(tuteur, exemples["fiche_personnalisation"].docx, envoye)
    assert reponse.status_code == 302, texte(reponse)[:500]
    page = texte(tuteur.get(reponse.headers["Location"]))
    nom = page.split("fichier « ", 1)[1].split(" »", 1)[0]
    assert nom == "x" * 115 + ".docx"  # its last part, no control nor override, 120 at most
