"""Le compte-rendu du tuteur de stage, m1 MEEF1 mention 1er degré (seed 002, page 12),
with the grille d'évaluation de l'éthique professionnelle that follows it."""

from __future__ import annotations

from service.catalogue.declaration import Formulaire

from .champs import Champs
from .wordml import (
    AJOUT_GRIS,
    LARGEUR_UTILE,
    cellule,
    libelle_valeur,
    ligne,
    p,
    puce,
    r,
    tableau,
    texte,
    titre,
)

TITRE = "Le compte-rendu du tuteur de stage — m1 MEEF1 mention 1er degré"
# 9.5 pt rather than the catalogue's 10, for three pages that each hold a grid as the
# original's do: the first, sections 1 to 3 (étapes, objectifs, the two comments with room to
# write by hand); the second, the grid of section 4, the two conseils and the signature; the
# third, the grille d'évaluation (at 9.5 pt too, in one page). At 10 pt they take five pages.
TAILLE_POLICE = 9.5
GRIS = "E7ECF4"
# Room to write by hand on the printed blank form (minimum row heights, in twentieths of a
# point; a longer text typed in makes the row grow): each comment, each conseil, the signature.
HAUTEUR_COMMENTAIRE = 1900  # 3.35 cm: the cell's two-line heading, then five handwritten lines
HAUTEUR_CONSEIL = 2300      # 4 cm: five handwritten lines
HAUTEUR_SIGNATURE = 2100    # 3.7 cm: under « Nom : », at least 2.5 cm left to sign

# How many of the declaration's "activites" options each step column holds, in order.
ETAPES = {"Étape 1": 3, "Étape 2": 2, "Étape 3": 2, "Étape 4": 1}
OBJECTIFS = {
    "Pour les étapes 1 et 2": [
        "Comprendre ce que l’on attend d’un enseignant. Commencer à envisager l’ampleur de sa mission",
        "Construire les premières représentations relatives à l’école, l’institution, le métier "
        "d’enseignant",
        "Passer d’une observation libre à une observation formatrice des pratiques enseignantes, "
        "des comportements, des productions d’élèves",
        "S’intégrer à une équipe",
    ],
    "Pour les étapes 3 et 4": [
        "Repérer les gestes et les choix professionnels",
        "Savoir observer les élèves pour adapter ses actions",
        "Construire une posture d’enseignant",
        "Développer une attitude réflexive",
        "S’approprier le cadre de fonctionnement et l’organisation de l’école et plus "
        "généralement du système éducatif",
        "S’intégrer à une équipe",
    ],
}
# (field, reference, wording) in the order of the original's section 4. « Adopte une attitude
# favorable aux échanges avec les membres de l’équipe d’école » is rated with C11, as the
# original's grille (GRILLE below) puts it: a tuteur rating C6 does not also rate a C11 line.
COMPETENCES = [
    ("c1", "C1.", ["Respecte les principes d’égalité, de neutralité, de laïcité, d’équité, "
                   "de tolérance, de refus des discriminations"]),
    ("c6", "C6.", ["Adopte une attitude et un positionnement d’adulte responsable au sein de "
                   "la classe et de l’école"]),
    ("c11", "C11.", ["Fait preuve de respect à l’égard des élèves et des membres de la "
                     "communauté éducative",
                     "Adopte une attitude favorable aux échanges avec les membres de l’équipe "
                     "d’école"]),
    ("c7", "C7.", ["Utilise un langage adapté à ses interlocuteurs",
                   "Maîtrise la langue française"]),
    ("c2", "C2.", ["Répond aux exigences de ponctualité, d’assiduité, de sécurité et de "
                   "confidentialité"]),
]

