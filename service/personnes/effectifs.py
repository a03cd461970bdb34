"""The roster: stagiaires, their parcours and the people bound to them, imported from a spreadsheet.

It is described by a declaration (``donnees/effectifs/v1.yaml``), so the
spreadsheet to fill, its reading and its row-by-row errors are the same as for
bulk generation. It pre-fills forms with what the institution knows, and says,
for each stagiaire, which account holds each position (``POSTES``: the
stagiaire, the tuteur de terrain, the tuteur Inspé — the trio —, the IEN or
IA-IPR, the chef d'établissement, the responsable de parcours). An identifier
that names no account, or an account whose role does not fit the position, is
an error in its cell. The parcours is an id of the institution's list
(``PARCOURS``), given in the spreadsheet by its id or its label.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import String, delete, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from service.bd.modele import Base
from service.catalogue import personnes
from service.catalogue.declaration import Formulaire, charger
from service.catalogue.tableur import ErreurCellule, colonnes, lire, valider_lignes
from service.catalogue.validation import cle_de_comparaison, cle_de_tri

from . import reglages
from .comptes import ROLES, Compte

_DONNEES = Path(__file__).parents[1] / "donnees"

class _Parcours(Mapping):
    """The settings' list of parcours (id → label), as the current version of the settings
    says it (service/catalogue/reglages.py, ``en_vigueur``): a parcours the administrateur adds
    is offered without a restart."""

    def _liste(self) -> dict[str, str]:
        return reglages.en_vigueur().parcours

    def __getitem__(self, cle):
        return self._liste()[cle]

    def __iter__(self):
        return iter(self._liste())

    def __len__(self):
        return len(self._liste())

    def __contains__(self, cle):
        return cle in self._liste()


PARCOURS = _Parcours()


def libelle_parcours(parcours: str) -> str:
    """The label of a parcours id; a value that is no id (imported before the list) as it is."""
    return PARCOURS.get(parcours, parcours or "")


@dataclasses.dataclass(frozen=True)
class Poste:
    colonne: str  # the roster's column holding the account's identifiant
    libelle: str
    roles: frozenset[str]  # the account roles that may hold it
    court: str = ""  # in a table's cell

    @property
    def dans_une_phrase(self) -> str:
        """« tuteur ou tutrice de terrain », « IEN ou IA-IPR »: the label inside a sentence."""
        return self.libelle if self.libelle[:2].isupper() else self.libelle[0].lower() + self.libelle[1:]


# The positions relative to a stagiaire (the shared vocabulary's keys), in the roster's order.
# The accounts have no role of their own for a chef d'établissement or a responsable de
# parcours: the roles of the people who hold these positions (a directeur d'école has a tuteur's
# account, a principal an inspecteur's or a tuteur's; a responsable de parcours a formateur's).
POSTES: dict[str, Poste] = {
    "stagiaire": Poste("compte_stagiaire", "Stagiaire", frozenset({"stagiaire"}), "Stagiaire"),
    "tuteur_terrain": Poste("tuteur_terrain", "Tuteur ou tutrice de terrain", frozenset({"tuteur"}),
                            "Terrain"),
    "tuteur_inspe": Poste("tuteur_inspe", "Tuteur ou tutrice Inspé", frozenset({"tuteur"}), "Inspé"),
    "inspecteur": Poste("inspecteur", "IEN ou IA-IPR", frozenset({"inspecteur"}), "IEN / IA-IPR"),
    "chef_etablissement": Poste("chef_etablissement", "Chef d’établissement ou directeur d’école",
                                frozenset({"tuteur", "inspecteur"}), "Chef d’établissement"),
    "responsable_parcours": Poste("responsable_parcours", "Responsable de parcours",
                                  frozenset({"tuteur", "secretariat", "administrateur"}),
                                  "Resp. de parcours"),
}
COLONNES_POSTES = tuple(p.colonne for p in POSTES.values())
# Positions of the shared vocabulary the roster does not bind to one stagiaire: the pilote of a
# collective of tuteurs, the secretariat (by role).
HORS_EFFECTIFS = ("pilote", "secretariat")


@functools.lru_cache(maxsize=8)
def _declaration(liste: tuple[tuple[str, str], ...]) -> Formulaire:
    """The roster's declaration, its ``parcours`` a choice among the settings' labels."""
    formulaire = charger(_DONNEES / "effectifs" / "v1.yaml")
    parcours = dict(liste)
    libelles = tuple(parcours.values())
    aide = ("Le libellé, choisi dans la liste ; un tableur fait ailleurs peut aussi donner "
            "l'identifiant : " + ", ".join(parcours) + ".")

    def champ(c):
        return dataclasses.replace(c, type="choix", choix=libelles, aide=aide) if c.nom == "parcours" else c

    sections = tuple(dataclasses.replace(s, champs=tuple(map(champ, s.champs)))
                     for s in formulaire.sections)
    exemple = dict(formulaire.exemple)
    exemple["parcours"] = parcours.get(exemple.get("parcours"), libelles[0])  # an id in the file
    return dataclasses.replace(formulaire, sections=sections, exemple=exemple)


def declaration() -> Formulaire:
    """The roster's declaration with the current settings' parcours."""
    return _declaration(tuple(PARCOURS.items()))


DECLARATION = declaration()  # the settings file's parcours (what the tests' spreadsheets use)


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
    inspecteur: Mapped[str] = mapped_column(String(120), default="", server_default="")
    chef_etablissement: Mapped[str] = mapped_column(String(120), default="", server_default="")
    responsable_parcours: Mapped[str] = mapped_column(String(120), default="", server_default="")

    @property
    def trio(self) -> set[str]:
        return {x for x in (self.compte_stagiaire, self.tuteur_terrain, self.tuteur_inspe) if x}

    def compte(self, poste: str) -> str:
        """The identifiant of the account holding ``poste`` (a key of ``POSTES``) for this stagiaire."""
        return getattr(self, POSTES[poste].colonne) or ""

    def postes_de(self, identifiant: str) -> list[str]:
        """The positions ``identifiant`` holds for this stagiaire (keys of ``POSTES``)."""
        return [p for p in POSTES if identifiant and self.compte(p) == identifiant]

    @property
    def parcours_libelle(self) -> str:
        return libelle_parcours(self.parcours)


def _texte(valeur) -> str:
    return valeur.isoformat() if isinstance(valeur, dt.date) else (valeur or "")


class Importation(NamedTuple):
    nombre: int  # stagiaires imported (0 when any row is wrong: all or nothing)
    erreurs: list[ErreurCellule]
    feuille_lue: str  # « feuille « Stagiaires » lue » ("" for a .csv)


def _parcours_en_libelle(valeur):
    """A parcours given by its id (any case) becomes its label, which the declaration's choice
    knows; anything else is left for the choice to accept (by label) or refuse."""
    if isinstance(valeur, str):
        par_cle = {cle_de_comparaison(i): lib for i, lib in PARCOURS.items()}
        return par_cle.get(cle_de_comparaison(valeur), valeur)
    return valeur


def _comptes_des_postes(base, lecture) -> list[ErreurCellule]:
    """Each position's identifiant must name an account whose role fits the position."""
    entetes = {c.chemin[0]: c.entete for c in colonnes(declaration())}
    with Session(base) as session:
        comptes = {c.identifiant: (c.role, c.nom) for c in session.execute(
            select(Compte.identifiant, Compte.role, Compte.nom))}
    erreurs = []
    for ligne in lecture.lignes:
        for poste in POSTES.values():
            valeur = ligne.donnees.get(poste.colonne)
            if valeur is None or not str(valeur).strip():
                continue
            identifiant = str(valeur).strip().lower()
            ligne.donnees[poste.colonne] = identifiant
            if identifiant not in comptes:
                message = f"aucun compte « {identifiant} »"
            elif comptes[identifiant][0] not in poste.roles:
                role, nom = comptes[identifiant]
                message = (f"le compte « {identifiant} » ({nom}) est un compte « "
                           f"{ROLES.get(role, role)} », qui ne peut pas être : {poste.dans_une_phrase}")
            else:
                continue
            erreurs.append(ErreurCellule(ligne.numero, entetes[poste.colonne],
                                         ligne.colonnes.get((poste.colonne,)), message))
    return erreurs


