"""Fiche synthèse d’un présentiel de collectif de tuteurs (seed 003, module expérimental
« Accompagnement des tuteurs en réseau »).

The seed is the module's frame, and its section 4 names the one document the collectif writes:
« Une fiche synthèse et synthétique issue du présentiel et rédigée par le pilote du collectif :
1- Notre problématique 2- Nos réponses envisagées ». The document is that form (collectif,
participants, the two parts, the resources mobilised, the pilote's signature), followed by the
module's frame word for word (objectives, modalités, cadre déontologique, canevas, resources
with their authors and addresses) as reference text, on its own pages: the pilote writes the
fiche with the frame at hand, and « pour cela » keeps its antecedent.
"""

from __future__ import annotations

import re

from service.catalogue.declaration import Formulaire

from . import wordml
from .champs import Champs
from .wordml import (
    LARGEUR_UTILE,
    cellule,
    ligne,
    lignes_repetables,
    p,
    puce,
    r,
    tableau,
    texte,
    tiret,
    titre,
)

TITRE = "Fiche synthèse du collectif de tuteurs"
TAILLE_POLICE = 10
GRIS = "E7ECF4"
BLEU = "1F3864"

# Minimum heights (dxa, 567 to the cm) of the places written by hand on a printed copy: the
# problématique and the réponses 12.5 cm each (some 18 handwritten lines; the problématique
# fills page 1 under a few participants), the other resources 2 cm, the signature 2.8 cm.
# A typed text longer than that makes the row grow.
HAUTEUR_PROBLEMATIQUE = 7100
HAUTEUR_REPONSES = 7100
HAUTEUR_AUTRES = 1150
HAUTEUR_SIGNATURE = 1600

FICHE = ("Une fiche synthèse et synthétique issue du présentiel et rédigée par le pilote du "
         "collectif :")
PARTIES = ("1- Notre problématique", "2- Nos réponses envisagées")
MODELISATION = "Modélisation de l’activité enseignante / du formateur :"
URL_GAPP = "https://www.analysedespratiques.com/gapp-les-regles-du-groupe/"
URL_NEOPASS = "http://neo.ens-lyon.fr/neo"

# --- the module's frame, word for word from the seed (its spelling kept) ----------------------

OBJECTIFS = (
    "Mettre en place de collectifs de tuteurs accompagnés par des tuteurs expérimentés, à "
    "destination principalement des tuteurs « entrants » dans la fonction. En convoquant et en "
    "engageant une réflexion commune autour de préoccupations partagées issues de situations "
    "professionnelles vécues, ces collectifs permettraient de construire une identité "
    "professionnelle du tuteur, de faire monter en compétences les néo-tuteurs, de valoriser "
    "l’expérience des tuteurs plus expérimentés et de rompre la solitude du tuteur.")
MODALITES = (
    "Dans une perspective de déploiement ultérieur sur l’académie à N+1, il s’agirait dans un "
    "premier temps d’éprouver à titre expérimental cet accompagnement sur un nombre restreint de "
    "collectifs de tuteurs permettant ainsi de réunir des conditions optimales de moyens, "
    "d’organisation, de suivi afin d’en assurer leur réussite et leur « publicité ».")
# (bold lead, text, sub-items)
ORGANISATION = [
    ("Composition des collectifs à privilégier :",
     " sur la base du volontariat en assurant une hétérogénéité des tuteurs en termes :",
     ["de niveau d’enseignement (1er/2ème degré)",
      "d’ancienneté (néo-tuteurs et tuteurs plus expérimentés)",
      "de proximité géographique permettant un regroupement le moins contraint possible"]),
    ("Profil type du pilote d’un collectif :",
     " un tuteur expérimenté volontaire étant si possible titulaire d’un master de formateurs "
     "(viviers de PFA, PEMF, titulaires du CAFFA, titulaires du CAFIPEMF)", []),
    ("Constitution des collectifs :", " des appels d’offre départementaux (favoriser la "
     "proximité)", []),
    ("Mode de fonctionnement :",
     " 4 à 5 regroupements en présentiel de 2 heures répartis sur les deux premiers trimestres "
     "(Novembre-Avril) La date et le lieu du premier présentiel sont fixés par le pilote, les "
     "autres sont à la discrétion du collectif. Pas de regroupement à distance car le but est de "
     "créer du lien et un collectif.", []),
]
CADRE = (
    "Le fonctionnement du collectif s’appuyant principalement sur l’expression, la "
    "confrontation, le partage du « soi » et du vécu professionnel de chaque individu à travers "
    "ses croyances, ses préoccupations, ses compromis et ses postures, il est nécessaire de "
    "garantir un cadre sécure à même de favoriser l’émergence d’une parole libérée des "
    "contraintes institutionnelles et prescriptives.")
POUR_CELA = ("Le pilote pourrait s’appuyer pour cela sur le cadre issu des groupes d’analyse de "
             "la pratique professionnelle (GAPP), à savoir :")
