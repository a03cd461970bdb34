"""Fixed sentences of each original (../shared/seeds), which every template must keep word for word.

For each gabarit: the seed's number and sentences copied from it. A test checks that each
sentence is indeed in the original, another that the rendered document holds it.
"""

# The C11 line of the original's grille, which carries the échanges avec l’équipe d’école.
C11 = ("C11. Fait preuve de respect à l’égard des élèves et des membres de la communauté "
       "éducative Adopte une attitude favorable aux échanges avec les membres de l’équipe d’école")

PHRASES = {
    "compte_rendu_sopa": ("002", [
        "Le compte-rendu du tuteur de stage",
        "Nous vous proposons de surligner les activités du stagiaire lors du stage dans votre "
        "classe.",
        "(Cette prise en charge de la classe se fait en fonction du degré d’expérience du "
        "stagiaire et il est inutile de brûler les étapes : les différentes étapes présupposent "
        "la maîtrise des étapes précédentes).",
        "Voici les objectifs de formation, lors des stages, dans votre classe, en fonction des "
        "différentes étapes expérimentées par le stagiaire.",
        "Nous vous proposons d’ajouter vos commentaires dans la case en dessous des objectifs "
        "visés.",
        "3- Commentaires sur l’acquisition de ces objectifs pour les étapes 1 et 2",
        "Nombre de séances conçues :",
        "Cette validation participe à l’évaluation du semestre.",
        "Vous renverrez ce document, dès la fin du stage au gestionnaire de scolarité.",
        "Éthique professionnelle : grille d’évaluation",
        "Par ses propos ou son attitude, ne respecte pas une ou plusieurs valeurs de la "
        "République",
        "Veille à ce que son attitude et ses propos ne soient pas discriminatoires et ne fassent "
        "pas obstacle à l’apprentissage et au développement de la confiance en soi des élèves",
        "Période de stage : du",
        C11,
    ]),
    "accompagnement_renforce_m2ca": ("004", [
        "Procédure d’accompagnement renforcé de l’étudiant M2 Contractuel Alternant (CA)",
        "Mentions « Second degré » et « Encadrement éducatif »",
        "Tout au long de l’année, l’étudiant M2 CA est formé et accompagné dans l’acquisition de "
        "ses compétences professionnelles.",
        "Cette alerte doit être formalisée en remplissant le document suivant et en s’appuyant sur "
        "les niveaux d’alerte décrits en annexe (annexe 1 : professeur du second degré ; "
        "annexe 2 : CPE).",
        "Cette alerte donne lieu à un accompagnement pédagogique renforcé dont les modalités sont "
        "définies conjointement par les différentes personnes intervenant dans l’accompagnement, "
        "notamment les tuteurs de terrain et référents Inspé, et arrêtées par l’IA-IPR.",
        "Décrire les problèmes mettant en difficulté l’étudiant M2 CA en lien avec le bulletin "
        "d’accompagnement :",
        "(à partir des niveaux indiqués dans l’annexe correspondante)",
        "Axes de travail identifiés, négociés et priorisés à travailler avant la prochaine visite :",
        "Nom et signature du tuteur terrain ou formateur exceptionnel :",
        "Visites conjointes (référent Inspé et tuteur terrain)",
        "Noms et signatures des personnes en présence, (dont l’étudiant M2 CA) :",
        "Visite conseil (personne qui visitera, indication de la période)",
        "Nouveau bilan intermédiaire :",
        "(de nouvelles lignes peuvent être ajoutées en cas de besoin)",
    ]),
    "lettre_mission_sopa": ("002", [
        "La lettre de mission du tuteur de stage",
        "Vous avez accepté d’être tuteur ou tutrice de stage d’un ou de deux de nos étudiant(s) "
        "de m1 et tenons à vous remercier vivement de votre engagement dans cette mission qui vous "
        "a été proposée par l’intermédiaire du corps d’inspection.",
        "Vos missions en tant que tuteur de Stage d’Observation et de Pratique Accompagnée (SOPA)",
        "Votre rôle en tant que tuteur est multiple et se décline selon plusieurs axes "
        "fondamentaux :",
        "Accueillir et intégrer l’étudiant dans l’école : lui présenter l’équipe enseignante, les "
        "locaux, les élèves et les règles de fonctionnement de l’établissement,",
        "Un partenariat essentiel pour une formation universitaire professionnalisante",
        "Il s’agit d’étudiants qu’il sera nécessaire à la fois d’accompagner et de rassurer, mais "
        "aussi de guider et de réguler lorsque cela s’avérera nécessaire.",
        "Rassurer l’étudiant en stage par un discours positif sur l’élève et le métier,",
        # its « (cf. page 12) » becomes the calendar annex's page (test_rendu)
        "Compléter avec le stagiaire, à l’issue du stage, le compte-rendu demandé par l’INSPÉ",
        "Le calendrier de suivi de l’étudiant stagiaire",
        "Il peut être amené à participer au jury de l’oral de stage, UE4 du semestre 2.",
        "S’approprier le cadre de fonctionnement et l’organisation de l’école et plus généralement "
        "du système éducatif ;",
        "Faire la classe en enchaînant plusieurs séances (de la matinée à une journée complète)",
        "Loi n° 2013-595 du 8 juillet 2013 d’orientation et de programmation pour la refondation "
        "de l’école de la République",
    ]),
    "fiche_personnalisation": ("001", [
        "Fiche de personnalisation de l’accompagnement d’un stagiaire (annexe 1)",
        "Décision prise suite à la réunion du pôle de formation ou de la discipline du :",
        "Dispositif d’accompagnement proposé",
        "Nombre d’heures consacrées au dispositif d’accompagnement par le tuteur Inspé",
        "2. Posture du fonctionnaire défaillante",
        "4. Conduite d’évitement ne permettant pas les échanges professionnels",
        "5. Préparation et mise en œuvre",
    ]),
    "parcours_individualisation_1d": ("001", [
        "Parcours d’individualisation des professeur.e.s des écoles stagiaires (annexe 2)",
        "NOM – PRENOM DE L’IEN DE CIRCONSCRIPTION :",
        "TUTEUR ou TUTRICE UNIVERSITAIRE",
        "DISPOSITIF DE MÉDIATION, REMÉDIATION, ACCOMPAGNEMENT PROPOSÉ *",
        "LA CONSTRUCTION, MISE EN ŒUVRE ET ANIMATION DE SITUATIONS PÉDAGOGIQUES",
        "* Ex.: renforcement de l’aide pédagogique et didactique, visite(s) supplémentaire(s), "
        "module(s) de formation supplémentaire(s), observations et pratiques accompagnées "
        "supplémentaires, …",
        "MISE EN ŒUVRE DU PARCOURS DEBUTÉE LE :",
        "Professeur·e des écoles stagiaire :",
    ]),
    "parcours_individualisation_2d": ("001", [
        "Parcours d’individualisation des professeur·e·s du second degré et CPE stagiaires "
        "(annexe 3)",
        "NOM – PRENOM DE L’IA-IPR OU L’IEN :",
        "TUTEUR ou TUTRICE EMPLOYEUR",
        "LA SÉCURITE PHYSIQUE DES ÉLÈVES",
        "* Ex. : renforcement de l’aide pédagogique et didactique, visite(s) supplémentaire(s), "
        "module (s) de formation supplémentaire(s), observations et pratiques accompagnées "
        "supplémentaires, …",
        "Chef·fe d’établissement :",
        "Tuteur ou tutrice Espé :",
        "Professeur·e ou CPE stagiaire :",
    ]),
    "lettre_mission_tuteurs_m2": ("000", [
        "A compter de la rentrée 2017, la durée de la scolarité des étudiants de M2B est dans la "
        "grande majorité des cas de 2 années scolaires.",
        "Le stage est ici réalisé en responsabilité sur un service de contractuel qui est confié à "
        "l’étudiant par l’employeur durant l’une ou / et l’autre des 2 années du cursus.",
        "Cahier des Charges pour les Tuteurs (INSPE et académiques) des étudiants",
        "version applicable au 30-09-2020",
        "Rôle et mission du tuteur INSPE",
        "Modalités d’intervention et suivi formatif",
        "Il participe à son évaluation.",
        "l’aider à évaluer la qualité de ses préparations pédagogiques,",
        "Le tuteur INSPE émet un avis qui contribue à l’évaluation de l’UE Stage et mémoire.",
        "Il l’incite à observer d’autres pratiques pédagogiques, éducatives et institutionnelles.",
        "Le tuteur réalise un rapport en fin d’année de stage du stagiaire.",
        "Rôle et mission du tuteur académique",
    ]),
    "fiche_synthese_collectif": ("003", [
        "Une fiche synthèse et synthétique issue du présentiel et rédigée par le pilote du "
        "collectif :",
        "Le pilote pourrait s’appuyer pour cela sur le cadre issu des groupes d’analyse de la "
        "pratique professionnelle (GAPP), à savoir :",
        "La bienveillance engagée",
        "Le respect de la parole",
        "Ressources Parcours M@gistère",
        # the module's frame (v3), carried whole: objectives, sections 1 to 4, authors, URLs
        "Module expérimental ACCOMPAGNEMENT DES TUTEURS EN RESEAU (N.Genot-T.Soutoul)",
        "Objectifs général :",
        "Mettre en place de collectifs de tuteurs accompagnés par des tuteurs expérimentés, à "
        "destination principalement des tuteurs « entrants » dans la fonction.",
        "de valoriser l’expérience des tuteurs plus expérimentés et de rompre la solitude du "
        "tuteur.",
        "1. Modalités et organisation fonctionnelle",
        "d’organisation, de suivi afin d’en assurer leur réussite et leur « publicité ».",
        "de proximité géographique permettant un regroupement le moins contraint possible",
        "titulaires du CAFFA, titulaires du CAFIPEMF)",
        "Constitution des collectifs : des appels d’offre départementaux (favoriser la "
        "proximité)",
        "Pas de regroupement à distance car le but est de créer du lien et un collectif.",
        "2. Un cadre déontologique de fonctionnement et de régulation",
        "il est nécessaire de garantir un cadre sécure à même de favoriser l’émergence d’une "
        "parole libérée des contraintes institutionnelles et prescriptives. Le pilote pourrait "
        "s’appuyer pour cela",
        "La régularité. ( cf. https://www.analysedespratiques.com/gapp-les-regles-du-groupe/ )",
        "3. Un canevas possible de présentiel",
        "dans la banque de vidéo Néopass dans le thème « Débuter comme formateur ») ;",
        "La « mise en résonnance » dans le collectif pour aller vers une prise de conscience",
        "La mise en discussion des solutions partagées à l’aulne des expériences de chacun, des "
        "contextes et des conditions d’exercices ;",
        "Vers une montée en généralité : le pilote synthétise en essayant de dégager une "
        "problématique professionnelle et les pistes d’actions construites au travers des "
        "échanges.",
        "Points d’appui pour problématiser (pour le pilote): les dilemmes du formateur",
        "Le présentiel suivant pourra débuter par un débriefing sur la mise en œuvre (ou pas) des "
        "pistes d’actions issues du collectif et des régulations éventuelles apportées.",
        "4. Et après le présentiel… des ressources pour approfondir",
        "Le module FORMER Ressources Parcours M@gistère organisé en 4 blocs",
        "Plateforme Néopas@ction Module : débuter comme formateur, tuteur, conseiller "
        "pédagogique",
        "http://neo.ens-lyon.fr/neo",
        "1- Notre problématique 2- Nos réponses envisagées",
        "Modélisation de l’activité enseignante / du formateur : - D.Bucheton (multi-agenda) "
        "- L.Ria (simplexe) - R.Goigoux (focales)",
    ]),
}

# Fixed text in the original's order: each found after the one before, in the original and in
# the document (the période de stage between the objectifs and the comments of section 3).
ORDRE = {
    "compte_rendu_sopa": ("002", [
        "Pour les étapes 3 et 4",
        "S’approprier le cadre de fonctionnement et l’organisation de l’école",
        "S’intégrer à une équipe",
        "Période de stage : du",
        "3- Commentaires sur l’acquisition de ces objectifs pour les étapes 1 et 2",
        "3- Commentaires sur l’acquisition de ces objectifs pour les étapes 3 et 4",
        "Nombre de séances animées :",
        "4- Ethique professionnelle",
    ]),
}

# Fixed text the document prints exactly so many times: the échanges avec l’équipe d’école are
# rated with C11 in section 4 as in the grille (twice), never with C6, where a tuteur rating C6
# would also rate a C11 line (the original's section 4 sets the line between the two).
FOIS = {
    "compte_rendu_sopa": [
        (C11, 2),
        ("au sein de la classe et de l’école Adopte une attitude favorable", 0),
    ],
}