# The evaluation grid of the following page: (competence, non acquis, en cours, acquis);
# each cell is a list of paragraphs, a leading "• " makes a bullet.
GRILLE = [
    (["C1. Respecte les principes d’égalité, de neutralité, de laïcité, d’équité, de "
      "tolérance, de refus des discriminations"],
     ["Par ses propos ou son attitude, ne respecte pas une ou plusieurs valeurs de la "
      "République"],
     ["Connaît et respecte les valeurs de la République"],
     ["Stage 1 et stage 2 : connaît, respecte les valeurs de la république, est capable de les "
      "identifier dans la pratique de classe observée",
      "Stage 3 et stage 4 : fait vivre les valeurs de la République auprès des élèves "
      "(circulation de la parole, respect des personnes et des opinions…)"]),
    (["C2. Répond aux exigences de ponctualité, d’assiduité, de sécurité et de confidentialité"],
     ["• N’a pas pris connaissance du règlement de la classe", "• N’est pas ponctuel",
      "• Ne prévient pas en cas d’absence",
      "• Ne participe pas aux temps de surveillance de récréation et de déplacement"],
     ["• A pris connaissance du règlement de la classe et comprend sa fonction",
      "• Accompagne les temps de classe, de déplacements et de récréation sans s’impliquer "
      "dans la sécurité des élèves",
      "• Prévient tardivement en cas d’absence ou de retard, a pu être en retard"],
     ["Stages 1 à 4 : fait respecter le règlement de la classe et connaît le règlement "
      "intérieur de l’école ; est ponctuel et assidu ; veille à la sécurité des élèves durant "
      "les temps de classe, de déplacements et de récréation",
      "Stage 3 et stage 4 : Veille à la confidentialité des informations sensibles portées à "
      "sa connaissance"]),
    (["C6. Adopte une attitude et un positionnement d’adulte responsable au sein de la classe "
      "et de l’école"],
     ["Un positionnement d’adulte responsable n’est pas observé, soit dans :", "• l’attitude,",
      "• la tenue,", "• l’usage du téléphone portable,", "• …"],
     ["Veille à ce que son attitude et ses propos ne soient pas discriminatoires et ne fassent "
      "pas obstacle à l’apprentissage et au développement de la confiance en soi des élèves"],
     ["Stage 1 et stage 2 : a repéré les conditions et les règles d’une vie collective fondée "
      "sur le respect mutuel ; a repéré les conditions d’un climat de classe "
      "sécurisant/bienveillant",
      "Stage 3 et stage 4 : pose et maintient les conditions et les règles d’une vie collective "
      "fondée sur le respect mutuel ; met tout en œuvre pour maintenir un climat de classe "
      "sécurisant/bienveillant"]),
    (["C7. Utilise un langage adapté à ses interlocuteurs", "Maîtrise la langue française"],
     ["Utilise un niveau de langage qui n’est pas compatible avec la posture attendue d’un "
      "référent éducatif"],
     ["• Utilise un niveau de langage oral compatible avec la posture attendue d’un référent "
      "éducatif", "• La maîtrise de la langue écrite mérite une attention particulière"],
     ["Stage 1 et stage 2 : s’exprime avec clarté et précision à l’oral et à l’écrit",
      "Stage 3 et stage 4 : s’exprime avec clarté et précision à l’oral et à l’écrit en prenant "
      "en compte son interlocuteur"]),
    (["C11. Fait preuve de respect à l’égard des élèves et des membres de la communauté "
      "éducative", "Adopte une attitude favorable aux échanges avec les membres de l’équipe "
      "d’école"],
     ["Stagiaire très en retrait, participe ponctuellement aux échanges entre adultes et avec "
      "les élèves"],
     ["Stagiaire intégré à la classe, communique et porte de l’intérêt aux élèves et aux "
      "adultes de la classe"],
     ["• Stagiaire bien intégré à la classe, communique et porte de l’intérêt aux élèves et "
      "aux adultes de l’école", "• Participe aux temps d’échanges et de préparation hors temps "
      "de classe", "• Profite des temps de récréation, sur les temps de service du MAT, pour "
      "s’intégrer et rencontrer l’équipe de l’école", "• Participe, si l’occasion se présente, "
      "à un conseil d’école, des maîtres, un temps de travail en équipe, une équipe éducative, "
      "une rencontre avec les familles…"]),
]


