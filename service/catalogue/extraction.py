"""Reading a completed .docx back: which gabarit and version it is, and the value of every field.

The documents this service makes carry their identity in custom document
properties and every fillable place in a Word content control tagged with its
field's name: text, date (``w:fullDate``, which Word keeps up to date), drop-down
list, check boxes (``champ#i`` for the declaration's option i) and repeating
sections for repeatable groups. Word and LibreOffice keep the controls when a
person edits the document, so the values can be read back by tag and then go
through the declaration's validation like any other input.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from io import BytesIO

from lxml import etree

from .docx_sur import DocxRefuse, verifier_docx
from .gabarits import Catalogue, Gabarit
from .validation import DonneesInvalides, Erreur, valider

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
PARSEUR = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_POINTILLES = re.compile(r"^[\s.…·_-]*$")
# What is left of the dotted line an empty field prints (wordml.PLACEHOLDER, « ……… ») when a
# person types beside it instead of over it: a run of ellipses at the start or end of a line.
# A single « … » (« etc… », « puis… ensuite ») is the person's own and stays.
_RESTE_DE_POINTILLES = re.compile(r"^[ \t\u00a0]*…{2,}[ \t\u00a0]*|[ \t\u00a0]*…{2,}[ \t\u00a0]*$")


class DocumentNonReconnu(Exception):
    """Neither made by this service nor recognisable by its structure."""


@dataclass(frozen=True)
class Extraction:
    gabarit: Gabarit
    proprietes: dict[str, str]
    donnees: dict  # raw values, in the shape every entry point uses
    valeurs: dict | None  # validated values, or None when invalid
    erreurs: list[Erreur]
    reconnu_par: str  # "propriétés" or "structure"


def _q(ns: str, nom: str) -> str:
    return f"{{{ns}}}{nom}"


def _texte(contenu) -> str:
    """The text of a control's content as a person reads it (paragraphs and breaks as new lines)."""
    morceaux, premier = [], True
    for el in contenu.iter(_q(W, "p"), _q(W, "t"), _q(W, "br"), _q(W, "tab"), _q(W, "cr")):
        if el.tag == _q(W, "p"):
            if not premier:
                morceaux.append("\n")
            premier = False
        elif el.tag == _q(W, "t"):
            morceaux.append(el.text or "")
        elif el.tag == _q(W, "tab"):
            morceaux.append("\t")
        else:
            morceaux.append("\n")
    texte = "".join(morceaux).strip("\n")
    return "" if _POINTILLES.match(texte) else _sans_pointilles(texte)


def _sans_pointilles(texte: str) -> str:
    """``texte`` without the placeholder dots left at the start or end of its lines; a line
    that held nothing but dots goes, a blank line the person left stays."""
    lignes = []
    for ligne in texte.split("\n"):
        propre = _RESTE_DE_POINTILLES.sub("", ligne)
        if propre or ligne == propre:
            lignes.append(propre)
    return "\n".join(lignes).strip("\n")


def _tag(sdt) -> str | None:
    tag = sdt.find(f"{_q(W, 'sdtPr')}/{_q(W, 'tag')}")
    return tag.get(_q(W, "val")) if tag is not None else None


def _valeur_controle(sdt):
    """What one control holds: text, an ISO date, or the state of a check box."""
    proprietes = sdt.find(_q(W, "sdtPr"))
    contenu = sdt.find(_q(W, "sdtContent"))
    case = proprietes.find(_q(W14, "checkbox"))
    if case is not None:
        coche = case.find(_q(W14, "checked"))
        if coche is not None:
            return coche.get(_q(W14, "val")) in ("1", "true")
        return "☒" in _texte(contenu)
    if proprietes.find(_q(W, "showingPlcHdr")) is not None:
        return ""  # Word shows the placeholder: nothing was typed
    texte = _texte(contenu) if contenu is not None else ""
    date = proprietes.find(_q(W, "date"))
    if date is not None and texte:
        iso = date.get(_q(W, "fullDate"))
        return iso[:10] if iso else texte
    return texte


def _lire_champs(champs, controles) -> dict:
    par_tag: dict[str, list] = {}
    for sdt in controles:
        tag = _tag(sdt)
        if tag:
            par_tag.setdefault(tag, []).append(_valeur_controle(sdt))
    donnees = {}
    for champ in champs:
        if champ.type in ("signature", "groupe"):
            continue
        if champ.type in ("choix", "choix_multiple") and champ.affichage == "cases":
            retenues = [o for i, o in enumerate(champ.choix, 1)
                        if any(v is True for v in par_tag.get(f"{champ.nom}#{i}", []))]
            donnees[champ.nom] = retenues if champ.type == "choix_multiple" else (
                retenues[0] if len(retenues) == 1 else (retenues or None))
        else:
            valeurs = [v for v in par_tag.get(champ.nom, []) if isinstance(v, str)]
            donnees[champ.nom] = next((v for v in valeurs if v), None)
    return donnees


