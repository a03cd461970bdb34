"""From input values to a filled .docx: validate, build the context, render, identify.

The one function every entry point calls (CLI, web, bulk jobs, API). It knows
nothing of where the values came from or where the document goes. Every render
runs under a wall-clock and a memory limit, in a render process (``bac_a_sable``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from .bac_a_sable import rendre_avec_limites
from .contexte import FUSEAU, contexte
from .gabarits import Catalogue, Gabarit
from .nommage import nom_de_fichier
from .signature import SignatureRefusee
from .signature_document import Signataire, marquages
from .validation import empreinte, valider


@dataclass(frozen=True)
class DocumentGenere:
    gabarit: Gabarit
    document_id: str
    numero: str
    genere_le: dt.datetime
    valeurs: dict
    empreinte: str
    nom: str
    docx: bytes
    version: int = 1
    signataires: tuple[Signataire, ...] = ()
    reglages: int = 1  # the institution's settings version it was made with (reglages.py)

    @property
    def proprietes(self) -> dict[str, str]:
        return proprietes(self.gabarit, self.document_id, self.numero, self.genere_le,
                          self.empreinte, self.version)


def sujet(gabarit: Gabarit) -> str:
    """The PDF's subject: which gabarit, which version."""
    return f"{gabarit.titre} ({gabarit.id}, version {gabarit.version})"


def proprietes(gabarit: Gabarit, document_id: str, numero: str, genere_le: dt.datetime,
               empreinte_: str, version: int = 1) -> dict[str, str]:
    """The custom properties that identify a generated document."""
    return {
        "gabarit_id": gabarit.id,
        "gabarit_version": str(gabarit.version),
        "document_id": document_id,
        "document_numero": numero,
        "document_version": str(version),
        "genere_le": genere_le.isoformat(timespec="seconds"),
        "donnees_sha256": empreinte_,
    }


def preparer(catalogue: Catalogue, gabarit_id: str, donnees, version: int | None = None
             ) -> tuple[Gabarit, dict]:
    """The gabarit and the validated values; raises KeyError or DonneesInvalides."""
    gabarit = catalogue.gabarit(gabarit_id, version)
    return gabarit, valider(gabarit.formulaire, donnees)


def rendre(catalogue: Catalogue, gabarit: Gabarit, valeurs: dict,
           maintenant: dt.datetime | None = None, *, identite: tuple[str, str] | None = None,
           version: int = 1, signataires: tuple[Signataire, ...] = (),
           reglages: int | None = None) -> DocumentGenere:
    """Renders already validated ``valeurs`` into a document.

    A new document gets a new identity and the current settings; a new version of a
    document (after a signature, a correction) keeps its ``identite`` (document id, numéro)
    and is given its settings version, ``reglages``: a letter keeps its signatory and logo.
    """
    etablissement = (catalogue.etablissement if identite is None or reglages is None
                     else catalogue.etablissement_version(reglages))
    maintenant = maintenant or dt.datetime.now(FUSEAU)
    if identite:
        document_id, numero = identite
    else:
        document_id = str(uuid.uuid4())
        numero = f"{maintenant:%Y%m%d}-{document_id[:6].upper()}"
    sha = empreinte(valeurs)
    document = {"id": document_id, "numero": numero, "version": version,
                "genere_le": maintenant.strftime("%d/%m/%Y %H:%M")}
    textes, images = marquages(signataires)
    ctx = contexte(gabarit.formulaire, valeurs, instance=etablissement.parametres,
                   document=document, signatures=textes)
    nom = nom_de_fichier(gabarit.formulaire.nom_fichier, valeurs, date=maintenant.date(),
                         numero=numero)
    principales = {
        "titre": nom, "auteur": etablissement.parametres["nom"],
        "sujet": sujet(gabarit),
        "date": maintenant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    catalogue.verifier(gabarit)
    docx = rendre_avec_limites(
        gabarit.chemin, ctx, proprietes(gabarit, document_id, numero, maintenant, sha, version),
        principales, images, logo=etablissement.logo)
    return DocumentGenere(gabarit, document_id, numero, maintenant, valeurs, sha, nom, docx,
                          version, tuple(signataires), etablissement.numero)


def signer(catalogue: Catalogue, document: DocumentGenere, signataire: Signataire,
           maintenant: dt.datetime | None = None) -> DocumentGenere:
    """The next version of ``document``, signed by ``signataire`` in its slot.

    Signing never changes the values: v1 is unsigned, v2 carries the first
    signature, v3 the first two … Each earlier version stays as it was.
    """
    formulaire = document.gabarit.formulaire
    champ = formulaire.champ(signataire.champ)
    if champ is None or champ.type != "signature":
        prevues = ", ".join(c.nom for c in formulaire.champs if c.type == "signature") or "aucune"
        raise SignatureRefusee(f"« {signataire.champ} » n'est pas une signature de ce document "
                               f"(signatures prévues : {prevues})")
    deja = next((s for s in document.signataires if s.champ == signataire.champ), None)
    if deja:
        raise SignatureRefusee(f"{champ.libelle} : déjà signé par {deja.mention}")
    if not signataire.nom.strip() or not signataire.role.strip():
        raise SignatureRefusee("le nom et la qualité du signataire sont obligatoires")
    return rendre(catalogue, document.gabarit, document.valeurs, maintenant,
                  identite=(document.document_id, document.numero), version=document.version + 1,
                  signataires=(*document.signataires, signataire), reglages=document.reglages)


def generer(catalogue: Catalogue, gabarit_id: str, donnees, version: int | None = None,
            maintenant: dt.datetime | None = None) -> DocumentGenere:
    """Validates ``donnees`` and renders them; raises DonneesInvalides with every problem."""
    gabarit, valeurs = preparer(catalogue, gabarit_id, donnees, version)
    return rendre(catalogue, gabarit, valeurs, maintenant)
