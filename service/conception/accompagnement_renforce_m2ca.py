"""Procédure d’accompagnement renforcé de l’étudiant M2 Contractuel Alternant (CA), mentions
« Second degré » et « Encadrement éducatif » (seed 004): the alert, the reinforced support it
leads to, then as many interim reviews (bilans intermédiaires) as needed.

The form is also printed blank and filled with a pen: every signature gets a box at least
2.5 cm high, and a blank form ends, as the original, with a « Nouveau bilan intermédiaire »
block where the next review is written by hand."""

from __future__ import annotations

from service.catalogue.declaration import Formulaire

from .champs import Champs
from .paquet import ECHELLE
from .wordml import LARGEUR_UTILE, case, cellule, ligne, lignes_repetables, p, puce, r, tableau, texte, titre

TITRE = "Procédure d’accompagnement renforcé de l’étudiant M2 Contractuel Alternant (CA)"
TAILLE_POLICE = 10
GRIS = "E7ECF4"
NBSP = "\u00a0"
MOITIE = LARGEUR_UTILE // 2
# Inside a half-width cell (its margins are 85 dxa each side), a nested table's width.
INTERIEUR = MOITIE - 2 * 85
# A signature box: 1500 dxa (2.65 cm) high at least, room for a signature by hand.
HAUTEUR_SIGNATURE = 1500
# The problems written by hand on page 1: 4.2 cm at least (the page has the room).
HAUTEUR_PROBLEMES = 2400
# What an empty "-" list prints, as on the paper form: three dashes to write after.
TIRETS_VIDES = "\\n".join(["- …………………………………………"] * 3)

INTRODUCTION = [
    "Tout au long de l’année, l’étudiant M2 CA est formé et accompagné dans l’acquisition de ses "
    "compétences professionnelles. L’accompagnement peut être renforcé lorsque l’étudiant M2 CA "
    f"rencontre des problèmes le mettant en difficulté{NBSP}: il s’agit alors de procéder à une "
    "alerte. Cette alerte doit être formalisée en remplissant le document suivant et en s’appuyant "
    f"sur les niveaux d’alerte décrits en annexe (annexe 1{NBSP}: professeur{NBSP} du second "
    f"degré ; annexe 2{NBSP}: CPE).",
    "Cette alerte donne lieu à un accompagnement pédagogique renforcé dont les modalités sont "
    "définies conjointement par les différentes personnes intervenant dans l’accompagnement, "
    "notamment les tuteurs de terrain et référents Inspé, et arrêtées par l’IA-IPR.",
    "Ce document compile les différentes étapes de l’accompagnement renforcé, l’alerte et les "
    "différentes étapes. Il est à partager entre les différents acteurs de l’accompagnement cités "
    "juste avant, et doit être envoyé pour information à l’Inspé "
    "({{ instance.contacts.direction_stagiaires }}), au responsable de formation"
    f"{NBSP} et à l’EAFC ({{{{ instance.contacts.eafc }}}}).",
]

# (name field, signature field, who signs) of the section 2 signature blocks.
SIGNATAIRES = [
    ("ia_ipr_nom", "signature_ia_ipr", "Nom et signature de l’IA-IPR"),
    ("referent_nom", "signature_referent", "Nom et signature du référent Inspé"),
    ("tuteur_nom", "signature_tuteur", "Nom et signature du tuteur terrain ou formateur exceptionnel"),
]


def _label(text: str, **kw) -> str:
    """A bold label ending with a French colon (non-breaking space before it)."""
    return p(r(f"{text}{NBSP}:", gras=True), **kw)


def _entete(text: str) -> str:
    # A section heading: titre2 of the catalogue's scale, repeated and kept with what follows.
    return ligne(cellule(p(r(text, gras=True, taille=ECHELLE["titre2"]), apres=0,
                           garder_suivant=True),
                         largeur=LARGEUR_UTILE, fusion_h=2, fond=GRIS), entete=True)


def _cadres(*contenus: str, colonnes: int = 1) -> str:
    """Signature boxes, ``colonnes`` to a row, each HAUTEUR_SIGNATURE high at least, then the
    empty paragraph a cell needs after a table. ``contenus``: the paragraph of each box."""
    largeur = INTERIEUR // colonnes
    cellules = [cellule(c, largeur=largeur) for c in contenus]
    rangees = [ligne(*cellules[i:i + colonnes], hauteur=HAUTEUR_SIGNATURE)
               for i in range(0, len(cellules), colonnes)]
    return tableau([largeur] * colonnes, *rangees) + p(apres=0, interligne=120)