def importer(base, donnees: bytes, nom: str) -> Importation:
    """Replaces the roster with the spreadsheet's rows, all or nothing: every row valid, every
    position's identifiant an account whose role fits it."""
    formulaire = declaration()
    lecture = lire(donnees, nom, formulaire)
    feuille = lecture.feuille_lue if lecture.feuille else ""
    for ligne in lecture.lignes:
        if "parcours" in ligne.donnees:
            ligne.donnees["parcours"] = _parcours_en_libelle(ligne.donnees["parcours"])
    erreurs_comptes = _comptes_des_postes(base, lecture)
    valides, erreurs = valider_lignes(lecture, formulaire)
    erreurs = sorted(erreurs + erreurs_comptes, key=lambda e: (e.ligne, e.numero_colonne or 0))
    if erreurs:
        return Importation(0, erreurs, feuille)
    ids = {libelle: i for i, libelle in PARCOURS.items()}
    with Session(base) as session, session.begin():
        # a stagiaire already there keeps their id, so their dossier stays theirs: found by
        # their account, else by their name (one of several namesakes is taken in order)
        anciens = list(session.scalars(select(Stagiaire).order_by(Stagiaire.id)))
        gardes = set()
        for _, valeurs in valides:
            valeurs = {cle: _texte(v) for cle, v in dict(
                valeurs, parcours=ids.get(valeurs.get("parcours"), "")).items()}
            meme = next((a for a in anciens if a.id not in gardes and _meme_personne(a, valeurs)),
                        None)
            if meme is None:
                meme = Stagiaire()
                session.add(meme)
            for cle, valeur in valeurs.items():
                setattr(meme, cle, valeur)
            session.flush()
            gardes.add(meme.id)
        session.execute(delete(Stagiaire).where(Stagiaire.id.not_in(gardes)))
    return Importation(len(valides), [], feuille)


