"""La lettre de mission du tuteur de stage SOPA, m1 MEEF1 mention 1er degré (seed 002, up to
the compte-rendu), with its annexes: le rôle du tuteur, le cadrage des SOPA, le calendrier de
suivi, les délégués de stage and the textes de référence.

Filled in bulk by the secretariat, one letter per tuteur; the letter is signed by the
directeur and the directrice adjointe named in the institution's settings. What the original
does not have (the date and place, the addressee, the students) is one block above the title,
marked as the service's (wordml.ajout_service). The original's « (cf. page 12) » pointed to
the compte-rendu, a document of its own here: the sentence points to the annex saying when and
to whom the compte-rendu is sent, with its page number (a PAGEREF field).
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
    lignes_repetables,
    p,
    puce,
    r,
    renvoi_page,
    signataires_instance,
    signet,
    tableau,
    tableau_ajout,
    texte,
    tiret,
)

TITRE = "La lettre de mission du tuteur de stage — SOPA, m1 MEEF1 mention 1er degré"
# 9.5 pt (below the scale's 10): the letter, its date and addressee, its students and its two
# signatures must hold on one page, and the cadrage's grid on the page of its objectives.
TAILLE_POLICE = 9.5
GRIS = "E7ECF4"
TAILLE_TABLEAU = 9.5  # the cadrage table's cells: the body size, never below
BLEU = "1F3864"

MISSIONS = [
    "Accueillir et intégrer l’étudiant dans l’école : lui présenter l’équipe enseignante, les "
    "locaux, les élèves et les règles de fonctionnement de l’établissement,",
    "Observer et analyser les pratiques : proposer des temps d’observations des et d’échanges sur "
    "les pratiques enseignantes, en mettant en avant les axes d’amélioration, possiblement "
    "permettre à l’étudiant de pratiquer ponctuellement, sous votre supervision,",
    "Accompagner la prise en main de la classe : aider à la planification des séquences "
    "pédagogiques, donner des repères pour la gestion de classe et proposer des ressources "
    "pédagogiques adaptées,",
    "Encourager la réflexion pédagogique : aider l’étudiant à analyser ses expériences, à "
    "comprendre les enjeux didactiques et à affiner ses choix pédagogiques,",
    "Assurer un suivi régulier : proposer des bilans intermédiaires et finaliser un retour "
    "constructif sur le parcours de stage.",
]

# The original's « (cf. page 12) » is the compte-rendu's page in its booklet: here the sentence
# points to the annex that says when and to whom it is sent (SIGNET_CALENDRIER).
COMPTE_RENDU = "Compléter avec le stagiaire, à l’issue du stage, le compte-rendu demandé par l’INSPÉ"
TITRE_CALENDRIER = "Le calendrier de suivi de l’étudiant stagiaire"
SIGNET_CALENDRIER = "annexe_calendrier"
PAGE_CALENDRIER = 4  # shown until Word or LibreOffice recompute the field

ROLE = {
    "Accueillir": [
        "Faire visiter l’école,",
        "Réserver un temps d’accueil au stagiaire avec le directeur, la directrice d’école,",
        "Rassurer l’étudiant en stage par un discours positif sur l’élève et le métier,",
        "Présenter l’école dans son environnement,",
        "S’assurer de la disponibilité des personnes, des locaux et du matériel,",
        "Présenter et expliciter la fonction des membres de l’équipe, du RASED et des partenaires "
        "extérieurs dont les parents,",
        "Informer l’étudiant ou l’étudiante sur la déontologie professionnelle et les exigences du "
        "métier,",
        "Informer de la réglementation (règlement intérieur, cahier d’appel, sécurité), du "
        "fonctionnement pédagogique (décloisonnements, échanges de service, différents "
        "conseils…),",
        "Réaliser un état des lieux des ressources disponibles dans l’école.",
    ],
    "Faire Observer": [
        "Organiser l’observation (considérer l’ensemble des points à observer et les conditions "
        "d’observation),",
        "Faire formuler en allant au-delà de la description, travailler sur les représentations "
        "initiales de l’étudiant ou de l’étudiante réalisant son stage.",
    ],
    "Accompagner / Conseiller / Former": [
        "Aider à la prise en main progressive de la classe afin de construire les compétences du "
        "référentiel de professeur des écoles,",
        "Analyser sa propre pratique enseignante et celle de l’étudiant stagiaire en prenant en "
        "compte son contexte (débutant),",
        "Apporter des conseils pour la conduite de classe,",
        "Expliciter ses démarches, ses choix pédagogiques en cohérence avec les principes "
        "didactiques,",
        "Aider à mettre en perspective les séquences observées par rapport à la progression "
        "annuelle et de cycle de la classe,",
        "Présenter des outils d’enseignement et ressources pédagogiques : emploi du temps, cahier "
        "journal, fiches de préparation, séquences, progressions, programmations…,",
        "Faciliter la mise en place des séances dans les différentes disciplines notamment en "
        "français et mathématiques,",
        "Accompagner le stagiaire dans la connaissance de plus en plus grande du système éducatif "
        "dans son ensemble et sa complexité.",
    ],
    "Observer / Évaluer": [COMPTE_RENDU],
    "Travailler en collaboration avec l’INSPÉ": [
        "Le tuteur de stage est invité aux réunions de présentation des attendus de stage et de "
        "partage d’expériences,",
        "Il participe à l’évaluation des étudiants en complétant et renvoyant le compte rendu de "
        "stage aux étudiants et gestionnaires de scolarité, évaluation de l’UE4 aux semestres 1 "
        "et 2,",
        "Il peut être amené à participer au jury de l’oral de stage, UE4 du semestre 2.",
    ],
}

OBJECTIFS = {
    "OBSERVER": [
        "Construire les premières représentations relatives à l’école, l’institution, le métier "
        "d’enseignant ;",
        "S’approprier le cadre de fonctionnement et l’organisation de l’école et plus "
        "généralement du système éducatif ;",
        "Passer d’une observation libre à une observation formatrice des pratiques enseignantes, "
        "des comportements, des productions d’élèves ;",
        "Savoir observer les élèves pour adapter ses actions.",
    ],
    "PRATIQUER": [
        "Construire une posture d’enseignant ;",
        "Développer une attitude réflexive ;",
        "Acquérir des compétences professionnelles (cf. référentiel de compétences).",
    ],
}

# The cadrage table: one column per stage. In each cell, a line starting with "- " is a dash
# item, any other line a plain paragraph.
STAGES = [
    ("Premier stage (fractionné)", "1 sem. en début d’année + 1 sem. en fin d’année"),
    ("Deuxième stage (massé)", "2 semaines complètes à suivre"),
    ("Troisième stage (massé)", "2 semaines complètes à suivre"),
]
QUESTIONS_INTRO = "L’étudiant sera en mesure de répondre à ces questions :"
QUESTIONS = [
    [
        "- Qu’est-ce que l’école (aujourd’hui) ?",
        "- Comment fonctionne-t-elle ?",
        "- Qu’est-ce qu’une classe ?",
        "- Que font les élèves dans une classe ?",
        "- Qu’est-ce que le climat de classe ?",
        "- Qu’est-ce qu’un enseignant (quel est son rôle ?",
        "- Quelles sont ses obligations ?",
        "- Que fait l’enseignant dans (et hors de) la classe ?",
        "- Qu’est-ce qu’enseigner ?",
        "- Qu’est-ce qu’une séquence d’enseignement ?",
        "- Comment une classe évolue-t-elle sur l’année ?",
    ],
    [
        "- Quels points communs/quelles différences avec le stage 1 ;",
        "- Quel est l’objectif de l’enseignant ?",
        "- Quelle est l’activité des élèves ? Qu’est-ce qu’ils ont appris ?",
        "- Quelles sont les différentes phases d’enseignement dans la journée, dans la séance ?",
        "- Quelle(s) trace(s) reste (nt)-ils ?",
        "- Quelles difficultés rencontrent certains élèves ? Quels obstacles sont rencontrés ?",
        "- Sur quels éléments repose le climat de classe ? Quelles réussites et quels obstacles ?",
    ],
    [
        "- Quels points communs et quelles différences avec les deux premiers stages ?",
        "- Quelles sont les différentes modalités d’organisation de la classe ?",
        "- Comment articuler les différentes phases des apprentissages des élèves ?",
        "- Comment se déroule la phase de synthèse, l’institutionnalisation ?",
        "- Comment est prise en charge l’hétérogénéité des élèves ?",
        "- Comment installer et maintenir un cadre de travail propice aux apprentissages ?",
    ],
]
PRATIQUE = [
    [
        "Prise en charge progressive de :",
        "- Groupes d’élèves (au sein d’une séance menée par le MAT)",
        "- Séances élaborées (supervisées / vérifiées) par le MAT",
        "- Séance(s) élaborée(s) et préparée(s) par le stagiaire avec l’aide du MAT",
        "- Conception / organisation / mise en place de séquence si l’étudiant le souhaite",
    ],
    [
        "Prise en main de la classe :",
        "- Prise en main de groupes dans la classe",
        "- Conception de séances",
        "- Conduite de séances dans diverses disciplines",
        "- Conception d’une séquence en étant guidé par le MAT.",
    ],
    [
        "Prise en main de la classe :",
        "Faire la classe en enchaînant plusieurs séances (de la matinée à une journée complète)",
        "Prise en charge :",
        "- de séances/séquences",
        "- de la préparation à la réalisation",
    ],
]

TEXTES_REFERENCE = [
    "Loi n° 2013-595 du 8 juillet 2013 d’orientation et de programmation pour la refondation de "
    "l’école de la République",
    "Référentiel des compétences professionnelles des métiers du professorat et de l’éducation "
    "(arrêté du 1er juillet 2013) ; BO n°30 du 25 juillet 2013",
    "Modalités de formation initiale de certains personnels enseignants et d’éducation de "
    "l’enseignement public stagiaires (arrêté du 18 juin 2014)",
]


# --- private builders ---------------------------------------------------------------

def _titre(text: str, *sous_titres: str, saut_page: bool = False) -> str:
    """wordml.titre() with an optional page break before it (an annex starts a new page)."""
    out = p(r(text), style="Titre", apres=40 if sous_titres else None, saut_page=saut_page)
    for s in sous_titres:
        out += p(r(s, gras=True, couleur=BLEU), align="center", apres=160)
    return out


def _boucle(balise: str, largeurs: list[int]) -> str:
    """A docxtpl ``{%tr … %}`` row spanning the whole table (removed at rendering)."""
    return ligne(cellule(p(r(balise)), largeur=sum(largeurs), fusion_h=len(largeurs)),
                 insecable=False)


def _entete(textes: list[str], largeurs: list[int], fond: str = GRIS, apres=None) -> str:
    return ligne(*(cellule(p(r(t, gras=True), align="center", apres=apres), largeur=w, fond=fond,
                           valign="center")
                   for t, w in zip(textes, largeurs)), entete=True)


def _paras_cellule(lignes: list[str]) -> list[str]:
    """A cadrage cell: "- " lines are dash items, a line ending with ":" is a bold lead-in."""
    out = []
    for t in lignes:
        if t.startswith("- "):
            out.append(p(r(t[2:], taille=TAILLE_TABLEAU), liste=2, retrait=170, suspendu=170,
                         apres=20, interligne=232))
        else:
            out.append(p(r(t, gras=t.endswith(":"), taille=TAILLE_TABLEAU), apres=40,
                         interligne=232))
    return out


# --- the letter ---------------------------------------------------------------------

def _destinataire(f: Champs) -> str:
    """Place and date, then the addressee on the right, as a letter has them."""
    gauche = 4933
    droite = LARGEUR_UTILE - gauche
    return tableau(
        [gauche, droite],
        ligne(
            cellule(libelle_valeur("Année universitaire :", f("annee_universitaire")),
                    largeur=gauche),
            cellule(
                p(f("lieu_lettre"), r(", le "), f("date_lettre"), apres=60),
                p(f("tuteur_civilite"), r(" "), f("tuteur_nom"), r(" "), f("tuteur_prenom"),
                  apres=0),
                p(f("ecole"), apres=0),
                p(f("commune"), apres=0),
                largeur=droite),
        ),
        bordures=False,
    )


def _stagiaires(f: Champs) -> str:
    largeurs = [3300, 3000, LARGEUR_UTILE - 6300]
    # The site is optional: left blank rather than dotted when not given.
    rangee = ligne(
        cellule(p(f.sous("stagiaires", "nom", "s"), apres=0), largeur=largeurs[0]),
        cellule(p(f.sous("stagiaires", "prenom", "s"), apres=0), largeur=largeurs[1]),
        cellule(p(f.sous("stagiaires", "site", "s", vide=""), apres=0), largeur=largeurs[2]))
    return (
        p(r("Étudiant(s) de m1 accueilli(s) en stage :", gras=True), avant=60, apres=60,
          garder_suivant=True)
        + tableau_ajout(largeurs,
                        _entete(["Nom", "Prénom", "Site INSPÉ"], largeurs, fond=AJOUT_FOND, apres=0),
                        lignes_repetables("stagiaires", "s", f.libelle("stagiaires"), largeurs,
                                          rangee))
    )


def _lettre(f: Champs) -> str:
    return "".join([
        ajout_service(_destinataire(f), _stagiaires(f)),
        _titre("La lettre de mission du tuteur de stage"),
        texte("Depuis la rentrée 2022, les étudiants en formation à {{ instance.designation }}, en "
              "première année (m1) de master MEEF1 mention premier degré, doivent effectuer un "
              "Stage d’Observation et de Pratique Accompagnée (SOPA) d’une durée équivalente à six "
              "semaines, réparties sur une année scolaire.", align="both"),
        texte("Vous avez accepté d’être tuteur ou tutrice de stage d’un ou de deux de nos "
              "étudiant(s) de m1 et tenons à vous remercier vivement de votre engagement dans cette "
              "mission qui vous a été proposée par l’intermédiaire du corps d’inspection. Par "
              "votre action, vous contribuez pleinement à la formation universitaire "
              "professionnalisante des futurs enseignants et futures enseignantes.", align="both"),
        p(r("Vos missions en tant que tuteur de Stage d’Observation et de Pratique Accompagnée "
            "(SOPA)"), style="Titre1"),
        texte("Votre rôle en tant que tuteur est multiple et se décline selon plusieurs axes "
              "fondamentaux :"),
        *(tiret(m, align="both") for m in MISSIONS),
        p(r("Un partenariat essentiel pour une formation universitaire professionnalisante"),
          style="Titre1"),
        texte("Votre accompagnement ne se limite pas à un simple encadrement technique, mais "
              "engage également un dialogue régulier et bienveillant avec l’étudiant. Cette "
              "relation de tutorat contribue à construire sa posture professionnelle et à le "
              "préparer aux réalités du terrain, en phase avec le plan de formation conçus et mis "
              "en œuvre à l’INSPÉ. Ainsi, la mission de proximité qui vous a été confiée est "
              "essentielle pour les étudiants en formation. Il s’agit d’étudiants qu’il sera "
              "nécessaire à la fois d’accompagner et de rassurer, mais aussi de guider et de "
              "réguler lorsque cela s’avérera nécessaire. L’INSPÉ de "
              "{{ instance.academie_complement }} reste à votre écoute pour toute question ou "
              "besoin d’ajustement dans le suivi des étudiants et étudiantes. Nous espérons que "
              "ce guide contribue à clarifier votre rôle et répond au plus grand nombre de vos "
              "interrogations.", align="both"),
        texte("Ainsi, votre engagement dans ce dispositif est précieux car il participe pleinement "
              "à la formation des futurs enseignants et enseignantes de "
              "{{ instance.academie_complement }}.", align="both", garder_suivant=True),
        signataires_instance("directeur", "directrice_adjointe"),
    ])


# --- annexes ------------------------------------------------------------------------

def _role() -> str:
    out = [_titre("Le rôle du tuteur de stage", "en m1 MEEF1 mention 1er degré",
                  "Stage d’Observation et de Pratiques Accompagnées « SOPA »", saut_page=True)]
    for rubrique, items in ROLE.items():
        out.append(p(r(rubrique), style="Titre1"))
        out.extend(puce(_renvoi_calendrier() if t == COMPTE_RENDU else t, align="both")
                   for t in items)
    return "".join(out)


def _renvoi_calendrier() -> list[str]:
    return [r(f"{COMPTE_RENDU} (cf. annexe «\u00a0{TITRE_CALENDRIER}\u00a0», page\u00a0"),
            renvoi_page(SIGNET_CALENDRIER, PAGE_CALENDRIER), r(").")]


def _cadrage() -> str:
    out = [_titre("Le cadrage des Stages d’Observation", "et de Pratiques Accompagnées « SOPA »",
                  saut_page=True),
           p(r("Objectifs des stages"), style="Titre1")]
    for rubrique, items in OBJECTIFS.items():
        out.append(p(r(rubrique), style="Titre2"))
        out.extend(puce(t) for t in items)
    out.append(p(apres=0))
    out.append(_tableau_cadrage())
    return "".join(out)


def _tableau_cadrage() -> str:
    etiquette = 1500
    colonnes = [2640, 2700, LARGEUR_UTILE - etiquette - 2640 - 2700]
    largeurs = [etiquette, *colonnes]

    def libelle(lignes: list[str], fusion: str | None = None) -> str:
        return cellule(*(p(r(t, gras=True), style="Petit") for t in lignes), largeur=etiquette,
                       fond=GRIS, valign="center", fusion_v=fusion)

    def suite() -> str:
        return cellule(largeur=etiquette, fond=GRIS, fusion_v="continue")

    stages = ligne(
        cellule(largeur=etiquette, fond=GRIS, fusion_v="restart"),
        *(cellule(p(r(nom, gras=True), align="center", apres=0), largeur=w, fond=GRIS,
                  valign="center")
          for (nom, _), w in zip(STAGES, colonnes)), entete=True)
    durees = ligne(
        suite(),
        *(cellule(p(r(duree), align="center", style="Petit"), largeur=w, fond=GRIS,
                  valign="center")
          for (_, duree), w in zip(STAGES, colonnes)), entete=True)
    intro = ligne(
        libelle(["Observations ciblées et questionnement réflexif"], "restart"),
        cellule(p(r(QUESTIONS_INTRO, italique=True, taille=TAILLE_TABLEAU), apres=0),
                largeur=sum(colonnes), fusion_h=3))
    questions = ligne(suite(), *(cellule(*_paras_cellule(q), largeur=w)
                                 for q, w in zip(QUESTIONS, colonnes)))
    pratique = ligne(
        libelle(["Pratique accompagnée :", "activités du stagiaire"]),
        *(cellule(*_paras_cellule(a), largeur=w)
          for a, w in zip(PRATIQUE, colonnes)))
    return tableau(largeurs, stages, durees, intro, questions, pratique)


def _calendrier() -> str:
    rythme = [2200, 3000, 3600]
    suivi = [2100, 1900, 2100, LARGEUR_UTILE - 6100]
    return "".join([
        p(signet(SIGNET_CALENDRIER, r(TITRE_CALENDRIER)), style="Titre", apres=40,
          saut_page=True),
        p(r("de m1 MEEF1 mention 1er degré", gras=True, couleur=BLEU), align="center", apres=160),
        p(r("1. Le calendrier de suivi"), style="Titre1"),
        tableau(
            rythme,
            _boucle("{%tr for c in instance.calendrier_sopa %}", rythme),
            ligne(cellule(p(r("{{ c.stage }}", gras=True), align="center"), largeur=rythme[0],
                          fond=GRIS),
                  cellule(p(r("{{ c.mois }}"), align="center"), largeur=rythme[1]),
                  cellule(p(r("{{ c.nature }}"), align="center"), largeur=rythme[2])),
            _boucle("{%tr endfor %}", rythme),
        ),
        p(apres=0),
        tableau(
            suivi,
            _entete(["Dates", "Qui ?", "Documents", "Où adresser les documents ?"], suivi),
            ligne(
                cellule(p(r("Dans la semaine qui suit le stage")), largeur=suivi[0]),
                cellule(p(r("Tuteur de stage")), largeur=suivi[1]),
                cellule(p(r("Compte-rendu de stage")), largeur=suivi[2]),
                cellule(p(r("À envoyer par mail :"), apres=40),
                        puce("au gestionnaire de scolarité du site INSPÉ", retrait=284,
                             suspendu=284),
                        puce("à l’étudiant en stage", retrait=284, suspendu=284),
                        largeur=suivi[3]),
            ),
        ),
    ])


def _delegues() -> str:
    largeurs = [4200, LARGEUR_UTILE - 4200]
    return "".join([
        p(r("2. Les délégués de stage du master MEEF1 mention 1er degré"), style="Titre1",
          avant=360),
        p(r('{%p for u in instance.delegues_stage|groupby("universite") %}')),
        p(r("{{ u.grouper }}"), style="Titre2"),
        tableau(
            largeurs,
            _entete(["Site INSPÉ", 'Délégué{{ "s" if u.list|length > 1 else "" }} de stage'],
                    largeurs),
            _boucle("{%tr for d in u.list %}", largeurs),
            ligne(cellule(p(r("{{ d.site }}")), largeur=largeurs[0]),
                  cellule(p(r("{{ d.courriel }}")), largeur=largeurs[1])),
            _boucle("{%tr endfor %}", largeurs),
        ),
        p(r("{%p endfor %}")),
    ])


def _textes_reference() -> str:
    return "".join([
        p(r("Textes de référence"), style="Titre1", avant=360),
        *(puce(t, align="both") for t in TEXTES_REFERENCE),
    ])


def corps(formulaire: Formulaire) -> str:
    f = Champs(formulaire)
    return "".join([
        _lettre(f),
        _role(),
        _cadrage(),
        _calendrier(),
        _delegues(),
        _textes_reference(),
    ])
