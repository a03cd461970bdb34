"""What a disabled account leaves undone, and giving it to someone else.

A slot is signed, and a document written, by the account the roster binds to a poste of the
stagiaire (service/dossier/etats.py). Once that account is disabled, nobody can: the campaign
lists these slots (``en_attente``) and the secretariat binds the poste to another account
(``reattribuer``: the roster changed through service/personnes/effectifs.py, the audit log
told, the new signer sent the « à signer » e-mail as the circuit sends it).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service import journal
from service.catalogue.validation import cle_de_tri
from service.personnes import effectifs
from service.personnes.acces import SIGNATAIRES
from service.personnes.comptes import Compte
from service.personnes.effectifs import POSTES, Stagiaire

from . import circuit, etats
from .modele import DocumentDuDossier

SIGNATURE, REDACTION = "signature", "rédaction"
_POSTE_DE_COLONNE = {p.colonne: cle for cle, p in POSTES.items()}


@dataclass(frozen=True)
class EnAttente:
    """One slot to sign (or one document to write) bound to a disabled account."""
    doc: DocumentDuDossier
    stagiaire: Stagiaire
    titre: str
    quoi: str  # SIGNATURE or REDACTION
    qualite: str  # the slot's qualité (« tuteur ou tutrice de terrain »), or the poste's
    poste: str  # the roster's poste to give to someone else (a key of POSTES)
    identifiant: str  # the disabled account
    nom: str

    @property
    def stagiaire_nom(self) -> str:
        return f"{self.stagiaire.nom} {self.stagiaire.prenom}"


def desactives(base) -> dict[str, str]:
    """The disabled accounts: identifiant → name."""
    with Session(base) as session:
        return dict(session.execute(select(Compte.identifiant, Compte.nom).where(
            Compte.actif.is_(False))).all())


def en_attente(base, catalogue, identifiant: str | None = None) -> list[EnAttente]:
    """The slots still to sign and the documents still to write, of every dossier still under
    way, that wait for a disabled account (``identifiant``: only that one's), by stagiaire."""
    bloques = desactives(base)
    if identifiant is not None:
        bloques = {i: n for i, n in bloques.items() if i == identifiant}
    if not bloques:
        return []
    colonnes = [getattr(Stagiaire, p.colonne) for p in POSTES.values()]
    with Session(base, expire_on_commit=False) as session:
        stagiaires = {s.id: s for s in session.scalars(select(Stagiaire).where(
            or_(*[c.in_(bloques) for c in colonnes])))}
        docs = list(session.scalars(select(DocumentDuDossier).where(
            DocumentDuDossier.stagiaire_id.in_(stagiaires),
            DocumentDuDossier.etat.in_(etats.A_ECRIRE + ("en_signature",)))
            .order_by(DocumentDuDossier.annee, DocumentDuDossier.echeance, DocumentDuDossier.id)))
    sortie = []
    for doc in docs:
        stagiaire = stagiaires[doc.stagiaire_id]
        gabarit = catalogue.gabarit(doc.gabarit_id, doc.gabarit_version)
        formulaire = gabarit.formulaire
        if doc.etat == "en_signature":
            for case in etats.reste(formulaire, stagiaire, doc.cases_signees):
                poste = _POSTE_DE_COLONNE.get(etats.position(case), "")
                if poste and case.identifiant in bloques:
                    sortie.append(EnAttente(doc, stagiaire, gabarit.titre, SIGNATURE,
                                            case.qualite or case.libelle, poste, case.identifiant,
                                            bloques[case.identifiant]))
            continue
        for poste_declare in getattr(formulaire, "redige_par", ()) or ():
            poste = _POSTE_DE_COLONNE.get(SIGNATAIRES.get(poste_declare, ("",))[0] or "", "")
            qui = stagiaire.compte(poste) if poste else ""
            if qui in bloques:
                sortie.append(EnAttente(doc, stagiaire, gabarit.titre, REDACTION,
                                        POSTES[poste].dans_une_phrase, poste, qui, bloques[qui]))
    return sorted(sortie, key=lambda a: (cle_de_tri(a.stagiaire.nom, a.stagiaire.prenom),
                                         a.doc.id))


@dataclass(frozen=True)
class Reattribution:
    ancien: str  # the identifiant replaced
    nouveau: str
    prevenus: list[str]  # who was sent the « à signer » e-mail


def reattribuer(outils: circuit.Outils, stagiaire_id: int, poste: str, identifiant: str,
                par: str) -> Reattribution:
    """Binds ``poste`` of the stagiaire to the active account ``identifiant`` (ValueError, in
    French, when it may not hold it); the audit log says so, and the documents of the
    stagiaire awaiting signatures tell their next signers (the new one included) by e-mail."""
    ancien = effectifs.attribuer(outils.base, stagiaire_id, poste, identifiant)
    nouveau = identifiant.strip().lower()
    journal.noter(outils.base, par, "poste_reattribue", f"stagiaire {stagiaire_id}",
                  f"{POSTES[poste].libelle} : {ancien or 'personne'} → {nouveau}")
    with Session(outils.base, expire_on_commit=False) as session:
        docs = list(session.scalars(select(DocumentDuDossier).where(
            DocumentDuDossier.stagiaire_id == stagiaire_id,
            DocumentDuDossier.etat == "en_signature", DocumentDuDossier.numero.is_not(None))))
    prevenus = []
    for doc in docs:
        prevenus += [p for p in circuit.prevenir(outils, doc) if p not in prevenus]
    return Reattribution(ancien, nouveau, prevenus)
