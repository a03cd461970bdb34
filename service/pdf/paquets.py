"""Bulk PDF: many documents converted as one, then split, each sealed on its own.

LibreOffice pays a fixed cost per document it opens; bulk work must not pay it
per document. So documents of one gabarit version are assembled into packets:
one Word document holding each document's body in its own section (its own
footer, page numbers restarting at 1, "page n/N" counted by a PAGEREF to a
bookmark at the document's end), with a bookmark at its start and its end.
LibreOffice converts the packet once; the bookmarks become named destinations
that say where each document starts and ends (read by PDFium); pypdf splits the
packet, gives each part its own PDF/A metadata, and each part is sealed.

The same packets also make one print-ready PDF: every document starting on an
odd page for duplex printing, with a bookmark per document.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from io import BytesIO
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

from service.catalogue.generation import DocumentGenere, sujet
from service.catalogue.ooxml import zip_info
from service.catalogue.rendu import RELS_DOCUMENT

from .libreoffice import Moteur
from .pdfium import ouvrir, page_de_destination
from .sceau import Sceau

DOCUMENTS_PAR_CONVERSION = 25  # documents assembled into one Word file for LibreOffice
_TYPE_PIED = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_CT_PIED = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"


def _parties(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(BytesIO(docx)) as z:
        return {nom: z.read(nom) for nom in z.namelist()}


def assembler_paquet(documents: Sequence[DocumentGenere]) -> bytes:
    """One .docx holding every document of the packet, each in a section of its own."""
    base = _parties(documents[0].docx)
    entete = base["word/document.xml"].decode("utf-8")
    debut_corps = entete.index("<w:body>") + len("<w:body>")
    section_finale = entete[entete.rindex("<w:sectPr"):entete.rindex("</w:body>")]
    corps, pieds, relations = [], {}, []
    for k, document in enumerate(documents, 1):
        parties = _parties(document.docx)
        xml = parties["word/document.xml"].decode("utf-8")
        contenu = xml[xml.index("<w:body>") + len("<w:body>"):xml.rindex("<w:sectPr")]
        # a bookmark in the first paragraph and one in the last: where it starts and ends
        contenu = re.sub(r"(<w:p(?: [^>]*)?>(?:<w:pPr>.*?</w:pPr>)?)",
                         rf'\1<w:bookmarkStart w:id="{90000 + k}" w:name="inspedebut{k}"/>'
                         rf'<w:bookmarkEnd w:id="{90000 + k}"/>', contenu, count=1, flags=re.S)
        fin = contenu.rindex("</w:p>")
        contenu = (contenu[:fin] + f'<w:bookmarkStart w:id="{80000 + k}" w:name="inspefin{k}"/>'
                   f'<w:bookmarkEnd w:id="{80000 + k}"/>' + contenu[fin:])
        pied = parties["word/footer1.xml"].decode("utf-8").replace(
            " NUMPAGES ", f" PAGEREF inspefin{k} \\h ")
        pieds[f"word/pied{k}.xml"] = pied.encode("utf-8")
        relations.append(f'<Relationship Id="rIdPied{k}" Type="{_TYPE_PIED}" Target="pied{k}.xml"/>')
        section = re.sub(r'<w:footerReference w:type="default" r:id="[^"]+"/>',
                         f'<w:footerReference w:type="default" r:id="rIdPied{k}"/>', section_finale)
        section = section.replace("<w:pgSz", ('<w:type w:val="nextPage"/>' if k > 1 else "")
                                  + "<w:pgSz").replace("<w:cols", '<w:pgNumType w:start="1"/><w:cols')
        if k < len(documents):
            # a tiny paragraph ends the section, so that it adds no page of its own
            corps.append(contenu + '<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" '
                         f'w:lineRule="exact"/>{section}<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>')
        else:
            corps.append(contenu + section)
    document_xml = entete[:debut_corps] + "".join(corps) + "</w:body></w:document>"
    rels = base[RELS_DOCUMENT].decode("utf-8").replace("</Relationships>",
                                                       "".join(relations) + "</Relationships>")
    types = base["[Content_Types].xml"].decode("utf-8").replace("</Types>", "".join(
        f'<Override PartName="/{nom}" ContentType="{_CT_PIED}"/>' for nom in pieds) + "</Types>")
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr(zip_info("[Content_Types].xml"), types.encode("utf-8"))
        for nom, data in base.items():
            if nom not in ("[Content_Types].xml", "word/document.xml", RELS_DOCUMENT):
                z.writestr(zip_info(nom), data)
        z.writestr(zip_info("word/document.xml"), document_xml.encode("utf-8"))
        z.writestr(zip_info(RELS_DOCUMENT), rels.encode("utf-8"))
        for nom, data in pieds.items():
            z.writestr(zip_info(nom), data)
    return buf.getvalue()


def pages_des_documents(pdf: bytes, nombre: int) -> list[range]:
    """The pages of each document of a converted packet, read from its named destinations.

    Read by PDFium: 0.4 ms for a packet of four, against 6 ms of Python for pypdf.
    """
    with ouvrir(pdf) as document:
        return [range(page_de_destination(document, f"inspedebut{k}"),
                      page_de_destination(document, f"inspefin{k}") + 1)
                for k in range(1, nombre + 1)]


class Entete(NamedTuple):
    """What a PDF's metadata say of its document (unlike the document, it can be sent to
    another process: see ``atelier``)."""

    titre: str
    sujet: str
    genere_le: dt.datetime

    @classmethod
    def de(cls, document: DocumentGenere) -> Entete:
        return cls(document.nom, sujet(document.gabarit), document.genere_le)


def _xmp(entete: Entete, auteur: str, pdfa: bool, date: str) -> bytes:
    pdfaid = ('<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>'
              if pdfa else "")
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" '
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
        f"{pdfaid}"
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(entete.titre)}</rdf:li></rdf:Alt>'
        "</dc:title>"
        f"<dc:creator><rdf:Seq><rdf:li>{escape(auteur)}</rdf:li></rdf:Seq></dc:creator>"
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(entete.sujet)}'
        "</rdf:li></rdf:Alt></dc:description>"
        f"<pdf:Producer>LibreOffice</pdf:Producer><xmp:CreatorTool>Writer</xmp:CreatorTool>"
        f"<xmp:CreateDate>{date}</xmp:CreateDate><xmp:ModifyDate>{date}</xmp:ModifyDate>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()


def extraire(lecteur: PdfReader, pages: range, entete: Entete, auteur: str, pdfa: bool) -> bytes:
    """One document's pages as a PDF of its own, with its own (PDF/A) metadata."""
    ecrivain = PdfWriter()
    for n in pages:
        ecrivain.add_page(lecteur.pages[n])
    racine = lecteur.trailer["/Root"]
    if pdfa and "/OutputIntents" in racine:
        ecrivain._root_object[NameObject("/OutputIntents")] = racine["/OutputIntents"].clone(
            ecrivain)
    if "/Lang" in racine:
        ecrivain._root_object[NameObject("/Lang")] = racine["/Lang"]
    instant = entete.genere_le.astimezone(dt.UTC)
    date = instant.strftime("%Y-%m-%dT%H:%M:%SZ")
    metadonnees = StreamObject()
    metadonnees._data = _xmp(entete, auteur, pdfa, date)
    metadonnees.update({NameObject("/Type"): NameObject("/Metadata"),
                        NameObject("/Subtype"): NameObject("/XML")})
    ecrivain._root_object[NameObject("/Metadata")] = ecrivain._add_object(metadonnees)
    pdf_date = instant.strftime("D:%Y%m%d%H%M%SZ")
    ecrivain.add_metadata({"/Title": entete.titre, "/Author": auteur, "/Subject": entete.sujet,
                           "/Creator": "Writer", "/Producer": "LibreOffice",
                           "/CreationDate": pdf_date, "/ModDate": pdf_date})
    ecrivain.generate_file_identifiers()
    sortie = BytesIO()
    ecrivain.write(sortie)
    return sortie.getvalue()


