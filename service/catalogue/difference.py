"""What changed between two versions of a gabarit, and what a draft becomes on the newer one.

``comparer``: the fields added, removed and changed (type, label, required, help, choices,
limits, a group's columns, who signs; not the section a field is shown in, which Word does not
say) and the fixed paragraphs changed (the template's text with the service's marks taken out,
compared paragraph by paragraph). Shown before an administrator publishes, and kept with the
publication (``resume``).

``reporter``: a draft saved on an older version, opened on the newer: the values that still
have a place are kept; each that has none (its field removed, its choice no longer offered, a
group's column gone) is listed with its label and value for the person to copy — nothing is
silently dropped — and each field that moved or changed is said.
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from dataclasses import dataclass, field

from .declaration import TYPES, Champ, Formulaire
from .rendu import PARTIES_MODELES

MARQUE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
PARAGRAPHE = re.compile(r"<w:p[ >].*?</w:p>|<w:p/>", re.S)
TEXTE = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")
ENTITES = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&apos;": "'"}


def paragraphes(docx: bytes) -> list[str]:
    """The fixed text of a template, one entry a non-empty paragraph (body, headers, footers),
    its rendering marks taken out."""
    sortie = []
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        for nom in sorted(n for n in z.namelist() if PARTIES_MODELES.match(n)):
            xml = z.read(nom).decode("utf-8")
            for p in PARAGRAPHE.findall(xml):
                texte = "".join(TEXTE.findall(p))
                texte = re.sub(r"&(lt|gt|amp|quot|apos);", lambda m: ENTITES[m.group(0)], texte)
                texte = " ".join(MARQUE.sub(" ", texte).split())
                if texte:
                    sortie.append(texte)
    return sortie


@dataclass
class Difference:
    ajoutes: list[str] = field(default_factory=list)  # « Libellé » (nom)
    retires: list[str] = field(default_factory=list)
    modifies: list[str] = field(default_factory=list)  # « nom » : what changed
    paragraphes: list[str] = field(default_factory=list)  # « − ancien » / « + nouveau »
    premiere: bool = False  # no previous version: a new gabarit

    @property
    def vide(self) -> bool:
        return not (self.ajoutes or self.retires or self.modifies or self.paragraphes)

    def lignes(self) -> list[str]:
        """In French, one change a line."""
        if self.premiere:
            return ["Nouveau formulaire : première version."]
        if self.vide:
            return ["Aucun changement par rapport à la version précédente."]
        return ([f"Champ ajouté : {c}" for c in self.ajoutes]
                + [f"Champ retiré : {c}" for c in self.retires]
                + [f"Champ modifié : {c}" for c in self.modifies]
                + [f"Texte fixe : {p}" for p in self.paragraphes])

    def texte(self) -> str:
        return "\n".join(self.lignes())


def _nomme(champ: Champ) -> str:
    return f"« {champ.libelle} » ({champ.nom})"


def _liste(valeurs) -> str:
    return ", ".join(f"« {v} »" for v in valeurs) or "aucun"


def _changements(a: Champ, b: Champ) -> list[str]:
    """What differs between two declarations of one field, in French."""
    sortie = []
    if a.type != b.type:
        sortie.append(f"type {TYPES[a.type]} → {TYPES[b.type]}")
    if a.libelle != b.libelle:
        sortie.append(f"libellé « {a.libelle} » → « {b.libelle} »")
    if a.requis != b.requis:
        sortie.append("devient obligatoire" if b.requis else "devient facultatif")
    if a.aide != b.aide:
        sortie.append(f"aide « {a.aide} » → « {b.aide} »")
    if a.choix != b.choix:
        plus = [c for c in b.choix if c not in a.choix]
        moins = [c for c in a.choix if c not in b.choix]
        morceaux = ([f"ajoutés {_liste(plus)}"] if plus else []) + (
            [f"retirés {_liste(moins)}"] if moins else [])
        sortie.append("choix : " + ("; ".join(morceaux) or "ordre changé"))
    if a.signe_par != b.signe_par:
        sortie.append(f"signé par {a.signe_par or '—'} → {b.signe_par or '—'}")
    if (a.min, a.max, a.longueur_max) != (b.min, b.max, b.longueur_max):
        sortie.append("limites changées")
    anciens, nouveaux = {c.nom: c for c in a.champs}, {c.nom: c for c in b.champs}
    for nom in nouveaux.keys() - anciens.keys():
        sortie.append(f"colonne ajoutée {_nomme(nouveaux[nom])}")
    for nom in anciens.keys() - nouveaux.keys():
        sortie.append(f"colonne retirée {_nomme(anciens[nom])}")
    for nom in sorted(anciens.keys() & nouveaux.keys()):
        sortie += [f"colonne « {nom} » : {c}" for c in _changements(anciens[nom], nouveaux[nom])]
    return sortie


def comparer(ancien: Formulaire | None, nouveau: Formulaire, docx_ancien: bytes | None,
             docx_nouveau: bytes) -> Difference:
    """What changed from ``ancien`` (None: a new gabarit) to ``nouveau``."""
    if ancien is None:
        return Difference(premiere=True)
    diff = Difference()
    a = {c.nom: c for c in ancien.champs}
    b = {c.nom: c for c in nouveau.champs}
    diff.ajoutes = [_nomme(b[n]) for n in b if n not in a]
    diff.retires = [_nomme(a[n]) for n in a if n not in b]
    for nom in (n for n in b if n in a):
        changements = _changements(a[nom], b[nom])
        if changements:
            diff.modifies.append(f"« {nom} » : " + " ; ".join(changements))
    if docx_ancien is not None:
        avant, apres = paragraphes(docx_ancien), paragraphes(docx_nouveau)
        for ligne in difflib.ndiff(avant, apres):
            if ligne[:2] == "- ":
                diff.paragraphes.append(f"− {ligne[2:]}")
            elif ligne[:2] == "+ ":
                diff.paragraphes.append(f"+ {ligne[2:]}")
    return diff


# --- a draft on a newer version -------------------------------------------------------------

@dataclass
class Report:
    """A draft opened on a newer version: its values there, and what the person should know."""
    donnees: dict
    depuis: int | None  # the draft's version (None: not recorded)
    vers: int
    changes: list[str] = field(default_factory=list)  # fields that moved or changed
    sans_place: list[tuple[str, str]] = field(default_factory=list)  # (label, value) to copy

    @property
    def vide(self) -> bool:
        return not (self.changes or self.sans_place)


def _texte(valeur) -> str:
    if isinstance(valeur, list):
        return ", ".join(_texte(v) for v in valeur if _texte(v))
    if isinstance(valeur, dict):
        return " ; ".join(f"{k} : {_texte(v)}" for k, v in valeur.items() if _texte(v))
    return "" if valeur is None else str(valeur).strip()


def _porter(a: Champ | None, b: Champ, valeur, libelle: str, report: Report):
    """``valeur`` typed for ``a`` as ``b`` keeps it; what does not fit goes to ``sans_place``."""
    if b.type == "groupe":
        if not isinstance(valeur, list):
            if _texte(valeur):
                report.sans_place.append((libelle, _texte(valeur)))
            return []
        lignes = []
        for i, ligne in enumerate(valeur, 1):
            ligne = ligne if isinstance(ligne, dict) else {}
            garde = {}
            for nom, v in ligne.items():
                sous = b.sous_champ(nom)
                ancien = a.sous_champ(nom) if a is not None and a.type == "groupe" else None
                titre = f"{libelle}, ligne {i}, « {ancien.libelle if ancien else nom} »"
                if sous is None:
                    if _texte(v):
                        report.sans_place.append((titre, _texte(v)))
                else:
                    garde[nom] = _porter(ancien, sous, v, titre, report)
            lignes.append(garde)
        return lignes
    if b.type == "choix_multiple":
        valeurs = valeur if isinstance(valeur, list) else ([valeur] if _texte(valeur) else [])
        gardes = [v for v in valeurs if v in b.choix]
        perdus = [v for v in valeurs if v not in b.choix]
        if perdus:
            report.sans_place.append((libelle, _texte(perdus)))
        return gardes
    if isinstance(valeur, list):  # a multiple choice become one value or a text
        if len(valeur) == 1 and (b.type != "choix" or valeur[0] in b.choix):
            return valeur[0]
        if _texte(valeur):
            report.sans_place.append((libelle, _texte(valeur)))
        return ""
    if b.type == "choix" and _texte(valeur) and valeur not in b.choix:
        report.sans_place.append((libelle, _texte(valeur)))
        return ""
    return valeur


def reporter(nouveau: Formulaire, donnees: dict, ancien: Formulaire | None = None,
             depuis: int | None = None) -> Report:
    """The draft ``donnees`` (typed on ``ancien``, version ``depuis``) on ``nouveau``."""
    report = Report({}, depuis, nouveau.version)
    for nom, valeur in (donnees or {}).items():
        a = ancien.champ(nom) if ancien is not None else None
        b = nouveau.champ(nom)
        libelle = f"« {(a or b).libelle} »" if (a or b) is not None else f"« {nom} »"
        if b is None or b.type == "signature":
            if _texte(valeur):
                report.sans_place.append((libelle, _texte(valeur)))
            continue
        if a is not None:
            changements = _changements(a, b)
            if changements:
                report.changes.append(f"{libelle} : " + " ; ".join(changements))
        report.donnees[nom] = _porter(a, b, valeur, libelle, report)
    return report
