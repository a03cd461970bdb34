"""What the tests read in documents, the way a person would see it."""

from __future__ import annotations

import re
import subprocess
import unicodedata
import zipfile
from io import BytesIO
from pathlib import Path

import docx
from docx.oxml.ns import qn
from lxml import etree

RACINE = Path(__file__).resolve().parents[1]
SEEDS = RACINE.parent / "shared" / "seeds"


def texte_docx(contenu: bytes) -> str:
    """The text of a .docx (body, headers, footers) as Word shows it, reopened with python-docx."""
    document = docx.Document(BytesIO(contenu))
    racines = [document.element.body]
    for section in document.sections:
        racines += [section.header._element, section.footer._element]
    morceaux = []
    for racine in racines:
        for el in racine.iter(qn("w:t"), qn("w:br"), qn("w:tab"), qn("w:p")):
            if el.tag == qn("w:t"):
                morceaux.append(el.text or "")
            elif el.tag == qn("w:br"):
                morceaux.append("\n")
            elif el.tag == qn("w:tab"):
                morceaux.append("\t")
            else:
                morceaux.append("\n")
    return "".join(morceaux)


def parties_xml_valides(contenu: bytes) -> None:
    """Every XML part of the package parses (raises otherwise)."""
    with zipfile.ZipFile(BytesIO(contenu)) as z:
        assert z.testzip() is None
        for nom in z.namelist():
            if nom.endswith((".xml", ".rels")):
                etree.fromstring(z.read(nom))


def proprietes(contenu: bytes) -> dict[str, str]:
    with zipfile.ZipFile(BytesIO(contenu)) as z:
        racine = etree.fromstring(z.read("docProps/custom.xml"))
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
    return {p.get("name"): p[0].text for p in racine.iter(f"{ns}property")}


def pdf_texte(chemin: Path, page: int | None = None) -> str:
    """The PDF's text in reading order (of one page when ``page`` is given)."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", *pages, str(chemin), "-"], capture_output=True,
                          text=True, check=True).stdout


def normaliser(texte: str) -> str:
    """Whitespace collapsed, NFC, the seeds' extraction artefact "�" read as "."."""
    texte = unicodedata.normalize("NFC", texte.replace("\ufffd", "."))
    return re.sub(r"\s+", " ", texte).strip()


def valeurs_attendues(valeurs) -> list[str]:
    """Every scalar text a person should find in the document for these example values."""
    if isinstance(valeurs, dict):
        return [t for v in valeurs.values() for t in valeurs_attendues(v)]
    if isinstance(valeurs, list):
        return [t for v in valeurs for t in valeurs_attendues(v)]
    if valeurs is None or valeurs == "":
        return []
    return [str(valeurs)]
