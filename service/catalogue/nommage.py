"""Output file names a secretariat can sort and every system accepts.

A declaration gives a pattern such as ``{stagiaire_nom} {stagiaire_prenom} -
compte-rendu SOPA``: Nom before Prénom, dates as AAAA-MM-JJ, characters that
Windows refuses removed, duplicates numbered -2, -3 …
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_INTERDITS = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_RESERVES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}
LONGUEUR_MAX = 120


def _texte(valeur) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, dt.date):
        return valeur.isoformat()
    if isinstance(valeur, (list, tuple)):
        return "-".join(str(v) for v in valeur)
    return str(valeur)


def nom_sur(texte: str) -> str:
    """``texte`` made safe as a file name on Windows, macOS and Linux."""
    texte = unicodedata.normalize("NFC", texte)
    texte = _INTERDITS.sub(" ", texte.replace("/", "-"))
    texte = " ".join(texte.split()).strip(" .")
    if texte.split(".")[0].upper() in _RESERVES:
        texte = f"_{texte}"
    return texte[:LONGUEUR_MAX].rstrip(" .") or "document"


def nom_de_fichier(motif: str, valeurs: dict, *, date: dt.date, numero: str) -> str:
    """The file name (without extension) that ``motif`` gives for ``valeurs``."""
    def remplace(m):
        nom = m.group(1)
        if nom == "date":
            return date.isoformat()
        if nom == "numero":
            return numero
        return _texte(valeurs.get(nom)) or "sans-" + nom.replace("_", "-")
    return nom_sur(re.sub(r"{(\w+)}", remplace, motif))


class NomsUniques:
    """Gives ``nom``, then ``nom-2``, ``nom-3`` … (case-insensitively, as Windows compares)."""

    def __init__(self, existants=()):
        self._pris = {n.casefold() for n in existants}

    def __call__(self, nom: str, extension: str) -> str:
        candidat, n = nom, 1
        while f"{candidat}{extension}".casefold() in self._pris:
            n += 1
            candidat = f"{nom}-{n}"
        self._pris.add(f"{candidat}{extension}".casefold())
        return f"{candidat}{extension}"