REGLES_GAPP = [
    "La confidentialité,",
    "La bienveillance engagée",
    "Le respect de la parole",
    "La régularité.",
]
CANEVAS = [
    "La présentation et la reconnaissance d’un problème issu de son vécu professionnel de tuteur "
    "par un des membres du collectif (Pour le premier présentiel, il est opportun de prévoir une "
    "situation de « secours » puisée par exemple dans la banque de vidéo Néopass dans le thème "
    "« Débuter comme formateur ») ;",
    "Le questionnement du collectif pour éclairer les « angles morts » des aspects descriptifs "
    "de la situation (demande de précisions) ;",
    "La « mise en résonnance » dans le collectif pour aller vers une prise de conscience que la "
    "situation renvoie peut-être à une préoccupation partagée par d’autres ;",
    "La formulation (ou pas) explicite de la solution mis en œuvre par le tuteur-acteur de la "
    "situation ;",
    "La formulation de solutions éprouvées ou envisagées par les autres membres du collectif ;",
    "La mise en discussion des solutions partagées à l’aulne des expériences de chacun, des "
    "contextes et des conditions d’exercices ;",
    "Vers une montée en généralité : le pilote synthétise en essayant de dégager une "
    "problématique professionnelle et les pistes d’actions construites au travers des "
    "échanges.",
]
POINTS_D_APPUI = ("Points d’appui pour problématiser (pour le pilote): les dilemmes du "
                  "formateur")
SUITE = ("Le présentiel suivant pourra débuter par un débriefing sur la mise en œuvre (ou pas) "
         "des pistes d’actions issues du collectif et des régulations éventuelles apportées.")
FORMER = ("Le module FORMER", "Ressources Parcours M@gistère", "organisé en 4 blocs")
NEOPASS = ("Plateforme Néopas@ction",
           "Module : débuter comme formateur, tuteur, conseiller pédagogique")
AUTEURS = ["D.Bucheton (multi-agenda)", "L.Ria (simplexe)", "R.Goigoux (focales)"]
NBSP = "\u00a0"


def _fr(text: str) -> str:
    """The seed's spaces inside « » and before : ; ? ! made non-breaking, so that no line of
    the printed page starts with a » or a colon."""
    text = text.replace("« ", "«" + NBSP).replace(" »", NBSP + "»")
    return re.sub(r" ([:;?!])", NBSP + r"\1", text)


def _texte(text: str, **kw) -> str:
    return texte(_fr(text), **kw)


# --- the form -----------------------------------------------------------------------------------

def _libelle(texte_libelle: str, largeur: int) -> str:
    return cellule(p(r(texte_libelle, gras=True)), largeur=largeur, fond=GRIS, valign="center")