def _alerte(f: Champs) -> str:
    def identite(*champs):
        return [p(r(f"{lib}{NBSP}: "), f(nom), apres=60) for lib, nom in champs]

    colonnes = ligne(*(cellule(p(r(t, gras=True), align="center", apres=0), largeur=MOITIE, fond=GRIS)
                       for t in ("Contractuel alternant concerné", "Personne qui alerte")))
    personnes = ligne(
        cellule(*identite(("Nom", "etudiant_nom"), ("Prénom", "etudiant_prenom"),
                          ("Établissement", "etudiant_etablissement"),
                          ("Parcours", "etudiant_parcours")), largeur=MOITIE),
        cellule(*identite(("Nom", "alerte_nom"), ("Prénom", "alerte_prenom"),
                          ("Statut", "alerte_statut")), largeur=MOITIE))
    problemes = ligne(cellule(
        _label("Décrire les problèmes mettant en difficulté l’étudiant M2 CA en lien avec le "
               "bulletin d’accompagnement"),
        p(f("problemes", vide=TIRETS_VIDES), apres=60),
        largeur=LARGEUR_UTILE, fusion_h=2), insecable=False, hauteur=HAUTEUR_PROBLEMES)
    niveau = ligne(cellule(
        p(r(f"Niveau d’alerte{NBSP}:", gras=True), r("    "),
          *f.cases("niveau_alerte", separateur="          "), apres=40),
        texte("(à partir des niveaux indiqués dans l’annexe correspondante)", italique=True),
        largeur=LARGEUR_UTILE, fusion_h=2))
    return tableau([MOITIE, MOITIE], _entete("1 – ALERTE"), colonnes, personnes, problemes, niveau)


def _signatures(f: Champs) -> list[str]:
    out = [p(r(f"Date{NBSP}: ", gras=True), f("date_accompagnement"), apres=120)]
    for nom, signature, intitule in SIGNATAIRES:
        out += [_label(intitule, apres=20, garder_suivant=True),
                p(f(nom), apres=40, garder_suivant=True), _cadres(f(signature))]
    # The student's name is already known (section 1): it is printed, not asked twice.
    out += [_label("Nom et signature de l’étudiant M2 CA", apres=20, garder_suivant=True),
            p(r("{{ etudiant_nom or \"…………………\" }} {{ etudiant_prenom }}", style="Saisie"), apres=40,
              garder_suivant=True),
            _cadres(f("signature_etudiant"))]
    return out


def _modalites(f: Champs) -> list[str]:
    choix = f.choix("modalites")
    assert len(choix) == 4, "Visite conseil, Visites conjointes, Echanges de pratiques, Autres"

    def option(i, libelle):
        return p(f.case("modalites", i), r(f" {libelle}"), avant=100, apres=20)

    def precision(libelle, nom):
        return puce([r(f"{libelle}{NBSP}: "), f(nom)], apres=20)

    return [
        _label("Modalités d’accompagnement", apres=40),
        option(1, choix[0]),
        precision("personnes qui visiteront", "visite_personnes"),
        p(r(f"Statut{NBSP}: "), f("visite_statut"), retrait=567, apres=20),
        precision("période", "visite_periode"),
        option(2, choix[1]),
        precision("préciser les collègues concernés", "visites_conjointes_collegues"),
        option(3, f"{choix[2]}{NBSP}:"),
        precision("modalités", "echanges_modalites"),
        p(f.case("modalites", 4), r(f" {choix[3]}{NBSP}: "), f("autres_modalites"), avant=100),
    ]


def _accompagnement(f: Champs) -> str:
    axes = ligne(cellule(
        _label("Axes de travail identifiés, négociés et priorisés à travailler avant la prochaine "
               "visite"),
        p(f("axes_travail", vide=TIRETS_VIDES), apres=60),
        largeur=LARGEUR_UTILE, fusion_h=2), insecable=False)
    decisions = ligne(cellule(*_signatures(f), largeur=MOITIE),
                      cellule(*_modalites(f), largeur=MOITIE), insecable=False)
    return tableau([MOITIE, MOITIE], _entete("2 – ACCOMPAGNEMENT RENFORCÉ"), axes, decisions)


# The people present at a review sign by hand: four boxes (the student and up to three).
PRESENTS = 4
# A bilan's first row is at least this high (2.9 cm): room to write its two lists by hand.
HAUTEUR_AVANCEES = 1650
# A review not written yet: the group's only line is empty (a blank or just-alerted form).
AUCUN_BILAN = ("bilans|length == 1 and not (bilans|first).date_bilan "
               "and not (bilans|first).avancees")


