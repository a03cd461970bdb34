"""The demo of ``serve --demo``: invented accounts and an invented roster, for a newcomer to try
everything (« Mes stagiaires » of the demo tuteur and of the demo stagiaire has content)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .comptes import Compte, creer_compte
from .effectifs import Stagiaire

DEMO = [
    ("secretariat", "Claire Besson", "secretariat", "demo-secretariat"),
    ("tuteur", "Hélène Garnier", "tuteur", "demo-tuteur"),
    ("referent", "Marc Roussel", "tuteur", "demo-referent"),  # a tuteur Inspé
    ("inspecteur", "Sylvie Dumont", "inspecteur", "demo-inspecteur"),
    ("stagiaire", "Léa Moreau", "stagiaire", "demo-stagiaire"),
    ("admin", "Bruno Vasseur", "administrateur", "demo-admin"),
]
COURRIELS_DEMO = {identifiant: f"{identifiant}@clairval.example" for identifiant, *_ in DEMO}


def comptes_de_demo(moteur) -> list[tuple[str, str, str, str]]:
    """Creates the demo accounts that do not exist yet; returns them all."""
    with Session(moteur) as session:
        existants = set(session.scalars(select(Compte.identifiant)))
    for identifiant, nom, role, mot_de_passe in DEMO:
        if identifiant not in existants:
            creer_compte(moteur, identifiant, nom, role, mot_de_passe, COURRIELS_DEMO[identifiant])
    return DEMO


# The other people of the demo roster: tutors, a chef d'établissement, a responsable de parcours.
AUTRES_DEMO = [
    ("tuteur2", "Julien Perrin", "tuteur", "demo-tuteur2"),
    ("tuteur3", "Sophie Lemaire", "tuteur", "demo-tuteur3"),
    ("referent2", "Nathalie Caron", "tuteur", "demo-referent2"),
    ("ipr", "Olivier Marchal", "inspecteur", "demo-ipr"),
    ("principal", "Anne Fournier", "tuteur", "demo-principal"),
    ("responsable", "Karim Benali", "tuteur", "demo-responsable"),
]

# nom, prénom, parcours, lieu, début, fin, stagiaire, tuteur de terrain, tuteur Inspé, inspecteur,
# chef d'établissement, responsable de parcours
EFFECTIFS_DEMO = [
    ("MOREAU", "Léa", "m1_meef_1d_sopa", "École élémentaire Jules-Ferry, Clairval", "2026-11-16",
     "2026-11-27", "stagiaire", "tuteur", "referent", "inspecteur", "", "responsable"),
    ("BERNARD", "Hugo", "m1_meef_1d_sopa", "École élémentaire Jules-Ferry, Clairval", "2026-11-16",
     "2026-11-27", "", "tuteur", "referent", "inspecteur", "", "responsable"),
    ("LEROY", "Camille", "m1_meef_1d_sopa", "École maternelle Les Tilleuls, Clairval", "2026-11-16",
     "2026-11-27", "", "tuteur2", "referent", "inspecteur", "", "responsable"),
    ("FONTAINE", "Inès", "pe_stagiaire", "École primaire Victor-Hugo, Saint-Aubin", "2026-09-01",
     "2027-06-30", "", "tuteur", "referent2", "inspecteur", "", "responsable"),
    ("GIRARD", "Lucas", "pe_stagiaire", "École élémentaire Pasteur, Saint-Aubin", "2026-09-01",
     "2027-06-30", "", "tuteur2", "referent2", "inspecteur", "", "responsable"),
    ("CHEVALIER", "Manon", "m2_meef_ca", "École élémentaire Jean-Moulin, Clairval", "2026-09-01",
     "2027-06-30", "", "tuteur", "referent", "inspecteur", "", "responsable"),
    ("ROUX", "Théo", "m2_meef_ca", "Collège Louise-Michel, Clairval", "2026-09-01", "2027-06-30",
     "", "tuteur3", "referent2", "ipr", "principal", "responsable"),
    ("LAMBERT", "Chloé", "stagiaire_2d_cpe", "Lycée Marie-Curie, Clairval", "2026-09-01",
     "2027-06-30", "", "tuteur3", "referent2", "ipr", "principal", "responsable"),
    ("FAURE", "Nathan", "stagiaire_2d_cpe", "Collège Louise-Michel, Clairval", "2026-09-01",
     "2027-06-30", "", "tuteur3", "referent", "ipr", "principal", "responsable"),
    ("MERCIER", "Jade", "m2a", "Lycée Marie-Curie, Clairval", "2027-01-11", "2027-02-05",
     "", "tuteur3", "referent2", "", "principal", "responsable"),
    ("BLANC", "Enzo", "du", "Collège Louise-Michel, Clairval", "2027-01-11", "2027-02-05",
     "", "tuteur3", "referent", "", "principal", "responsable"),
    ("GUERIN", "Zoé", "m1_meef_1d_sopa", "École maternelle Les Tilleuls, Clairval", "2026-11-16",
     "2026-11-27", "", "tuteur2", "referent2", "inspecteur", "", "responsable"),
]


def effectifs_de_demo(moteur) -> list[tuple[str, str, str, str]]:
    """The demo roster (a dozen stagiaires of several parcours, bound to the demo accounts), made
    only when the roster is empty, with the other accounts it names; returns those accounts."""
    with Session(moteur) as session:
        existants = set(session.scalars(select(Compte.identifiant)))
        vide = session.scalar(select(Stagiaire.id).limit(1)) is None
    for identifiant, nom, role, mot_de_passe in AUTRES_DEMO:
        if identifiant not in existants:
            creer_compte(moteur, identifiant, nom, role, mot_de_passe,
                         f"{identifiant}@clairval.example")
    if vide:
        with Session(moteur) as session, session.begin():
            for (nom, prenom, parcours, lieu, debut, fin, stagiaire, terrain, inspe, inspecteur,
                 chef, responsable) in EFFECTIFS_DEMO:
                session.add(Stagiaire(
                    nom=nom, prenom=prenom, parcours=parcours, lieu=lieu, periode_debut=debut,
                    periode_fin=fin, compte_stagiaire=stagiaire, tuteur_terrain=terrain,
                    tuteur_inspe=inspe, inspecteur=inspecteur, chef_etablissement=chef,
                    responsable_parcours=responsable))
    return AUTRES_DEMO
