"""What follows a step of a document: the next signers told, the complete document archived.

``suite`` is called after a document is made or signed, by the page, the API or the
command line that did it. When every slot is signed (or the document has none), the
document is sealed and archived by itself (``archiver``); otherwise the people who may
sign now are sent an e-mail with a link to it (``prevenir``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from service.archive import documents as dossiers

from . import suivi
from .modele import DocumentDuDossier

# Who archives a complete document: the service itself, with the secretariat's rights (the
# archive's record is then read by the stagiaire's trio, as a record the secretariat keeps).
SERVICE = "circuit de signature"


@dataclass
class Outils:
    """What the circuit needs, built by its caller (the web, the command line)."""
    base: object
    catalogue: object
    sorties: Path
    archives: object  # service.archive.depot.Archives
    moteur: object
    sceau: object
    messagerie: object | None = None
    lien: Callable[[str], str] = lambda numero: numero  # a document's address, for e-mails


def suite(outils: Outils, numero: str, par: str) -> DocumentDuDossier | None:
    """After document ``numero`` was made or signed: archive it when complete, else tell the
    next signers. Returns its dossier row (None when it is in no dossier)."""
    with Session(outils.base, expire_on_commit=False) as session:
        doc = suivi.par_numero(session, numero)
    if doc is None:
        return None
    if doc.etat == "signe":
        archiver(outils, doc)
    return doc


def archiver(outils: Outils, doc: DocumentDuDossier) -> str:
    """Archives the latest version of a complete document; returns the archive's numéro."""
    dossier = dossiers.racine(outils.sorties) / doc.numero
    fiche = json.loads((dossier / "document.json").read_text(encoding="utf-8"))
    derniere = fiche["versions"][-1]
    docx = (dossier / derniere["docx"]).read_bytes()
    depot = outils.archives.deposer(docx, f"{fiche['nom']}.docx", SERVICE)
    outils.archives.archiver(depot.numero, depot.version, SERVICE, outils.moteur, outils.sceau)
    suivi.archive(outils.base, doc.numero, depot.numero, SERVICE)
    return depot.numero