def convertir_paquets(documents: Sequence[DocumentGenere], moteur: Moteur, *, pdfa: bool = True,
                      taille: int = DOCUMENTS_PAR_CONVERSION, dossier: Path, voie: str = "lot"):
    """Each packet of documents with the Future of the PDF LibreOffice makes of it.

    Every packet is queued at once, so that both instances work while the
    caller splits and seals the packets already converted.
    """
    travaux = []
    for n, i in enumerate(range(0, len(documents), taille)):
        paquet = list(documents[i:i + taille])
        docx = dossier / f"paquet{n:04d}.docx"
        docx.write_bytes(assembler_paquet(paquet))
        travaux.append((paquet, moteur.soumettre(docx, dossier / f"paquet{n:04d}.pdf", pdfa=pdfa,
                                                 voie=voie)))
    return travaux


def produire_lot(documents: Sequence[DocumentGenere], moteur: Moteur, sceau: Sceau, *,
                 auteur: str, pdfa: bool = True, taille: int = DOCUMENTS_PAR_CONVERSION,
                 avancement: Callable[[int], object] | None = None) -> list[bytes]:
    """The sealed PDF of each document, converted in packets; same result as one by one."""
    for document in documents:
        if document.signataires or document.gabarit is not documents[0].gabarit:
            raise ValueError("un lot réunit des documents non signés d'une même version de gabarit")
    resultats = []
    with tempfile.TemporaryDirectory(prefix="inspe-lot-") as tmp:
        for paquet, futur in convertir_paquets(documents, moteur, pdfa=pdfa, taille=taille,
                                               dossier=Path(tmp)):
            pdf = futur.result().read_bytes()
            lecteur = PdfReader(BytesIO(pdf))
            for document, pages in zip(paquet, pages_des_documents(pdf, len(paquet))):
                partie = extraire(lecteur, pages, Entete.de(document), auteur, pdfa)
                resultats.append(sceau.sceller(partie, document.proprietes))
            if avancement:
                avancement(len(paquet))
    return resultats


def titre_signet(document: DocumentGenere) -> str:
    return f"{document.nom} (n° {document.numero})"


def pdf_pour_impression(titres: Sequence[str], pdfs: Sequence[bytes]) -> bytes:
    """One PDF of all ``pdfs``: each starts on an odd page, with a bookmark titled from ``titres``."""
    ecrivain = PdfWriter()
    for titre, pdf in zip(titres, pdfs):
        lecteur = PdfReader(BytesIO(pdf))
        premiere = len(ecrivain.pages)
        for page in lecteur.pages:
            ecrivain.add_page(page)
        if len(lecteur.pages) % 2:
            largeur, hauteur = lecteur.pages[-1].mediabox.width, lecteur.pages[-1].mediabox.height
            ecrivain.add_blank_page(largeur, hauteur)
        ecrivain.add_outline_item(title=titre, page_number=premiere)
    ecrivain.add_metadata({"/Title": f"Lot de {len(pdfs)} documents", "/Producer": "LibreOffice"})
    ecrivain.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    sortie = BytesIO()
    ecrivain.write(sortie)
    return sortie.getvalue()
