"""The accepted proposals written into the .docx as real Word content controls.

The controls are those Word's Developer tab makes, with the conventions ``wordml`` uses for
the shipped gabarits and ``reconnaissance`` reads back: the tag is the field's name, the
title (``w:alias``) its label, the dots or the empty cell the placeholder text
(``w:showingPlcHdr``). Plain text → ``w:text``; texte_long → rich text (no type element),
around all its paragraphs; date → ``w:date`` « dd/MM/yyyy »; a choice → one ``w14:checkbox``
per option, tagged ``nom_1``, ``nom_2`` … (``nom#1``, ``nom#2`` … for a choix: one answer, as
the shipped gabarits' boxes); a signature → ``w:picture``. Only
``word/document.xml`` changes, and only at the accepted places.
"""

from __future__ import annotations

import copy
import itertools

from lxml import etree

from service.catalogue.declaration import NOM_VALIDE, NOMS_RESERVES

from ._paragraphes import (
    PARTIE,
    W,
    corps,
    couper,
    isoler,
    lire_partie,
    remplacer_partie,
    serialiser,
    texte,
)
from .marques import W14, XML_SPACE
from .propositions import Decision, Proposition, propositions_du_corps
from .wordml import PLACEHOLDER, PLACEHOLDER_WORD

_W14 = f"{{{W14}}}"
# Which proposed places may take which types.
_COMPATIBLES = {
    "boites": {"choix", "choix_multiple"},
    "bloc": {"texte_long"},
    "ligne": {"texte", "texte_long", "date", "signature"},
}


class DecisionInvalide(ValueError):
    """A decision cannot be applied; the message says which proposal and why, ``id`` names it."""

    def __init__(self, message: str, id: str = ""):
        super().__init__(message)
        self.id = id


def types_possibles(prop: Proposition) -> list[str]:
    """The types ``prop``'s places may take (boxes: a choice; several lines: a long text …)."""
    return [t for t in ("texte", "texte_long", "date", "choix", "choix_multiple", "signature")
            if t in _COMPATIBLES[_nature(prop)]]


def _el(tag: str, **attrs) -> etree._Element:
    el = etree.Element(tag)
    for k, v in attrs.items():
        el.set(f"{W}{k}", str(v))
    return el


def _sdt_pr(nom: str, libelle: str, ident: int, rpr, genre: etree._Element | None,
            *, case: bool = False) -> etree._Element:
    pr = _el(f"{W}sdtPr")
    if rpr is not None:
        pr.append(copy.deepcopy(rpr))
    if libelle:
        pr.append(_el(f"{W}alias", val=libelle[:255]))
    pr.append(_el(f"{W}tag", val=nom))
    pr.append(_el(f"{W}id", val=ident))
    if not case:  # a check box shows its box, not a placeholder (as ``wordml.case``)
        placeholder = etree.SubElement(pr, f"{W}placeholder")
        placeholder.append(_el(f"{W}docPart", val=PLACEHOLDER_WORD))
        pr.append(_el(f"{W}showingPlcHdr"))
    if genre is not None:
        pr.append(genre)
    return pr


def _genre(type_: str) -> etree._Element | None:
    if type_ == "texte":
        return _el(f"{W}text")
    if type_ == "date":
        date = _el(f"{W}date")
        date.append(_el(f"{W}dateFormat", val="dd/MM/yyyy"))
        date.append(_el(f"{W}lid", val="fr-FR"))
        date.append(_el(f"{W}storeMappedDataAs", val="dateTime"))
        date.append(_el(f"{W}calendar", val="gregorian"))
        return date
    if type_ == "signature":
        return _el(f"{W}picture")
    return None  # rich text


def _case() -> etree._Element:
    boite = etree.Element(f"{_W14}checkbox", nsmap={"w14": W14})
    etree.SubElement(boite, f"{_W14}checked").set(f"{_W14}val", "0")
    for nom, code in (("checkedState", "2612"), ("uncheckedState", "2610")):
        etat = etree.SubElement(boite, f"{_W14}{nom}")
        etat.set(f"{_W14}val", code)
        etat.set(f"{_W14}font", "MS Gothic")
    return boite


def _run(rpr, texte_: str) -> etree._Element:
    r = _el(f"{W}r")
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    t = etree.SubElement(r, f"{W}t")
    t.text = texte_
    t.set(XML_SPACE, "preserve")
    return r


def _rpr_gothique(rpr):
    rpr = copy.deepcopy(rpr) if rpr is not None else _el(f"{W}rPr")
    for ancien in rpr.findall(f"{W}rFonts"):
        rpr.remove(ancien)
    rpr.insert(0, _el(f"{W}rFonts", ascii="MS Gothic", hAnsi="MS Gothic", eastAsia="MS Gothic",
                      cs="MS Gothic"))
    return rpr


def _sdt_en_ligne(p, debut, fin, nom, libelle, type_, ident, *, case=False) -> bool:
    """Replace characters [debut, fin) of ``p`` (or insert at ``debut``) by a run-level control."""
    if debut == fin:
        parent, index = couper(p, debut)
        voisins = [r for r in p.iter(f"{W}r")]
        rpr = next((r.find(f"{W}rPr") for r in voisins if r.find(f"{W}rPr") is not None), None)
        contenu = PLACEHOLDER
        avant = texte(p)[:debut]
        if avant and not avant[-1].isspace():
            parent.insert(index, _run(rpr, " "))
            index += 1
    else:
        couverts = isoler(p, debut, fin)
        if not couverts:
            return False
        parent = couverts[0].getparent()
        index = parent.index(couverts[0])
        rpr = couverts[0].find(f"{W}rPr")
        contenu = "".join(t.text or "" for r in couverts for t in r.iter(f"{W}t"))
        for r in couverts:
            parent.remove(r)
    if case:
        rpr = _rpr_gothique(rpr)
        genre, contenu = _case(), "☐"
    else:
        genre = _genre(type_)
    sdt = _el(f"{W}sdt")
    sdt.append(_sdt_pr(nom, libelle, ident, rpr, genre, case=case))
    etree.SubElement(sdt, f"{W}sdtContent").append(_run(rpr, contenu))
    parent.insert(index, sdt)
    return True


