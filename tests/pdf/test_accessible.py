"""The archived PDF reads aloud: tagged PDF/A-2 (structure tree, fr-FR, title shown, table
headers, alternative text), whether made alone, cut from a packet or signed; the seal holds.

No PDF/A or PDF/UA validator is installable here: the structure is read with pypdf.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from io import BytesIO

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from service.catalogue.generation import generer, signer
from service.catalogue.signature import preparer_signature
from service.catalogue.signature_document import Signataire
from service.pdf.paquets import produire_lot
from service.pdf.production import produire_pdfs
from service.pdf.sceau import verifier


def trace() -> bytes:
    image = Image.new("RGB", (640, 220), "white")
    ImageDraw.Draw(image).line([(40, 160), (130, 40), (200, 170), (290, 60), (600, 80)],
                               fill=(20, 30, 110), width=8)
    tampon = BytesIO()
    image.save(tampon, "PNG")
    return tampon.getvalue()


def structure(pdf: bytes) -> tuple[dict, dict[str, int], list[str]]:
    """The catalog, the count of each standard structure type, the Figures' /Alt."""
    lecteur = PdfReader(BytesIO(pdf))
    catalogue = lecteur.trailer["/Root"]
    arbre = catalogue["/StructTreeRoot"]
    roles = arbre.get("/RoleMap", {})
    types: dict[str, int] = {}
    alts: list[str] = []

    def parcourir(noeud):
        noeud = noeud.get_object()
        if not isinstance(noeud, dict):
            return  # marked content
        if "/S" in noeud:
            type_ = roles.get(noeud["/S"], noeud["/S"])
            types[type_] = types.get(type_, 0) + 1
            if type_ == "/Figure":
                alts.append(str(noeud.get("/Alt", "")))
        enfants = noeud.get("/K")
        for enfant in (enfants if isinstance(enfants, list) else [] if enfants is None
                       else [enfants]):
            parcourir(enfant)

    parcourir(arbre)
    return catalogue, types, alts


def identification(pdf: bytes) -> tuple[str, str]:
    """The last XMP's pdfaid part and conformance (the seal's update rewrites it)."""
    xmp = PdfReader(BytesIO(pdf)).trailer["/Root"]["/Metadata"].get_data().decode("utf-8")
    return (re.search(r'pdfaid:part(?:>|=")(\d)', xmp).group(1),
            re.search(r'pdfaid:conformance(?:>|=")(\w)', xmp).group(1))


def assert_lisible(pdf: bytes, titre: str) -> dict[str, int]:
    catalogue, types, _ = structure(pdf)
    assert catalogue["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert catalogue["/Lang"] == "fr-FR"
    assert catalogue["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    assert PdfReader(BytesIO(pdf)).metadata.title == titre
    # LibreOffice 7.4 writes conformance B for PDF/A-2 even when tagged (see README)
    assert identification(pdf) == ("2", "B")
    assert types["/Document"] == 1 and types["/P"] > 10 and types["/H1"] >= 1
    return types


@pytest.mark.parametrize("id_", ["compte_rendu_sopa", "lettre_mission_sopa"])
def test_the_archived_pdf_is_tagged_in_french_with_its_title_and_table_headers(
        exemples, pdfs_exemples, sceau, id_):
    pdf = pdfs_exemples[id_].read_bytes()
    types = assert_lisible(pdf, exemples[id_].nom)
    assert types["/Table"] >= 1 and types["/TH"] >= 1 and types["/TD"] >= 1
    assert verifier(pdf, sceau).intact


def test_a_document_cut_from_a_packet_keeps_its_own_structure(exemples, moteur, sceau):
    """As the web's grouped requests cut them (a lot's, for speed, leave the tree out)."""
    seul = exemples["compte_rendu_sopa"]
    lot = produire_lot([seul] * 3, moteur, sceau, auteur=sceau.nom, structure=True)
    (isole,) = produire_pdfs([seul], moteur, sceau)
    rapide = produire_pdfs([seul] * 2, moteur, sceau, voie="lot")
    assert all("/StructTreeRoot" not in PdfReader(BytesIO(p)).trailer["/Root"] for p in rapide)
    for pdf in lot:
        assert structure(pdf)[1] == structure(isole)[1]  # same elements, none of the others'
        assert_lisible(pdf, seul.nom)
        assert verifier(pdf, sceau).intact
    parents = PdfReader(BytesIO(lot[1])).trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]
    assert [int(n) for n in parents["/Nums"][::2]] == [
        p["/StructParents"] for p in PdfReader(BytesIO(lot[1])).pages]


def test_a_signature_and_the_logo_have_their_alternative_text(catalogue, moteur, sceau):
    gabarit = catalogue.gabarit("parcours_individualisation_1d")
    document = signer(catalogue, generer(catalogue, gabarit.id, gabarit.formulaire.exemple),
                      Signataire("signature_ien", "Sylvie Dumont", "IEN de circonscription",
                                 dt.date(2026, 11, 23), preparer_signature(trace())))
    (pdf,) = produire_pdfs([document], moteur, sceau)
    _, _, alts = structure(pdf)
    assert "Signature de Sylvie Dumont (IEN de circonscription)" in alts
    assert verifier(pdf, sceau).intact
    # the header's logo is a page artifact in the PDF; the Word document carries its text
    assert 'descr="Logo de l’établissement"' in document_xml(document.docx, "word/header1.xml")


def document_xml(docx: bytes, partie: str) -> str:
    with zipfile.ZipFile(BytesIO(docx)) as z:
        return z.read(partie).decode("utf-8")
