"""Declarations of the documents' fields (formulaires/<id>/v<N>.yaml).

A declaration names every fillable field of one gabarit version once: its
type, French label, whether it is required, its allowed values, its help text,
plus a complete example dataset and the pattern of output file names. The web
form, the spreadsheet columns, the JSON schema, the render context and the
reading back of a completed document all derive from it.

Loading checks the declaration itself and fails loudly, naming the file and
the field at fault.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

TYPES = {
    "texte": "texte court",
    "texte_long": "texte long",
    "date": "date",
    "entier": "nombre entier",
    "choix": "choix unique",
    "choix_multiple": "choix multiple",
    "groupe": "groupe répétable",
    "signature": "signature (image)",
}
NOM_VALIDE = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
# Names the templates may use besides the declared fields.
NOMS_RESERVES = {"instance", "gabarit", "document"}
LONGUEUR_TEXTE = 300
LONGUEUR_TEXTE_LONG = 50_000


class DeclarationInvalide(Exception):
    """A declaration file is wrong; the message names the file and the field."""


@dataclass(frozen=True)
class Champ:
    nom: str
    type: str
    libelle: str
    requis: bool = False
    aide: str = ""
    choix: tuple[str, ...] = ()
    affichage: str = "cases"
    min: int | None = None
    max: int | None = None
    longueur_max: int | None = None
    champs: tuple[Champ, ...] = ()
    section: str = ""

    @property
    def longueur(self) -> int:
        if self.longueur_max:
            return self.longueur_max
        return LONGUEUR_TEXTE_LONG if self.type == "texte_long" else LONGUEUR_TEXTE

    def sous_champ(self, nom: str) -> Champ | None:
        return next((c for c in self.champs if c.nom == nom), None)


@dataclass(frozen=True)
class Section:
    titre: str
    champs: tuple[Champ, ...]


@dataclass(frozen=True)
class Formulaire:
    id: str
    version: int
    titre: str
    description: str
    source: str
    remplie_par: str
    nom_fichier: str
    sections: tuple[Section, ...]
    exemple: dict
    chemin: Path = field(compare=False)

    @property
    def champs(self) -> tuple[Champ, ...]:
        return tuple(c for s in self.sections for c in s.champs)

    def champ(self, nom: str) -> Champ | None:
        return next((c for c in self.champs if c.nom == nom), None)


def _champ(data: dict, ou: str, section: str, dans_groupe: bool) -> Champ:
    if not isinstance(data, dict):
        raise DeclarationInvalide(f"{ou} : chaque champ doit être un objet (nom, type, libelle…)")
    nom = data.get("nom")
    if not isinstance(nom, str) or not NOM_VALIDE.match(nom):
        raise DeclarationInvalide(
            f"{ou} : nom de champ « {nom} » invalide (minuscules, chiffres et _, 48 caractères au plus)")
    ou = f"{ou}, champ « {nom} »"
    connus = {"nom", "type", "libelle", "requis", "aide", "choix", "affichage", "min", "max",
              "longueur_max", "champs"}
    inconnus = set(data) - connus
    if inconnus:
        raise DeclarationInvalide(f"{ou} : clé(s) inconnue(s) {', '.join(sorted(inconnus))}")
    type_ = data.get("type")
    if type_ not in TYPES:
        raise DeclarationInvalide(f"{ou} : type « {type_} » inconnu (types : {', '.join(TYPES)})")
    if dans_groupe and type_ in ("groupe", "signature"):
        raise DeclarationInvalide(f"{ou} : un groupe ne peut pas contenir de {TYPES[type_]}")
    libelle = data.get("libelle")
    if not isinstance(libelle, str) or not libelle.strip():
        raise DeclarationInvalide(f"{ou} : libellé manquant")
    choix = tuple(data.get("choix") or ())
    if type_ in ("choix", "choix_multiple"):
        if len(choix) < 2 or not all(isinstance(c, str) and c for c in choix):
            raise DeclarationInvalide(f"{ou} : un choix demande au moins deux valeurs (textes)")
        if len(set(choix)) != len(choix):
            raise DeclarationInvalide(f"{ou} : valeurs de choix en double")
    elif choix:
        raise DeclarationInvalide(f"{ou} : « choix » n'a de sens que pour un champ à choix")
    affichage = data.get("affichage", "cases")
    if affichage not in ("cases", "liste"):
        raise DeclarationInvalide(f"{ou} : affichage « {affichage} » inconnu (cases ou liste)")
    sous = ()
    if type_ == "groupe":
        if not data.get("champs"):
            raise DeclarationInvalide(f"{ou} : un groupe répétable doit déclarer ses champs")
        sous = tuple(_champ(c, ou, section, True) for c in data["champs"])
        _uniques(sous, ou)
    if data.get("requis") and type_ == "signature":
        raise DeclarationInvalide(f"{ou} : une signature ne peut pas être requise à la saisie")
    return Champ(
        nom=nom, type=type_, libelle=libelle.strip(), requis=bool(data.get("requis", False)),
        aide=str(data.get("aide", "")).strip(), choix=choix, affichage=affichage,
        min=data.get("min"), max=data.get("max"), longueur_max=data.get("longueur_max"),
        champs=sous, section=section,
    )


def _uniques(champs, ou: str) -> None:
    vus = set()
    for c in champs:
        if c.nom in vus:
            raise DeclarationInvalide(f"{ou} : champ « {c.nom} » déclaré deux fois")
        if c.nom in NOMS_RESERVES:
            raise DeclarationInvalide(f"{ou} : « {c.nom} » est un nom réservé")
        vus.add(c.nom)


def charger(chemin: Path) -> Formulaire:
    """Loads and checks one declaration file (formulaires/<id>/v<N>.yaml)."""
    m = re.fullmatch(r"v(\d+)\.yaml", chemin.name)
    if not m:
        raise DeclarationInvalide(f"{chemin} : le fichier doit s'appeler v<N>.yaml")
    try:
        data = yaml.safe_load(chemin.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DeclarationInvalide(f"{chemin} : YAML illisible : {exc}") from exc
    if not isinstance(data, dict):
        raise DeclarationInvalide(f"{chemin} : la déclaration doit être un objet YAML")
    for cle in ("titre", "nom_fichier", "sections", "exemple"):
        if not data.get(cle):
            raise DeclarationInvalide(f"{chemin} : « {cle} » manquant")
    sections = []
    for i, s in enumerate(data["sections"], 1):
        titre = s.get("titre") or f"Section {i}"
        champs = tuple(_champ(c, str(chemin), titre, False) for c in s.get("champs") or ())
        sections.append(Section(titre=titre, champs=champs))
    formulaire = Formulaire(
        id=chemin.parent.name, version=int(m.group(1)), titre=data["titre"],
        description=str(data.get("description", "")).strip(), source=data.get("source", ""),
        remplie_par=data.get("remplie_par", ""), nom_fichier=data["nom_fichier"],
        sections=tuple(sections), exemple=data["exemple"], chemin=chemin,
    )
    _uniques(formulaire.champs, str(chemin))
    for nom in re.findall(r"{(\w+)}", formulaire.nom_fichier):
        if not formulaire.champ(nom) and nom not in ("date", "numero"):
            raise DeclarationInvalide(
                f"{chemin} : nom_fichier utilise « {nom} », qui n'est pas un champ déclaré")
    return formulaire


def description(champ: Champ) -> dict:
    """A field as the CLI and the API describe it (JSON)."""
    out = {"nom": champ.nom, "type": champ.type, "libelle": champ.libelle, "requis": champ.requis}
    if champ.aide:
        out["aide"] = champ.aide
    if champ.choix:
        out["choix"] = list(champ.choix)
    if champ.champs:
        out["champs"] = [description(c) for c in champ.champs]
    return out
