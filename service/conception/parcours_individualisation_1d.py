"""Parcours d’individualisation des professeur.e.s des écoles stagiaires: annexe 2 of the
cadrage du tutorat mixte dans le premier et le second degré (seed 001). The layout shared
with annexe 3 lives in _parcours."""

from __future__ import annotations

from service.catalogue.declaration import Formulaire

from . import _parcours
from .champs import Champs
from .wordml import LARGEUR_UTILE, libelle_valeur, p, r, titre

TITRE = "Parcours d’individualisation des professeur.e.s des écoles stagiaires (annexe 2)"
TAILLE_POLICE = 9.5

NOTE = ("* Ex.: renforcement de l’aide pédagogique et didactique, visite(s) supplémentaire(s), "
        "module(s) de formation supplémentaire(s), observations et pratiques accompagnées "
        "supplémentaires, … ")


def _identite(f: Champs) -> str:
    largeurs = [1750, 1200, 1600, 1750, 2000]
    largeurs.append(LARGEUR_UTILE - sum(largeurs))
    contenus = [
        [p(_parcours.noms(f, "stagiaire_nom", "stagiaire_prenom"), apres=0)],
        [p(f.case("parcours", i), r(" " + option), apres=0)
         for i, option in enumerate(f.choix("parcours"), 1)],
        [p(f("tuteur_dsden"), apres=0)],
        [p(f("tuteur_universitaire"), apres=0)],
        [p(f("circonscription_ecole"), apres=0)],
        [p(f("pole_formation"), apres=0)],
    ]
    entetes = [
        ["NOM - PRENOM", "Professeur.e stagiaire"],
        ["PARCOURS", "(M2A ou DU)"],
        ["TUTEUR ou TUTRICE DSDEN"],
        ["TUTEUR ou TUTRICE UNIVERSITAIRE"],
        ["CIRCONSCRIPTION ET ECOLE D’EXERCICE"],
        ["POLE DE FORMATION :"],
    ]
    return _parcours.tableau_identite(list(zip(entetes, largeurs, contenus)))


def corps(formulaire: Formulaire) -> str:
    f = Champs(formulaire)
    stagiaire = _parcours.noms(f, "stagiaire_nom", "stagiaire_prenom")
    return "".join([
        titre("Parcours d’individualisation des professeur.e.s des écoles stagiaires (annexe 2)"),
        libelle_valeur("Département du", f("departement")),
        _parcours.ligne_responsable(f, "NOM – PRENOM DE L’IEN DE CIRCONSCRIPTION :", "ien_nom",
                                    "date_parcours"),
        _identite(f),
        p(apres=0),
        _parcours.tableau_domaines(f),
        _parcours.note(NOTE),
        _parcours.debut(f),
        _parcours.signatures(f, "Signatures :", [
            ("IEN de circonscription :", f("ien_nom"), "date_signature_ien", "signature_ien"),
            ("Tuteur ou tutrice DSDEN :", f("tuteur_dsden"), "date_signature_tuteur_dsden",
             "signature_tuteur_dsden"),
            ("Tuteur ou tutrice universitaire :", f("tuteur_universitaire"),
             "date_signature_tuteur_universitaire", "signature_tuteur_universitaire"),
            ("Professeur·e des écoles stagiaire :", stagiaire, "date_signature_stagiaire",
             "signature_stagiaire"),
        ], par_ligne=4),
    ])
