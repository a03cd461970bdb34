"""The service's own rendering marks, written into a Word-authored form.

An uploaded form carries no template language: whatever its author typed is
printed as typed. ``echapper`` turns every brace of the author's text (and
attribute values) in the parts the renderer templates (body, headers,
footers) into a Jinja expression printing that brace, ``{{ '{' }}``, so no
``{{ }}``, ``{% %}`` or ``{# #}`` of the author's can form, even across runs
or paragraphs (docxtpl joins tags split across runs). The parts the renderer
never templates (comments, footnotes, document properties…) are left as they
are: nothing reads them as a template.

Then the functions below write, in place of each recognised control's
content, the same marks and the same XML shapes as ``wordml`` writes for the
shipped gabarits, so that the renderer and the reading back of completed
documents treat both alike.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_ACCOLADE = re.compile(r"[{}]")
# a drop-down list in a repeating section whose two items are the text of the first line and of
# the following ones, or (in a section grouped by a key) the text for one item and for several
PREMIER, PLURIEL = "ligne.premier", "groupe.pluriel"
TITRES_ALTERNATIVES = {PREMIER: "Première ligne, puis les suivantes",
                       PLURIEL: "Un seul élément, puis plusieurs"}


def q(nom: str, ns: str = W) -> str:
    return f"{{{ns}}}{nom}"


def echapper_texte(texte: str) -> str:
    """``texte`` as template source that prints ``texte`` itself."""
    return _ACCOLADE.sub(lambda m: "{{ '" + m.group() + "' }}", texte)


def echapper(racine) -> None:
    """Every brace of the author's text and attribute values made to print literally; XML
    comments and processing instructions (never printed, yet read by Jinja) removed."""
    muets = []
    for el in racine.iter():
        if not isinstance(el.tag, str):
            muets.append(el)
            continue
        for cle, valeur in el.attrib.items():
            if "{" in valeur or "}" in valeur:
                el.set(cle, echapper_texte(valeur))
        if el.text and ("{" in el.text or "}" in el.text):
            el.text = echapper_texte(el.text)
        if el.tail and ("{" in el.tail or "}" in el.tail):
            el.tail = echapper_texte(el.tail)
    for el in muets:
        parent = el.getparent()
        if parent is not None:
            if el.tail:
                precedent = el.getprevious()
                if precedent is not None:
                    precedent.tail = (precedent.tail or "") + echapper_texte(el.tail)
                else:
                    parent.text = (parent.text or "") + echapper_texte(el.tail)
            parent.remove(el)


def _run(texte: str, rpr) -> etree._Element:
    run = etree.Element(q("r"))
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    t = etree.SubElement(run, q("t"))
    t.set(XML_SPACE, "preserve")
    t.text = texte
    return run


def format_du_contenu(sdt):
    """The character format of the control's text: its first run's (without Word's grey
    placeholder style), else the control's own."""
    rpr = sdt.find(f"{q('sdtContent')}//{q('r')}/{q('rPr')}")
    if rpr is None:
        rpr = sdt.find(f"{q('sdtPr')}/{q('rPr')}")
    if rpr is None:
        return None
    rpr = copy.deepcopy(rpr)
    if sdt.find(f"{q('sdtPr')}/{q('showingPlcHdr')}") is not None:
        for style in rpr.findall(q("rStyle")):
            rpr.remove(style)
    return rpr


def remplir(sdt, texte: str, rpr=None) -> None:
    """The control's content becomes one run of ``texte`` (the mark): the shape wordml writes."""
    if rpr is None:
        rpr = format_du_contenu(sdt)
    proprietes = sdt.find(q("sdtPr"))
    for inutile in (q("showingPlcHdr"), q("picture"), q("dataBinding")):
        for el in proprietes.findall(inutile):
            proprietes.remove(el)
    date = proprietes.find(q("date"))
    if date is not None and date.get(q("fullDate")):
        del date.attrib[q("fullDate")]
    case = proprietes.find(q("checkbox", W14))
    if case is not None:
        coche = case.find(q("checked", W14))
        if coche is None:
            coche = etree.Element(q("checked", W14))
            case.insert(0, coche)
        coche.set(q("val", W14), "0")
    contenu = sdt.find(q("sdtContent"))
    if contenu is None:
        contenu = etree.SubElement(sdt, q("sdtContent"))
    cellule = contenu.find(q("tc"))
    bloc = cellule is not None or any(e.tag in (q("p"), q("tbl")) for e in contenu)
    premier = (cellule if cellule is not None else contenu).find(q("p"))
    for enfant in list(contenu):
        contenu.remove(enfant)
    contenu.append(_run(texte, rpr))
    if bloc:
        _dans_un_paragraphe(sdt, premier, cellule)


