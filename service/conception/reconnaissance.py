"""A Word-authored form made a gabarit: its fields recognised, its marks the service's own.

    r = reconnaitre(docx, "fiche_visite", version=1)
    r.declaration   # formulaires/fiche_visite/v1.yaml, as a dict (valid for declaration.lire)
    r.gabarit       # gabarits/fiche_visite/v1.docx
    r.alertes       # what was renamed, ignored or guessed, in French

The form's content controls say where the fields are and of what kind
(``controles``); everything the author typed prints as typed (``marques``).
For a new version of a gabarit, ``precedente`` (the previous version's
declaration) gives what Word cannot say: who writes and signs it, the
parcours, required fields, limits, help, whole-number fields, the example
values of the fields that are still there.

The .docx is checked by the callers first (``docx_sur.verifier_docx`` and
``nettoyer_docx``); it is parsed here with the same hardened parser anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from service.catalogue import ooxml
from service.catalogue.declaration import Champ, Formulaire
from service.catalogue.extraction import PARSEUR
from service.catalogue.ooxml import proprietes_personnalisees, proprietes_principales
from service.catalogue.rendu import PARTIES_MODELES

from . import marques
from .controles import Lecteur
from .marques import q

_PKG = "http://schemas.openxmlformats.org/package/2006"
_CUSTOM_REL = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
               "custom-properties")
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_GLOSSAIRE = "word/glossary/document.xml"


@dataclass
class Reconnaissance:
    declaration: dict  # the YAML structure of formulaires/<id>/v<N>.yaml
    gabarit: bytes  # the .docx carrying the service's own rendering marks only
    alertes: list[str]  # French notes: what was renamed, ignored or guessed


def reconnaitre(docx: bytes, id_: str, version: int = 1, titre: str | None = None, *,
                precedente: Formulaire | None = None) -> Reconnaissance:
    """The declaration and the gabarit of the Word-authored form ``docx``."""
    membres = ooxml.membres(docx)
    parties = {nom: etree.fromstring(data, PARSEUR) for nom, data in membres.items()
               if PARTIES_MODELES.match(nom)}
    lecteur = Lecteur(_glossaire(membres))
    for nom in sorted(parties, key=lambda n: (n != "word/document.xml", n)):
        lecteur.parcourir(parties[nom], lecteur.racine)
    lecteur.familles(lecteur.racine)
    # the title as the author typed it, before the braces are escaped for the renderer
    titre = (titre or _titre_du_document(membres, parties["word/document.xml"]) or id_).strip()
    for racine in parties.values():
        marques.echapper(racine)
    for action in lecteur.actions:
        action()
    champs = lecteur.racine.champs
    if not champs:
        lecteur.alertes.append("aucun champ reconnu : le document n’a pas de contrôle de contenu "
                               "(Développeur › Contrôles dans Word)")
    declaration = _declaration(titre, champs, version, precedente, lecteur.alertes)
    for nom, racine in parties.items():
        membres[nom] = etree.tostring(racine, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
    # the renderer writes each document's own properties: these are the gabarit's, without
    # braces, which the marks' check refuses outside the rendered parts
    membres["docProps/core.xml"] = proprietes_principales(
        titre=re.sub(r"[{}]", "", titre)).encode("utf-8")
    membres["docProps/custom.xml"] = proprietes_personnalisees(
        {"gabarit_id": id_, "gabarit_version": str(version)}).encode("utf-8")
    _declarer_proprietes(membres)
    return Reconnaissance(declaration, ooxml.empaqueter(membres), lecteur.alertes)


def _glossaire(membres: dict[str, bytes]) -> dict[str, str]:
    """Placeholder texts: building block name → its text."""
    if _GLOSSAIRE not in membres:
        return {}
    racine = etree.fromstring(membres[_GLOSSAIRE], PARSEUR)
    textes = {}
    for part in racine.iter(q("docPart")):
        nom = part.find(f"{q('docPartPr')}/{q('name')}")
        corps = part.find(q("docPartBody"))
        if nom is not None and corps is not None:
            textes[nom.get(q("val"), "")] = "".join(t.text or "" for t in corps.iter(q("t")))
    return textes


def _titre_du_document(membres: dict[str, bytes], corps) -> str:
    if "docProps/core.xml" in membres:
        core = etree.fromstring(membres["docProps/core.xml"], PARSEUR)
        titre = core.find("{http://purl.org/dc/elements/1.1/}title")
        if titre is not None and (titre.text or "").strip():
            return titre.text.strip()[:200]
    for p in corps.iter(q("p")):
        texte = "".join(t.text or "" for t in p.iter(q("t"))).strip()
        if texte:
            return texte[:200]
    return ""


def _declarer_proprietes(membres: dict[str, bytes]) -> None:
    """docProps/custom.xml listed in the package, as Word expects it."""
    types = etree.fromstring(membres["[Content_Types].xml"], PARSEUR)
    if not any(o.get("PartName") == "/docProps/custom.xml" for o in types):
        etree.SubElement(types, f"{{{_PKG}/content-types}}Override",
                         PartName="/docProps/custom.xml", ContentType=_CUSTOM_TYPE)
        membres["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True,
                                                        encoding="UTF-8", standalone=True)
    rels = etree.fromstring(membres.get("_rels/.rels") or
                            f'<Relationships xmlns="{_PKG}/relationships"/>'.encode(), PARSEUR)
    if not any(r.get("Type") == _CUSTOM_REL for r in rels):
        ids = {r.get("Id") for r in rels}
        rid = next(f"rIdCustom{i}" for i in range(1, 100) if f"rIdCustom{i}" not in ids)
        etree.SubElement(rels, f"{{{_PKG}/relationships}}Relationship", Id=rid,
                         Type=_CUSTOM_REL, Target="docProps/custom.xml")
        membres["_rels/.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8",
                                                standalone=True)


# --- the declaration ----------------------------------------------------------------

_REPRIS = ("requis", "aide", "longueur_max", "min", "max", "personne", "signe_par")


def _declaration(titre: str, champs: list[dict], version: int,
                 precedente: Formulaire | None, alertes: list[str]) -> dict:
    if precedente:
        champs = [_reprendre(c, precedente.champ(c["nom"])) for c in champs]
    noms = {c["nom"] for c in champs}
    # the title as a file name: no braces (the pattern's own), nothing a file system refuses
    nom_fichier = re.sub(r"\s+", " ", re.sub(r'[{}<>:"/\\|?*]', " ", titre)).strip()[:80]
    nom_fichier = (nom_fichier or "document") + " - {numero}"
    if precedente and set(re.findall(r"{(\w+)}", precedente.nom_fichier)) <= noms | {
            "date", "numero"}:
        nom_fichier = precedente.nom_fichier
    declaration = {"titre": titre, "nom_fichier": nom_fichier}
    if precedente:
        for cle in ("description", "source", "remplie_par"):
            if getattr(precedente, cle):
                declaration[cle] = getattr(precedente, cle)
        if precedente.parcours:
            declaration["parcours"] = list(precedente.parcours)
        if precedente.redige_par:
            declaration["redige_par"] = list(precedente.redige_par)
            declaration["lu_par"] = list(precedente.lu_par)
        declaration["signatures"] = {"ordre": precedente.ordre_signatures}
        if precedente.echeance:
            declaration["echeance"] = dict(precedente.echeance)
    if version >= 2 and "redige_par" not in declaration:
        signataires = [c["signe_par"] for c in champs if c["type"] == "signature"]
        declaration["redige_par"] = list(dict.fromkeys(signataires)) or ["tuteur_terrain"]
        alertes.append("rédigé par : « " + ", ".join(declaration["redige_par"]) + " », deviné "
                       "d’après les signatures ; à vérifier dans la déclaration")
    if version >= 2 and "parcours" not in declaration:
        declaration["parcours"] = ["a_definir"]
        alertes.append("parcours concernés : à choisir dans la déclaration")
    declaration["sections"] = [{"titre": titre, "champs": champs}]
    anciens = precedente.exemple if precedente else {}
    declaration["exemple"] = {
        c["nom"]: anciens[c["nom"]] if _garde_exemple(c, precedente) else _exemple(c)
        for c in champs if c["type"] != "signature"}
    return declaration


def _reprendre(champ: dict, ancien: Champ | None) -> dict:
    """What the previous version said of a field Word cannot say, when it is still there."""
    if ancien is None:
        return champ
    champ = dict(champ)
    if champ["type"] == "texte" and ancien.type == "entier":
        champ["type"] = "entier"
    if champ["type"] != ancien.type:
        return champ
    for cle in _REPRIS:
        valeur = getattr(ancien, cle)
        if valeur not in (None, "", False) and not (cle == "aide" and champ.get("aide")):
            champ[cle] = valeur
    if champ["type"] == "groupe":
        champ["champs"] = [_reprendre(c, ancien.sous_champ(c["nom"])) for c in champ["champs"]]
    return champ


def _garde_exemple(champ: dict, precedente: Formulaire | None) -> bool:
    if not precedente or champ["nom"] not in precedente.exemple:
        return False
    ancien = precedente.champ(champ["nom"])
    if ancien is None or ancien.type != champ["type"]:
        return False
    if champ["type"] == "groupe":
        return {c["nom"]: c["type"] for c in champ["champs"]} == {
            c.nom: c.type for c in ancien.champs}
    return tuple(champ.get("choix", ())) == ancien.choix


def _exemple(champ: dict):
    type_ = champ["type"]
    if type_ == "date":
        return "15/09/2026"
    if type_ == "entier":
        return champ.get("min") or 1
    if type_ == "choix":
        return champ["choix"][0]
    if type_ == "choix_multiple":
        return champ["choix"][:1]
    if type_ == "groupe":
        return [{c["nom"]: _exemple(c) for c in champ["champs"]}]
    if type_ == "texte_long":
        return f"{champ['libelle']} : premier paragraphe.\nSecond paragraphe."
    return champ["libelle"][: champ.get("longueur_max") or 300]
