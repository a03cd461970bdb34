"""Deleting an account, only when no document kept names it any more.

An account is named by what is kept: the dossier's documents it made (``auteur``) or signed
(the audit log's « signature » entries), the archive's records it deposited or reads as one
of the trio (``lecteurs``, ``depose_par``), and the roster's postes it holds. Each such
document is kept for its gabarit's retention period (settings ``archives: conservation_ans``,
in years): from its archiving (``conserver_jusqu_au``), or, not archived yet, from its last
change. Until the last one ends the account may be disabled, not deleted; a poste of the
roster is given to someone else first (service/dossier/reattribution.py).

Deleting removes the account's row, its sessions, password links, API tokens and throttling
counts; the audit log keeps every entry it wrote (the chain is immutable) and records the
deletion.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service import journal
from service.archive.depot import Archive, VersionArchivee, conservation_ans
from service.catalogue.contexte import date_fr
from service.personnes import comptes
from service.personnes.effectifs import POSTES, Stagiaire

from .modele import DocumentDuDossier, Relance
from .suivi import maintenant


@dataclass(frozen=True)
class Obstacle:
    """Why the account may not be deleted yet: what names it, and until when it is kept
    (None: until someone changes it, a poste of the roster)."""
    raison: str
    jusqu_au: dt.date | None


class SuppressionImpossible(Exception):
    """The account may not be deleted now; ``str()`` says why and from when, in French."""

    def __init__(self, obstacles: list[Obstacle]):
        self.obstacles = obstacles
        super().__init__(message(obstacles))


def _plus_ans(jour: dt.date, ans: int) -> dt.date:
    try:
        return jour.replace(year=jour.year + ans)
    except ValueError:  # 29 February
        return jour.replace(year=jour.year + ans, day=28)


def obstacles(base, catalogue, identifiant: str, aujourd_hui: dt.date | None = None
              ) -> list[Obstacle]:
    """What still names the account and is kept beyond ``aujourd_hui``, latest end first."""
    aujourd_hui = aujourd_hui or maintenant().date()
    parametres = catalogue.etablissement.parametres
    trouves: list[Obstacle] = []
    with Session(base) as session:
        qui = session.scalar(select(comptes.Compte).where(comptes.Compte.identifiant == identifiant))
        if qui is None:
            return []
        for s in session.scalars(select(Stagiaire)):
            for poste in s.postes_de(identifiant):
                trouves.append(Obstacle(
                    f"il est {POSTES[poste].dans_une_phrase} de {s.nom} {s.prenom} dans la liste "
                    "des stagiaires (réattribuez ce poste depuis la campagne)", None))
        archives = {a.numero: a for a in session.scalars(select(Archive).where(
            Archive.lecteurs.contains(f"|{identifiant}|", autoescape=True)
            | Archive.id.in_(select(VersionArchivee.archive_id).where(
                VersionArchivee.depose_par == identifiant))))}
        signes = set(session.scalars(select(journal.Entree.document).where(
            journal.Entree.quoi == "signature",
            journal.Entree.qui.startswith(f"{identifiant} (", autoescape=True))))
        docs = list(session.scalars(select(DocumentDuDossier).where(
            (DocumentDuDossier.auteur == qui.id) | DocumentDuDossier.numero.in_(signes))))
        for doc in docs:
            if doc.archive_numero and doc.archive_numero not in archives:
                archive = session.scalar(select(Archive).where(Archive.numero == doc.archive_numero))
                if archive is not None:
                    archives[archive.numero] = archive
        stagiaires = {s.id: s for s in session.scalars(select(Stagiaire).where(
            Stagiaire.id.in_({d.stagiaire_id for d in docs})))}
        for archive in archives.values():
            fin = dt.date.fromisoformat(archive.conserver_jusqu_au)
            if fin >= aujourd_hui:
                trouves.append(Obstacle(f"le document archivé n° {archive.numero} ({archive.titre}"
                                        + (f", {archive.stagiaire}" if archive.stagiaire else "")
                                        + ") le nomme", fin))
        for doc in docs:
            if doc.archive_numero in archives:
                continue  # its archived record says how long it is kept
            depuis = dt.date.fromisoformat(doc.modifie_le[:10]) if doc.modifie_le else aujourd_hui
            fin = _plus_ans(depuis, conservation_ans(parametres, doc.gabarit_id))
            if fin >= aujourd_hui:
                s = stagiaires.get(doc.stagiaire_id)
                titre = _titre(catalogue, doc.gabarit_id)
                role = "l’a signé" if doc.numero in signes else "en est l’auteur"
                trouves.append(Obstacle(f"il {role} : « {titre} »"
                                        + (f" de {s.nom} {s.prenom}" if s else "")
                                        + f" ({doc.annee})", fin))
    return sorted(trouves, key=lambda o: (o.jusqu_au is not None, o.jusqu_au or aujourd_hui),
                  reverse=True)


def _titre(catalogue, gabarit_id: str) -> str:
    try:
        return catalogue.gabarit(gabarit_id).titre
    except Exception:  # noqa: BLE001 — a gabarit since removed: its id says enough
        return gabarit_id


def possible_le(liste: list[Obstacle]) -> dt.date | None:
    """The first day the account may be deleted (the day after the last document named is no
    longer kept); None when a poste of the roster must be changed first, or nothing holds it."""
    if not liste or any(o.jusqu_au is None for o in liste):
        return None
    return max(o.jusqu_au for o in liste) + dt.timedelta(days=1)


def message(liste: list[Obstacle]) -> str:
    """Why not, and from when, as one French sentence and its reasons."""
    raisons = "; ".join(o.raison for o in liste[:5])
    if len(liste) > 5:
        raisons += f" ; et {len(liste) - 5} autre(s)"
    quand = possible_le(liste)
    if quand is not None:
        return (f"il sera possible de le supprimer à partir du {date_fr(quand)}, à la fin de la "
                f"durée de conservation des documents qui le nomment : {raisons}")
    return f"il est encore nommé par : {raisons}"


def supprimer(base, catalogue, identifiant: str, par: str, aujourd_hui: dt.date | None = None
              ) -> None:
    """Deletes the disabled account ``identifiant`` and what belongs to it (its sessions,
    links, tokens, throttling counts, its reminders' day), the audit log saying so in the same
    transaction. ValueError when it is still active or unknown; SuppressionImpossible while a
    document kept names it."""
    trouves = obstacles(base, catalogue, identifiant, aujourd_hui)
    if trouves:
        raise SuppressionImpossible(trouves)
    with journal.VERROU, Session(base) as session, session.begin():
        qui = comptes.supprimer_compte(session, identifiant)
        session.execute(delete(Relance).where(Relance.identifiant == identifiant))
        journal.ajouter(session, par, "compte_supprime", identifiant,
                        f"{qui.nom}, rôle {qui.role} : aucun document conservé ne le nomme plus")
