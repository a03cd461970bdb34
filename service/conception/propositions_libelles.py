"""Words of a proposed field: its label cleaned, a safe name, a type guessed from the label,
and the runs of dots, underscores or ellipses where a person writes."""

from __future__ import annotations

import re
import unicodedata

from service.catalogue.declaration import NOM_VALIDE, NOMS_RESERVES

POINTILLES = re.compile(r"(?:\.{3,}|_{3,}|…+)(?:[ \t.…_]*[.…_])?")
_MOTS_LONGS = ("observation", "commentaire", "remarque", "description", "appreciation", "bilan",
               "objectif", "axes", "synthese", "avis", "motif", "difficultes", "besoins",
               "dispositif", "decrire", "precisez", "justification")
_AVANT_ELLIPSE = {"du", "de", "des", "à", "a", "le", "la", "au", "aux", "n°", "no"}


def sans_accents(texte_: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", texte_) if not unicodedata.combining(c))


def nom_suggere(libelle: str, pris: set[str]) -> str:
    """A field name safe for the declaration (``NOM_VALIDE``), unique among ``pris``."""
    base = re.sub(r"[^a-z0-9]+", "_", sans_accents(libelle).lower()).strip("_")
    mots, nom = base.split("_"), ""
    for mot in mots:  # cut at a word boundary
        if len(nom) + len(mot) + 1 > 40:
            break
        nom = f"{nom}_{mot}" if nom else mot
    nom = nom or base[:40] or "champ"
    if not nom[0].isalpha():
        nom = f"champ_{nom}"
    candidat, n = nom, 2
    while candidat in pris or candidat in NOMS_RESERVES or not NOM_VALIDE.match(candidat):
        candidat, n = f"{nom}_{n}", n + 1
    pris.add(candidat)
    return candidat


def nettoyer_libelle(texte_: str) -> str:
    texte_ = re.sub(r"\s+", " ", texte_.replace("\xa0", " ")).strip()
    return re.sub(r"\s*[:：]\s*$", "", texte_).strip(" -–—·•*")


def type_pour(libelle: str, defaut: str = "texte") -> str:
    bas = sans_accents(libelle).lower()
    if "signature" in bas or bas.startswith("sign"):
        return "signature"
    if re.search(r"\bdate\b|^le$|\ble$", bas):
        return "date"
    if re.match(r"(nombre|nb|numero|n°)\b", bas):
        return defaut
    if any(m in bas for m in _MOTS_LONGS):
        return "texte_long"
    return defaut


def vide(texte_: str) -> bool:
    return not texte_.replace("\xa0", " ").strip()


def pointilles(texte_: str) -> list[tuple[int, int]]:
    """Runs of dots, underscores or ellipses where a person would write."""
    trouves = []
    for m in POINTILLES.finditer(texte_):
        brut = m.group().strip()
        if set(brut) <= {"…", " "} and brut.count("…") == 1:
            avant = texte_[: m.start()].rstrip()
            mot = avant.split()[-1].lower() if avant.split() else ""
            if not (avant.endswith(":") or mot in _AVANT_ELLIPSE):
                continue  # an ellipsis in prose (« … , directeur d’école, … »)
        if m.start() and texte_[m.start() - 1].isalpha() and "…" in brut and "." not in brut:
            continue  # attached to a word: « programmations… »
        trouves.append((m.start(), m.start() + len(m.group().rstrip())))
    return trouves