def _dans_un_paragraphe(sdt, premier, cellule) -> None:
    """A control around paragraphs (or a cell) made the shape wordml writes: a paragraph
    (with the first one's format) holding the control, LibreOffice keeps line breaks there."""
    paragraphe = etree.Element(q("p"))
    if premier is not None and premier.find(q("pPr")) is not None:
        paragraphe.append(copy.deepcopy(premier.find(q("pPr"))))
    porteur = paragraphe
    if cellule is not None:
        porteur = etree.Element(q("tc"))
        if cellule.find(q("tcPr")) is not None:
            porteur.append(copy.deepcopy(cellule.find(q("tcPr"))))
        porteur.append(paragraphe)
    porteur.tail = sdt.tail
    sdt.tail = None
    sdt.getparent().replace(sdt, porteur)
    paragraphe.append(sdt)


def etiqueter(sdt, tag: str) -> None:
    proprietes = sdt.find(q("sdtPr"))
    el = proprietes.find(q("tag"))
    if el is None:
        el = etree.Element(q("tag"))
        alias = proprietes.find(q("alias"))
        proprietes.insert(proprietes.index(alias) + 1 if alias is not None else 0, el)
    el.set(q("val"), tag)


def deballer(sdt) -> None:
    """The control replaced by its content (the shipped gabarits print settings bare)."""
    parent = sdt.getparent()
    position = parent.index(sdt)
    contenu = sdt.find(q("sdtContent"))
    enfants = list(contenu) if contenu is not None else []
    parent.remove(sdt)
    for i, enfant in enumerate(enfants):
        parent.insert(position + i, enfant)
    if enfants:
        dernier = enfants[-1]
        dernier.tail = sdt.tail
    elif sdt.tail:
        precedent = parent[position - 1] if position else None
        if precedent is not None:
            precedent.tail = (precedent.tail or "") + sdt.tail


def _ligne_de_marque(texte: str, modele) -> etree._Element:
    """A table row holding only ``texte`` (a {%tr %} mark): docxtpl keeps the mark, not the
    row."""
    ligne = etree.Element(q("tr"))
    cellule = etree.SubElement(ligne, q("tc"))
    colonnes = sum(int(tc.find(f"{q('tcPr')}/{q('gridSpan')}").get(q("val"))
                       if tc.find(f"{q('tcPr')}/{q('gridSpan')}") is not None else 1)
                   for tc in modele.findall(q("tc"))) if modele is not None else 1
    if colonnes > 1:
        tcpr = etree.SubElement(cellule, q("tcPr"))
        etree.SubElement(tcpr, q("gridSpan")).set(q("val"), str(colonnes))
    paragraphe = etree.SubElement(cellule, q("p"))
    paragraphe.append(_run(texte, None))
    return ligne


def boucle(section, item, source: str, variable: str) -> None:
    """The repeating section's first item between « for » and « endfor » marks (rows:
    ``{%tr``, paragraphs: ``{%p``); its other items (sample lines) removed."""
    contenu = section.find(q("sdtContent"))
    for autre in [s for s in contenu.findall(q("sdt")) if s is not item]:
        contenu.remove(autre)
    lignes = item.find(q("sdtContent")).findall(q("tr"))
    if lignes:
        debut = _ligne_de_marque("{%tr for " + variable + " in " + source + " %}", lignes[0])
        fin = _ligne_de_marque("{%tr endfor %}", lignes[0])
    else:
        debut, fin = etree.Element(q("p")), etree.Element(q("p"))
        debut.append(_run("{%p for " + variable + " in " + source + " %}", None))
        fin.append(_run("{%p endfor %}", None))
    position = contenu.index(item)
    contenu.insert(position, debut)
    contenu.insert(position + 2, fin)
