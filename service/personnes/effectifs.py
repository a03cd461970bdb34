"""The roster: stagiaires, their tuteurs and their trio, imported from a spreadsheet.

It is described by a declaration (``donnees/effectifs/v1.yaml``), so the
spreadsheet to fill, its reading and its row-by-row errors are the same as for
bulk generation. It pre-fills forms with what the institution knows, and says
who forms each stagiaire's trio (stagiaire, tuteur de terrain, tuteur Inspé):
the only people, with the secretariat, who see the follow-up documents.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import String, delete, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from service.bd.modele import Base
from service.catalogue import personnes
from service.catalogue.declaration import Formulaire, charger
from service.catalogue.tableur import ErreurCellule, lire, valider_lignes

from .comptes import Compte

DECLARATION = charger(Path(__file__).parents[1] / "donnees" / "effectifs" / "v1.yaml")


class Stagiaire(Base):
    __tablename__ = "stagiaires"
    id: Mapped[int] = mapped_column(primary_key=True)
    nom: Mapped[str] = mapped_column(String(80))
    prenom: Mapped[str] = mapped_column(String(80))
    parcours: Mapped[str] = mapped_column(String(300), default="")
    lieu: Mapped[str] = mapped_column(String(300), default="")
    periode_debut: Mapped[str] = mapped_column(String(10), default="")
    periode_fin: Mapped[str] = mapped_column(String(10), default="")
    compte_stagiaire: Mapped[str] = mapped_column(String(120), default="")
    tuteur_terrain: Mapped[str] = mapped_column(String(120), default="")
    tuteur_inspe: Mapped[str] = mapped_column(String(120), default="")

    @property
    def trio(self) -> set[str]:
        return {x for x in (self.compte_stagiaire, self.tuteur_terrain, self.tuteur_inspe) if x}


def _texte(valeur) -> str:
    return valeur.isoformat() if isinstance(valeur, dt.date) else (valeur or "")


class Importation(NamedTuple):
    nombre: int  # stagiaires imported (0 when any row is wrong: all or nothing)
    erreurs: list[ErreurCellule]
    feuille_lue: str  # « feuille « Stagiaires » lue » ("" for a .csv)


def importer(base, donnees: bytes, nom: str) -> Importation:
    """Replaces the roster with the spreadsheet's rows, all or nothing."""
    lecture = lire(donnees, nom, DECLARATION)
    feuille = lecture.feuille_lue if lecture.feuille else ""
    valides, erreurs = valider_lignes(lecture, DECLARATION)
    if erreurs:
        return Importation(0, erreurs, feuille)
    with Session(base) as session, session.begin():
        session.execute(delete(Stagiaire))
        for _, valeurs in valides:
            session.add(Stagiaire(**{cle: _texte(v) for cle, v in valeurs.items()}))
    return Importation(len(valides), [], feuille)


def de(base, identifiant: str) -> list[Stagiaire]:
    """The stagiaires whose trio ``identifiant`` belongs to."""
    with Session(base) as session:
        return list(session.scalars(select(Stagiaire).where(or_(
            Stagiaire.tuteur_terrain == identifiant, Stagiaire.tuteur_inspe == identifiant,
            Stagiaire.compte_stagiaire == identifiant)).order_by(Stagiaire.nom, Stagiaire.prenom)))


def tous(base) -> list[Stagiaire]:
    with Session(base) as session:
        return list(session.scalars(select(Stagiaire).order_by(Stagiaire.nom, Stagiaire.prenom)))


def un(base, stagiaire_id: int) -> Stagiaire | None:
    with Session(base) as session:
        return session.get(Stagiaire, stagiaire_id)


def _nom(base, identifiant: str) -> str:
    with Session(base) as session:
        compte = session.scalar(select(Compte).where(Compte.identifiant == identifiant))
        return compte.nom if compte else ""


def preremplissage(base, stagiaire: Stagiaire, formulaire: Formulaire) -> dict:
    """What the institution knows of this stagiaire, in the fields of ``formulaire`` that hold
    it (``catalogue.personnes`` says which): the roster's columns, the tuteurs' names."""
    connu = {role: getattr(stagiaire, role) for role in personnes.DU_STAGIAIRE}
    connu["tuteur_terrain"] = _nom(base, stagiaire.tuteur_terrain)
    connu["tuteur_inspe"] = _nom(base, stagiaire.tuteur_inspe)
    return {champ: connu[role] for role, noms in personnes.champs(formulaire).items()
            for champ in noms if connu.get(role)}
