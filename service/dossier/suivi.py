"""Each step of a dossier's document, written with its audit-log entry.

Every channel calls these: the online form (``brouillon``, ``a_verifier``,
``document_cree``), each signature (``signature``), a bulk lot (``document_cree``),
an upload (``depot_recu``, ``depot_archive``), the archiving (``archive``), and the
secretariat (``renvoyer``, ``retirer``). A row is made when first needed
(``ligne``) or for a whole roster at once (``ouvrir``).
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service import journal
from service.bd.modele import durable
from service.catalogue.generation import FUSEAU
from service.personnes.effectifs import Stagiaire

from . import etats
from .modele import DocumentDuDossier


class EtapeImpossible(Exception):
    """A step that the document's state does not allow (the message says why, in French)."""


def maintenant() -> dt.datetime:
    return dt.datetime.now(FUSEAU)


def annee_courante() -> str:
    return etats.annee_universitaire(maintenant().date())


def attendus(catalogue, stagiaire: Stagiaire) -> list:
    """The gabarits (current versions) every stagiaire of this parcours must have each year:
    those the settings list (``archives: attendus``) that apply to the parcours and name a
    stagiaire. The procedures (accompagnement renforcé, parcours d'individualisation) are
    opened for one stagiaire when someone starts one (``ligne``)."""
    liste = (catalogue.etablissement.parametres.get("archives") or {}).get("attendus") or ()
    return [g for g in catalogue.courants()
            if g.id in liste and etats.s_applique(g.formulaire, stagiaire)]


def _nouvelle(catalogue, stagiaire_id: int, annee: str, gabarit) -> DocumentDuDossier:
    return DocumentDuDossier(stagiaire_id=stagiaire_id, annee=annee, gabarit_id=gabarit.id,
                             etat="a_remplir", echeance=etats.echeance(gabarit.formulaire, annee),
                             signes="", motif="", modifie_le=maintenant().isoformat())


def ouvrir(base, catalogue, stagiaires: list[Stagiaire], annee: str) -> int:
    """Makes the missing rows « à remplir » of each stagiaire's expected documents in ``annee``;
    returns how many were made."""
    requete = select(DocumentDuDossier.stagiaire_id, DocumentDuDossier.gabarit_id).where(
        DocumentDuDossier.annee == annee)
    if len(stagiaires) <= 500:  # a person's stagiaires: only theirs (the whole roster: all rows)
        requete = requete.where(DocumentDuDossier.stagiaire_id.in_([s.id for s in stagiaires]))
    with Session(base) as session:
        existantes = set(session.execute(requete).all())
    nouvelles = [_nouvelle(catalogue, s.id, annee, g) for s in stagiaires
                 for g in attendus(catalogue, s) if (s.id, g.id) not in existantes]
    if not nouvelles:  # the usual case: a page read writes nothing
        return 0
    try:
        with Session(base) as session, session.begin():
            session.add_all(nouvelles)
    except IntegrityError:  # made meanwhile by another request: one at a time then
        return sum(_ouvrir_une(base, d) for d in nouvelles)
    return len(nouvelles)


def _ouvrir_une(base, nouvelle: DocumentDuDossier) -> int:
    try:
        with Session(base) as session, session.begin():
            session.add(DocumentDuDossier(**{c.name: getattr(nouvelle, c.name)
                                             for c in DocumentDuDossier.__table__.columns
                                             if c.name != "id"}))
        return 1
    except IntegrityError:
        return 0


def ligne(session, catalogue, stagiaire: Stagiaire, gabarit_id: str, annee: str | None = None
          ) -> DocumentDuDossier | None:
    """The row of ``stagiaire``'s document of ``gabarit_id`` this year, made when missing if the
    document applies to them (None when it does not: a document about no stagiaire's dossier)."""
    annee = annee or annee_courante()
    trouvee = session.scalar(select(DocumentDuDossier).where(
        DocumentDuDossier.stagiaire_id == stagiaire.id, DocumentDuDossier.annee == annee,
        DocumentDuDossier.gabarit_id == gabarit_id))
    if trouvee is not None:
        return trouvee
    gabarit = catalogue.gabarit(gabarit_id)
    if not etats.s_applique(gabarit.formulaire, stagiaire):
        return None
    trouvee = _nouvelle(catalogue, stagiaire.id, annee, gabarit)
    session.add(trouvee)
    session.flush()
    return trouvee


def par_numero(session, numero: str) -> DocumentDuDossier | None:
    """The row of the generated document ``numero`` (or of the archive's record ``numero``)."""
    return session.scalar(select(DocumentDuDossier).where(
        (DocumentDuDossier.numero == numero) | (DocumentDuDossier.archive_numero == numero)))


def _passer(session, doc: DocumentDuDossier, etat: str, par: str, detail: str = "") -> None:
    ancien = doc.etat
    doc.etat, doc.modifie_le = etat, maintenant().isoformat()
    if ancien != etat:
        journal.ajouter(session, par, "dossier", doc.numero or doc.archive_numero or f"D-{doc.id}",
                        f"{doc.gabarit_id}, stagiaire {doc.stagiaire_id} : "
                        f"{etats.ETATS[ancien]} → {etats.ETATS[etat]}" + (f" ({detail})" if detail
                                                                          else ""))