def _sdt_bloc(paragraphes, nom, libelle, ident) -> None:
    """Wrap contiguous paragraphs in a block-level rich-text control (texte_long)."""
    premier = paragraphes[0]
    parent = premier.getparent()
    # with the blank lines between them
    paragraphes = parent[parent.index(premier):parent.index(paragraphes[-1]) + 1]
    sdt = _el(f"{W}sdt")
    rpr = next((r.find(f"{W}rPr") for r in premier.iter(f"{W}r")), None)
    sdt.append(_sdt_pr(nom, libelle, ident, rpr, None))
    contenu = etree.SubElement(sdt, f"{W}sdtContent")
    parent.insert(parent.index(premier), sdt)
    if not any(texte(p).strip() for p in paragraphes):  # a tall empty cell: dots on its first line
        premier.append(_run(rpr, PLACEHOLDER))
    for p in paragraphes:
        contenu.append(p)


def _nature(prop: Proposition) -> str:
    if prop.options:
        return "boites"
    if len(prop.emplacements) > 1:
        return "bloc"
    return "ligne"


def _verifier(decisions: list[Decision], props: dict[str, Proposition]) -> None:
    noms = set()
    for d in decisions:
        if d.id not in props:
            raise DecisionInvalide(f"proposition « {d.id} » inconnue : le document a-t-il changé ?",
                                   d.id)
        if not d.acceptee:
            continue
        prop = props[d.id]
        nom, type_ = d.nom or prop.nom, d.type or prop.type
        if not NOM_VALIDE.match(nom) or nom in NOMS_RESERVES:
            raise DecisionInvalide(f"« {d.libelle or prop.libelle} » : nom « {nom} » invalide "
                                   "(minuscules sans accents, chiffres et _, 48 caractères au plus)", d.id)
        if nom in noms:
            raise DecisionInvalide(f"« {d.libelle or prop.libelle} » : le nom « {nom} » est déjà pris", d.id)
        noms.add(nom)
        if prop.options:
            noms |= {f"{nom}_{k}" for k in range(1, len(prop.options) + 1)}
        if type_ not in _COMPATIBLES[_nature(prop)]:
            raise DecisionInvalide(f"« {d.libelle or prop.libelle} » ne peut pas être de type "
                                   f"« {type_} » à cet endroit du document", d.id)


def _resoudre(body, chemin):
    el = body
    for i in chemin:
        el = el[i]
    return el


def appliquer(docx: bytes, decisions: list[Decision]) -> bytes:
    """The .docx with each accepted proposal turned into a content control."""
    racine = lire_partie(docx)
    body = corps(racine)
    props = {p.id: p for p in propositions_du_corps(body)}
    _verifier(decisions, props)
    existants = [int(x) for x in body.xpath(".//w:sdtPr/w:id/@w:val", namespaces={"w": W[1:-1]})
                 if x.lstrip("-").isdigit()]
    ids = itertools.count(max([2000, *existants]) + 1)
    en_ligne, blocs, apres = [], [], []
    for d in decisions:
        if not d.acceptee:
            continue
        prop = props[d.id]
        nom, libelle, type_ = d.nom or prop.nom, d.libelle or prop.libelle, d.type or prop.type
        if prop.options:
            for k, (empl, option) in enumerate(zip(prop.emplacements, prop.options), 1):
                en_ligne.append((_resoudre(body, empl.chemin), empl.debut, empl.fin,
                                 dict(nom=f"{nom}{'#' if type_ == 'choix' else '_'}{k}",
                                      libelle=option or libelle, type_=type_,
                                      case=True)))
        elif _nature(prop) == "bloc":
            paragraphes = [_resoudre(body, e.chemin) for e in prop.emplacements if e.bloc]
            blocs.append((paragraphes, dict(nom=nom, libelle=libelle)))
            for e in prop.emplacements:  # « Observations : ……… » above the lines: its dots go
                if not e.bloc:
                    en_ligne.append((_resoudre(body, e.chemin), e.debut, e.fin, None))
        else:
            for empl in prop.emplacements:
                cible = (apres if empl.apres else en_ligne)
                cible.append((_resoudre(body, empl.chemin), empl.debut, empl.fin,
                              dict(nom=nom, libelle=libelle, type_=type_)))
    # inside each paragraph, from the end, so that earlier offsets still hold
    for p, debut, fin, quoi in sorted(en_ligne, key=lambda x: -x[1]):
        if quoi is None:
            for r in isoler(p, debut, fin):
                r.getparent().remove(r)
        else:
            _sdt_en_ligne(p, debut, fin, ident=next(ids), **quoi)
    for p, _, _, quoi in apres:
        nouveau = _el(f"{W}p")
        ppr = p.find(f"{W}pPr")
        if ppr is not None:
            nouveau.append(copy.deepcopy(ppr))
        p.addnext(nouveau)
        _sdt_en_ligne(nouveau, 0, 0, ident=next(ids), **quoi)
    for paragraphes, quoi in blocs:
        _sdt_bloc(paragraphes, ident=next(ids), **quoi)
    return remplacer_partie(docx, PARTIE, serialiser(racine))


__all__ = ["appliquer", "DecisionInvalide", "PARTIE"]
