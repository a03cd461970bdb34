"""Every PDF document kept with all its versions, until the archive takes them over.

    documents/<numéro>/          in the service's storage (service/stockage: the folder
                                 sorties/ by default, or an S3 bucket)
        document.json        gabarit, identity, values, the institution's settings version
                             (« reglages », kept by every later version), versions and signers
        v1.docx  v1.pdf      as generated (unsigned)
        v2.docx  v2.pdf      signed by the first signer …
        signatures/<champ>-<sha256>.png   each signature's picture, named by its content

A version, once written, is never overwritten: signing writes the next one. Each file is
written whole or not at all (``Stockage.ecrire``), document.json last: a folder without it is
what a crash left (``fsck`` removes it).

Every function takes the storage; a folder given as a path is the local storage of that folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
from pathlib import Path

from PIL import Image

from service.catalogue.gabarits import Catalogue
from service.catalogue.generation import DocumentGenere
from service.catalogue.signature import ImageSignature
from service.catalogue.signature_document import Signataire
from service.catalogue.validation import en_json, lire_date, valider
from service.stockage import Absent, Dossier, Stockage

FICHE = "document.json"


class DossierIntrouvable(Exception):
    pass


def racine(sorties: Path) -> Path:
    return Path(sorties) / "documents"


def _stockage(ou: Stockage | Path) -> Stockage:
    return Dossier(Path(ou)) if isinstance(ou, (str, Path)) else ou


def cle(numero: str, nom: str = "") -> str:
    """The key of file ``nom`` of document ``numero`` (its folder's when ``nom`` is empty)."""
    numero = Path(numero).name  # a numéro from a URL never leaves documents/
    if not numero or numero.startswith("."):
        raise DossierIntrouvable(f"numéro de document invalide : {numero!r}")
    return f"documents/{numero}/{nom}".rstrip("/")


def fiche(ou: Stockage | Path, numero: str) -> dict:
    """Document ``numero``'s record (its document.json); DossierIntrouvable when there is none."""
    try:
        return json.loads(_stockage(ou).lire(cle(numero, FICHE)).decode("utf-8"))
    except Absent:
        raise DossierIntrouvable(f"aucun document n° {numero}") from None


def _fiche_ou_rien(stockage: Stockage, numero: str) -> dict | None:
    try:
        return fiche(stockage, numero)
    except DossierIntrouvable:
        return None


def lire(ou: Stockage | Path, numero: str, nom: str) -> bytes:
    """File ``nom`` (``v2.pdf``, ``signatures/…png``) of document ``numero``; Absent if missing."""
    return _stockage(ou).lire(cle(numero, nom))


def supprimer(ou: Stockage | Path, numero: str) -> None:
    """Every file of document ``numero`` (what a crash left before its document.json)."""
    stockage = _stockage(ou)
    for entree in [*stockage.lister(cle(numero)), *stockage.temporaires(cle(numero))]:
        stockage.supprimer(entree.cle)
    if isinstance(stockage, Dossier):  # and its empty folders (signatures/, made up front before)
        shutil.rmtree(stockage.chemin(cle(numero)), ignore_errors=True)


def enregistrer(ou: Stockage | Path, document: DocumentGenere, pdf: bytes, *,
                nouveau: bool = False, auteur: int | None = None, trio: list[str] | None = None,
                postes: dict | None = None, stagiaire_id: int | None = None) -> str:
    """Writes ``document``'s version (docx and PDF) into its folder; returns the PDF's key.

    ``nouveau``: the caller has just read that document ``numero`` has no document.json (a
    lot's row), so its first version is written without looking for an earlier one: files a
    crash left before the record have the same names and are written over (on S3, two requests
    fewer per document).

    ``auteur`` (an account), ``trio`` (the stagiaire's trio, by account name) and
    ``postes`` (the same trio by position: compte_stagiaire, tuteur_terrain, tuteur_inspe)
    are recorded with the first version: service/personnes/acces.py reads them to say
    who may read and sign it.
    """
    stockage = _stockage(ou)
    pdf_cle = cle(document.numero, f"v{document.version}.pdf")
    if not nouveau and stockage.existe(pdf_cle):
        raise FileExistsError(f"{pdf_cle} existe déjà : une version n'est jamais réécrite")
    images = {}
    for signataire in document.signataires:
        # named by its content: a slot signed again (after a correction) keeps both pictures,
        # and each version reads back its own
        nom = f"{signataire.champ}-{hashlib.sha256(signataire.image.png).hexdigest()[:16]}.png"
        if not stockage.existe(cle(document.numero, f"signatures/{nom}")):
            stockage.ecrire(cle(document.numero, f"signatures/{nom}"), signataire.image.png)
        images[signataire.champ] = f"signatures/{nom}"
    stockage.ecrire(cle(document.numero, f"v{document.version}.docx"), document.docx)
    stockage.ecrire(pdf_cle, pdf)
    donnees = None if nouveau else _fiche_ou_rien(stockage, document.numero)
    if donnees is None:
        donnees = {
            "gabarit_id": document.gabarit.id, "gabarit_version": document.gabarit.version,
            "document_id": document.document_id, "numero": document.numero, "nom": document.nom,
            "donnees_sha256": document.empreinte, "valeurs": en_json(document.valeurs),
            "auteur": auteur, "trio": sorted(trio or []), "postes": postes or None,
            "stagiaire_id": stagiaire_id, "reglages": document.reglages, "versions": []}
    if donnees["donnees_sha256"] != document.empreinte:  # a corrected version: its new values
        donnees.update(donnees_sha256=document.empreinte, valeurs=en_json(document.valeurs),
                       nom=document.nom, gabarit_version=document.gabarit.version)
    donnees["versions"].append({
        "version": document.version, "genere_le": document.genere_le.isoformat(),
        "donnees_sha256": document.empreinte,
        "docx": f"v{document.version}.docx", "pdf": f"v{document.version}.pdf",
        "reglages": document.reglages,
        "signataires": [{"champ": s.champ, "nom": s.nom, "role": s.role,
                         "date": s.date.isoformat(), "image": images[s.champ]}
                        for s in document.signataires]})
    stockage.ecrire(cle(document.numero, FICHE),
                    json.dumps(donnees, ensure_ascii=False, indent=2).encode("utf-8"))
    return pdf_cle


def charger(ou: Stockage | Path, numero: str, catalogue: Catalogue) -> DocumentGenere:
    """The latest version of document ``numero``, ready to be signed again."""
    stockage = _stockage(ou)
    donnees = fiche(stockage, numero)
    gabarit = catalogue.gabarit(donnees["gabarit_id"], donnees["gabarit_version"])
    valeurs = valider(gabarit.formulaire, donnees["valeurs"])
    derniere = donnees["versions"][-1]
    signataires = tuple(
        Signataire(s["champ"], s["nom"], s["role"], lire_date(s["date"]),
                   _image(lire(stockage, numero, s.get("image", f"signatures/{s['champ']}.png"))))
        for s in derniere["signataires"])
    return DocumentGenere(
        gabarit=gabarit, document_id=donnees["document_id"], numero=donnees["numero"],
        genere_le=dt.datetime.fromisoformat(derniere["genere_le"]), valeurs=valeurs,
        empreinte=donnees["donnees_sha256"], nom=donnees["nom"],
        docx=lire(stockage, numero, derniere["docx"]), version=derniere["version"],
        signataires=signataires, reglages=reglages(donnees))


def reglages(fiche: dict) -> int:
    """The settings version a kept document was made with (1: before the versions)."""
    return int(fiche.get("reglages") or 1)


def _image(png: bytes) -> ImageSignature:
    with Image.open(io.BytesIO(png)) as image:
        return ImageSignature(png, *image.size)
