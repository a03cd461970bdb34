"""Who, beyond the trio, may read a follow-up document: the people its procedure names.

A procedure names its actors in the document itself (the accompagnement renforcé:
« Nom de l’IA-IPR », « Nom du référent Inspé », « Nom du tuteur terrain »…): every
text field whose name ends in ``_nom`` and is not the stagiaire's (``catalogue.personnes``
says which field that is). An account reads the document when its full name is written
there — every word of it, so that a shared family name alone opens nothing.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.catalogue import personnes
from service.catalogue.declaration import Formulaire
from service.catalogue.validation import cle_de_comparaison

from .comptes import Compte


def _noms_ecrits(formulaire: Formulaire, valeurs: dict) -> list[set[str]]:
    ecrits, concernee = [], personnes.champs(formulaire).get("nom", ())
    for champ in formulaire.champs:
        if (champ.nom.endswith("_nom") and champ.nom not in concernee
                and champ.type in ("texte", "texte_long") and valeurs.get(champ.nom)):
            ecrits.append(set(cle_de_comparaison(str(valeurs[champ.nom])).replace("-", " ").split()))
    return ecrits


def nommes(base, formulaire: Formulaire, valeurs: dict) -> set[str]:
    """The accounts (identifiants) whose full name the document's procedure fields carry."""
    ecrits = _noms_ecrits(formulaire, valeurs)
    if not ecrits:
        return set()
    with Session(base) as session:
        comptes = list(session.execute(select(Compte.identifiant, Compte.nom)))
    trouves = set()
    for identifiant, nom in comptes:
        mots = set(cle_de_comparaison(nom).replace("-", " ").split())
        if len(mots) >= 2 and any(mots <= ecrit for ecrit in ecrits):
            trouves.add(identifiant)
    return trouves
