"""What each person sees of the dossiers: « Mes documents », a stagiaire's dossier, the campaign.

Rows are read with a few queries (the stagiaires one holds a position for, their rows, the
accounts' names), then sorted in Python with the declarations: nothing reads a document's files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.catalogue import contexte
from service.catalogue.contexte import date_fr
from service.personnes import effectifs
from service.personnes.comptes import Compte
from service.personnes.effectifs import Stagiaire

from . import etats
from .modele import DocumentDuDossier
from .suivi import annee_courante, ouvrir


@dataclass
class Ligne:
    """One document of a dossier, as a page shows it."""
    doc: DocumentDuDossier
    stagiaire: Stagiaire
    titre: str
    etat: str  # its label (« En signature »)
    echeance: str  # « 15/01/2027 », "" when none
    en_retard: bool
    reste: list[str] = field(default_factory=list)  # « Hélène Garnier (tuteur ou tutrice de terrain) »
    a_signer: list[str] = field(default_factory=list)  # the slots the reader may sign now
    bloque_par: list[str] = field(default_factory=list)  # whose action it waits for (names)

    @property
    def stagiaire_nom(self) -> str:
        return f"{self.stagiaire.prenom} {self.stagiaire.nom}"


@dataclass
class MesDocuments:
    a_remplir: list[Ligne] = field(default_factory=list)
    a_signer: list[Ligne] = field(default_factory=list)
    en_attente: list[Ligne] = field(default_factory=list)
    termines: list[Ligne] = field(default_factory=list)

    @property
    def vide(self) -> bool:
        return not (self.a_remplir or self.a_signer or self.en_attente or self.termines)


def _noms(session, identifiants) -> dict[str, str]:
    identifiants = {i for i in identifiants if i}
    if not identifiants:
        return {}
    return dict(session.execute(select(Compte.identifiant, Compte.nom).where(
        Compte.identifiant.in_(identifiants))).all())


def _ligne(catalogue, doc, stagiaire, noms: dict[str, str], aujourdhui: dt.date,
           lecteur: str = "") -> Ligne:
    gabarit = catalogue.gabarit(doc.gabarit_id, doc.gabarit_version)
    formulaire = gabarit.formulaire
    signes = doc.cases_signees
    reste, a_signer, bloque = [], [], []
    if doc.etat == "en_signature":
        prochains = etats.a_signer(formulaire, stagiaire, signes)
        for case in etats.reste(formulaire, stagiaire, signes):
            qui = noms.get(case.identifiant, "") or "personne n’est désigné"
            reste.append(f"{qui} ({case.qualite})" if case.qualite else qui)
        a_signer = [c.champ for c in prochains if lecteur and c.identifiant == lecteur]
        bloque = [noms.get(c.identifiant, c.identifiant) or c.qualite for c in prochains]
    elif doc.etat in etats.A_ECRIRE:
        bloque = sorted(noms.get(i, i) for i in etats.redacteurs(formulaire, stagiaire)) or [
            "le secrétariat"]
    elif doc.etat == "a_verifier":
        bloque = ["le secrétariat"] if doc.archive_numero and not doc.numero else ["l’auteur"]
    elif doc.etat == "signe":
        bloque = ["l’archivage"]
    en_retard = bool(doc.echeance) and doc.etat in etats.EN_COURS and \
        doc.echeance < aujourdhui.isoformat()
    return Ligne(doc, stagiaire, gabarit.titre, etats.ETATS[doc.etat], date_fr(doc.echeance)
                 if doc.echeance else "", en_retard, reste, a_signer, bloque)


def dossier(base, catalogue, stagiaire: Stagiaire, annee: str | None = None,
            lecteur: str = "") -> list[Ligne]:
    """The documents of ``stagiaire``'s dossier in ``annee``, expected ones made when missing;
    ``lecteur`` (an account's identifiant): the slots it may sign now, in ``a_signer``."""
    annee = annee or annee_courante()
    ouvrir(base, catalogue, [stagiaire], annee)
    with Session(base) as session:
        docs = list(session.scalars(select(DocumentDuDossier).where(
            DocumentDuDossier.stagiaire_id == stagiaire.id, DocumentDuDossier.annee == annee)
            .order_by(DocumentDuDossier.echeance, DocumentDuDossier.gabarit_id)))
        noms = _noms(session, [getattr(stagiaire, p.colonne) for p in effectifs.POSTES.values()])
    aujourdhui = contexte.aujourdhui()
    return [_ligne(catalogue, d, stagiaire, noms, aujourdhui, lecteur) for d in docs]


def une(base, catalogue, doc_id: int) -> Ligne | None:
    """One row of any dossier, as the campaign shows it (None: there is no such row)."""
    with Session(base) as session:
        doc = session.get(DocumentDuDossier, doc_id)
        stagiaire = session.get(Stagiaire, doc.stagiaire_id) if doc is not None else None
        if stagiaire is None:
            return None
        noms = _noms(session, [getattr(stagiaire, p.colonne) for p in effectifs.POSTES.values()])
    return _ligne(catalogue, doc, stagiaire, noms, contexte.aujourdhui())


def mes_documents(base, catalogue, compte, annee: str | None = None) -> MesDocuments:
    """What ``compte`` must fill, must sign, waits for from others, and what is done, about the
    stagiaires it holds a position for (the roster), due dates first."""
    annee = annee or annee_courante()
    stagiaires = {s.id: s for s in effectifs.de(base, compte.identifiant)}
    sortie = MesDocuments()
    if not stagiaires:
        return sortie
    ouvrir(base, catalogue, list(stagiaires.values()), annee)
    with Session(base) as session:
        docs = list(session.scalars(select(DocumentDuDossier).where(
            DocumentDuDossier.stagiaire_id.in_(stagiaires), DocumentDuDossier.annee == annee)
            .order_by(DocumentDuDossier.echeance, DocumentDuDossier.id)))
        noms = _noms(session, {getattr(s, p.colonne) for s in stagiaires.values()
                               for p in effectifs.POSTES.values()})
    aujourdhui = contexte.aujourdhui()
    for doc in docs:
        stagiaire = stagiaires[doc.stagiaire_id]
        ligne = _ligne(catalogue, doc, stagiaire, noms, aujourdhui, compte.identifiant)
        formulaire = catalogue.gabarit(doc.gabarit_id, doc.gabarit_version).formulaire
        if compte.identifiant not in etats.lecteurs(formulaire, stagiaire) \
                and doc.auteur != compte.id:
            continue  # a document of one's stagiaire that is not one's business (its lu_par…)
        ecrit = compte.identifiant in etats.redacteurs(formulaire, stagiaire)
        if doc.etat in etats.TERMINES:
            sortie.termines.append(ligne)
        elif ligne.a_signer:
            sortie.a_signer.append(ligne)
        elif ecrit and (doc.etat in etats.A_ECRIRE or (  # an upload waits for the secretariat
                doc.etat == "a_verifier" and not doc.archive_numero
                and doc.auteur in (None, compte.id))):
            sortie.a_remplir.append(ligne)
        else:
            sortie.en_attente.append(ligne)
    return sortie


@dataclass
class Campagne:
    annee: str
    gabarits: list  # (id, titre)
    comptes: dict[str, dict[str, int]]  # gabarit_id → état → nombre
    totaux: dict[str, int]  # état → nombre
    en_retard: list[Ligne]
    nombre_en_retard: int


def annees(base) -> list[str]:
    with Session(base) as session:
        connues = set(session.scalars(select(DocumentDuDossier.annee).distinct()))
    return sorted(connues | {annee_courante()}, reverse=True)


def campagne(base, catalogue, annee: str | None = None, *, gabarit_id: str = "",
             parcours: str = "", etat: str = "", limite: int = 200, decalage: int = 0
             ) -> Campagne:
    """Per année universitaire: gabarit × state counts, and the late documents (oldest due date
    first) with the person each waits for. Filters: gabarit, parcours, state."""
    annee = annee or annee_courante()
    aujourdhui = contexte.aujourdhui()
    with Session(base) as session:
        compte = (select(DocumentDuDossier.gabarit_id, DocumentDuDossier.etat, func.count())
                  .where(DocumentDuDossier.annee == annee))
        if parcours:
            compte = compte.join(Stagiaire, Stagiaire.id == DocumentDuDossier.stagiaire_id).where(
                Stagiaire.parcours == parcours)
        if gabarit_id:
            compte = compte.where(DocumentDuDossier.gabarit_id == gabarit_id)
        comptes: dict[str, dict[str, int]] = {}
        for gid, etat_, nombre in session.execute(compte.group_by(
                DocumentDuDossier.gabarit_id, DocumentDuDossier.etat)):
            comptes.setdefault(gid, {})[etat_] = nombre
        retard = (select(DocumentDuDossier, Stagiaire)
                  .join(Stagiaire, Stagiaire.id == DocumentDuDossier.stagiaire_id)
                  .where(DocumentDuDossier.annee == annee, DocumentDuDossier.echeance != "",
                         DocumentDuDossier.echeance < aujourdhui.isoformat(),
                         DocumentDuDossier.etat.in_(etats.EN_COURS)))
        if gabarit_id:
            retard = retard.where(DocumentDuDossier.gabarit_id == gabarit_id)
        if parcours:
            retard = retard.where(Stagiaire.parcours == parcours)
        if etat:
            retard = retard.where(DocumentDuDossier.etat == etat)
        nombre = session.scalar(select(func.count()).select_from(retard.subquery()))
        rangs = session.execute(retard.order_by(DocumentDuDossier.echeance, Stagiaire.nom,
                                                Stagiaire.prenom)
                                .limit(limite).offset(decalage)).all()
        noms = _noms(session, {getattr(s, p.colonne) for _, s in rangs
                               for p in effectifs.POSTES.values()})
    totaux: dict[str, int] = {}
    for par_etat in comptes.values():
        for etat_, n in par_etat.items():
            totaux[etat_] = totaux.get(etat_, 0) + n
    titres = {g.id: g.titre for g in catalogue.courants()}
    gabarits = sorted(((gid, titres.get(gid, gid)) for gid in comptes), key=lambda x: x[1])
    return Campagne(annee, gabarits, comptes, totaux,
                    [_ligne(catalogue, d, s, noms, aujourdhui) for d, s in rangs], nombre)


def depots_a_verifier(base, catalogue, annee: str | None = None, limite: int = 20
                      ) -> tuple[list[Ligne], int]:
    """The uploads the secretariat must check (« à vérifier », received in the archive), oldest
    first, and how many there are."""
    annee = annee or annee_courante()
    aujourdhui = contexte.aujourdhui()
    requete = (select(DocumentDuDossier, Stagiaire)
               .join(Stagiaire, Stagiaire.id == DocumentDuDossier.stagiaire_id)
               .where(DocumentDuDossier.annee == annee, DocumentDuDossier.etat == "a_verifier",
                      DocumentDuDossier.archive_numero.is_not(None)))
    with Session(base) as session:
        nombre = session.scalar(select(func.count()).select_from(requete.subquery()))
        rangs = session.execute(requete.order_by(DocumentDuDossier.modifie_le).limit(limite)).all()
    return [_ligne(catalogue, d, s, {}, aujourdhui) for d, s in rangs], nombre


def a_commencer(base, catalogue, stagiaire: Stagiaire, annee: str | None = None) -> list:
    """The procedures (gabarits about one stagiaire, of their parcours, that no one is expected
    to have every year) not yet opened in their dossier: someone may start one."""
    annee = annee or annee_courante()
    with Session(base) as session:
        ouverts = set(session.scalars(select(DocumentDuDossier.gabarit_id).where(
            DocumentDuDossier.stagiaire_id == stagiaire.id, DocumentDuDossier.annee == annee)))
    attendus = (catalogue.etablissement.parametres.get("archives") or {}).get("attendus") or ()
    return [g for g in catalogue.courants() if g.id not in attendus and g.id not in ouverts
            and etats.s_applique(g.formulaire, stagiaire)]
