"""The demo accounts of ``serve --demo``: invented people, for a newcomer to try everything."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .comptes import Compte, creer_compte

DEMO = [
    ("secretariat", "Claire Besson", "secretariat", "demo-secretariat"),
    ("tuteur", "Hélène Garnier", "tuteur", "demo-tuteur"),
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