def _meme_personne(ancien: Stagiaire, valeurs: dict) -> bool:
    if ancien.compte_stagiaire or valeurs.get("compte_stagiaire"):
        return ancien.compte_stagiaire == valeurs.get("compte_stagiaire")
    return cle_de_comparaison(f"{ancien.nom} {ancien.prenom}") == cle_de_comparaison(
        f"{valeurs.get('nom', '')} {valeurs.get('prenom', '')}")


def candidats(base, poste: str) -> list[Compte]:
    """The active accounts that may hold ``poste`` (a key of ``POSTES``), by name."""
    with Session(base, expire_on_commit=False) as session:
        return list(session.scalars(select(Compte).where(
            Compte.actif.is_(True), Compte.role.in_(POSTES[poste].roles))
            .order_by(Compte.nom, Compte.identifiant)))


def attribuer(base, stagiaire_id: int, poste: str, identifiant: str) -> str:
    """Binds ``poste`` of one stagiaire to another account (one disabled leaves its slots to
    someone): an active account whose role fits the position, as the import asks. Returns the
    identifiant it replaces. ValueError, in French, when it may not; the next import of the
    roster replaces it with what the spreadsheet says."""
    if poste not in POSTES:
        raise ValueError(f"poste inconnu : {poste}")
    identifiant = identifiant.strip().lower()
    with Session(base) as session, session.begin():
        stagiaire = session.get(Stagiaire, stagiaire_id)
        qui = session.scalar(select(Compte).where(Compte.identifiant == identifiant))
        if stagiaire is None:
            raise ValueError("ce stagiaire n’est plus dans la liste des stagiaires")
        if qui is None or not qui.actif:
            raise ValueError(f"aucun compte actif « {identifiant} »")
        if qui.role not in POSTES[poste].roles:
            raise ValueError(f"le compte « {identifiant} » ({qui.nom}) est un compte « "
                             f"{ROLES.get(qui.role, qui.role)} », qui ne peut pas être : "
                             f"{POSTES[poste].dans_une_phrase}")
        ancien = getattr(stagiaire, POSTES[poste].colonne) or ""
        setattr(stagiaire, POSTES[poste].colonne, identifiant)
    return ancien


def de(base, identifiant: str) -> list[Stagiaire]:
    """The stagiaires for whom ``identifiant`` holds any position (``POSTES``)."""
    if not identifiant:
        return []
    with Session(base) as session:
        return par_nom(session.scalars(select(Stagiaire).where(or_(
            *[getattr(Stagiaire, p.colonne) == identifiant for p in POSTES.values()]))))


def tous(base) -> list[Stagiaire]:
    with Session(base) as session:
        return par_nom(session.scalars(select(Stagiaire)))


def par_nom(stagiaires) -> list[Stagiaire]:
    """In the order a French reader looks for a name (cle_de_tri): SQL's ORDER BY puts
    ÆBISCHER and ÉMERY after ZOLA."""
    return sorted(stagiaires, key=lambda s: cle_de_tri(s.nom, s.prenom))


def un(base, stagiaire_id: int) -> Stagiaire | None:
    with Session(base) as session:
        return session.get(Stagiaire, stagiaire_id)


def noms(base) -> dict[str, str]:
    """Each account's name by its identifiant: the roster shows people, not logins."""
    with Session(base) as session:
        return dict(session.execute(select(Compte.identifiant, Compte.nom)).all())


def _nom(base, identifiant: str) -> str:
    with Session(base) as session:
        compte = session.scalar(select(Compte).where(Compte.identifiant == identifiant))
        return compte.nom if compte else ""


def preremplissage(base, stagiaire: Stagiaire, formulaire: Formulaire) -> dict:
    """What the institution knows of this stagiaire, in the fields of ``formulaire`` that hold
    it (``catalogue.personnes`` says which): the roster's columns, the tuteurs' names."""
    connu = {role: getattr(stagiaire, role) for role in personnes.DU_STAGIAIRE}
    connu["parcours"] = stagiaire.parcours_libelle  # the label, not the id
    connu["tuteur_terrain"] = _nom(base, stagiaire.tuteur_terrain)
    connu["tuteur_inspe"] = _nom(base, stagiaire.tuteur_inspe)
    return {champ: connu[role] for role, noms in personnes.champs(formulaire).items()
            for champ in noms if connu.get(role)}


def parcours_utilises(base) -> dict[str, str]:
    """The parcours a stagiaire of the roster is in → the first such stagiaire (« le stagiaire
    MARTIN Léa »): the settings' list may not lose them."""
    with Session(base) as session:
        lignes = session.execute(select(Stagiaire.parcours, Stagiaire.nom, Stagiaire.prenom)
                                 .order_by(Stagiaire.nom, Stagiaire.prenom))
        utilises: dict[str, str] = {}
        for parcours, nom, prenom in lignes:
            utilises.setdefault(parcours, f"la liste des stagiaires ({nom} {prenom})")
    return utilises
