"""The text of a Word paragraph as one string, and cutting its runs at a character offset.

Proposals (``propositions.py``) point at places by character offsets in a paragraph's text;
the same reading of runs is used to find them, to show them and to replace them by content
controls, so that an offset means the same character everywhere.
"""

from __future__ import annotations

import copy
import zipfile
from io import BytesIO

from lxml import etree

from service.catalogue.extraction import PARSEUR
from service.catalogue.ooxml import reecrire

from .marques import XML_SPACE
from .marques import W as W_NS

W = f"{{{W_NS}}}"
PARTIE = "word/document.xml"


def lire_partie(docx: bytes, partie: str = PARTIE) -> etree._Element:
    with zipfile.ZipFile(BytesIO(docx)) as paquet:
        return etree.fromstring(paquet.read(partie), PARSEUR)


def corps(racine: etree._Element) -> etree._Element:
    body = racine.find(f"{W}body")
    if body is None:
        raise ValueError("le document Word n’a pas de corps (w:body)")
    return body


def _longueur(item: etree._Element) -> str:
    """The characters one child of a run stands for."""
    tag = item.tag
    if tag == f"{W}t":
        return item.text or ""
    if tag == f"{W}tab":
        return "\t"
    if tag in (f"{W}br", f"{W}cr"):
        return "\n"
    if tag == f"{W}noBreakHyphen":
        return "-"
    return ""


def runs(p: etree._Element) -> list[etree._Element]:
    """The paragraph's own runs (not those of a text box or of a control inside it)."""
    return [r for r in p.iter(f"{W}r")
            if next(r.iterancestors(f"{W}p"), None) is p
            and next(r.iterancestors(f"{W}sdt"), None) is None]


def segments(p: etree._Element) -> list[tuple[etree._Element, int, int]]:
    """(run, start, end) for each run, offsets in ``texte(p)``."""
    out, pos = [], 0
    for r in runs(p):
        n = sum(len(_longueur(x)) for x in r)
        out.append((r, pos, pos + n))
        pos += n
    return out


def texte(p: etree._Element) -> str:
    return "".join(_longueur(x) for r in runs(p) for x in r)


def texte_run(r: etree._Element) -> str:
    return "".join(_longueur(x) for x in r)


def _couper_run(r: etree._Element, k: int) -> etree._Element:
    """Cut run ``r`` after its k-th character; returns the second half (inserted after ``r``)."""
    second = copy.deepcopy(r)
    for run, premier in ((r, True), (second, False)):
        pos = 0
        for item in [x for x in run if x.tag != f"{W}rPr"]:
            n = len(_longueur(item))
            debut, fin = pos, pos + n
            pos = fin
            if debut < k < fin:
                item.text = item.text[: k - debut] if premier else item.text[k - debut:]
                item.set(XML_SPACE, "preserve")
            elif premier and fin > k or not premier and (fin <= k if n else debut <= k):
                run.remove(item)
    r.addnext(second)
    return second


def couper(p: etree._Element, k: int) -> tuple[etree._Element, int]:
    """Make a run boundary at offset ``k``; returns where to insert there (parent, index)."""
    segs = segments(p)
    for r, debut, fin in segs:
        if debut < k < fin:
            second = _couper_run(r, k - debut)
            return second.getparent(), second.getparent().index(second)
        if k == debut and fin > debut:
            return r.getparent(), r.getparent().index(r)
    if segs:
        dernier = segs[-1][0]
        return dernier.getparent(), dernier.getparent().index(dernier) + 1
    return p, len(p)


def isoler(p: etree._Element, debut: int, fin: int) -> list[etree._Element]:
    """The runs covering exactly [debut, fin), after cutting; [] when they have no common parent."""
    couper(p, fin)
    couper(p, debut)
    couverts = [r for r, a, b in segments(p) if a >= debut and b <= fin and b > a]
    if couverts and len({id(r.getparent()) for r in couverts}) != 1:
        return []
    return couverts


def remplacer_partie(docx: bytes, partie: str, xml: bytes) -> bytes:
    """The package with ``partie`` replaced; every other entry copied as it was."""
    return reecrire(docx, lambda nom, data: xml if nom == partie else data)


def serialiser(racine: etree._Element) -> bytes:
    return etree.tostring(racine, xml_declaration=True, encoding="UTF-8", standalone=True)
