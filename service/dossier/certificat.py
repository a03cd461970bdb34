"""The « Certificat de signature »: the last page of a document archived by its signing circuit.

Like DocuSeal's audit certificate, it says who signed (name, qualité, account), when (date and
time, Europe/Paris, from the audit log's « signature » entries), which document (numéro,
gabarit and its version, document version) and the sha256 of what was signed: the Word file of
the last signed version (the one the archive keeps as its original) and its PDF.

The page is appended to the Word file before the archive converts it (``Archives.archiver``'s
``annexe``): LibreOffice lays it out with the rest, in the document's own section, so the
archive's stamp is in its footer too, its fonts are embedded and the PDF/A stays true; the
seal then covers the whole file, certificate included. One conversion, not two and a merge.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from io import BytesIO

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from sqlalchemy import select
from sqlalchemy.orm import Session

from service import journal
from service.archive import documents as dossiers
from service.catalogue.generation import FUSEAU

POLICE = "Liberation Sans"  # always there with LibreOffice, embedded in the PDF/A


@dataclass(frozen=True)
class Signature:
    nom: str
    qualite: str
    identifiant: str  # the account that signed ("" when the log does not say: a command line)
    quand: str  # « 23/11/2026 à 14:05 » (Europe/Paris), or the date alone


@dataclass(frozen=True)
class Certificat:
    numero: str
    titre: str
    stagiaire: str
    gabarit_id: str
    gabarit_version: int
    version: int  # the document's last signed version
    signatures: tuple[Signature, ...]
    docx_nom: str
    docx_sha256: str
    pdf_nom: str
    pdf_sha256: str
    etabli_le: str


def _heure(quand: str) -> str:
    moment = dt.datetime.fromisoformat(quand).astimezone(FUSEAU)
    return f"{moment:%d/%m/%Y} à {moment:%H:%M:%S}"


def _signatures_du_journal(base, numero: str) -> dict[str, tuple[str, str]]:
    """slot → (account, when) of the latest « signature » entry of document ``numero``."""
    with Session(base) as session:
        entrees = session.execute(select(journal.Entree.qui, journal.Entree.quand,
                                         journal.Entree.detail).where(
            journal.Entree.quoi == "signature", journal.Entree.document == numero)
            .order_by(journal.Entree.id))
        trouvees = {}
        for qui, quand, detail in entrees:
            # the web writes « identifiant (rôle) » and « champ, version N »
            trouvees[detail.split(",", 1)[0].strip()] = (qui.split(" (", 1)[0], quand)
        return trouvees


def etablir(base, stockage, fiche: dict, titre: str, stagiaire: str) -> Certificat:
    """The certificate of the last version of the document kept in ``stockage``
    (service/archive/documents.py; its ``document.json``: ``fiche``)."""
    derniere = fiche["versions"][-1]
    journal_ = _signatures_du_journal(base, fiche["numero"])
    signatures = []
    for s in derniere["signataires"]:
        identifiant, quand = journal_.get(s["champ"], ("", ""))
        signatures.append(Signature(
            s["nom"], s["role"], identifiant,
            _heure(quand) if quand else dt.date.fromisoformat(s["date"]).strftime("%d/%m/%Y")))
    docx_, pdf = (dossiers.lire(stockage, fiche["numero"], derniere[n]) for n in ("docx", "pdf"))
    return Certificat(
        fiche["numero"], titre, stagiaire, fiche["gabarit_id"], fiche["gabarit_version"],
        derniere["version"], tuple(signatures), derniere["docx"],
        hashlib.sha256(docx_).hexdigest(), derniere["pdf"], hashlib.sha256(pdf).hexdigest(),
        _heure(dt.datetime.now(FUSEAU).isoformat()))


def _paragraphe(document, texte: str = "", *, gras: bool = False, taille: float = 10,
                avant_page: bool = False, espace: float = 4):
    p = document.add_paragraph()
    p.paragraph_format.space_after = Pt(espace)
    p.paragraph_format.page_break_before = avant_page
    if texte:
        _run(p, texte, gras=gras, taille=taille)
    return p


def _run(p, texte: str, *, gras: bool = False, taille: float = 10):
    run = p.add_run(texte)
    run.bold, run.font.name, run.font.size = gras, POLICE, Pt(taille)
    return run


def _bordures(tableau) -> None:
    """Thin borders (the template may have no « Table Grid » style)."""
    bordures = OxmlElement("w:tblBorders")
    for cote in ("top", "left", "bottom", "right", "insideH", "insideV"):
        trait = OxmlElement(f"w:{cote}")
        for cle, valeur in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "666666")):
            trait.set(qn(f"w:{cle}"), valeur)
        bordures.append(trait)
    tableau._tbl.tblPr.append(bordures)


def ajouter(contenu: bytes, certificat: Certificat) -> bytes:
    """The Word file ``contenu`` with the certificate as its last page."""
    document = docx.Document(BytesIO(contenu))
    _paragraphe(document, "Certificat de signature", gras=True, taille=16, avant_page=True,
                espace=10)
    for libelle, valeur in (
            ("Document", certificat.titre),
            ("Stagiaire", certificat.stagiaire),
            ("Numéro du document", certificat.numero),
            ("Gabarit", f"{certificat.gabarit_id}, version {certificat.gabarit_version}"),
            ("Version signée", f"version {certificat.version}")):
        if valeur:
            p = _paragraphe(document, espace=2)
            _run(p, f"{libelle} : ", gras=True)
            _run(p, valeur)
    _paragraphe(document, f"Signatures ({len(certificat.signatures)})", gras=True, taille=12,
                espace=6).paragraph_format.space_before = Pt(10)
    tableau = document.add_table(rows=1, cols=4)
    _bordures(tableau)
    for cellule, entete in zip(tableau.rows[0].cells, ("Signataire", "Qualité", "Compte",
                                                       "Signé le (heure de Paris)"), strict=True):
        _run(cellule.paragraphs[0], entete, gras=True, taille=9)
    for s in certificat.signatures:
        for cellule, valeur in zip(tableau.add_row().cells,
                                   (s.nom, s.qualite, s.identifiant or "—", s.quand), strict=True):
            _run(cellule.paragraphs[0], valeur, taille=9)
    _paragraphe(document, "Empreintes (sha256) du document signé", gras=True, taille=12,
                espace=6).paragraph_format.space_before = Pt(10)
    for libelle, nom, empreinte in (
            (f"Document Word signé, version {certificat.version} (l’original gardé par "
             "l’archive)", certificat.docx_nom, certificat.docx_sha256),
            (f"PDF de la version {certificat.version} signée", certificat.pdf_nom,
             certificat.pdf_sha256)):
        p = _paragraphe(document, espace=1)
        _run(p, f"{libelle} — {nom} :", taille=9)
        _paragraphe(document, empreinte, taille=8, espace=6)
    _paragraphe(document, (
        f"Certificat établi le {certificat.etabli_le} (heure de Paris) par le circuit de "
        "signature, d’après le journal d’audit chaîné du service. Ce PDF porte le sceau de "
        "l’établissement : « inspe-docs verifier » dit s’il est intact."), taille=8)
    sortie = BytesIO()
    document.save(sortie)
    return sortie.getvalue()
