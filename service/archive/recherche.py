"""Finding archived documents: filters, full text, a stagiaire's dossier, what has not come back.

Every query is limited to what the reader may read, by the rule of
service/personnes/acces.py (``filtre_archives``): the same rule as for one record.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from service.catalogue.contexte import date_fr
from service.catalogue.tableur import classeur_liste, neutraliser
from service.catalogue.validation import cle_de_comparaison, cle_de_tri
from service.personnes import acces
from service.personnes.effectifs import Stagiaire

from .depot import LIBRE, Archive, MotArchive, VersionArchivee, mots

PAR_PAGE = 50


@dataclass(frozen=True)
class Filtres:
    texte: str = ""
    stagiaire: str = ""
    tuteur: str = ""
    gabarit: str = ""
    annee: str = ""
    statut: str = ""

    @classmethod
    def depuis(cls, arguments) -> Filtres:
        """From a query string or JSON object; unknown keys are ignored."""
        return cls(**{k: str(arguments.get(k) or "").strip()[:200]
                      for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Lecteur:
    """Who searches (an account, or just its identifiant and role): acces.py decides."""
    identifiant: str
    role: str


def _requete(filtres: Filtres, lecteur: Lecteur):
    requete = acces.filtre_archives(select(Archive), lecteur, Archive.lecteurs)
    if filtres.gabarit:
        requete = requete.where(Archive.gabarit_id == filtres.gabarit)
    if filtres.annee:
        requete = requete.where(Archive.annee == filtres.annee)
    if filtres.statut in ("recu", "signe"):
        requete = requete.where(Archive.statut == filtres.statut)
    elif filtres.statut == "archive":  # archived, signed or not
        requete = requete.where(Archive.statut.in_(("archive", "signe")))
    if filtres.stagiaire:
        requete = requete.where(Archive.stagiaire_cle.contains(cle_de_comparaison(filtres.stagiaire)))
    if filtres.tuteur:
        requete = requete.where(func.lower(Archive.tuteur).contains(filtres.tuteur.lower()))
    for mot in sorted(mots(filtres.texte)):
        # a word of the query matches the start of a word of the document
        requete = requete.where(Archive.id.in_(select(MotArchive.archive_id).where(
            MotArchive.mot >= mot, MotArchive.mot < mot + "\uffff")))
    return requete


def rechercher(base, filtres: Filtres, lecteur: Lecteur, page: int = 1,
               par_page: int = PAR_PAGE) -> tuple[int, list[Archive]]:
    """How many documents match, and those of ``page``, the most recently changed first."""
    requete = _requete(filtres, lecteur)
    with Session(base) as session:
        total = session.scalar(select(func.count()).select_from(requete.subquery()))
        trouves = list(session.scalars(
            requete.options(selectinload(Archive.versions))
            .order_by(Archive.modifie_le.desc(), Archive.id.desc())
            .limit(par_page).offset((max(page, 1) - 1) * par_page)))
    return total, trouves


def dossier(base, stagiaire: Stagiaire, lecteur: Lecteur) -> list[Archive]:
    """Every archived document about ``stagiaire`` (bound to their trio, not a namesake's)
    the reader may see, with its versions."""
    cle = cle_de_comparaison(f"{stagiaire.nom} {stagiaire.prenom}")
    requete = acces.filtre_dossier(select(Archive).where(Archive.stagiaire_cle == cle),
                                   stagiaire, Archive.lecteurs)
    requete = acces.filtre_archives(requete, lecteur, Archive.lecteurs)
    with Session(base) as session:
        return list(session.scalars(requete.options(selectinload(Archive.versions))
                                    .order_by(Archive.gabarit_id, Archive.cree_le)))


@dataclass(frozen=True)
class Manquant:
    stagiaire: Stagiaire
    gabarit_id: str
    titre: str


def attendus(parametres: dict) -> list[str]:
    """The gabarits every stagiaire of the roster must send back, from the institution's settings."""
    return list((parametres.get("archives") or {}).get("attendus") or [])


def manquants(base, catalogue, annee: str) -> list[Manquant]:
    """For each stagiaire of the roster, the expected documents of their parcours not received
    for ``annee``.

    A record whose only versions are pre-filled documents sent back untouched (« inchangé »,
    never archived) is not a document received: it stays expected."""
    reel = exists().where(VersionArchivee.archive_id == Archive.id,
                          or_(VersionArchivee.inchange.is_(False),
                              VersionArchivee.archive_le.is_not(None)))
    with Session(base) as session:
        inscrits = list(session.scalars(select(Stagiaire)))
        recus = set(tuple(r) for r in session.execute(select(Archive.stagiaire_cle, Archive.gabarit_id)
                                    .where(Archive.annee == annee, reel)).all())
    resultat = []
    for gabarit_id in attendus(catalogue.etablissement.parametres):
        gabarit = catalogue.gabarit(gabarit_id)
        titre = gabarit.titre
        for inscrit in inscrits:
            if not acces.Formulaire.de(gabarit.formulaire, inscrit).s_applique:
                continue  # not a document of their parcours
            if (cle_de_comparaison(f"{inscrit.nom} {inscrit.prenom}"), gabarit_id) not in recus:
                resultat.append(Manquant(inscrit, gabarit_id, titre))
    return sorted(resultat, key=lambda m: (*cle_de_tri(m.stagiaire.nom, m.stagiaire.prenom),
                                           m.titre))


ENTETES = ["N° d'archive", "Document", "Stagiaire", "Tuteur ou tutrice", "Année universitaire",
           "Statut", "Versions", "Reçu le", "Archivé le", "Version du gabarit", "Conservé jusqu'au"]


def exporter_xlsx(base, filtres: Filtres, lecteur: Lecteur) -> bytes:
    """The list of matching documents as a spreadsheet (every page, not just the first)."""
    classeur, feuille = classeur_liste("Archives", ENTETES)
    page = 1
    while True:
        _, archives = rechercher(base, filtres, lecteur, page=page, par_page=500)
        for a in archives:
            derniere = a.versions[-1]
            feuille.append([neutraliser(x) for x in (
                a.numero, a.titre if a.gabarit_id != LIBRE else f"Document libre : {a.titre}",
                a.stagiaire, a.tuteur, a.annee, a.libelle_statut, len(a.versions),
                date_fr(a.versions[0].depose_le), date_fr(derniere.archive_le),
                "" if derniere.gabarit_version is None else derniere.gabarit_version,
                date_fr(a.conserver_jusqu_au))])
        if len(archives) < 500:
            break
        page += 1
    for colonne, largeur in zip("ABCDEFGHIJK", (16, 40, 24, 24, 12, 10, 9, 11, 11, 9, 14)):
        feuille.column_dimensions[colonne].width = largeur
    sortie = BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()