def _identite(f: Champs) -> str:
    return (
        libelle_valeur("Stagiaire :", f("stagiaire_nom"), r(" "), f("stagiaire_prenom"))
        + libelle_valeur("Titulaire de la classe :", f("titulaire_classe"))
        + libelle_valeur("Lieu du stage :", f("lieu_stage"))
        + libelle_valeur("Contexte : (niveau, nbre d’élèves…) :", f("contexte_classe"))
        + libelle_valeur("Nombre de ½ journées d’absence :", f("demi_journees_absence"))
    )


def _etapes(f: Champs) -> str:
    largeur = LARGEUR_UTILE // 4
    entetes = ligne(*(cellule(p(r(e, gras=True), align="center"), largeur=largeur, fond=GRIS)
                      for e in ETAPES), entete=True)
    activites = f.choix("activites")
    assert len(activites) == sum(ETAPES.values()), "une case par activité du formulaire"
    cells, index = [], 0
    for nombre in ETAPES.values():
        paras = []
        for _ in range(nombre):
            index += 1
            paras.append(p(f.case("activites", index), r(" " + activites[index - 1]),
                           retrait=284, suspendu=284, apres=60))
        cells.append(cellule(*paras, largeur=largeur))
    return tableau([largeur] * 4, entetes, ligne(*cells))


def _objectifs() -> str:
    largeur = LARGEUR_UTILE // 2
    entetes = ligne(*(cellule(p(r(t, gras=True), align="center"), largeur=largeur, fond=GRIS)
                      for t in OBJECTIFS), entete=True)
    listes = ligne(*(cellule(*(puce(o, apres=20) for o in objectifs), largeur=largeur)
                     for objectifs in OBJECTIFS.values()))
    return tableau([largeur, largeur], entetes, listes)


def _commentaires(f: Champs) -> str:
    """Section 3, after the période de stage as in the original: a comment per pair of étapes
    (several lines to write by hand on the blank form), then the numbers of séances."""
    largeur = LARGEUR_UTILE // 2
    commentaires = ligne(*(
        cellule(p(r(f"3- Commentaires sur l’acquisition de ces objectifs pour les étapes {e}",
                    gras=True)), p(f(nom)), largeur=largeur)
        for e, nom in (("1 et 2", "commentaires_etapes_1_2"),
                       ("3 et 4", "commentaires_etapes_3_4"))),
        insecable=False, hauteur=HAUTEUR_COMMENTAIRE)
    seances = ligne(
        cellule(p(r("Nombre de séances animées : "), f("seances_animees_etapes_1_2")),
                largeur=largeur),
        cellule(p(r("Nombre de séances conçues : "), f("seances_concues_etapes_3_4")),
                p(r("Nombre de séances animées : "), f("seances_animees_etapes_3_4")),
                largeur=largeur),
    )
    return tableau([largeur, largeur], commentaires, seances)


def _ethique(f: Champs) -> str:
    gauche, milieu = 2300, 4566
    droite = LARGEUR_UTILE - gauche - milieu
    intro = cellule(
        p(r("À l’issue du stage, le maître/la maîtresse d’accueil temporaire évalue "
            "l’acquisition des compétences ci-contre :")),
        p(r("Pour cela, vous vous appuierez sur la grille d’évaluation qui figure dans la page "
            "suivante.")),
        p(r("Cette validation participe à l’évaluation du semestre.", gras=True)),
        largeur=gauche, fusion_v="restart", fond=GRIS)
    rows = []
    for i, (nom, ref, libelles) in enumerate(COMPETENCES):
        enonce = [p(r(ref + " ", gras=True), r(libelles[0]), apres=40)]
        enonce += [p(r(lib), apres=40) for lib in libelles[1:]]
        niveaux = [p(f.case(nom, j), r(" " + niveau), apres=20)
                   for j, niveau in enumerate(f.choix(nom), 1)]
        rows.append(ligne(
            intro if i == 0 else cellule(largeur=gauche, fusion_v="continue", fond=GRIS),
            cellule(*enonce, largeur=milieu, valign="center"),
            cellule(*niveaux, largeur=droite, valign="center"),
        ))
    return tableau([gauche, milieu, droite], *rows)


