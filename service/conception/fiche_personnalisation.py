"""Fiche de personnalisation de l’accompagnement d’un stagiaire: annexe 1 of the cadrage du
tutorat mixte dans le premier et le second degré (seed 001), filled by the tuteur Inspé after
the pôle de formation (or discipline) meeting and sent to the cellule d’accompagnement."""

from __future__ import annotations

from service.catalogue.declaration import Formulaire

from .champs import Champs
from .wordml import LARGEUR_UTILE, cellule, libelle_valeur, ligne, p, r, tableau, titre

TITRE = "Fiche de personnalisation de l’accompagnement d’un stagiaire (annexe 1)"
GRIS = "E7ECF4"
# A difficulty's row, 3 cm at least: room to write by hand on a blank form, on one page at 10 pt.
HAUTEUR_DIFFICULTE = 1700

# (field prefix, wording of the original) for the five fixed rows, in the original's order;
# a row's fields are <prefix>_description, <prefix>_dispositif and <prefix>_heures.
DIFFICULTES = [
    ("securite", "1. Sécurité des élèves"),
    ("posture", "2. Posture du fonctionnaire défaillante"),
    ("gestion_classe", "3. Gestion de la classe"),
    ("evitement", "4. Conduite d’évitement ne permettant pas les échanges professionnels"),
    ("preparation", "5. Préparation et mise en œuvre"),
]


def _entete(texte: str, largeur: int) -> str:
    return cellule(p(r(texte, gras=True), align="center", apres=0), largeur=largeur, fond=GRIS,
                   valign="center")


def _identite(f: Champs) -> str:
    largeurs = [2250, 1900, 1900, 2216]
    largeurs.append(LARGEUR_UTILE - sum(largeurs))
    entetes = ["Stagiaire NOM / PRENOM", "TUTEUR E.N.", "TUTEUR Inspé", "LIEU D’EXERCICE", "DATE"]
    valeurs = [
        p(f("stagiaire_nom"), r(" "), f("stagiaire_prenom"), apres=0),
        p(f("tuteur_en"), apres=0),
        p(f("tuteur_inspe"), apres=0),
        p(f("lieu_exercice"), apres=0),
        p(f("date_fiche"), apres=0),
    ]
    return tableau(
        largeurs,
        ligne(*(_entete(t, w) for t, w in zip(entetes, largeurs)), entete=True),
        ligne(*(cellule(v, largeur=w, valign="center") for v, w in zip(valeurs, largeurs)),
              hauteur=700))


def _difficultes(f: Champs) -> str:
    largeurs = [2250, 2750, 2750]
    largeurs.append(LARGEUR_UTILE - sum(largeurs))
    entetes = ["Difficultés concernant", "Description de la situation",
               "Dispositif d’accompagnement proposé",
               "Nombre d’heures consacrées au dispositif d’accompagnement par le tuteur Inspé"]
    rows = [ligne(
        cellule(p(r(libelle, gras=True), apres=0), largeur=largeurs[0], fond=GRIS,
                valign="center"),
        cellule(p(f(f"{prefixe}_description"), apres=0), largeur=largeurs[1]),
        cellule(p(f(f"{prefixe}_dispositif"), apres=0), largeur=largeurs[2]),
        cellule(p(f(f"{prefixe}_heures"), align="center", apres=0), largeur=largeurs[3],
                valign="center"),
        hauteur=HAUTEUR_DIFFICULTE) for prefixe, libelle in DIFFICULTES]
    return tableau(largeurs,
                   ligne(*(_entete(t, w) for t, w in zip(entetes, largeurs)), entete=True),
                   *rows)


def corps(formulaire: Formulaire) -> str:
    f = Champs(formulaire)
    return "".join([
        titre("Fiche de personnalisation de l’accompagnement d’un stagiaire (annexe 1)",
              "Année {{ instance.annee_universitaire }}"),
        libelle_valeur("Pôle de formation ou discipline :", f("pole_formation"), avant=120),
        libelle_valeur("Décision prise suite à la réunion du pôle de formation ou de la discipline "
                       "du :", f("date_reunion"), apres=200),
        _identite(f),
        p(apres=0),
        _difficultes(f),
    ])
