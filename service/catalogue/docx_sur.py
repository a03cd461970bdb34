"""A .docx is hostile until checked: structure checks, then removal of what reaches outside.

``verifier_docx`` refuses, with a French message saying why, what is not a
plain Word document: another format renamed, an encrypted or old .doc file, a
macro-enabled document, and (``zip_sur``, shared with spreadsheets) a zip bomb,
a member whose header lies about its size, duplicate members, XML with entity
declarations.
``nettoyer_docx`` also strips every external relationship but hyperlinks
(linked images, attached templates, OLE links, sub-documents…) and the field
codes that fetch content (INCLUDEPICTURE, INCLUDETEXT, LINK, DDE…), so that
LibreOffice never reaches the network or the file system outside the job.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

from lxml import etree

from .zip_sur import Limites, PaquetRefuse, ouvrir

TAILLE_MAX = 10 * 2**20
ENTREES_MAX = 1000
DECOMPRESSE_MAX = 200 * 2**20
LIMITES = Limites(TAILLE_MAX, ENTREES_MAX, DECOMPRESSE_MAX)
TYPE_PRINCIPAL = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HYPERLIEN = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_CHAMPS_EXTERNES = re.compile(
    r"\b(INCLUDEPICTURE|INCLUDETEXT|LINK|DDE|DDEAUTO|IMPORT|HYPERLINK\s+\\l?\s*\"file:)",
    re.IGNORECASE)
_PARSEUR = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False)


class DocxRefuse(Exception):
    """Not a document we accept; the message says why, in French."""


def _nature(data: bytes) -> str | None:
    if data.startswith(b"%PDF"):
        return "c’est un PDF, pas un document Word"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return ("c’est un ancien document Word (.doc) ou un document protégé par mot de passe ; "
                "enregistrez-le au format .docx sans mot de passe")
    if data.startswith(b"{\\rtf"):
        return "c’est un document RTF ; enregistrez-le au format .docx"
    if not data.startswith(b"PK\x03\x04"):
        return "ce n’est pas un document Word .docx"
    return None


def _entites(data: bytes, nom: str) -> None:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise DocxRefuse(f"{nom} contient des déclarations XML interdites (entités)")


def _xml(data: bytes, nom: str):
    _entites(data, nom)
    try:
        return etree.fromstring(data, _PARSEUR)
    except etree.XMLSyntaxError:
        raise DocxRefuse(f"{nom} n’est pas du XML valide : le document est abîmé") from None


def verifier_docx(data: bytes) -> zipfile.ZipFile:
    """The opened package, once it passed every check; DocxRefuse otherwise."""
    if len(data) > TAILLE_MAX:
        raise DocxRefuse(f"le fichier dépasse {TAILLE_MAX // 2**20} Mo")
    nature = _nature(data[:8])
    if nature:
        raise DocxRefuse(nature)
    try:
        paquet = ouvrir(data, "le document", LIMITES)
    except PaquetRefuse as exc:
        raise DocxRefuse(str(exc)) from None
    noms = set(paquet.namelist())
    if "[Content_Types].xml" not in noms or "word/document.xml" not in noms:
        raise DocxRefuse("ce n’est pas un document Word .docx (structure manquante)")
    types = _xml(paquet.read("[Content_Types].xml"), "[Content_Types].xml")
    principaux = [o.get("ContentType") for o in types
                  if o.get("PartName") == "/word/document.xml"]
    if principaux != [TYPE_PRINCIPAL]:
        if principaux and "macroEnabled" in principaux[0]:
            raise DocxRefuse("le document contient des macros (.docm) : enregistrez-le en .docx")
        raise DocxRefuse("ce n’est pas un document Word .docx (type de contenu inattendu)")
    if any(n.lower().endswith("vbaproject.bin") for n in noms):
        raise DocxRefuse("le document contient des macros : enregistrez-le en .docx sans macros")
    return paquet


def nettoyer_docx(data: bytes) -> bytes:
    """``data`` checked, without external relationships nor fetching fields."""
    paquet = verifier_docx(data)
    remplacements: dict[str, bytes] = {}
    for info in paquet.infolist():
        nom = info.filename
        if nom.endswith(".rels"):
            racine = _xml(paquet.read(nom), nom)
            externes = [r for r in racine.iter(f"{{{_PACKAGE_REL}}}Relationship")
                        if r.get("TargetMode") == "External" and r.get("Type") != _HYPERLIEN]
            for rel in externes:
                racine.remove(rel)
            if externes:
                remplacements[nom] = etree.tostring(racine, xml_declaration=True,
                                                    encoding="UTF-8", standalone=True)
        elif nom.startswith("word/") and nom.endswith(".xml"):
            texte = paquet.read(nom)
            _entites(texte, nom)  # the parts are read only by hardened parsers or LibreOffice
            if b"instrText" in texte or b"fldSimple" in texte:
                propre = _neutraliser_champs(texte.decode("utf-8"))
                if propre != texte.decode("utf-8"):
                    remplacements[nom] = propre.encode("utf-8")
    if not remplacements:
        return data
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as sortie:
        for info in paquet.infolist():
            sortie.writestr(info, remplacements.get(info.filename) or paquet.read(info))
    return buf.getvalue()


def _neutraliser_champs(xml: str) -> str:
    def instr(m):
        return m.group(1) + ("" if _CHAMPS_EXTERNES.search(m.group(2)) else m.group(2)) + m.group(3)
    xml = re.sub(r"(<w:instrText[^>]*>)(.*?)(</w:instrText>)", instr, xml, flags=re.S)
    return re.sub(r'(<w:fldSimple w:instr=")([^"]*)(")', instr, xml)
