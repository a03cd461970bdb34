"""Many accounts at once, from a spreadsheet (identifiant, nom, rôle, courriel): read as the
roster is (service/catalogue/tableur.py, same row and column errors), created all or nothing.
Each account gets a random password nobody knows: its owner chooses one through the link
the web sends."""

from __future__ import annotations

import dataclasses
import re
import secrets
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.catalogue.declaration import Formulaire, charger
from service.catalogue.tableur import ErreurCellule, colonnes, lire, valider_lignes
from service.catalogue.validation import cle_de_comparaison

from .comptes import ROLES, Compte, creer_compte

_IDENTIFIANT = re.compile(r"^[a-z0-9._-]+$")  # as the accounts page asks (it is part of addresses)
_COURRIEL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _declaration() -> Formulaire:
    """The declaration, its ``role`` a choice among the roles' labels."""
    formulaire = charger(Path(__file__).parents[1] / "donnees" / "comptes" / "v1.yaml")
    libelles = tuple(ROLES.values())

    def champ(c):
        return dataclasses.replace(c, type="choix", choix=libelles) if c.nom == "role" else c

    sections = tuple(dataclasses.replace(s, champs=tuple(map(champ, s.champs)))
                     for s in formulaire.sections)
    exemple = dict(formulaire.exemple, role=ROLES[formulaire.exemple["role"]])
    return dataclasses.replace(formulaire, sections=sections, exemple=exemple)


DECLARATION = _declaration()


class Import(NamedTuple):
    crees: list[Compte]  # empty when any row is wrong: all or nothing
    erreurs: list[ErreurCellule]
    feuille_lue: str


def importer(base, donnees: bytes, nom: str) -> Import:
    lecture = lire(donnees, nom, DECLARATION)
    feuille = lecture.feuille_lue if lecture.feuille else ""
    par_code = {cle_de_comparaison(code): lib for code, lib in ROLES.items()}
    for ligne in lecture.lignes:  # a role given by its code (« tuteur ») becomes its label
        role = ligne.donnees.get("role")
        if isinstance(role, str):
            ligne.donnees["role"] = par_code.get(cle_de_comparaison(role), role)
    valides, erreurs = valider_lignes(lecture, DECLARATION)
    entetes = {c.chemin[0]: c.entete for c in colonnes(DECLARATION)}
    with Session(base) as session:
        pris = set(session.scalars(select(Compte.identifiant)))
    vus: dict[str, int] = {}
    for ligne in lecture.lignes:  # every row, valid or not, so that all its faults show at once

        def erreur(cle, message, ligne=ligne):
            erreurs.append(ErreurCellule(ligne.numero, entetes[cle], ligne.colonnes.get((cle,)),
                                         message))

        identifiant = str(ligne.donnees.get("identifiant") or "").strip().lower()
        if not identifiant:
            pass  # « requis » already says it
        elif not _IDENTIFIANT.match(identifiant):
            erreur("identifiant", "lettres sans accent, chiffres, point, tiret ou tiret bas "
                                  "seulement (exemple : c.martin)")
        elif identifiant in pris:
            erreur("identifiant", f"l’identifiant « {identifiant} » est déjà pris")
        elif identifiant in vus:
            erreur("identifiant", f"« {identifiant} » est déjà à la ligne {vus[identifiant]}")
        vus.setdefault(identifiant, ligne.numero)
        courriel = str(ligne.donnees.get("courriel") or "").strip()
        if courriel and not _COURRIEL.match(courriel):
            erreur("courriel", "adresse électronique invalide (exemple : prenom.nom@ac-exemple.fr)")
    erreurs.sort(key=lambda e: (e.ligne, e.numero_colonne or 0))
    if erreurs:
        return Import([], erreurs, feuille)
    codes = {lib: code for code, lib in ROLES.items()}
    crees = [creer_compte(base, v["identifiant"].strip().lower(), v["nom"].strip(), codes[v["role"]],
                          secrets.token_urlsafe(32), v["courriel"].strip())  # nobody's password
             for _, v in valides]
    return Import(crees, [], feuille)
