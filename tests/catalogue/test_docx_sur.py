"""Uploaded or generated, a .docx is checked and cleaned before anything reads it."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest

from service.catalogue.docx_sur import DocxRefuse, nettoyer_docx, verifier_docx


@pytest.fixture(scope="module")
def docx(exemples) -> bytes:
    return exemples["fiche_personnalisation"].docx


def _modifier(docx: bytes, **parties: bytes | None) -> bytes:
    """A copy of ``docx`` where each given part (name with / as __) is replaced or removed."""
    noms = {k.replace("__", "/").replace("_DOT_", "."): v for k, v in parties.items()}
    buf = BytesIO()
    with zipfile.ZipFile(BytesIO(docx)) as source, zipfile.ZipFile(buf, "w") as sortie:
        for info in source.infolist():
            if info.filename in noms:
                if noms[info.filename] is not None:
                    sortie.writestr(info.filename, noms.pop(info.filename))
                else:
                    noms.pop(info.filename)
            else:
                sortie.writestr(info, source.read(info))
        for nom, contenu in noms.items():
            sortie.writestr(nom, contenu)
    return buf.getvalue()


def _partie(docx: bytes, nom: str) -> str:
    with zipfile.ZipFile(BytesIO(docx)) as z:
        return z.read(nom).decode()


def test_a_generated_document_passes_unchanged(docx):
    assert nettoyer_docx(docx) is docx


def test_external_relationships_are_stripped_but_hyperlinks_kept(docx):
    rels = _partie(docx, "word/_rels/document.xml.rels").replace("</Relationships>", (
        '<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/image" Target="http://127.0.0.1:9/espion.png" TargetMode="External"/>'
        '<Relationship Id="rIdX2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/attachedTemplate" Target="file:///etc/passwd" TargetMode="External"/>'
        '<Relationship Id="rIdX3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/hyperlink" Target="https://exemple.fr/" TargetMode="External"/>'
        "</Relationships>"))
    propre = nettoyer_docx(_modifier(docx, word___rels__document_DOT_xml_DOT_rels=rels.encode()))
    resultat = _partie(propre, "word/_rels/document.xml.rels")
    assert "espion.png" not in resultat and "/etc/passwd" not in resultat
    assert "https://exemple.fr/" in resultat


def test_fields_that_fetch_content_are_neutralised(docx):
    document = _partie(docx, "word/document.xml").replace("</w:body>", (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
        ' INCLUDEPICTURE "http://127.0.0.1:9/x.png" \\d </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        '<w:p><w:fldSimple w:instr=" INCLUDETEXT &quot;/etc/passwd&quot; "/></w:p></w:body>'))
    propre = _partie(nettoyer_docx(_modifier(docx, word__document_DOT_xml=document.encode())),
                     "word/document.xml")
    assert "INCLUDEPICTURE" not in propre and "INCLUDETEXT" not in propre
    assert "<w:fldChar" in propre  # the document's structure is kept


@pytest.mark.parametrize("modification, message", [
    ({"word__vbaProject_DOT_bin": b"\0" * 10}, "macros"),
    ({"word__document_DOT_xml": None}, "structure manquante"),
    ({"_Content_Types_": None}, "structure manquante"),
])
def test_structures_we_refuse(docx, modification, message):
    modification = {k.replace("_Content_Types_", "[Content_Types]_DOT_xml"): v
                    for k, v in modification.items()}
    with pytest.raises(DocxRefuse, match=message):
        verifier_docx(_modifier(docx, **modification))


def test_a_macro_enabled_document_is_refused(docx):
    types = _partie(docx, "[Content_Types].xml").replace(
        "wordprocessingml.document.main+xml", "ms-word.document.macroEnabled.main+xml")
    with pytest.raises(DocxRefuse, match=r"macros \(.docm\)"):
        verifier_docx(_modifier(docx, **{"[Content_Types]_DOT_xml": types.encode()}))


def test_xml_entities_are_refused(docx):
    bombe = ('<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
             '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document>&b;</w:document>')
    with pytest.raises(DocxRefuse, match="entités"):
        nettoyer_docx(_modifier(docx, word__document_DOT_xml=bombe.encode()))


def test_a_zip_bomb_is_refused_before_inflating(docx):
    buf = BytesIO()
    with zipfile.ZipFile(BytesIO(docx)) as source, zipfile.ZipFile(
            buf, "w", zipfile.ZIP_DEFLATED) as sortie:
        for info in source.infolist():
            sortie.writestr(info, source.read(info))
        for i in range(3):
            sortie.writestr(f"word/media/zero{i}.bin", b"\0" * (100 * 2**20))
    assert len(buf.getvalue()) < 2 * 2**20  # small on disk …
    with pytest.raises(DocxRefuse, match="bombe zip"):
        verifier_docx(buf.getvalue())  # … enormous once inflated


def test_too_many_parts_are_refused(docx):
    buf = BytesIO()
    with zipfile.ZipFile(BytesIO(docx)) as source, zipfile.ZipFile(buf, "w") as sortie:
        for info in source.infolist():
            sortie.writestr(info, source.read(info))
        for i in range(1001):
            sortie.writestr(f"customXml/item{i}.xml", b"<a/>")
    with pytest.raises(DocxRefuse, match="trop de parties"):
        verifier_docx(buf.getvalue())
