"""Writing and signing a dossier's document, the same way from every channel.

The online form, the JSON API and the command line call these, so that a document
lands in its stagiaire's dossier and a signature is bound to its signer whatever
the door: a correction of the dossier's document is the next version of the same
numéro (never a new unrelated document, which would escape its readers and its
state); the name, the qualité and the date under a signature are the signing
account's, its poste's for that slot and the server's — never typed ones.

Who may write or sign is asked of service/personnes/acces.py by the callers, first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from sqlalchemy.orm import Session

from service import journal
from service.archive import documents as dossiers
from service.catalogue.generation import DocumentGenere, rendre, signer
from service.catalogue.signature import preparer_signature
from service.catalogue.signature_document import Signataire
from service.personnes import acces
from service.personnes.effectifs import Stagiaire

from . import etats, suivi


def etat(base, numero: str) -> str:
    """The dossier's state of document ``numero`` ("" when it is in no dossier), for the access
    rules (``acces.Document.etat``: nobody signs a document sent back)."""
    with Session(base) as session:
        ligne = suivi.par_numero(session, numero)
        return ligne.etat if ligne is not None else ""


def rendre_pour_le_dossier(base, catalogue, stockage, gabarit, valeurs: dict,
                           stagiaire: Stagiaire | None) -> DocumentGenere:
    """``valeurs`` rendered: the next version of the document the dossier's slot already holds
    (sent back, corrected: the same numéro, readers and state, and the institution's settings
    version it was first made with), else a new document (the current settings)."""
    numero = suivi.numero_existant(base, catalogue, stagiaire, gabarit.id)
    if not numero:
        return rendre(catalogue, gabarit, valeurs)
    fiche = dossiers.fiche(stockage, numero)
    return rendre(catalogue, gabarit, valeurs, identite=(fiche["document_id"], numero),
                  version=fiche["versions"][-1]["version"] + 1, reglages=dossiers.reglages(fiche))


def garder(base, catalogue, stockage, document: DocumentGenere, pdf: bytes, compte,
           stagiaire: Stagiaire | None) -> str:
    """Keeps a made document: first its place in the stagiaire's dossier (EtapeImpossible, in
    French, when the slot is already signed or archived), then its files, with who may read and
    sign it (the stagiaire's positions, from the roster). Returns the PDF's key."""
    if stagiaire is not None:
        suivi.document_cree(base, catalogue, stagiaire, document.gabarit, document.numero,
                            compte.id, compte.identifiant)
    postes = acces.Postes.de(stagiaire)
    return dossiers.enregistrer(stockage, document, pdf, auteur=compte.id,
                                trio=sorted(postes.membres) if postes else [],
                                postes=dataclasses.asdict(postes) if postes else None,
                                stagiaire_id=stagiaire.id if stagiaire else None)


def qualite(formulaire, champ: str) -> str:
    """What the signer of slot ``champ`` is: the poste its declaration binds to it (v2 on), else
    what the slot's label says (v1)."""
    case = next((c for c in etats.cases(formulaire, None) if c.champ == champ), None)
    return case.qualite if case and case.qualite else "Signataire"


def signataire(formulaire, champ: str, compte, image: bytes) -> Signataire:
    """Who signs slot ``champ``: the account's name, the slot's qualité, today in Paris, and the
    picture (SignatureRefusee, in French, when it is not one)."""
    return Signataire(champ, compte.nom, qualite(formulaire, champ), suivi.maintenant().date(),
                      preparer_signature(image))


def signer_case(base, catalogue, stockage, numero: str, champ: str, compte, image: bytes,
                pdf_de: Callable[[DocumentGenere], bytes], canal: str = "") -> DocumentGenere:
    """Signs slot ``champ`` of document ``numero`` for ``compte`` (its right already asked):
    the next version, its PDF made by ``pdf_de`` and kept, the audit log's « signature » entry
    (``canal``: « API »…, after the slot and version the signing certificate reads), the
    dossier's state moved on. SignatureRefusee when the picture or the slot is refused; what
    ``pdf_de`` raises passes."""
    document = dossiers.charger(stockage, numero, catalogue)
    signe = signer(catalogue, document, signataire(document.gabarit.formulaire, champ, compte,
                                                  image))
    dossiers.enregistrer(stockage, signe, pdf_de(signe))
    journal.noter(base, f"{compte.identifiant} ({compte.role})", "signature", numero,
                  f"{champ}, version {signe.version}" + (f", {canal}" if canal else ""))
    suivi.signature(base, catalogue, numero, champ, compte.identifiant)
    return signe
