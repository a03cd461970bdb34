"""What follows a step of a document: the next signers told, the complete document archived.

``suite`` is called after a document is made or signed, by the page, the API or the
command line that did it. When every slot is signed (or the document has none), the
document is sealed and archived by itself (``archiver``), with a last page « Certificat de
signature » (``certificat``); otherwise the people who may sign now are sent an e-mail with
a link to its sign page (``prevenir``), once each per slot and signing round: the audit log
remembers who was told (``INVITATION``).

A failure while archiving (LibreOffice, the disk) loses nothing: the row stays « signé » and
``reprendre`` (``inspe-docs fsck --reparer``) archives every such row left behind.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import journal
from service.archive import documents as dossiers
from service.archive.courriel import CourrielImpossible
from service.personnes.comptes import Compte
from service.personnes.effectifs import Stagiaire

from . import certificat, etats, suivi
from .modele import DocumentDuDossier

log = logging.getLogger(__name__)

# Who archives a complete document: the service itself, with the secretariat's rights (the
# archive's record is then read by the stagiaire's trio, as a record the secretariat keeps).
SERVICE = "circuit de signature"
# The audit-log entry that says a person was asked to sign a slot (detail: ``_invitation``).
INVITATION = "invitation à signer"


@dataclass
class Outils:
    """What the circuit needs, built by its caller (the web, the command line)."""
    base: object
    catalogue: object
    stockage: object  # service.stockage: the documents' files (a folder given as a path: that folder)
    archives: object  # service.archive.depot.Archives
    moteur: object
    sceau: object
    messagerie: object | None = None
    lien: Callable[[str], str] = lambda numero: numero  # a document's sign page, for e-mails


def suite(outils: Outils, numero: str, par: str) -> DocumentDuDossier | None:
    """After document ``numero`` was made or signed: archive it when complete, else tell the
    next signers. Returns its dossier row as it now is (None when it is in no dossier)."""
    doc = _ligne(outils.base, numero)
    if doc is None:
        return None
    if doc.etat == "signe":
        archiver(outils, doc)
        return _ligne(outils.base, numero)
    if doc.etat == "en_signature":
        prevenir(outils, doc)
    return doc


def _ligne(base, numero: str) -> DocumentDuDossier | None:
    with Session(base, expire_on_commit=False) as session:
        return suivi.par_numero(session, numero)


def _stagiaire(base, stagiaire_id: int) -> Stagiaire | None:
    with Session(base) as session:
        return session.get(Stagiaire, stagiaire_id)


def archiver(outils: Outils, doc: DocumentDuDossier) -> str:
    """Archives the latest version of a complete document, with its signing certificate as
    last page; returns the archive's numéro. Done again, it finds the same record."""
    fiche = dossiers.fiche(outils.stockage, doc.numero)
    derniere = fiche["versions"][-1]
    docx = dossiers.lire(outils.stockage, doc.numero, derniere["docx"])
    depot = outils.archives.deposer(docx, f"{fiche['nom']}.docx", SERVICE)
    gabarit = outils.catalogue.gabarit(fiche["gabarit_id"], fiche["gabarit_version"])
    stagiaire = _stagiaire(outils.base, doc.stagiaire_id)
    nom = f"{stagiaire.nom} {stagiaire.prenom}" if stagiaire else ""
    annexe = None
    if derniere["signataires"]:
        releve = certificat.etablir(outils.base, outils.stockage, fiche, gabarit.titre, nom)
        annexe = lambda contenu: certificat.ajouter(contenu, releve)  # noqa: E731
    outils.archives.archiver(depot.numero, depot.version, SERVICE, outils.moteur, outils.sceau,
                             annexe=annexe,
                             motif="avec le certificat de signature" if annexe else "")
    suivi.archive(outils.base, doc.numero, depot.numero, SERVICE, outils.catalogue)
    return depot.numero


def reprendre(outils: Outils, avant: dt.datetime | None = None) -> list[tuple[str, str, bool]]:
    """Archives every « signé » row left behind (LibreOffice was down, the process stopped);
    ``avant``: only those last changed before then (a younger one may be being archived).
    Returns (numéro, archive's numéro or why not, archived?) for each."""
    with Session(outils.base, expire_on_commit=False) as session:
        restes = list(session.scalars(select(DocumentDuDossier).where(
            DocumentDuDossier.etat == "signe", DocumentDuDossier.numero.is_not(None))
            .order_by(DocumentDuDossier.id)))
    faits = []
    for doc in restes:
        if avant is not None and doc.modifie_le and \
                dt.datetime.fromisoformat(doc.modifie_le) > avant:
            continue
        try:
            faits.append((doc.numero, archiver(outils, doc), True))
        except Exception as exc:  # noqa: BLE001 — said, and the others are still tried
            log.exception("archivage du document %s", doc.numero)
            faits.append((doc.numero, str(exc) or type(exc).__name__, False))
    return faits


def restes(base) -> list[str]:
    """The numéros of the documents « signé » not archived yet."""
    with Session(base) as session:
        return list(session.scalars(select(DocumentDuDossier.numero).where(
            DocumentDuDossier.etat == "signe", DocumentDuDossier.numero.is_not(None))
            .order_by(DocumentDuDossier.id)))


# --- telling the next signers ---------------------------------------------------------------

def _tour(fiche: dict) -> int:
    """The signing round: the last version with no signature (made, or corrected after being
    sent back). A person is told again only in a new round."""
    return max((v["version"] for v in fiche["versions"] if not v["signataires"]), default=1)


def _invitation(identifiant: str, champ: str, tour: int) -> str:
    return f"{identifiant} : {champ} (version {tour})"


