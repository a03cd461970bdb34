"""Which fields of a declaration name which person: the one place that says it.

The archive records the stagiaire and the tuteur a document is about, the roster pre-fills what
it knows of a stagiaire: both ask here which field holds what, instead of listing field names.
(Access is not decided by a name written in a field: service/personnes/acces.py knows people by
their account and the roster.)

A field's *role* is one of ``ROLES``: the roster's columns (``nom``, ``prenom``, ``parcours``,
``lieu``, ``periode_debut``, ``periode_fin``: the stagiaire's), then the tuteur de terrain (or of
the employer: E.N., DSDEN, titulaire de la classe), his or her first name, and the tuteur Inspé
(or universitaire). The role is read from the field's libellé (« Nom du stagiaire », « Tuteur ou
tutrice Inspé », « Période de stage : du »…) and, for the stagiaire's parcours and establishment,
from its name (``etudiant_parcours``); ``TABLE`` adds the few fields neither says.

From version 2 on, a declaration says it itself, as ``personne: stagiaire_nom`` (or
``tuteur_terrain_nom``…) on the field (``PERSONNE_ROLE`` maps those values to the roles here),
and nothing is derived. Published declarations are immutable (their sha256 is in
gabarits/manifeste.json), so for the version-1 declarations the roles are still derived here
from the libellés and ``TABLE``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .declaration import Champ, Formulaire

DU_STAGIAIRE = ("nom", "prenom", "parcours", "lieu", "periode_debut", "periode_fin")
ROLES = (*DU_STAGIAIRE, "tuteur_terrain", "tuteur_terrain_prenom", "tuteur_inspe")

# a field's ``personne:`` (declaration v2 on) → its role here; the others (inspecteur_nom…)
# name people the roster does not pre-fill.
PERSONNE_ROLE = {
    "stagiaire_nom": "nom", "stagiaire_prenom": "prenom", "stagiaire_parcours": "parcours",
    "stagiaire_lieu": "lieu", "periode_debut": "periode_debut", "periode_fin": "periode_fin",
    "tuteur_terrain_nom": "tuteur_terrain", "tuteur_terrain_prenom": "tuteur_terrain_prenom",
    "tuteur_inspe_nom": "tuteur_inspe",
}
ROLE_PERSONNE = {role: personne for personne, role in PERSONNE_ROLE.items()}

# (declaration, field) → role, where neither the libellé nor the name says it: a field that
# names again a person another field names (so it comes after that one, in every version;
# a v2 declaration leaves ``personne`` off it).
TABLE = {
    ("compte_rendu_sopa", "titulaire_classe"): "tuteur_terrain",  # who hosts the SOPA stage
}

_STAGIAIRE = re.compile(r"stagiaire|étudiant")
_INSPE = re.compile(r"inspé|universitaire")


def _role(champ: Champ) -> str | None:
    """The role a field's libellé or name gives it, if any."""
    libelle, nom = champ.libelle.lower(), champ.nom
    prefixe = nom.split("_", 1)[0] in ("stagiaire", "etudiant")
    if champ.type == "date" and libelle.startswith("période"):
        return {"du": "periode_debut", "au": "periode_fin"}.get(libelle.rsplit(" ", 1)[-1])
    if champ.type != "texte":
        return None
    if libelle.startswith("nom") and _STAGIAIRE.search(libelle):
        return "nom"
    if libelle.startswith("prénom"):
        if _STAGIAIRE.search(libelle):
            return "prenom"
        return "tuteur_terrain_prenom" if "tuteur" in libelle else None
    if libelle.startswith(("nom", "tuteur")) and "tuteur" in libelle:
        return "tuteur_inspe" if _INSPE.search(libelle) else "tuteur_terrain"
    if prefixe and nom.endswith("_parcours"):
        return "parcours"
    if "tuteur" not in libelle and ((prefixe and nom.endswith("_etablissement")) or (
            libelle.startswith(("lieu", "établissement", "circonscription"))
            and re.search(r"exercice|stage", libelle))):
        return "lieu"
    return None


def _declare(formulaire: Formulaire) -> bool:
    return formulaire.version >= 2 or any(c.personne for c in formulaire.champs)


def champs(formulaire: Formulaire) -> dict[str, tuple[str, ...]]:
    """For each role, the top-level fields of ``formulaire`` that hold it (declaration order,
    then ``TABLE``); a role no field holds is absent. A declaration that says its fields'
    ``personne`` (v2 on) is read, not derived (then ``TABLE`` too)."""
    roles: dict[str, list[str]] = {}
    declare = _declare(formulaire)
    for champ in formulaire.champs:
        role = PERSONNE_ROLE.get(champ.personne) if declare else _role(champ)
        if role is not None:
            roles.setdefault(role, []).append(champ.nom)
    for (formulaire_id, nom), role in TABLE.items():
        if formulaire_id == formulaire.id and formulaire.champ(nom) is not None:
            roles.setdefault(role, []).append(nom)
    return {role: tuple(noms) for role, noms in roles.items()}


@dataclass(frozen=True)
class Groupe:
    """A repeated group listing several stagiaires (a lettre de mission for all a tuteur hosts)."""
    champ: str
    nom: str
    prenom: str | None


def groupe_de_stagiaires(formulaire: Formulaire) -> Groupe | None:
    for champ in formulaire.champs:
        if champ.type == "groupe" and _STAGIAIRE.search(champ.libelle.lower()):
            noms = {c.libelle.lower(): c.nom for c in champ.champs}
            if "nom" in noms:
                return Groupe(champ.nom, noms["nom"], noms.get("prénom"))
    return None


def _premier(formulaire: Formulaire, valeurs: dict, role: str) -> str:
    noms = champs(formulaire).get(role, ())
    return next((str(valeurs[n]) for n in noms if valeurs.get(n)), "")


def stagiaire(formulaire: Formulaire, valeurs: dict) -> str:
    """The stagiaire the document is about, « NOM Prénom »; "" when it names none."""
    nom, prenom = _premier(formulaire, valeurs, "nom"), _premier(formulaire, valeurs, "prenom")
    return " ".join(x for x in (nom.upper(), prenom) if x)


def tuteur(formulaire: Formulaire, valeurs: dict) -> str:
    """The tuteur the document is about: de terrain if it names one, else Inspé; "" if none."""
    trouve = _premier(formulaire, valeurs, "tuteur_terrain") or _premier(
        formulaire, valeurs, "tuteur_inspe")
    return trouve or _premier(formulaire, valeurs, "tuteur_terrain_prenom")
