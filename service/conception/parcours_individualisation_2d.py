"""Parcours d’individualisation des professeur·e·s du second degré et CPE stagiaires: annexe 3
of the cadrage du tutorat mixte dans le premier et le second degré (seed 001). The layout
shared with annexe 2 lives in _parcours."""

from __future__ import annotations

from service.catalogue.declaration import Formulaire

from . import _parcours
from .champs import Champs
from .wordml import LARGEUR_UTILE, p, r, titre

TITRE = "Parcours d’individualisation des professeur·e·s du second degré et CPE stagiaires (annexe 3)"
# Two pages at the catalogue's 10 pt, as annexe 2: the identity and the grid of the five
# domains fill page 1 (rows of 2.6 cm at least, room to write by hand on a blank form), the
# starting date and the six signature boxes page 2.
HAUTEUR_DOMAINE = 1480

NOTE = ("* Ex. : renforcement de l’aide pédagogique et didactique, visite(s) supplémentaire(s), "
        "module (s) de formation supplémentaire(s), observations et pratiques accompagnées "
        "supplémentaires, … ")


def _identite(f: Champs) -> str:
    # Each heading's longest word on one line at 10 pt (not « PARCOUR / S »).
    largeurs = [1700, 1400, 1380, 1650, 1650]
    largeurs.append(LARGEUR_UTILE - sum(largeurs))
    contenus = [
        [p(_parcours.noms(f, "stagiaire_nom", "stagiaire_prenom"), apres=0)],
        [p(f("discipline"), apres=0)],
        [p(f.case("parcours", i), r(" " + option), apres=0)
         for i, option in enumerate(f.choix("parcours"), 1)],
        [p(f("tuteur_employeur"), apres=0)],
        [p(f("tuteur_inspe"), apres=0)],
        [p(f("etablissement"), apres=0)],
    ]
    entetes = [
        ["NOM - PRENOM", "professeur·e ou CPE stagiaire"],
        ["DISCIPLINE"],
        ["PARCOURS", "(M2A ou DU)"],
        ["TUTEUR ou TUTRICE EMPLOYEUR"],
        ["TUTEUR ou TUTRICE Inspé"],
        ["ÉTABLISSEMENT D’EXERCICE"],
    ]
    return _parcours.tableau_identite(list(zip(entetes, largeurs, contenus)))


def corps(formulaire: Formulaire) -> str:
    f = Champs(formulaire)
    stagiaire = _parcours.noms(f, "stagiaire_nom", "stagiaire_prenom")
    return "".join([
        titre("Parcours d’individualisation des professeur·e·s du second degré et CPE "
              "stagiaires (annexe 3)"),
        _parcours.ligne_responsable(f, "NOM – PRENOM DE L’IA-IPR OU L’IEN :", "inspecteur_nom",
                                    "date_parcours"),
        _identite(f),
        p(apres=0),
        _parcours.tableau_domaines(f, HAUTEUR_DOMAINE),
        _parcours.note(NOTE),
        _parcours.debut(f),
        _parcours.signatures(f, "Signatures:", [
            ("IA IPR ou IEN :", f("inspecteur_nom"), "date_signature_inspecteur",
             "signature_inspecteur"),
            ("Chef·fe d’établissement :", f("chef_etablissement_nom"),
             "date_signature_chef_etablissement", "signature_chef_etablissement"),
            ("Tuteur ou tutrice académique :", f("tuteur_employeur"),
             "date_signature_tuteur_academique", "signature_tuteur_academique"),
            ("Tuteur ou tutrice Espé :", f("tuteur_inspe"), "date_signature_tuteur_inspe",
             "signature_tuteur_inspe"),
            ("Responsable de parcours :", f("responsable_parcours_nom"),
             "date_signature_responsable_parcours", "signature_responsable_parcours"),
            ("Professeur·e ou CPE stagiaire :", stagiaire, "date_signature_stagiaire",
             "signature_stagiaire"),
        ], par_ligne=3),
    ])