def _deja_invites(base, numero: str) -> set[str]:
    with Session(base) as session:
        return set(session.scalars(select(journal.Entree.detail).where(
            journal.Entree.quoi == INVITATION, journal.Entree.document == numero)))


def prevenir(outils: Outils, doc: DocumentDuDossier) -> list[str]:
    """E-mails the people who may sign ``doc`` now (the first unsigned slot when the declaration
    orders them, else every unsigned one), each once per slot and round; returns who was told.
    Without an SMTP server, nobody is (said in the log)."""
    fiche = dossiers.fiche(outils.stockage, doc.numero)
    gabarit = outils.catalogue.gabarit(fiche["gabarit_id"], fiche["gabarit_version"])
    stagiaire = _stagiaire(outils.base, doc.stagiaire_id)
    signes = {s["champ"] for s in fiche["versions"][-1]["signataires"]}
    tour = _tour(fiche)
    deja = _deja_invites(outils.base, doc.numero)
    par_compte: dict[str, list[etats.Case]] = {}
    for case in etats.a_signer(gabarit.formulaire, stagiaire, signes):
        if not case.identifiant:
            log.warning("document %s : personne n'est désigné pour la case %s", doc.numero,
                        case.champ)
        elif _invitation(case.identifiant, case.champ, tour) not in deja:
            par_compte.setdefault(case.identifiant, []).append(case)
    if not par_compte:
        return []
    if outils.messagerie is None:
        log.info("document %s : pas de serveur de courriel, %s non prévenu(s)", doc.numero,
                 ", ".join(par_compte))
        return []
    with Session(outils.base) as session:
        comptes = {c.identifiant: c for c in session.scalars(
            select(Compte).where(Compte.identifiant.in_(par_compte)))}
    prevenus = []
    for identifiant, cases in sorted(par_compte.items()):
        compte = comptes.get(identifiant)
        if compte is None or not compte.courriel:
            log.warning("document %s : le compte %s n'a pas d'adresse de courriel", doc.numero,
                        identifiant)
            continue
        sujet, corps = _message(outils, gabarit, fiche, doc, stagiaire, compte, cases)
        try:
            outils.messagerie.envoyer([compte.courriel], sujet, corps)
        except CourrielImpossible:
            log.exception("document %s : invitation à signer de %s", doc.numero, identifiant)
            continue
        for case in cases:
            journal.noter(outils.base, SERVICE, INVITATION, doc.numero,
                          _invitation(identifiant, case.champ, tour))
        prevenus.append(identifiant)
    return prevenus


def _message(outils: Outils, gabarit, fiche: dict, doc: DocumentDuDossier,
             stagiaire: Stagiaire | None, compte: Compte, cases: list[etats.Case]
             ) -> tuple[str, str]:
    parametres = outils.catalogue.etablissement.parametres
    designation = parametres.get("designation") or parametres.get("nom", "")
    qui = f"{stagiaire.prenom} {stagiaire.nom}" if stagiaire else ""
    qualites = " et ".join(f"« {c.libelle} » ({c.qualite})" if c.qualite else f"« {c.libelle} »"
                           for c in cases)
    echeance = (f"\nIl est attendu pour le {dt.date.fromisoformat(doc.echeance):%d/%m/%Y}.\n"
                if doc.echeance else "")
    ordre = ("\nLes signatures de ce document sont apposées l’une après l’autre, dans l’ordre "
             "prévu : c’est à présent votre tour.\n"
             if getattr(gabarit.formulaire, "ordre_signatures", "libre") == "sequentiel" else "")
    corps = (f"Bonjour {compte.nom},\n\n"
             f"Le document « {gabarit.titre} »" + (f" concernant {qui}" if qui else "") +
             f" (n° {fiche['numero']}) attend votre signature : "
             f"{'la case' if len(cases) == 1 else 'les cases'} {qualites}.\n"
             f"{echeance}{ordre}\n"
             "Pour le relire et le signer, connectez-vous au service des documents du tutorat "
             f"avec votre compte, à cette adresse :\n{outils.lien(fiche['numero'])}\n\n"
             "Avec nos remerciements,\n"
             f"Le secrétariat de {designation}\n")
    sujet = f"Document à signer : {gabarit.titre}" + (f" — {qui}" if qui else "")
    return sujet, corps


# --- who signs what is left (the sign page) ---------------------------------------------------

@dataclass(frozen=True)
class Reste:
    """An unsigned slot of a kept document and who signs it (``nom``: "" when nobody is bound)."""
    case: etats.Case
    nom: str


def reste_a_signer(base, catalogue, fiche: dict) -> tuple[list[Reste], Reste | None]:
    """The unsigned slots of the kept document ``fiche``, in order, with their signers' names;
    and, when the declaration orders them, the one awaited now (None otherwise)."""
    gabarit = catalogue.gabarit(fiche["gabarit_id"], fiche["gabarit_version"])
    stagiaire = _stagiaire(base, fiche["stagiaire_id"]) if fiche.get("stagiaire_id") else None
    signes = {s["champ"] for s in fiche["versions"][-1]["signataires"]}
    cases = etats.reste(gabarit.formulaire, stagiaire, signes)
    with Session(base) as session:
        noms = dict(session.execute(select(Compte.identifiant, Compte.nom).where(
            Compte.identifiant.in_({c.identifiant for c in cases if c.identifiant}))).all())
    reste = [Reste(c, noms.get(c.identifiant, "")) for c in cases]
    ordonne = getattr(gabarit.formulaire, "ordre_signatures", "libre") == "sequentiel"
    return reste, (reste[0] if ordonne and reste else None)