@contextmanager
def _transaction(base):
    """A write transaction, in the audit log's order (its entries are chained), made durable."""
    with journal.VERROU, Session(base, expire_on_commit=False) as session, session.begin():
        durable(session)
        yield session


def brouillon(base, catalogue, stagiaire: Stagiaire, gabarit_id: str, par: str) -> None:
    """A person started the document (a saved entry): « brouillon » if nothing was made yet."""
    with _transaction(base) as session:
        doc = ligne(session, catalogue, stagiaire, gabarit_id)
        if doc is not None and doc.etat in ("a_remplir", "renvoye") and not doc.numero:
            _passer(session, doc, "brouillon", par)


def brouillon_abandonne(base, catalogue, stagiaire: Stagiaire, gabarit_id: str, par: str) -> None:
    """The saved entry was deleted, and no document was made: back to « à remplir »."""
    with _transaction(base) as session:
        doc = ligne(session, catalogue, stagiaire, gabarit_id)
        if doc is not None and doc.etat in ("brouillon", "a_verifier") and not doc.numero \
                and not doc.archive_numero:
            _passer(session, doc, "a_remplir", par)


def a_verifier(base, catalogue, stagiaire: Stagiaire, gabarit_id: str, par: str) -> None:
    """The finished PDF waits for its author's check (the recap before validation)."""
    with _transaction(base) as session:
        doc = ligne(session, catalogue, stagiaire, gabarit_id)
        if doc is not None and doc.etat in ("a_remplir", "brouillon", "renvoye"):
            _passer(session, doc, "a_verifier", par)


def numero_existant(base, catalogue, stagiaire: Stagiaire | None, gabarit_id: str) -> str | None:
    """The generated document already in the dossier's slot (a correction becomes its next
    version, not a new unrelated document); None for a first one or a withdrawn one."""
    if stagiaire is None:
        return None
    with Session(base) as session:
        doc = session.scalar(select(DocumentDuDossier).where(
            DocumentDuDossier.stagiaire_id == stagiaire.id,
            DocumentDuDossier.annee == annee_courante(),
            DocumentDuDossier.gabarit_id == gabarit_id))
        return doc.numero if doc is not None and doc.etat != "retire" else None


def document_cree(base, catalogue, stagiaire: Stagiaire, gabarit, numero: str, auteur: int | None,
                  par: str, annee: str | None = None) -> DocumentDuDossier | None:
    """A document was made (validated online, by a lot, by the API): its dossier's row points to
    it, « en signature » when it has slots to sign, else « signé » (complete, to archive)."""
    with _transaction(base) as session:
        return _cree(session, catalogue, stagiaire, gabarit, numero, auteur, par, annee)


def _cree(session, catalogue, stagiaire, gabarit, numero, auteur, par, annee=None):
    doc = ligne(session, catalogue, stagiaire, gabarit.id, annee)
    if doc is None:
        return None
    if doc.etat in ("signe", "archive"):  # even its own numéro: a correction needs a renvoi
        raise EtapeImpossible("ce document est déjà signé ou archivé dans le dossier : "
                              "le secrétariat peut le renvoyer pour le corriger")
    doc.numero, doc.gabarit_version, doc.signes, doc.auteur = numero, gabarit.version, "", auteur
    doc.motif = "" if doc.etat != "renvoye" else doc.motif
    a_signer = etats.cases(gabarit.formulaire, stagiaire)
    _passer(session, doc, "en_signature" if a_signer else "signe", par)
    session.flush()
    return doc


def documents_crees(base, catalogue, gabarit, crees: list[tuple[Stagiaire, str]],
                    auteur: int | None, par: str) -> dict[str, str]:
    """Documents of a lot's packet, (stagiaire, numéro) each, in one transaction (a lot's speed
    is not one commit per document). A row that points to its numéro already (a packet made
    again after a crash) is left as it is. Returns, by numéro, why one was not recorded."""
    refus = {}
    with _transaction(base) as session:
        for stagiaire, numero in crees:
            deja = par_numero(session, numero)
            if deja is not None and deja.stagiaire_id == stagiaire.id:
                continue
            try:  # refused before anything is written: the others go on
                _cree(session, catalogue, stagiaire, gabarit, numero, auteur, par)
            except EtapeImpossible as exc:
                refus[numero] = str(exc)
    return refus


def signature(base, catalogue, numero: str, champ: str, par: str) -> DocumentDuDossier | None:
    """Slot ``champ`` of document ``numero`` was signed: « signé » when none is left."""
    with _transaction(base) as session:
        doc = par_numero(session, numero)
        if doc is None:
            return None
        signes = doc.cases_signees | {champ}
        doc.signes = ",".join(sorted(signes))
        gabarit = catalogue.gabarit(doc.gabarit_id, doc.gabarit_version)
        stagiaire = session.get(Stagiaire, doc.stagiaire_id)
        restent = etats.reste(gabarit.formulaire, stagiaire, signes)
        _passer(session, doc, "en_signature" if restent else "signe", par, f"signature {champ}")
        doc.modifie_le = maintenant().isoformat()
        return doc


