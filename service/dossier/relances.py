"""Grouped reminders: for each person, one message listing everything the dossiers await of them.

What a person is awaited for, in the dossiers of a year: the documents they write (a row « à
remplir », « brouillon » or « renvoyé » whose declaration's ``redige_par`` binds them through
the roster) and the slots they may sign now (a row « en signature »: only the next slot when
the declaration orders them). A reminder is about a date: only what is late, or due within
``JOURS`` days, is listed (a document due soon is worth one message with the late ones rather
than a second one next week); a document with no due date is never reminded.

At most one message a person a day (``Relance``): the daily command (``dossier-relancer``)
and the secretariat's « Relancer » share the limit, so a person reminded by the morning's
cron is not reminded again by a click. Each message sent is written in the audit log.

The links in the messages are made by the caller (``lien(action, document)``): the web knows
its addresses, this package does not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service import journal
from service.archive.courriel import CourrielImpossible
from service.catalogue.contexte import date_fr
from service.personnes.comptes import Compte
from service.personnes.effectifs import Stagiaire

from . import etats, suivi
from .modele import DocumentDuDossier, Relance

JOURS = 7  # a document due within a week is listed with the late ones
REMPLIR, SIGNER = "remplir", "signer"

Lien = Callable[[str, DocumentDuDossier], str]  # (REMPLIR or SIGNER, row) → an address


@dataclass(frozen=True)
class Attendu:
    """One thing awaited of a person: a document to fill, or to sign."""
    doc: DocumentDuDossier
    stagiaire: Stagiaire
    titre: str
    action: str  # REMPLIR or SIGNER

    @property
    def stagiaire_nom(self) -> str:
        return f"{self.stagiaire.nom} {self.stagiaire.prenom}"


@dataclass
class Relances:
    """What became of a round of reminders, each person named (« Nom <adresse> »)."""
    envoyees: list[str] = field(default_factory=list)
    deja: list[str] = field(default_factory=list)  # already reminded today
    sans_adresse: list[str] = field(default_factory=list)
    echecs: list[str] = field(default_factory=list)


def aujourdhui() -> dt.date:
    return suivi.maintenant().date()


def attendus(base, catalogue, annee: str, jour: dt.date, jours: int = JOURS
             ) -> dict[str, list[Attendu]]:
    """Account identifiant → what is awaited of them in ``annee``, late or due within ``jours``
    days of ``jour``, the oldest due date first."""
    limite = (jour + dt.timedelta(days=jours)).isoformat()
    with Session(base) as session:
        rangs = session.execute(
            select(DocumentDuDossier, Stagiaire)
            .join(Stagiaire, Stagiaire.id == DocumentDuDossier.stagiaire_id)
            .where(DocumentDuDossier.annee == annee, DocumentDuDossier.echeance != "",
                   DocumentDuDossier.echeance <= limite,
                   DocumentDuDossier.etat.in_(etats.A_ECRIRE + ("en_signature",)))
            .order_by(DocumentDuDossier.echeance, Stagiaire.nom, Stagiaire.prenom)).all()
    par_personne: dict[str, list[Attendu]] = {}
    for doc, stagiaire in rangs:
        gabarit = catalogue.gabarit(doc.gabarit_id, doc.gabarit_version)
        if doc.etat == "en_signature":
            qui = [c.identifiant for c in etats.a_signer(gabarit.formulaire, stagiaire,
                                                         doc.cases_signees)]
            action = SIGNER
        else:
            qui, action = sorted(etats.redacteurs(gabarit.formulaire, stagiaire)), REMPLIR
        for identifiant in dict.fromkeys(i for i in qui if i):
            par_personne.setdefault(identifiant, []).append(
                Attendu(doc, stagiaire, gabarit.titre, action))
    return par_personne


def message(compte, liste: list[Attendu], lien: Lien, jour: dt.date, parametres: dict
            ) -> tuple[str, str]:
    """The subject and the text of ``compte``'s reminder, in French."""
    designation = parametres.get("designation", parametres.get("nom", ""))
    un = len(liste) == 1
    sujet = (f"{'Un document attend' if un else f'{len(liste)} documents attendent'} votre "
             f"action — {parametres.get('nom', '')}")
    blocs = []
    for action, titre in ((REMPLIR, "À remplir"), (SIGNER, "À signer")):
        lignes = [a for a in liste if a.action == action]
        if not lignes:
            continue
        texte = [f"{titre} :"]
        for a in lignes:
            quand = ("en retard, attendu le " if a.doc.echeance < jour.isoformat()
                     else "attendu le ") + date_fr(a.doc.echeance)
            texte.append(f"- {a.titre} — {a.stagiaire_nom} — {quand}\n  {lien(action, a.doc)}")
        blocs.append("\n".join(texte))
    corps = (f"Bonjour {compte.nom},\n\n"
             f"Le secrétariat de {designation} vous rappelle "
             f"{'ce document' if un else 'ces documents'} du dossier de tutorat, en retard ou "
             f"attendu{'' if un else 's'} dans les {JOURS} jours :\n\n" + "\n\n".join(blocs) +
             "\n\nChaque lien ouvre le document, une fois connecté ou connectée au service.\n\n"
             f"Avec nos remerciements,\nLe secrétariat de {designation}\n")
    return sujet, corps