def _intitule_bilan(intitule: str) -> str:
    return p(r(intitule, gras=True), apres=60, garder_suivant=True)


def _bilans(f: Champs) -> str:
    g, v = "bilans", "b"
    choix = f.formulaire.champ(g).sous_champ("nouvelles_modalites").choix
    assert len(choix) == 4, "Visite conseil, Visites conjointes, Echanges de pratiques, Autres"

    def option(i, *suite):
        boite = case(f"{v}.nouvelles_modalites", i, "nouvelles_modalites", choix[i - 1])
        return p(boite, *suite, avant=60, apres=20)

    # First line "Bilan intermédiaire", the following ones "Nouveau bilan intermédiaire".
    intitule = ("{% if loop.first %}Bilan intermédiaire{% else %}Nouveau bilan intermédiaire"
                f"{{% endif %}}{NBSP}:")
    avancees = ligne(cellule(
        _intitule_bilan(intitule),
        puce([r(f"Avancées sur les axes de travail{NBSP}:")], apres=20, garder_suivant=True),
        p(f.sous(g, "avancees", v), retrait=567, apres=80, garder_suivant=True),
        puce([r(f"Nouveaux axes de travail{NBSP}:")], apres=20, garder_suivant=True),
        p(f.sous(g, "nouveaux_axes", v), retrait=567, apres=60, garder_suivant=True),
        largeur=LARGEUR_UTILE, fusion_h=2), hauteur=HAUTEUR_AVANCEES)
    suite = ligne(
        cellule(
            p(r(f"Date{NBSP}: ", gras=True), f.sous(g, "date_bilan", v), apres=120),
            _label("Noms et signatures des personnes en présence, (dont l’étudiant M2 CA)", apres=40,
                   garder_suivant=True),
            p(f.sous(g, "presents", v), apres=60, garder_suivant=True),
            _cadres(*[p(apres=0)] * PRESENTS, colonnes=2),
            largeur=MOITIE),
        cellule(
            p(r(f"Nouvelles modalités d’accompagnement{NBSP}: ", gras=True), r("(date) "),
              f.sous(g, "date_modalites", v), apres=40),
            option(1, r(f" {choix[0]} "), f.sous(g, "visite_conseil", v)),
            option(2, r(f" {choix[1]}")),
            option(3, r(f" {choix[2]}")),
            option(4, r(f" {choix[3]}{NBSP}: "), f.sous(g, "autres", v)),
            largeur=MOITIE))
    # A bilan's two rows stay on one page: its heading with the signatures of those present.
    return tableau([MOITIE, MOITIE],
                   lignes_repetables(g, v, f.libelle(g), [MOITIE, MOITIE], avancees + suite),
                   *_nouveau_bilan_a_la_main())


def _nouveau_bilan_a_la_main() -> list[str]:
    """The original's last block, « Nouveau bilan intermédiaire » with its two lists and room
    to write, printed while no review is written: the next one is then written by hand. It
    holds no control (what is written in it stays on paper); in Word, « + » adds a line."""
    def tag(jinja: str) -> str:
        return ligne(cellule(p(r(jinja)), largeur=LARGEUR_UTILE, fusion_h=2), insecable=False)

    bloc = ligne(cellule(
        _intitule_bilan(f"Nouveau bilan intermédiaire{NBSP}:"),
        puce([r("Avancées sur les axes de travail")], apres=20, garder_suivant=True),
        *[p(apres=0, garder_suivant=True)] * 5,
        puce([r("Nouveaux axes de travail")], apres=20, garder_suivant=True),
        *[p(apres=0)] * 5,
        largeur=LARGEUR_UTILE, fusion_h=2), hauteur=HAUTEUR_AVANCEES)
    return [tag(f"{{%tr if {AUCUN_BILAN} %}}"), bloc, tag("{%tr endif %}")]


def corps(formulaire: Formulaire) -> str:
    f = Champs(formulaire)
    return "".join([
        titre("Procédure d’accompagnement renforcé de l’étudiant M2 Contractuel Alternant (CA)",
              f"Mentions «{NBSP}Second degré{NBSP}» et «{NBSP}Encadrement éducatif{NBSP}»"),
        *(texte(t, align="both", apres=100) for t in INTRODUCTION),
        p(apres=0),
        _alerte(f),
        # Section 2 starts a new page, as on the original form.
        p(apres=0, saut_page=True, interligne=120),
        _accompagnement(f),
        p(apres=0),
        _bilans(f),
        texte("(de nouvelles lignes peuvent être ajoutées en cas de besoin)", italique=True, avant=60),
    ])
