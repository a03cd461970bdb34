"""Every PDF document kept with all its versions, until the archive takes them over.

    sorties/documents/<numéro>/
        document.json        gabarit, identity, values, the institution's settings version
                             (« reglages », kept by every later version), versions and signers
        v1.docx  v1.pdf      as generated (unsigned)
        v2.docx  v2.pdf      signed by the first signer …
        signatures/<champ>-<sha256>.png   each signature's picture, named by its content

A version, once written, is never overwritten: signing writes the next one.
Files are written beside their final name, then renamed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from pathlib import Path

from PIL import Image

from service.catalogue.ecriture import ecrire_atomique
from service.catalogue.gabarits import Catalogue
from service.catalogue.generation import DocumentGenere
from service.catalogue.signature import ImageSignature
from service.catalogue.signature_document import Signataire
from service.catalogue.validation import en_json, lire_date, valider


class DossierIntrouvable(Exception):
    pass


def racine(sorties: Path) -> Path:
    return Path(sorties) / "documents"


def enregistrer(sorties: Path, document: DocumentGenere, pdf: bytes,
                auteur: int | None = None, trio: list[str] | None = None,
                postes: dict | None = None, stagiaire_id: int | None = None) -> Path:
    """Writes ``document``'s version (docx and PDF) into its folder; returns the PDF's path.

    ``auteur`` (an account), ``trio`` (the stagiaire's trio, by account name) and
    ``postes`` (the same trio by position: compte_stagiaire, tuteur_terrain, tuteur_inspe)
    are recorded with the first version: service/personnes/acces.py reads them to say
    who may read and sign it.
    """
    dossier = racine(sorties) / document.numero
    (dossier / "signatures").mkdir(parents=True, exist_ok=True)
    pdf_chemin = dossier / f"v{document.version}.pdf"
    if pdf_chemin.exists():
        raise FileExistsError(f"{pdf_chemin} existe déjà : une version n'est jamais réécrite")
    images = {}
    for signataire in document.signataires:
        # named by its content: a slot signed again (after a correction) keeps both pictures,
        # and each version reads back its own
        nom = f"{signataire.champ}-{hashlib.sha256(signataire.image.png).hexdigest()[:16]}.png"
        if not (dossier / "signatures" / nom).exists():
            ecrire_atomique(dossier / "signatures" / nom, signataire.image.png)
        images[signataire.champ] = f"signatures/{nom}"
    ecrire_atomique(dossier / f"v{document.version}.docx", document.docx)
    ecrire_atomique(pdf_chemin, pdf)
    fiche = dossier / "document.json"
    donnees = json.loads(fiche.read_text(encoding="utf-8")) if fiche.exists() else {
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
    ecrire_atomique(fiche, json.dumps(donnees, ensure_ascii=False, indent=2).encode("utf-8"))
    return pdf_chemin


def charger(sorties: Path, numero: str, catalogue: Catalogue) -> DocumentGenere:
    """The latest version of document ``numero``, ready to be signed again."""
    dossier = racine(sorties) / Path(numero).name
    fiche = dossier / "document.json"
    if not fiche.exists():
        raise DossierIntrouvable(f"aucun document n° {numero} dans {racine(sorties)}")
    donnees = json.loads(fiche.read_text(encoding="utf-8"))
    gabarit = catalogue.gabarit(donnees["gabarit_id"], donnees["gabarit_version"])
    valeurs = valider(gabarit.formulaire, donnees["valeurs"])
    derniere = donnees["versions"][-1]
    signataires = tuple(
        Signataire(s["champ"], s["nom"], s["role"], lire_date(s["date"]),
                   _image(dossier / s.get("image", f"signatures/{s['champ']}.png")))
        for s in derniere["signataires"])
    return DocumentGenere(
        gabarit=gabarit, document_id=donnees["document_id"], numero=donnees["numero"],
        genere_le=dt.datetime.fromisoformat(derniere["genere_le"]), valeurs=valeurs,
        empreinte=donnees["donnees_sha256"], nom=donnees["nom"],
        docx=(dossier / derniere["docx"]).read_bytes(), version=derniere["version"],
        signataires=signataires, reglages=reglages(donnees))


def reglages(fiche: dict) -> int:
    """The settings version a kept document was made with (1: before the versions)."""
    return int(fiche.get("reglages") or 1)


def _image(chemin: Path) -> ImageSignature:
    png = chemin.read_bytes()
    with Image.open(io.BytesIO(png)) as image:
        return ImageSignature(png, *image.size)