def relancer(base, catalogue, messagerie, lien: Lien, annee: str, par: str, *,
             jours: int = JOURS, documents: set[int] | None = None,
             jour: dt.date | None = None) -> Relances:
    """Sends each person awaited for something late or due within ``jours`` days ONE message
    listing all of it, unless they had one today. ``documents``: only the people these rows
    wait for (the campaign's « Relancer » on its list, or on one row); their message still lists
    everything awaited of them."""
    jour = jour or aujourdhui()
    par_personne = attendus(base, catalogue, annee, jour, jours)
    if documents is not None:
        par_personne = {i: liste for i, liste in par_personne.items()
                        if any(a.doc.id in documents for a in liste)}
    resultat = Relances()
    with Session(base) as session:
        comptes = {c.identifiant: c for c in session.scalars(select(Compte).where(
            Compte.identifiant.in_(par_personne)))}
    for identifiant, liste in sorted(par_personne.items()):
        compte = comptes.get(identifiant)
        if compte is None or not compte.courriel:
            resultat.sans_adresse.append(compte.nom if compte else identifiant)
            continue
        qui = f"{compte.nom} <{compte.courriel}>"
        precedent = _retenir(base, identifiant, jour)
        if precedent == jour.isoformat():
            resultat.deja.append(qui)
            continue
        sujet, corps = message(compte, liste, lien, jour, catalogue.etablissement.parametres)
        try:
            messagerie.envoyer([compte.courriel], sujet, corps)
        except CourrielImpossible as exc:
            _rendre(base, identifiant, precedent)  # not reminded after all: tomorrow may try
            resultat.echecs.append(f"{compte.nom} : {exc}")
            continue
        resultat.envoyees.append(qui)
        journal.noter(base, par, "relance", "", f"relance envoyée à {identifiant} ({annee}) : "
                      + "; ".join(f"{a.action} {a.doc.gabarit_id} de {a.stagiaire_nom}"
                                  for a in liste))
    return resultat


def _retenir(base, identifiant: str, jour: dt.date) -> str | None:
    """Takes today's reminder of ``identifiant`` before sending it (two rounds at once send
    one); returns the day of the previous one (today's: nothing to send)."""
    try:
        with Session(base) as session, session.begin():
            relance = session.get(Relance, identifiant, with_for_update=True)
            if relance is None:
                session.add(Relance(identifiant=identifiant, jour=jour.isoformat()))
                return None
            precedent, relance.jour = relance.jour, jour.isoformat()
            return precedent
    except IntegrityError:  # another round made their first row just now: it sends
        return jour.isoformat()


def _rendre(base, identifiant: str, precedent: str | None) -> None:
    with Session(base) as session, session.begin():
        relance = session.get(Relance, identifiant)
        if relance is not None and precedent is None:
            session.delete(relance)
        elif relance is not None:
            relance.jour = precedent


def destinataires_du_renvoi(base, catalogue, doc: DocumentDuDossier) -> list:
    """Who is told of a document sent back: its author (the account that made it), else the
    accounts the roster binds to its writers."""
    with Session(base) as session:
        if doc.auteur is not None:
            auteur = session.get(Compte, doc.auteur)
            if auteur is not None:
                return [auteur]
        stagiaire = session.get(Stagiaire, doc.stagiaire_id)
        formulaire = catalogue.gabarit(doc.gabarit_id, doc.gabarit_version).formulaire
        identifiants = etats.redacteurs(formulaire, stagiaire)
        return list(session.scalars(select(Compte).where(Compte.identifiant.in_(identifiants))
                                    .order_by(Compte.nom))) if identifiants else []


def prevenir_renvoi(base, catalogue, messagerie, doc: DocumentDuDossier, lien: Lien, par: str
                    ) -> Relances:
    """Tells the author of a document sent back (``suivi.renvoyer``) why, with a link to correct
    it; each message sent is written in the audit log."""
    resultat = Relances()
    parametres = catalogue.etablissement.parametres
    designation = parametres.get("designation", parametres.get("nom", ""))
    with Session(base) as session:
        stagiaire = session.get(Stagiaire, doc.stagiaire_id)
    titre = catalogue.gabarit(doc.gabarit_id, doc.gabarit_version).titre
    nom = f"{stagiaire.nom} {stagiaire.prenom}"
    for compte in destinataires_du_renvoi(base, catalogue, doc):
        if not compte.courriel:
            resultat.sans_adresse.append(compte.nom)
            continue
        corps = (f"Bonjour {compte.nom},\n\n"
                 f"Le secrétariat de {designation} vous renvoie « {titre} » de {nom} "
                 f"(année {doc.annee}) pour le corriger, pour cette raison :\n\n"
                 f"{doc.motif}\n\n"
                 f"Vous pouvez le corriger ici, une fois connecté ou connectée au service :\n"
                 f"{lien(REMPLIR, doc)}\n\n"
                 "Le document corrigé en deviendra une nouvelle version ; ses signatures seront "
                 "données à nouveau.\n\n"
                 f"Avec nos remerciements,\nLe secrétariat de {designation}\n")
        try:
            messagerie.envoyer([compte.courriel], f"Document renvoyé : {titre} — {nom}", corps)
        except CourrielImpossible as exc:
            resultat.echecs.append(f"{compte.nom} : {exc}")
            continue
        resultat.envoyees.append(f"{compte.nom} <{compte.courriel}>")
        journal.noter(base, par, "courriel", doc.numero or doc.archive_numero or f"D-{doc.id}",
                      f"renvoi de {doc.gabarit_id} ({nom}) annoncé à {compte.identifiant}")
    return resultat
