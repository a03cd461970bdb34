"""Bulk PDF: many documents converted as one, then split, each sealed on its own.

LibreOffice pays a fixed cost per document it opens; bulk work must not pay it
per document. So documents of one gabarit version are assembled into packets:
one Word document holding each document's body in its own section (its own
footer, page numbers restarting at 1, "page n/N" counted by a PAGEREF to a
bookmark at the document's end), with a bookmark at its start and its end.
LibreOffice converts the packet once; the bookmarks become named destinations
that say where each document starts and ends (read by PDFium); pypdf splits the
packet, gives each part its own PDF/A metadata and its part of the structure tree (the
tagged PDF screen readers read), and each part is sealed.

The same packets also make one print-ready PDF: every document starting on an
odd page for duplex printing, with a bookmark per document.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import weakref
import zipfile
from collections.abc import Callable, Sequence
from io import BytesIO
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

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


def _enfants(element: DictionaryObject) -> list:
    """An element's /K as a list (a single kid, an array, an array by reference, or none)."""
    kids = element.get("/K")
    kids = kids.get_object() if kids is not None else None
    return list(kids) if isinstance(kids, list) else [] if kids is None else [kids]


def _ref(objet) -> int | None:
    return objet.idnum if isinstance(objet, IndirectObject) else None


_SIMPLES = (NameObject, NumberObject, FloatObject, TextStringObject, ByteStringObject,
            BooleanObject)


def _partageable(valeur) -> bool:
    """Whether ``valeur`` holds no reference: then the cut document may use it as it is."""
    if isinstance(valeur, _SIMPLES):
        return True
    if isinstance(valeur, DictionaryObject) and not isinstance(valeur, StreamObject):
        return all(_partageable(v) for v in valeur.values())
    if isinstance(valeur, ArrayObject):
        return all(_partageable(v) for v in valeur)
    return False


_ETENDUES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _numero(element: DictionaryObject) -> int | None:
    """The object number of an element read from the packet (None: a direct object)."""
    return _ref(getattr(element, "indirect_reference", None))


def _etendues(lecteur: PdfReader) -> dict[int, frozenset[int]]:
    """For each structure element of the packet (by object number), the pages its content lies
    on: read once per packet, so that cutting out each document skips the others' elements at
    once. Only numbers are kept: an element refers to its reader, which would never go."""
    if lecteur in _ETENDUES:
        return _ETENDUES[lecteur]
    etendues: dict[int, frozenset[int]] = {}

    def parcourir(element: DictionaryObject, page_heritee: int | None) -> frozenset[int]:
        page = _ref(element.raw_get("/Pg")) if "/Pg" in element else page_heritee
        vues = {page} if page is not None else set()
        for kid in _enfants(element):
            kid = kid.get_object()
            if isinstance(kid, DictionaryObject) and "/S" in kid:
                vues |= parcourir(kid, page)
            elif isinstance(kid, DictionaryObject) and "/Pg" in kid:
                vues.add(_ref(kid.raw_get("/Pg")))
        if (numero := _numero(element)) is not None:
            etendues[numero] = frozenset(vues)
        return frozenset(vues)

    for kid in _enfants(lecteur.trailer["/Root"]["/StructTreeRoot"]):
        parcourir(kid.get_object(), None)
    _ETENDUES[lecteur] = etendues
    return etendues


