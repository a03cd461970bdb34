"""Parcours d’individualisation des professeur.e.s des écoles stagiaires: annexe 2 of the
cadrage du tutorat mixte dans le premier et le second degré (seed 001). The layout shared
with annexe 3 lives in _parcours."""

from __future__ import annotations

from service.catalogue.declaration import Formulaire

from . import _parcours
from .champs import Champs
from .wordml import LARGEUR_UTILE, libelle_valeur, p, r, titre

TITRE = "Parcours d’individualisation des professeur.e.s des écoles stagiaires (annexe 2)"
# Two pages at the catalogue's 10 pt: the identity and the grid of the five domains fill page 1
# (rows of 2.6 cm at least, room to write by hand on a blank form), the starting date and the
# four signature boxes page 2. To hold everything on page 1 the body would go below 9.5 pt
# and the rows to 1.5 cm, as in v1 and v2, too small to read and to write in.
HAUTEUR_DOMAINE = 1480

NOTE = ("* Ex.: renforcement de l’aide pédagogique et didactique, visite(s) supplémentaire(s), "
        "module(s) de formation supplémentaire(s), observations et pratiques accompagnées "
        "supplémentaires, … ")


def _identite(f: Champs) -> str:
    # Each heading's longest word on one line at 10 pt (not « PARCOUR / S »).
    largeurs = [1710, 1380, 1460, 1720, 2070]
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
        _parcours.tableau_domaines(f, HAUTEUR_DOMAINE),
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
