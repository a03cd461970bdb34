"""Shared layout of the two « parcours d’individualisation » (annexes 2 and 3 of the
cadrage du tutorat mixte, seed 001): the heading line, the identity table, the table of
the five domains, the note, the starting date and the grid of signature blocks.

The declarations of parcours_individualisation_1d and parcours_individualisation_2d
declare the same field names for these parts (see DOMAINES and COLONNES).
"""

from __future__ import annotations

import re

from .champs import Champs
from .wordml import LARGEUR_UTILE, cellule, ligne, p, r, tab, tableau

GRIS = "E7ECF4"
NBSP = "\u00a0"
# A signature box: 1500 dxa (2.65 cm) high at least, room to sign a printed copy by hand.
HAUTEUR_SIGNATURE = 1500

# (field prefix, wording of the original) in the original's order.
DOMAINES = [
    ("ethique", "L’ÉTHIQUE DU FONCTIONNAIRE"),
    ("gestion_classe", "LA GESTION DE CLASSE"),
    ("securite", "LA SÉCURITE PHYSIQUE DES ÉLÈVES"),
    ("situations_pedagogiques",
     "LA CONSTRUCTION, MISE EN ŒUVRE ET ANIMATION DE SITUATIONS PÉDAGOGIQUES"),
    ("developpement_professionnel",
     "L’ENGAGEMENT DANS UNE DÉMARCHE DE DÉVELOPPEMENT PROFESSIONNEL"),
]
# (field suffix, column heading); a domain's fields are <prefix>_<suffix>.
COLONNES = [
    ("description", "DESCRIPTION DE LA SITUATION"),
    ("besoins", "BESOINS IDENTIFIÉS"),
    ("dispositif", "DISPOSITIF DE MÉDIATION, REMÉDIATION, ACCOMPAGNEMENT PROPOSÉ *"),
]


def noms(f: Champs, *champs: str) -> str:
    """Several text fields on one line, separated by a space (e.g. NOM Prénom)."""
    runs = []
    for i, nom in enumerate(champs):
        if i:
            runs.append(r(" "))
        runs.append(f(nom))
    return "".join(runs)


def ligne_responsable(f: Champs, libelle: str, nom: str, date: str) -> str:
    """« NOM – PRENOM DE L’… : ……   DATE : …… » on one line, as in the original."""
    return p(r(libelle + " ", gras=True), f(nom), tab(), r("DATE : ", gras=True), f(date),
             tabs=[("left", 7300, "none")], avant=120, apres=160)


def tableau_identite(colonnes: list[tuple[list[str], int, list[str]]]) -> str:
    """The identity table: a header row (lines of each heading), then one row of values.

    ``colonnes`` holds (heading lines, width, paragraphs of the value cell).
    """
    largeurs = [w for _, w, _ in colonnes]
    entetes = ligne(*(
        cellule(*(p(r(t, gras=True), align="center", apres=0) for t in lignes),
                largeur=w, fond=GRIS, valign="center")
        for lignes, w, _ in colonnes), entete=True)
    valeurs = ligne(*(cellule(*paras, largeur=w, valign="center") for _, w, paras in colonnes),
                    hauteur=700)
    return tableau(largeurs, entetes, valeurs)


def tableau_domaines(f: Champs, hauteur: int) -> str:
    """DIFFICULTÉS CONCERNANT × the three columns, one row per domain, each ``hauteur`` dxa
    high at least (room to write by hand on a blank form); the header row repeats on a new
    page and a row never splits."""
    premiere = 2200  # « LA CONSTRUCTION, » on one line at 10 pt
    autre = (LARGEUR_UTILE - premiere) // 3
    largeurs = [premiere, autre, autre, LARGEUR_UTILE - premiere - 2 * autre]
    entetes = ligne(
        cellule(p(r("DIFFICULTÉS CONCERNANT", gras=True), align="center", apres=0),
                largeur=largeurs[0], fond=GRIS, valign="center"),
        *(cellule(p(r(titre, gras=True), align="center", apres=0), largeur=w, fond=GRIS,
                  valign="center")
          for (_, titre), w in zip(COLONNES, largeurs[1:])), entete=True)
    rows = [ligne(
        cellule(p(r(libelle, gras=True), apres=0), largeur=largeurs[0], fond=GRIS,
                valign="center"),
        *(cellule(p(f(f"{prefixe}_{suffixe}"), apres=0), largeur=w)
          for (suffixe, _), w in zip(COLONNES, largeurs[1:])),
        hauteur=hauteur) for prefixe, libelle in DOMAINES]
    return tableau(largeurs, entetes, *rows)


def note(texte: str) -> str:
    return p(r(texte, italique=True), avant=60, apres=160)


def debut(f: Champs, nom: str = "date_debut_parcours") -> str:
    # Kept with the signatures that follow: the date the signatories commit to.
    return p(r("MISE EN ŒUVRE DU PARCOURS DEBUTÉE LE : ", gras=True), f(nom), avant=120,
             apres=160, garder_suivant=True)


def signatures(f: Champs, titre: str, blocs: list[tuple[str, str, str, str]],
               par_ligne: int = 2) -> str:
    """« Signatures : » then the blocks, ``par_ligne`` to a row, kept on one page.

    ``blocs`` holds (who signs, runs of the name, date field, signature field). Each block is
    two rows: who signs, the name and the date, then a box of HAUTEUR_SIGNATURE for the
    signature (the image once signed in the service, a pen on a printed copy).
    """
    largeur = LARGEUR_UTILE // par_ligne
    vide = cellule(p(apres=0), largeur=largeur, sans_bordure=True)
    rows = []
    for i in range(0, len(blocs), par_ligne):
        rangee = blocs[i:i + par_ligne]
        qui = [cellule(p(r(intitule, gras=True), apres=40),
                       p(r(f"Nom{NBSP}: "), nom, apres=20),
                       p(r(f"Date{NBSP}: "), f(date), apres=0), largeur=largeur)
               for intitule, nom, date, _ in rangee]
        cadres = [cellule(f(signature), largeur=largeur) for *_, signature in rangee]
        manque = [vide] * (par_ligne - len(rangee))
        rows += [ligne(*qui, *manque), ligne(*cadres, *manque, hauteur=HAUTEUR_SIGNATURE)]
    # Every row but the last keeps with the next one, so that the grid does not split.
    rows[:-1] = [_garder_suivant(row) for row in rows[:-1]]
    return (p(r(titre, gras=True), garder_suivant=True, avant=120, apres=80)
            + tableau([largeur] * par_ligne, *rows))


def _garder_suivant(xml: str) -> str:
    """Adds keepNext to every paragraph of ``xml``."""
    return re.sub(r"<w:p><w:pPr>(<w:pStyle [^>]*/>)?(?!<w:keepNext/>)",
                  lambda m: f"<w:p><w:pPr>{m.group(1) or ''}<w:keepNext/>", xml)
