"""Validation of input values against a declaration: one rule set for every entry point.

The web form, the spreadsheet import, the JSON API, the CLI and the reading
back of an uploaded document all call ``valider``. It returns canonical
values (text cleaned, dates as ``datetime.date``, integers as ``int``, choices
as their declared label) or raises ``DonneesInvalides`` listing every problem
in French, each naming its field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass

from .declaration import Champ, Formulaire

# Characters XML 1.0 forbids (all C0 controls but tab, newline, carriage return;
# lone surrogates; U+FFFE and U+FFFF).
_INTERDITS_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DATE_FR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?$")


@dataclass(frozen=True)
class Erreur:
    champ: str
    message: str
    # where the value sits: ("date_debut",) or ("participants", 2, "nom") for a group's line 2
    chemin: tuple = ()

    def __str__(self) -> str:
        return f"{self.champ} : {self.message}" if self.champ else self.message


class DonneesInvalides(Exception):
    def __init__(self, erreurs: list[Erreur]):
        self.erreurs = erreurs
        super().__init__("\n".join(str(e) for e in erreurs))


class _Invalide(Exception):
    pass


def nettoyer_texte(valeur: str) -> str:
    """Removes what XML cannot hold, unifies line ends and composes accents (NFC)."""
    valeur = valeur.replace("\r\n", "\n").replace("\r", "\n")
    valeur = _INTERDITS_XML.sub("", valeur)
    return unicodedata.normalize("NFC", valeur)


def cle_de_comparaison(texte: str) -> str:
    """Case, accents, apostrophes and spaces do not matter when matching a choice or a header."""
    texte = unicodedata.normalize("NFKD", texte.replace("’", "'"))
    texte = "".join(c for c in texte if not unicodedata.combining(c))
    return " ".join(texte.casefold().split())


# letters NFKD does not take apart, as a French reader spells them out when sorting
LIGATURES = str.maketrans({"Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "ß": "ss"})


def cle_de_tri(nom: str, prenom: str = "") -> tuple[str, str, str, str]:
    """A person's place in a French list: ÆBISCHER among the A, ÉMERY among the E, case and
    hyphens aside; NOM, then Prénom; the exact spelling last, so that the order is stable."""
    def plie(texte: str) -> str:
        return cle_de_comparaison((texte or "").translate(LIGATURES).replace("-", " "))
    return plie(nom), plie(prenom), nom or "", prenom or ""


def _cite(valeur) -> str:
    texte = str(valeur)
    if len(texte) > 60:
        texte = texte[:57] + "…"
    return f"« {texte} »"


def _texte(champ: Champ, valeur) -> str:
    if isinstance(valeur, bool) or not isinstance(valeur, (str, int, float)):
        raise _Invalide("doit être un texte")
    texte = nettoyer_texte(str(valeur)).strip()
    if champ.type == "texte":
        texte = " ".join(texte.split())
    if len(texte) > champ.longueur:
        raise _Invalide(f"texte trop long : {len(texte)} caractères pour {champ.longueur} au plus")
    return texte


def lire_date(valeur) -> dt.date:
    """Accepts a date, JJ/MM/AAAA or AAAA-MM-JJ; raises ``ValueError`` otherwise."""
    if isinstance(valeur, dt.datetime):
        return valeur.date()
    if isinstance(valeur, dt.date):
        return valeur
    texte = str(valeur).strip()
    m = _DATE_FR.match(texte)
    if m:
        jour, mois, annee = (int(x) for x in m.groups())
    else:
        m = _DATE_ISO.match(texte)
        if not m:
            raise ValueError(texte)
        annee, mois, jour = (int(x) for x in m.groups())
    return dt.date(annee, mois, jour)


def _date(champ: Champ, valeur) -> dt.date:
    try:
        date = lire_date(valeur)
    except ValueError:
        raise _Invalide(f"{_cite(valeur)} n’est pas une date valide (JJ/MM/AAAA)") from None
    if not 1900 <= date.year <= 2100:
        raise _Invalide(f"{_cite(valeur)} n’est pas une date plausible (année entre 1900 et 2100)")
    return date


def _entier(champ: Champ, valeur) -> int:
    if isinstance(valeur, bool):
        raise _Invalide(f"{_cite(valeur)} n’est pas un nombre entier")
    if isinstance(valeur, float) and valeur.is_integer():
        valeur = int(valeur)
    if isinstance(valeur, int):
        nombre = valeur
    elif isinstance(valeur, str) and re.fullmatch(r"\s*-?\d{1,9}\s*", valeur):
        nombre = int(valeur)
    else:
        raise _Invalide(f"{_cite(valeur)} n’est pas un nombre entier")
    if champ.min is not None and nombre < champ.min:
        raise _Invalide(f"{nombre} est trop petit (au moins {champ.min})")
    if champ.max is not None and nombre > champ.max:
        raise _Invalide(f"{nombre} est trop grand (au plus {champ.max})")
    return nombre


def _option(champ: Champ, valeur) -> str:
    if isinstance(valeur, (int, float)) and not isinstance(valeur, bool):
        valeur = str(valeur)
    if isinstance(valeur, list) and champ.type == "choix":
        raise _Invalide("une seule valeur attendue, plusieurs sont cochées : "
                        + ", ".join(map(str, valeur)))
    if not isinstance(valeur, str):
        raise _Invalide("doit être l’une des valeurs permises")
    cle = cle_de_comparaison(valeur)
    for option in champ.choix:
        if cle_de_comparaison(option) == cle:
            return option
    permises = ", ".join(champ.choix)
    raise _Invalide(f"{_cite(valeur)} n’est pas une valeur permise ({permises})")


def _choix_multiple(champ: Champ, valeur) -> list[str]:
    if isinstance(valeur, str):
        valeur = [v for v in valeur.split(";") if v.strip()]
    if not isinstance(valeur, (list, tuple)):
        raise _Invalide("doit être une liste de valeurs permises (séparées par « ; »)")
    retenues = {_option(champ, v) for v in valeur}
    return [o for o in champ.choix if o in retenues]


# What shows nothing: controls, format characters (zero-width spaces and joiners, bidi
# overrides and isolates, BOM, soft hyphen), separators, combining marks without a letter,
# unassigned code points, and the « filler » letters that render blank.
_INVISIBLES = frozenset(("Cc", "Cf", "Cs", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"))
_REMPLISSAGES = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _vide(valeur) -> bool:
    """No value, or a text a reader would see as blank (« requis » is not met by it)."""
    if isinstance(valeur, str):
        return all(c in _REMPLISSAGES or unicodedata.category(c) in _INVISIBLES for c in valeur)
    return valeur is None or valeur == []


def _valider_champs(champs, donnees: dict, prefixe: str, chemin: tuple,
                    erreurs: list[Erreur], partiel: bool = False) -> dict:
    valeurs = {}
    connus = {c.nom for c in champs}
    for cle in donnees:
        if cle not in connus:
            erreurs.append(Erreur(f"{prefixe}{cle}", "champ inconnu de ce formulaire",
                                  (*chemin, cle)))
    for champ in champs:
        nom, ici = f"{prefixe}{champ.nom}", (*chemin, champ.nom)
        brut = donnees.get(champ.nom)
        if champ.type == "signature":
            if not _vide(brut):
                erreurs.append(Erreur(nom, "une signature s’ajoute à l’étape de signature, "
                                           "pas avec les données", ici))
            valeurs[champ.nom] = None
            continue
        if champ.type == "groupe":
            valeurs[champ.nom] = _groupe(champ, brut, nom, ici, erreurs, partiel)
            continue
        if _vide(brut):
            if champ.requis and not partiel:
                erreurs.append(Erreur(nom, "champ obligatoire non rempli", ici))
            valeurs[champ.nom] = [] if champ.type == "choix_multiple" else None
            continue
        try:
            valeurs[champ.nom] = _CONVERSIONS[champ.type](champ, brut)
        except _Invalide as exc:
            erreurs.append(Erreur(nom, str(exc), ici))
            continue
        if champ.requis and not partiel and _vide(valeurs[champ.nom]):
            erreurs.append(Erreur(nom, "champ obligatoire non rempli", ici))
    return valeurs


def _groupe(champ: Champ, brut, nom: str, chemin: tuple, erreurs: list[Erreur],
            partiel: bool = False) -> list[dict]:
    if _vide(brut):
        brut = []
    if not isinstance(brut, list) or not all(isinstance(x, dict) for x in brut):
        erreurs.append(Erreur(nom, "doit être une liste de lignes (objets)", chemin))
        return []
    # Empty lines are skipped; the others keep their number, as the person sees it.
    lignes = [(i, ligne) for i, ligne in enumerate(brut, 1)
              if not all(_vide(v) for v in ligne.values())]
    minimum = 0 if partiel else champ.min if champ.min is not None else (1 if champ.requis else 0)
    if len(lignes) < minimum:
        erreurs.append(Erreur(nom, f"au moins {minimum} ligne(s) à remplir", chemin))
    if champ.max is not None and len(lignes) > champ.max:
        erreurs.append(Erreur(nom, f"{len(lignes)} lignes pour {champ.max} au plus", chemin))
    return [_valider_champs(champ.champs, ligne, f"{nom}, ligne {i}, ", (*chemin, i), erreurs,
                            partiel) for i, ligne in lignes]


_CONVERSIONS = {
    "texte": _texte,
    "texte_long": _texte,
    "date": _date,
    "entier": _entier,
    "choix": _option,
    "choix_multiple": _choix_multiple,
}


def valider(formulaire: Formulaire, donnees, partiel: bool = False) -> dict:
    """Canonical values of ``donnees`` for ``formulaire``, or ``DonneesInvalides``.

    ``partiel``: a form pre-filled with what is known, to be completed by a person;
    every value given is checked, but required fields may still be empty.
    """
    if not isinstance(donnees, dict):
        raise DonneesInvalides([Erreur("", "les données d’un document doivent être un objet JSON "
                                           "(champ : valeur)")])
    erreurs: list[Erreur] = []
    valeurs = _valider_champs(formulaire.champs, donnees, "", (), erreurs, partiel)
    if erreurs:
        raise DonneesInvalides(erreurs)
    return valeurs


def en_json(valeurs: dict) -> dict:
    """Validated values as JSON-ready data (dates as AAAA-MM-JJ)."""
    return json.loads(json.dumps(valeurs, default=_iso, ensure_ascii=False))


def empreinte(valeurs: dict) -> str:
    """sha256 of the canonical JSON of validated values."""
    texte = json.dumps(valeurs, default=_iso, ensure_ascii=False, sort_keys=True,
                       separators=(",", ":"))
    return hashlib.sha256(texte.encode("utf-8")).hexdigest()


def _iso(valeur):
    if isinstance(valeur, dt.date):
        return valeur.isoformat()
    raise TypeError(type(valeur).__name__)