def _lire(corps, gabarit: Gabarit) -> dict:
    formulaire = gabarit.formulaire
    donnees = _lire_champs(formulaire.champs, [s for s in corps.iter(_q(W, "sdt"))
                                              if not _dans_un_element(s)])
    for groupe in (c for c in formulaire.champs if c.type == "groupe"):
        section = next((s for s in corps.iter(_q(W, "sdt")) if _tag(s) == groupe.nom), None)
        lignes = []
        if section is not None:
            for item in filter(_est_element, section.iter(_q(W, "sdt"))):
                ligne = _lire_champs(groupe.champs, [s for s in item.iter(_q(W, "sdt"))
                                                     if s is not item])
                lignes.append(ligne)
        donnees[groupe.nom] = lignes
    return donnees


def _est_element(sdt) -> bool:
    """Whether ``sdt`` is one line (item) of a repeating section."""
    return sdt.find(f"{_q(W, 'sdtPr')}/{_q(W15, 'repeatingSectionItem')}") is not None


def _dans_un_element(sdt) -> bool:
    return any(p.tag == _q(W, "sdt") and _est_element(p) for p in sdt.iterancestors())


def _proprietes(paquet: zipfile.ZipFile) -> dict[str, str]:
    if "docProps/custom.xml" not in paquet.namelist():
        return {}
    racine = etree.fromstring(paquet.read("docProps/custom.xml"), PARSEUR)
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
    return {p.get("name"): (p[0].text or "") for p in racine.iter(f"{ns}property") if len(p)}


def proprietes_docx(docx: bytes) -> dict[str, str]:
    """The custom properties that identify a document made by the service (none: {})."""
    with zipfile.ZipFile(BytesIO(docx)) as paquet:
        return _proprietes(paquet)


def signatures_presentes(docx: bytes, gabarit: Gabarit) -> dict[str, bool]:
    """For each signature slot of the gabarit, whether the document holds a picture in it."""
    with zipfile.ZipFile(BytesIO(docx)) as paquet:
        corps = etree.fromstring(paquet.read("word/document.xml"), PARSEUR)
    slots = {c.nom: False for c in gabarit.formulaire.champs if c.type == "signature"}
    for sdt in corps.iter(_q(W, "sdt")):
        if _tag(sdt) in slots and sdt.find(f".//{_q(W, 'drawing')}") is not None:
            slots[_tag(sdt)] = True
    return slots


def _par_structure(corps, catalogue: Catalogue) -> Gabarit:
    """The gabarit whose fields best match the document's control tags."""
    tags = {(_tag(s) or "").split("#")[0] for s in corps.iter(_q(W, "sdt"))} - {""}
    meilleur, score = None, 0.0
    for id_ in catalogue.ids():
        for version in catalogue.versions(id_):
            gabarit = catalogue.gabarit(id_, version)
            noms = {c.nom for c in gabarit.formulaire.champs}
            commun = len(tags & noms) / max(len(noms | tags), 1)
            if commun > score:
                meilleur, score = gabarit, commun
    if meilleur is None or score < 0.8:
        raise DocumentNonReconnu("ce document ne correspond à aucun gabarit connu : il peut être "
                                 "archivé comme « document libre »")
    return meilleur


def extraire(docx: bytes, catalogue: Catalogue) -> Extraction:
    """Gabarit, version and values of a completed document (checked first: DocxRefuse)."""
    paquet = verifier_docx(docx)
    try:
        corps = etree.fromstring(paquet.read("word/document.xml"), PARSEUR).find(_q(W, "body"))
        proprietes = _proprietes(paquet)
    except etree.XMLSyntaxError:
        raise DocxRefuse("le document est abîmé : son contenu n’est pas du XML valide") from None
    gabarit, reconnu_par = None, "propriétés"
    try:
        gabarit = catalogue.gabarit(proprietes["gabarit_id"], int(proprietes["gabarit_version"]))
    except (KeyError, ValueError):
        gabarit, reconnu_par = _par_structure(corps, catalogue), "structure"
    controles = list(corps.iter(_q(W, "sdt")))
    if controles and not any(_tag(c) for c in controles):
        # LibreOffice 7.4 keeps the controls of a .docx it saves, but not their tags.
        raise DocumentNonReconnu(
            "les champs de ce document ont perdu leurs repères (document réenregistré par un "
            "logiciel qui ne les conserve pas, comme LibreOffice 7.4) : ses valeurs ne peuvent "
            "pas être relues ; remplissez-le dans Word, ou saisissez-le dans le formulaire")
    donnees = _lire(corps, gabarit)
    try:
        return Extraction(gabarit, proprietes, donnees, valider(gabarit.formulaire, donnees), [],
                          reconnu_par)
    except DonneesInvalides as exc:
        return Extraction(gabarit, proprietes, donnees, None, exc.erreurs, reconnu_par)

