"""From input values to a filled .docx: validate, build the context, render, identify.

The one function every entry point calls (CLI, web, bulk jobs, API). It knows
nothing of where the values came from or where the document goes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .catalogue import Catalogue, Gabarit
from .contexte import contexte
from .nommage import nom_de_fichier
from .validation import empreinte, valider

FUSEAU = ZoneInfo("Europe/Paris")


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

    @property
    def proprietes(self) -> dict[str, str]:
        return proprietes(self.gabarit, self.document_id, self.numero, self.genere_le,
                          self.empreinte)


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
           maintenant: dt.datetime | None = None) -> DocumentGenere:
    """Renders already validated ``valeurs`` into a new document."""
    maintenant = maintenant or dt.datetime.now(FUSEAU)
    document_id = str(uuid.uuid4())
    numero = f"{maintenant:%Y%m%d}-{document_id[:6].upper()}"
    sha = empreinte(valeurs)
    document = {"id": document_id, "numero": numero, "version": 1,
                "genere_le": maintenant.strftime("%d/%m/%Y %H:%M")}
    ctx = contexte(gabarit.formulaire, valeurs, instance=catalogue.instance.parametres,
                   document=document)
    nom = nom_de_fichier(gabarit.formulaire.nom_fichier, valeurs, date=maintenant.date(),
                         numero=numero)
    principales = {
        "titre": nom, "auteur": catalogue.instance.parametres["nom"],
        "sujet": f"{gabarit.titre} ({gabarit.id}, version {gabarit.version})",
        "date": maintenant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    docx = catalogue.compile(gabarit).rendre(
        ctx, proprietes(gabarit, document_id, numero, maintenant, sha), principales)
    return DocumentGenere(gabarit, document_id, numero, maintenant, valeurs, sha, nom, docx)


def generer(catalogue: Catalogue, gabarit_id: str, donnees, version: int | None = None,
            maintenant: dt.datetime | None = None) -> DocumentGenere:
    """Validates ``donnees`` and renders them; raises DonneesInvalides with every problem."""
    gabarit, valeurs = preparer(catalogue, gabarit_id, donnees, version)
    return rendre(catalogue, gabarit, valeurs, maintenant)