def archive(base, numero: str, archive_numero: str, par: str, catalogue=None) -> None:
    """The complete document is in the archive, sealed: « archivé »; its archived record is read
    by those who read the document (``catalogue`` given: ``ouvrir_l_archive``)."""
    with _transaction(base) as session:
        doc = par_numero(session, numero)
        if doc is not None:
            doc.archive_numero = archive_numero
            _passer(session, doc, "archive", par, f"archive n° {archive_numero}")
            if catalogue is not None:
                ouvrir_l_archive(session, catalogue, doc)


def ouvrir_l_archive(session, catalogue, doc: DocumentDuDossier) -> None:
    """The archive's record of a dossier's document is read by whoever reads the document (its
    trio, and the postes its declaration names: the IEN who signed it, the chef
    d'établissement…), beyond those the archive itself found (its depositors, the trio)."""
    from service.archive.depot import Archive

    archive = session.scalar(select(Archive).where(Archive.numero == doc.archive_numero))
    stagiaire = session.get(Stagiaire, doc.stagiaire_id)
    if archive is None or stagiaire is None:
        return
    formulaire = catalogue.gabarit(doc.gabarit_id, doc.gabarit_version).formulaire
    qui = {x for x in (archive.lecteurs or "").split("|") if x} | etats.lecteurs(
        formulaire, stagiaire)
    archive.lecteurs = "|" + "|".join(sorted(qui)) + "|"


def depot_recu(base, catalogue, stagiaire: Stagiaire, gabarit_id: str, archive_numero: str,
               annee: str, par: str) -> DocumentDuDossier | None:
    """An uploaded .docx (not « inchangé ») joins its stagiaire's dossier: « à vérifier » until
    it is archived, unless the slot is already complete."""
    with _transaction(base) as session:
        doc = ligne(session, catalogue, stagiaire, gabarit_id, annee)
        if doc is None or doc.etat in ("signe", "archive"):
            return doc
        doc.archive_numero = archive_numero
        _passer(session, doc, "a_verifier", par, f"dépôt n° {archive_numero}")
        return doc


def depot_abandonne(base, catalogue, archive_numero: str, par: str) -> None:
    """The upload waiting to be checked was abandoned (a wrong file) and no version of its
    record waits any more: the row is back where it was before it (« à remplir », or its
    generated document's state)."""
    with _transaction(base) as session:
        doc = par_numero(session, archive_numero)
        if doc is None or doc.etat != "a_verifier":
            return
        doc.archive_numero = None
        if not doc.numero:
            _passer(session, doc, "a_remplir", par, f"dépôt n° {archive_numero} abandonné")
            return
        gabarit = catalogue.gabarit(doc.gabarit_id, doc.gabarit_version)
        restent = etats.reste(gabarit.formulaire, session.get(Stagiaire, doc.stagiaire_id),
                              doc.cases_signees)
        _passer(session, doc, "en_signature" if restent else "signe", par,
                f"dépôt n° {archive_numero} abandonné")


def depot_archive(base, archive_numero: str, signe: bool, par: str, catalogue=None) -> None:
    """The upload was checked and archived: « archivé » (it holds its signatures, or was signed
    on paper: the secretariat checked it); its record read by the document's readers."""
    with _transaction(base) as session:
        doc = par_numero(session, archive_numero)
        if doc is not None and doc.etat != "retire":
            _passer(session, doc, "archive", par, "signé" if signe else "")
            if catalogue is not None:
                ouvrir_l_archive(session, catalogue, doc)


def renvoyer(base, doc_id: int, motif: str, par: str) -> DocumentDuDossier:
    """Sends a document back to its author with a reason: its writers correct it (a new version
    of the same document); its signatures, if any, will be given again."""
    motif = (motif or "").strip()
    if not motif:
        raise EtapeImpossible("indiquez la raison du renvoi : elle est envoyée à l'auteur")
    with _transaction(base) as session:
        doc = session.get(DocumentDuDossier, doc_id)
        if doc is None:
            raise EtapeImpossible("document introuvable")
        if doc.etat in ("a_remplir", "retire", "renvoye"):
            raise EtapeImpossible(f"un document « {etats.ETATS[doc.etat]} » ne peut pas être renvoyé")
        doc.motif, doc.signes = motif[:2000], ""
        _passer(session, doc, "renvoye", par, motif[:200])
        return doc


def retirer(base, doc_id: int, motif: str, par: str) -> DocumentDuDossier:
    """Withdraws a mistaken document from the dossier (its files and history stay)."""
    with _transaction(base) as session:
        doc = session.get(DocumentDuDossier, doc_id)
        if doc is None:
            raise EtapeImpossible("document introuvable")
        if doc.etat == "retire":
            raise EtapeImpossible("ce document est déjà retiré")
        doc.motif = (motif or "").strip()[:2000]
        _passer(session, doc, "retire", par, doc.motif[:200])
        return doc
