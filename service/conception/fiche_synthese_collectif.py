"""Fiche synthèse d’un présentiel de collectif de tuteurs (seed 003, module expérimental
« Accompagnement des tuteurs en réseau », section 4 : « Une fiche synthèse et synthétique issue
du présentiel et rédigée par le pilote du collectif : 1- Notre problématique 2- Nos réponses
envisagées »), with the module's resources to tick and a reminder of its cadre déontologique.
"""

from __future__ import annotations

from service.catalogue.declaration import Formulaire

from . import wordml
from .champs import Champs
from .wordml import (
    LARGEUR_UTILE,
    bloc_signature,
    cellule,
    ligne,
    lignes_repetables,
    p,
    r,
    tableau,
    texte,
    tiret,
    titre,
)

TITRE = "Fiche synthèse du collectif de tuteurs"
TAILLE_POLICE = 10
GRIS = "E7ECF4"

# The four rules of the GAPP, word for word from the seed's section 2.
REGLES_GAPP = [
    "La confidentialité,",
    "La bienveillance engagée",
    "Le respect de la parole",
    "La régularité.",
]
# Height (dxa) of the boxes of sections 1 and 2: about 5 cm to write in by hand.
HAUTEUR_ENCADRE = 2900
MODELISATION = "Modélisation de l’activité enseignante / du formateur :"


def _identite(f: Champs) -> str:
    largeurs = [2100, 3500, 2100, LARGEUR_UTILE - 7700]

    def lib(texte_libelle: str, largeur: int) -> str:
        return cellule(p(r(texte_libelle, gras=True)), largeur=largeur, fond=GRIS,
                       valign="center")

    def val(*runs: str, largeur: int, fusion_h: int = 1) -> str:
        return cellule(p(*runs), largeur=largeur, fusion_h=fusion_h, valign="center")

    return tableau(
        largeurs,
        ligne(lib("Collectif", largeurs[0]),
              val(f("collectif"), largeur=sum(largeurs[1:]), fusion_h=3)),
        ligne(lib("Pilote", largeurs[0]),
              val(f("pilote_nom"), r(" "), f("pilote_prenom"), largeur=largeurs[1]),
              lib("Regroupement n°", largeurs[2]),
              val(f("numero_regroupement"), largeur=largeurs[3])),
        ligne(lib("Date du présentiel", largeurs[0]),
              val(f("date_regroupement"), largeur=largeurs[1]),
              lib("Lieu", largeurs[2]),
              val(f("lieu_regroupement"), largeur=largeurs[3])),
    )


def _options(f: Champs, groupe: str, nom: str, variable: str, largeur: int) -> str:
    """A group column's options, one tick box per line."""
    options = f.formulaire.champ(groupe).sous_champ(nom).choix
    return cellule(*(p(wordml.case(f"{variable}.{nom}", i, nom, option), r(" " + option),
                       apres=0)
                     for i, option in enumerate(options, 1)), largeur=largeur)


def _participants(f: Champs) -> str:
    largeurs = [2800, 2600, 2000, LARGEUR_UTILE - 7400]
    entetes = ligne(*(cellule(p(r(t, gras=True), align="center"), largeur=w, fond=GRIS)
                      for t, w in zip(("Nom", "Prénom", "Degré", "Ancienneté"), largeurs)),
                    entete=True)
    rangee = ligne(
        cellule(p(f.sous("participants", "nom", "pa")), largeur=largeurs[0], valign="center"),
        cellule(p(f.sous("participants", "prenom", "pa")), largeur=largeurs[1], valign="center"),
        _options(f, "participants", "degre", "pa", largeurs[2]),
        _options(f, "participants", "anciennete", "pa", largeurs[3]),
    )
    return tableau(largeurs, entetes,
                   lignes_repetables("participants", "pa", "Participants", largeurs, rangee))


def _encadre(f: Champs, nom: str) -> str:
    """A framed space for a long text, high enough to be written by hand once printed."""
    return tableau([LARGEUR_UTILE],
                   ligne(cellule(p(f(nom)), largeur=LARGEUR_UTILE), hauteur=HAUTEUR_ENCADRE))


def _ressources(f: Champs) -> str:
    moitie = LARGEUR_UTILE // 2
    choix = f.choix("ressources")
    assert len(choix) == 6, "quatre ressources, dont la modélisation en trois auteurs"

    def ressource(i: int, *lignes: str) -> str:
        paras = [p(f.case("ressources", i), r(" " + lignes[0], gras=True), retrait=340,
                   suspendu=340, apres=0)]
        paras += [p(r(t), retrait=340, apres=0) for t in lignes[1:]]
        return cellule(*paras, largeur=moitie)

    modelisation = cellule(
        p(r(MODELISATION, gras=True), apres=20),
        *(p(f.case("ressources", i), r(" - " + choix[i - 1].split(" : ", 1)[1]), retrait=340,
            apres=0) for i in (4, 5, 6)),
        largeur=moitie)
    return tableau(
        [moitie, moitie],
        ligne(ressource(1, "Le module FORMER"),
              ressource(2, "Ressources Parcours M@gistère", "organisé en 4 blocs")),
        ligne(ressource(3, "Plateforme Néopas@ction",
                        "Module : débuter comme formateur, tuteur, conseiller pédagogique"),
              modelisation),
        ligne(cellule(p(r("Autres ressources : ", gras=True), f("autres_ressources")),
                      largeur=LARGEUR_UTILE, fusion_h=2), hauteur=800),
    )


def _cadre() -> str:
    return tableau([LARGEUR_UTILE], ligne(cellule(
        p(r("Un cadre déontologique de fonctionnement et de régulation", gras=True,
            couleur="1F3864"), apres=40),
        texte("Le pilote pourrait s’appuyer pour cela sur le cadre issu des groupes d’analyse de "
              "la pratique professionnelle (GAPP), à savoir :", apres=40),
        *(tiret(regle, apres=0) for regle in REGLES_GAPP),
        largeur=LARGEUR_UTILE, fond=GRIS)))


def _signature(f: Champs) -> str:
    largeur = LARGEUR_UTILE // 2
    nom = f("pilote_nom") + r(" ") + f("pilote_prenom")
    return tableau([largeur], ligne(bloc_signature(
        "Le pilote du collectif", nom=nom, date=f("date_fiche"),
        signature=f("signature_pilote"), largeur=largeur)), retrait=LARGEUR_UTILE - largeur)


def corps(formulaire: Formulaire) -> str:
    f = Champs(formulaire)
    return "".join([
        titre("Fiche synthèse du collectif de tuteurs",
              "Module expérimental Accompagnement des tuteurs en réseau"),
        _identite(f),
        p(r("Participants"), style="Titre2"),
        _participants(f),
        p(apres=0),
        _cadre(),
        texte("Une fiche synthèse et synthétique issue du présentiel et rédigée par le pilote du "
              "collectif :", italique=True, avant=200),
        p(r("1- Notre problématique"), style="Titre1", avant=80),
        _encadre(f, "problematique"),
        p(r("2- Nos réponses envisagées"), style="Titre1"),
        _encadre(f, "reponses_envisagees"),
        p(r("Ressources mobilisées"), style="Titre1"),
        texte("Et après le présentiel… des ressources pour approfondir", italique=True),
        _ressources(f),
        p(apres=0),
        _signature(f),
    ])