def _identite(f: Champs) -> str:
    largeurs = [2100, 2800, 2100, LARGEUR_UTILE - 7000]

    def val(*runs: str, largeur: int, fusion_h: int = 1) -> str:
        return cellule(p(*runs), largeur=largeur, fusion_h=fusion_h, valign="center")

    def rangee(*cellules: str) -> str:
        return ligne(*cellules, hauteur=420)

    return tableau(
        largeurs,
        rangee(_libelle("Collectif", largeurs[0]),
               val(f("collectif"), largeur=sum(largeurs[1:]), fusion_h=3)),
        rangee(_libelle("Pilote", largeurs[0]),
               val(f("pilote_nom"), r(" "), f("pilote_prenom"), largeur=sum(largeurs[1:]),
                   fusion_h=3)),
        rangee(_libelle("Regroupement n°", largeurs[0]),
               val(f("numero_regroupement"), largeur=largeurs[1]),
               _libelle("Date du présentiel", largeurs[2]),
               val(f("date_regroupement"), largeur=largeurs[3])),
        rangee(_libelle("Lieu", largeurs[0]),
               val(f("lieu_regroupement"), largeur=sum(largeurs[1:]), fusion_h=3)),
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


def _encadre(f: Champs, nom: str, hauteur: int) -> str:
    """A framed space for a long text, high enough to be written by hand once printed."""
    return tableau([LARGEUR_UTILE],
                   ligne(cellule(p(f(nom)), largeur=LARGEUR_UTILE), hauteur=hauteur))


def _ressources(f: Champs) -> str:
    """The seed's resources to tick: one box per resource, and one per author of the
    modélisation, the seed's list to choose from (a box in place of its dash)."""
    moitie = LARGEUR_UTILE // 2
    choix = f.choix("ressources")
    assert len(choix) == 5 and all(choix[i].endswith(a) for i, a in enumerate(AUTEURS, 2)), \
        "le module FORMER, Néopas@ction, puis les trois auteurs de la modélisation"

    def ressource(i: int, intitule: str, *lignes: str) -> str:
        return cellule(p(f.case("ressources", i), r(" " + intitule, gras=True), apres=0),
                       *(p(r(t), retrait=300, apres=0) for t in lignes), largeur=moitie)

    modelisation = cellule(
        p(r(_fr(MODELISATION), gras=True), apres=20),
        *(p(f.case("ressources", i), r(" " + auteur), retrait=300, apres=0)
          for i, auteur in enumerate(AUTEURS, 3)),
        largeur=moitie)
    autres = cellule(p(r("Autres ressources :", gras=True), apres=20), p(f("autres_ressources")),
                     largeur=moitie)
    return tableau(
        [moitie, moitie],
        ligne(ressource(1, FORMER[0], f"{FORMER[1]} {FORMER[2]}"), ressource(2, *NEOPASS)),
        ligne(modelisation, autres, hauteur=HAUTEUR_AUTRES),
    )


def _signature(f: Champs) -> str:
    largeur = LARGEUR_UTILE // 2
    return tableau(
        [largeur],
        ligne(cellule(p(r("Le pilote du collectif", gras=True), apres=40),
                      p(r("Nom : "), f("pilote_nom"), r(" "), f("pilote_prenom"), apres=20),
                      p(r("Date : "), f("date_fiche"), apres=0), largeur=largeur)),
        ligne(cellule(p(r("Signature :"), apres=0), f("signature_pilote"), largeur=largeur),
              hauteur=HAUTEUR_SIGNATURE),
        retrait=LARGEUR_UTILE - largeur)


def _fiche(f: Champs) -> list[str]:
    return [
        titre(TITRE, "Module expérimental Accompagnement des tuteurs en réseau"),
        _identite(f),
        p(r("Participants"), style="Titre2"),
        _participants(f),
        _texte(FICHE, italique=True, avant=240, garder_suivant=True),
        p(r(PARTIES[0]), style="Titre1", avant=80),
        _encadre(f, "problematique", HAUTEUR_PROBLEMATIQUE),
        p(r(PARTIES[1]), style="Titre1"),
        _encadre(f, "reponses_envisagees", HAUTEUR_REPONSES),
        p(r("Ressources mobilisées"), style="Titre1"),
        _texte("Cocher les ressources du module utilisées (section 4 du cadre du module, "
              "ci-après) et noter les autres :", italique=True, garder_suivant=True),
        _ressources(f),
        p(apres=0),
        _signature(f),
    ]


# --- the module's frame ----------------------------------------------------------------------

def _section(numero: str, intitule: str) -> str:
    return p(r(_fr(f"{numero} {intitule}")), style="Titre2", avant=200)


def _cadre_section_4() -> str:
    """Section 4 is a diagram in the seed: four boxes around « une fiche synthèse »."""
    moitie = LARGEUR_UTILE // 2

    def boite(*paras: str, fond: str | None = None) -> str:
        return cellule(*paras, largeur=moitie, fond=fond)

    return tableau(
        [moitie, moitie],
        ligne(boite(_texte(FORMER[0], gras=True, apres=20),
                    _texte(f"{FORMER[1]} {FORMER[2]}", apres=0)),
              boite(_texte(NEOPASS[0], gras=True, apres=20), _texte(NEOPASS[1], apres=20),
                    _texte(URL_NEOPASS, apres=0))),
        ligne(boite(_texte(FICHE, gras=True, apres=20),
                    *(_texte(partie, retrait=300, apres=0) for partie in PARTIES), fond=GRIS),
              boite(_texte(MODELISATION, gras=True, apres=20),
                    *(_texte("- " + auteur, retrait=300, apres=0) for auteur in AUTEURS))),
    )


def _cadre() -> list[str]:
    return [
        p(r("Le cadre du module"), style="Titre1", saut_page=True),
        _texte("Module expérimental ACCOMPAGNEMENT DES TUTEURS EN RESEAU", gras=True,
              couleur=BLEU, align="center", apres=0, garder_suivant=True),
        _texte("(N.Genot-T.Soutoul)", align="center", apres=160, garder_suivant=True),
        _texte("Objectifs général :", gras=True, apres=40, garder_suivant=True),
        _texte(OBJECTIFS, align="both"),
        _section("1.", "Modalités et organisation fonctionnelle"),
        _texte(MODALITES, align="both"),
        *(x for lead, suite, sous in ORGANISATION
          for x in [puce([r(_fr(lead), gras=True), r(_fr(suite))], apres=0 if sous else 60),
                    *(puce(_fr(s), niveau=1, apres=0 if i < len(sous) else 60)
                      for i, s in enumerate(sous, 1))]),
        _section("2.", "Un cadre déontologique de fonctionnement et de régulation"),
        _texte(CADRE, align="both"),
        _texte(POUR_CELA, align="both", apres=40),
        *(tiret(_fr(regle), apres=0) for regle in REGLES_GAPP),
        _texte(f"( cf. {URL_GAPP} )", avant=60),
        # the canevas and the resources, used during a présentiel, together on one page
        p(r("3. Un canevas possible de présentiel"), style="Titre2", saut_page=True),
        *(puce(_fr(etape), apres=40, align="both") for etape in CANEVAS),
        _texte(POINTS_D_APPUI, avant=100),
        _texte(SUITE, align="both"),
        _section("4.", "Et après le présentiel… des ressources pour approfondir"),
        _cadre_section_4(),
    ]


def corps(formulaire: Formulaire) -> str:
    return "".join(_fiche(Champs(formulaire)) + _cadre())