def _grille(niveaux) -> str:
    largeurs = [1850, 2150, 2450, LARGEUR_UTILE - 1850 - 2150 - 2450]
    entetes = ligne(
        cellule(p(), largeur=largeurs[0], fond=GRIS),
        *(cellule(p(r(n, gras=True), align="center"), largeur=w, fond=GRIS)
          for n, w in zip(niveaux, largeurs[1:])), entete=True)

    # the body's size (TAILLE_POLICE), set a little tighter than the body's paragraphs
    def paras(lignes, gras_premier):
        return [puce(t[2:], apres=20, style=None, retrait=170, suspendu=170, interligne=228)
                if t.startswith("• ")
                else p(r(t, gras=gras_premier and k == 0), apres=30, interligne=228)
                for k, t in enumerate(lignes)]

    rows = [ligne(*(cellule(*paras(col, j == 0), largeur=w, fond=GRIS if j == 0 else None)
                    for j, (col, w) in enumerate(zip(colonnes, largeurs))))
            for colonnes in GRILLE]
    return tableau(largeurs, entetes, *rows)


def corps(formulaire: Formulaire) -> str:
    f = Champs(formulaire)
    moitie = LARGEUR_UTILE // 2
    return "".join([
        titre("Le compte-rendu du tuteur de stage", "m1 MEEF1 mention 1er degré"),
        _identite(f),
        p(r("1-De l’observation à la prise en charge progressive"), style="Titre1"),
        # the original's sentence, word for word; the form marks with its boxes, which the
        # service says after it, in its own style
        p(r("Nous vous proposons de surligner les activités du stagiaire lors du stage dans "
            "votre classe."),
          r(" Pour cela, cochez la case de chaque activité menée.", italique=True,
            couleur=AJOUT_GRIS), garder_suivant=True),
        texte("(Cette prise en charge de la classe se fait en fonction du degré d’expérience du "
              "stagiaire et il est inutile de brûler les étapes : les différentes étapes "
              "présupposent la maîtrise des étapes précédentes).", italique=True,
              garder_suivant=True),
        _etapes(f),
        p(r("2- Objectifs de formation :"), style="Titre1"),
        texte("Voici les objectifs de formation, lors des stages, dans votre classe, en fonction "
              "des différentes étapes expérimentées par le stagiaire.", garder_suivant=True),
        texte("Nous vous proposons d’ajouter vos commentaires dans la case en dessous des "
              "objectifs visés.", garder_suivant=True),
        _objectifs(),
        p(r("Période de stage : du ", gras=True), f("periode_debut"), r(" au ", gras=True),
          f("periode_fin"), avant=120, apres=120, garder_suivant=True),
        _commentaires(f),
        # no page break forced: a page 1 that runs longer (long comments, another renderer)
        # moves section 4 on, never leaves a page holding one row; the empty line goes with
        # the heading, keeping it off the header's rule (a page's first paragraph loses the
        # space above it)
        p(garder_suivant=True, apres=0),
        p(r("4- Ethique professionnelle"), style="Titre1"),
        _ethique(f),
        p(r("5- Quels sont les 2 conseils que vous donneriez à cet étudiant ?"), style="Titre1"),
        tableau([LARGEUR_UTILE], *(
            ligne(cellule(p(r(f"{i}. ", gras=True), f(nom)), largeur=LARGEUR_UTILE),
                  hauteur=HAUTEUR_CONSEIL)
            for i, nom in ((1, "conseil_1"), (2, "conseil_2")))),
        p(avant=120, garder_suivant=True),
        tableau([moitie, moitie], ligne(
            cellule(p(r("Le tuteur ou la tutrice de stage", gras=True)),
                    p(r("Fait le "), f("date_compte_rendu")), largeur=moitie),
            f.signature("signature_tuteur", "Signature du tuteur ou de la tutrice",
                        nom_signataire="tuteur_nom", date=None, largeur=moitie),
            hauteur=HAUTEUR_SIGNATURE)),
        texte("Vous renverrez ce document, dès la fin du stage au gestionnaire de scolarité.",
              gras=True, avant=160),
        p(r("Éthique professionnelle : grille d’évaluation"), style="Titre1", saut_page=True),
        _grille(f.choix("c1")),
    ])
