"""Cahier des charges pour les tuteurs (INSPE et académiques) des étudiants de master 2 MEEF
contractuels (seed 000), sent as a lettre de mission to one tuteur for one student.

The original's identification line (académie, année, version applicable) stays under the
title, with the institution's académie and the letter's année universitaire. What the original
does not have (the date, the tuteur addressed, the student) is one block under it, marked as the
service's (wordml.ajout_service); the cahier des charges follows word for word, then the
signature of the directeur named in the institution's settings. Lists and the paragraph that
introduces them stay on one page, no paragraph leaves a single line at a page's foot or head.
"""

from __future__ import annotations

from service.catalogue.declaration import Formulaire

from .champs import Champs
from .wordml import (
    AJOUT_FOND,
    LARGEUR_UTILE,
    ajout_service,
    cellule,
    libelle_valeur,
    ligne,
    p,
    puce,
    r,
    signataires_instance,
    tab,
    tableau_ajout,
    texte,
)

TITRE = "Cahier des charges — lettre de mission des tuteurs INSPE et académiques (M2 MEEF)"
TAILLE_POLICE = 10
VERSION = "version applicable au 30-09-2020"
# Page 2 starts with this heading rather than wherever the text reaches: a page flowing on
# would start right under the header's rule, and page 1 ends after the list of the tuteur
# INSPE's tasks. Page 1 keeps room for the longest values of the block (about five lines).
PAGE_2 = "Modalités d’intervention et suivi formatif"

# The original's title (three lines on the original, one paragraph here).
TITRE_LIGNES = [
    "Cahier des Charges pour les Tuteurs (INSPE et académiques) des étudiants",
    "de master 2 MEEF du second degré enseignants et documentalistes",
    "non lauréats du concours bénéficiaires d’un contrat d’enseignement",
]

INTRODUCTION = [
    "A compter de la rentrée 2017, la durée de la scolarité des étudiants de M2B est dans la "
    "grande majorité des cas de 2 années scolaires. Un stage est prévu dans ce cadre.",
    "Le stage est ici réalisé en responsabilité sur un service de contractuel qui est confié à "
    "l’étudiant par l’employeur durant l’une ou / et l’autre des 2 années du cursus.",
    "Le tutorat du stage de la formation en alternance est assuré conjointement par un tuteur "
    "académique désigné par le recteur d’académie et un tuteur INSPE désigné par l’école "
    "supérieure du professorat et de l’éducation (INSPE). Ils contribuent au développement des "
    "compétences professionnelles des métiers du professorat et de l’éducation définies dans "
    "l’arrêté du 01 juillet 2013 – BO n° 30 du 25 juillet 2013.",
    "Le tuteur académique exerce dans l’établissement, lieu d’exercice du métier qui sert de "
    "support au développement professionnel du stagiaire ou dans un établissement voisin. Pour "
    "favoriser le développement des compétences du stagiaire, entre autres lors de la "
    "réalisation de son mémoire de master, le tuteur académique s’appuie sur le contexte, "
    "l’environnement, le projet et les équipes de l’établissement, en lien avec les formateurs "
    "de l’INSPE.",
]

PROTOCOLE = ("En cas de difficultés repérées du stagiaire, il met en œuvre le protocole "
             "d’accompagnement renforcé défini pour les professeurs stagiaires alternants.")
CONTRIBUTION = "Contribution à l’évaluation finale en vue de la délivrance du master"

# Each part: (heading, [ (sub-heading or None, [paragraphs]) ]); a list inside the
# paragraphs is a bullet list.
TUTEUR_INSPE = [
    (None, [
        "Le tuteur INSPE participe à l’accompagnement du stagiaire. Il l’aide à gérer "
        "l’articulation entre ses missions en établissement et sa formation, à développer ses "
        "capacités, à expliquer et analyser ses choix de nature pédagogique et didactique, à "
        "mener une analyse critique de sa pratique.",
        "Il participe à son évaluation.",
        "En lien avec les enseignements dispensés à l’INSPE et en collaboration avec le tuteur "
        "académique, le tuteur INSPE assure le suivi du stagiaire pour :",
        [
            "apporter des réponses aux questions spécifiques à ses missions de professeur de "
            "disciplines, de professeur documentaliste,",
            "le conseiller pour l’organisation de la classe, de son enseignement et des projets "
            "qu’il met en œuvre,",
            "l’orienter vers la recherche de ressources dans l’organisation de ses enseignements "
            "ou de ses missions de professeur documentaliste,",
            "l’aider à évaluer la qualité de ses préparations pédagogiques,",
            "l’aider à analyser sa pratique.",
        ],
    ]),
    ("Modalités d’intervention et suivi formatif", [
        "Au cours du premier trimestre, le tuteur INSPE peut conduire un entretien avec le "
        "stagiaire afin de réaliser un point d’étape.",
        "Il effectue une visite d’aide et de conseil dans l’établissement de stage. Cette visite "
        "est suivie d’un entretien de formation. Un bilan de celle-ci est effectué et communiqué "
        "au stagiaire.",
        "Le tuteur INSPE participe aux dispositifs d’échanges d’informations et d’accompagnement "
        "mis en place par l’INSPE et le rectorat. Il collabore avec le tuteur académique dans "
        "l’objectif d’identifier les besoins de formation éventuels.",
        PROTOCOLE,
    ]),
    (CONTRIBUTION, [
        "Le tuteur INSPE émet un avis qui contribue à l’évaluation de l’UE Stage et mémoire.",
    ]),
]