def _structure(lecteur: PdfReader, ecrivain: PdfWriter, pages: dict[int, IndirectObject]) -> None:
    """The packet's structure tree (the tagged PDF's), cut to the document's pages.

    Each element whose content lies on the kept pages is copied, in the same order (the
    reading order), with its kept content only; the parent tree, which leads from a page's
    marked content back to its element, is made anew. Links (OBJR) are left out.
    """
    racine = lecteur.trailer["/Root"]["/StructTreeRoot"]
    parents: dict[int, dict[int, IndirectObject]] = {}  # page → MCID → element
    etendue = _etendues(lecteur)

    def copier(element: DictionaryObject, page_heritee: int | None) -> IndirectObject | None:
        page = _ref(element.raw_get("/Pg")) if "/Pg" in element else page_heritee
        enfants, marques, sous_elements = ArrayObject(), [], []
        for kid in _enfants(element):
            kid = kid.get_object()
            if isinstance(kid, int):  # marked content of the element's page
                if page in pages:
                    enfants.append(NumberObject(kid))
                    marques.append((page, int(kid)))
            elif isinstance(kid, DictionaryObject) and kid.get("/Type") == "/MCR":
                page_mcr = _ref(kid.raw_get("/Pg")) if "/Pg" in kid else page
                if page_mcr in pages:
                    enfants.append(DictionaryObject({
                        NameObject("/Type"): NameObject("/MCR"), NameObject("/Pg"): pages[page_mcr],
                        NameObject("/MCID"): NumberObject(kid["/MCID"])}))
                    marques.append((page_mcr, int(kid["/MCID"])))
            elif isinstance(kid, DictionaryObject) and "/S" in kid:
                vues = etendue.get(_numero(kid))
                if vues is not None and vues.isdisjoint(pages):
                    continue  # another document's
                copie = copier(kid, page)
                if copie is not None:
                    enfants.append(copie)
                    sous_elements.append(copie)
        if not enfants and ("/K" in element or page not in pages):
            return None  # (an element without /K, such as an empty cell, stays on its page)
        nouveau = DictionaryObject()
        for cle, valeur in element.items():
            if cle not in ("/K", "/P", "/Pg"):
                # values without references are shared as they are, not cloned
                nouveau[NameObject(cle)] = (valeur if _partageable(valeur)
                                            else valeur.clone(ecrivain))
        if page in pages:
            nouveau[NameObject("/Pg")] = pages[page]
        nouveau[NameObject("/K")] = enfants
        ref = ecrivain._add_object(nouveau)
        for sous in sous_elements:
            sous.get_object()[NameObject("/P")] = ref
        for page_mcid, mcid in marques:
            parents.setdefault(page_mcid, {})[mcid] = ref
        return ref

    arbre = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
    arbre_ref = ecrivain._add_object(arbre)
    haut = ArrayObject()
    for kid in _enfants(racine):
        copie = copier(kid.get_object(), None)
        if copie is not None:
            copie.get_object()[NameObject("/P")] = arbre_ref
            haut.append(copie)
    nums = ArrayObject()
    for page_id, page in pages.items():
        objet = page.get_object()
        if page_id not in parents or "/StructParents" not in objet:
            continue
        marques = parents[page_id]
        tableau = ArrayObject([marques.get(i, NullObject()) for i in range(max(marques) + 1)])
        nums += [NumberObject(objet["/StructParents"]), ecrivain._add_object(tableau)]
    paires = sorted(zip(nums[::2], nums[1::2]), key=lambda p: int(p[0]))
    arbre[NameObject("/K")] = haut
    arbre[NameObject("/ParentTree")] = ecrivain._add_object(DictionaryObject(
        {NameObject("/Nums"): ArrayObject([x for p in paires for x in p])}))
    arbre[NameObject("/ParentTreeNextKey")] = NumberObject(
        max([int(p[0]) for p in paires], default=-1) + 1)
    if "/RoleMap" in racine:
        arbre[NameObject("/RoleMap")] = racine["/RoleMap"].clone(ecrivain)
    ecrivain._root_object[NameObject("/StructTreeRoot")] = arbre_ref
    ecrivain._root_object[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): BooleanObject(True)})


def extraire(lecteur: PdfReader, pages: range, entete: Entete, auteur: str, pdfa: bool,
             structure: bool = True) -> bytes:
    """One document's pages as a PDF of its own, with its own (PDF/A) metadata, and its part
    of the structure tree when the packet is tagged (and ``structure``)."""
    ecrivain = PdfWriter()
    gardees = {}
    for n in pages:
        source = lecteur.pages[n]
        page = ecrivain.add_page(source)
        if structure and "/StructParents" in source:  # pypdf leaves it out: it leads to the tree
            page[NameObject("/StructParents")] = NumberObject(source["/StructParents"])
        gardees[source.indirect_reference.idnum] = page.indirect_reference
    racine = lecteur.trailer["/Root"]
    if structure and "/StructTreeRoot" in racine:
        _structure(lecteur, ecrivain, gardees)
    if "/ViewerPreferences" in racine:  # the title shown (DisplayDocTitle)
        ecrivain._root_object[NameObject("/ViewerPreferences")] = racine[
            "/ViewerPreferences"].clone(ecrivain)
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
                 avancement: Callable[[int], object] | None = None,
                 structure: bool = False) -> list[bytes]:
    """The sealed PDF of each document, converted in packets; same result as one by one.

    A lot's documents are cut without their part of the structure tree (``structure``):
    keeping it halves a lot's throughput (bench/pdf_balise.py). The documents people make one
    at a time on the web, those they sign and those archived keep it."""
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
                partie = extraire(lecteur, pages, Entete.de(document), auteur, pdfa, structure)
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
