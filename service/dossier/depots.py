"""Which dossier an uploaded .docx or a lot's document joins, and only for who may write it.

A document names its stagiaire: by its identity (the numéro of a document the service made,
already a dossier row's) or by the name in its values. That says what it is about, never a
right: it joins that stagiaire's dossier only when the account that sent it (or launched the
lot) may fill that document for them (service/personnes/acces.py). A name two roster
stagiaires share joins the one the account may write for, or none.

The web, the API and the command line call ``rattacher`` after a deposit, ``archivee``
after the archiving and ``abandonne`` when a waiting upload is abandoned; a lot calls
``places`` when it is created (service/lots/lots.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.archive.depot import LIBRE, ArchiveIntrouvable
from service.catalogue import personnes as catalogue_personnes
from service.catalogue.extraction import proprietes_docx
from service.catalogue.validation import cle_de_comparaison
from service.personnes import acces
from service.personnes.effectifs import Stagiaire

from . import suivi
from .modele import DocumentDuDossier

# why a document joins no dossier (a lot's page lists them)
HORS_EFFECTIFS = "hors effectifs"
HOMONYMES = "plusieurs stagiaires de la liste portent ce nom"
HORS_PARCOURS = "ce document n'est pas de son parcours"
NON_AUTORISE = "son auteur n'écrit pas ce document pour ce stagiaire"


class Effectifs:
    """The roster by name, read once (a lot looks each of its rows up)."""

    def __init__(self, base):
        with Session(base, expire_on_commit=False) as session:
            tous = list(session.scalars(select(Stagiaire)))
        self.par_cle: dict[str, list[Stagiaire]] = defaultdict(list)
        self.par_id = {s.id: s for s in tous}
        for stagiaire in tous:
            self.par_cle[cle_de_comparaison(f"{stagiaire.nom} {stagiaire.prenom}")].append(stagiaire)

    def du_nom(self, stagiaire_cle: str) -> list[Stagiaire]:
        return list(self.par_cle.get(stagiaire_cle, ())) if stagiaire_cle else []


def ecrit(compte, formulaire, stagiaire: Stagiaire) -> bool:
    """May ``compte`` fill a document of ``formulaire`` about ``stagiaire``?"""
    return acces.peut(compte, "remplir", acces.Formulaire.de(formulaire, stagiaire))


def choisir(compte, formulaire, candidats: list[Stagiaire]) -> tuple[Stagiaire | None, str]:
    """The one roster stagiaire of ``candidats`` (same name) the account writes for, else None
    and why (in French)."""
    if not candidats:
        return None, HORS_EFFECTIFS
    permis = [s for s in candidats if ecrit(compte, formulaire, s)]
    if len(permis) == 1:
        return permis[0], ""
    if permis:
        return None, HOMONYMES
    if not any(acces.Formulaire.de(formulaire, s).s_applique for s in candidats):
        return None, HORS_PARCOURS
    return None, NON_AUTORISE


# --- an upload ----------------------------------------------------------------------------

def _par_identite(base, numero_document: str, gabarit_id: str, compte, formulaire):
    """The stagiaire and year of the dossier row that holds the document the upload says it is
    (its ``document_numero``), when the account writes it; (None, None) otherwise."""
    if not numero_document:
        return None, None
    with Session(base) as session:
        doc = suivi.par_numero(session, numero_document)
        stagiaire = session.get(Stagiaire, doc.stagiaire_id) if doc is not None else None
        annee = doc.annee if doc is not None else None
    if stagiaire is None or doc.gabarit_id != gabarit_id or not ecrit(compte, formulaire, stagiaire):
        return None, None
    return stagiaire, annee


def rattacher(base, catalogue, archives, numero: str, version: int, compte, *,
              inchange_accepte: bool = False) -> DocumentDuDossier | None:
    """After a deposit: the dossier row upload ``numero`` v``version`` joins (« à vérifier »),
    or None (a free document, an « inchangé » one, nobody of the roster, or a stagiaire the
    depositor does not write for)."""
    archive = archives.une(numero)
    cible = next((v for v in archive.versions if v.version == version), None)
    if cible is None or archive.gabarit_id == LIBRE or (cible.inchange and not inchange_accepte):
        return None
    formulaire = catalogue.gabarit(archive.gabarit_id, cible.gabarit_version).formulaire
    numero_document = proprietes_docx(archives.coffre.lire(cible.docx_sha256)).get(
        "document_numero", "")
    stagiaire, annee = _par_identite(base, numero_document, archive.gabarit_id, compte, formulaire)
    if stagiaire is None:
        stagiaire, _ = choisir(compte, formulaire, Effectifs(base).du_nom(archive.stagiaire_cle))
        annee = archive.annee
    if stagiaire is None:
        return None
    return suivi.depot_recu(base, catalogue, stagiaire, archive.gabarit_id, archive.numero,
                            annee, compte.identifiant)


def archivee(base, catalogue, archives, numero: str, version: int, compte
             ) -> DocumentDuDossier | None:
    """After the archiving of upload ``numero`` v``version``: its dossier row « archivé »
    (joined now if it was not: an « inchangé » one a person chose to archive)."""
    archive = archives.une(numero)
    cible = next((v for v in archive.versions if v.version == version), None)
    if cible is None or not cible.archive_le:
        return None
    with Session(base) as session:
        doc = suivi.par_numero(session, numero)
    if doc is None:
        doc = rattacher(base, catalogue, archives, numero, version, compte, inchange_accepte=True)
    if doc is None or doc.archive_numero != numero:
        return None  # nobody's, or a slot already complete that this upload did not replace
    suivi.depot_archive(base, numero, cible.signe, compte.identifiant, catalogue)
    return doc


def abandonne(base, catalogue, archives, numero: str, compte) -> None:
    """After an upload was abandoned: when no version of record ``numero`` waits any more,
    its dossier row is back to where it was before it."""
    try:
        archive = archives.une(numero)
    except ArchiveIntrouvable:  # its only version: the record is gone
        archive = None
    if archive is None or not any(not v.archive_le for v in archive.versions):
        suivi.depot_abandonne(base, catalogue, numero, compte.identifiant)


# --- a lot --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Place:
    """Where a lot's row goes: its stagiaire's dossier (``stagiaire_id``), or none and why."""
    stagiaire: str  # « NOM Prénom », as the row names them
    stagiaire_id: int | None
    raison: str = ""  # HORS_EFFECTIFS, HOMONYMES, NON_AUTORISE


def places(base, formulaire, lignes: list[dict], compte) -> list[Place]:
    """For each row of a lot (validated values), the dossier its document joins: the roster is
    read once, each row matched by name, with the rights of the lot's author."""
    effectifs = Effectifs(base)
    sortie = []
    for valeurs in lignes:
        nom = catalogue_personnes.stagiaire(formulaire, valeurs)
        stagiaire, raison = choisir(compte, formulaire, effectifs.du_nom(cle_de_comparaison(nom)))
        sortie.append(Place(nom, stagiaire.id if stagiaire else None, raison))
    return sortie