TUTEUR_ACADEMIQUE = [
    (None, [
        "Le tuteur académique conseille le stagiaire, l’aide à préparer son activité "
        "professionnelle, à mener une analyse critique de sa pratique et participe à son "
        "évaluation, il le sensibilise aux enjeux éducatifs.",
        "Le tuteur accompagne le stagiaire durant l’année scolaire et participe à sa formation "
        "au sein de l’établissement.",
        "Le tuteur académique conçoit son action, tant de formation que d’évaluation, en lien "
        "avec le tuteur désigné par l’INSPE et les équipes éducatives de l’établissement. Il "
        "participe au suivi formatif et à l’évaluation des compétences professionnelles du "
        "stagiaire.",
    ]),
    ("Modalités d’intervention", [
        "Le tuteur académique s’appuie sur des temps d’entretien formels, des temps "
        "d’observation réciproque de la situation professionnelle et sur toute autre forme "
        "d’échange en présentiel ou non.",
        "Ces temps permettent d’accompagner le stagiaire dans la mise en œuvre des programmes, "
        "des référentiels de formation et des textes institutionnels, d’analyser des séquences "
        "ou des situations professionnelles, de les situer dans la progression annuelle ou dans "
        "un contexte général, et d’expliciter les éléments utiles à la compréhension des choix "
        "effectués.",
        "Il l’incite à observer d’autres pratiques pédagogiques, éducatives et institutionnelles.",
        "Il l’aide à construire une posture professionnelle, lui fait percevoir l’importance du "
        "travail en équipes pédagogiques ou éducatives, notamment au travers d’actions "
        "interdisciplinaires, de pratiques collectives ou de partenariats avec d’autres "
        "structures.",
    ]),
    ("Suivi formatif", [
        "Le tuteur académique participe aux dispositifs d’échanges d’informations et "
        "d’accompagnement mis en place par l’INSPE et le rectorat. Le tuteur académique "
        "collabore avec le tuteur INSPE. Il participe à l’identification des besoins de "
        "formation. Il répond aux différentes demandes de l’institution et de l’INSPE dans le "
        "cadre du suivi formatif du stagiaire, notamment les bilans d’étape.",
        PROTOCOLE,
    ]),
    (CONTRIBUTION, [
        "Le tuteur réalise un rapport en fin d’année de stage du stagiaire.",
    ]),
]


def _titre(f: Champs) -> str:
    # The identification line: académie left, année centred, version right, as the original.
    return (p(r(" ".join(TITRE_LIGNES)), style="Titre", apres=60)
            + p(r("{{ instance.academie }}"), tab(), r("Année "), f("annee_universitaire"), tab(),
                r(VERSION), apres=200,
                tabs=[("center", LARGEUR_UTILE // 2, "none"), ("right", LARGEUR_UTILE, "none")]))


def _destinataires(f: Champs) -> str:
    """The date, the tuteur addressed and the student followed."""
    gauche = LARGEUR_UTILE // 2
    droite = LARGEUR_UTILE - gauche

    def entete(intitule: str, largeur: int) -> str:
        return cellule(p(r(intitule, gras=True), apres=0), largeur=largeur, fond=AJOUT_FOND)

    return ajout_service(
        libelle_valeur("Date de la lettre :", f("date_lettre"), align="right", apres=60),
        tableau_ajout(
            [gauche, droite],
            ligne(entete("Tuteur ou tutrice destinataire", gauche),
                  entete("Étudiant(e) de master 2 MEEF bénéficiaire d’un contrat d’enseignement",
                         droite), entete=True),
            ligne(
                cellule(p(f("tuteur_civilite"), r(" "), f("tuteur_nom"), r(" "),
                          f("tuteur_prenom"), apres=40),
                        p(r("Désigné(e) en qualité de : "), f("tuteur_role"), apres=40),
                        libelle_valeur("Établissement ou UFR :", f("tuteur_etablissement"),
                                       apres=0),
                        largeur=gauche),
                cellule(p(f("etudiant_nom"), r(" "), f("etudiant_prenom"), apres=40),
                        libelle_valeur("Discipline :", f("etudiant_discipline"), apres=40),
                        libelle_valeur("Établissement d’exercice :", f("etudiant_etablissement"),
                                       apres=0),
                        largeur=droite)),
        ),
    )


def _partie(intitule: str, blocs, *, garder_fin=False) -> str:
    """A part; a list stays on the page of the paragraph introducing it, and ``garder_fin``
    keeps the last paragraph with what follows (the signature)."""
    out = [p(r(intitule), style="Titre1")]
    for b, (sous_titre, paragraphes) in enumerate(blocs):
        if sous_titre:
            out.append(p(r(sous_titre), style="Titre2", saut_page=sous_titre == PAGE_2))
        for i, para in enumerate(paragraphes):
            if isinstance(para, list):
                out.extend(puce(item, apres=60, garder_lignes=True,
                                garder_suivant=k < len(para) - 1)
                           for k, item in enumerate(para))
                continue
            dernier = b == len(blocs) - 1 and i == len(paragraphes) - 1
            suivi_liste = i + 1 < len(paragraphes) and isinstance(paragraphes[i + 1], list)
            out.append(texte(para, align="both", apres=100, veuves=True,
                             garder_suivant=suivi_liste or (garder_fin and dernier)))
    return "".join(out)


def corps(formulaire: Formulaire) -> str:
    f = Champs(formulaire)
    return "".join([
        _titre(f),
        _destinataires(f),
        *(texte(para, align="both", apres=100, veuves=True) for para in INTRODUCTION),
        _partie("Rôle et mission du tuteur INSPE", TUTEUR_INSPE),
        _partie("Rôle et mission du tuteur académique", TUTEUR_ACADEMIQUE, garder_fin=True),
        p(apres=0, garder_suivant=True),
        signataires_instance("directeur"),
    ])
