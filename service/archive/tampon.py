"""The archive's stamp, "Archivé le … — n° …", laid in a .docx's footers before conversion.

Laid out by LibreOffice with the rest of the page, the stamp costs nothing,
is set in an embedded font and keeps the PDF/A true, where a PDF overlay would
need a font of its own. Every footer part gets the line; a document without any
footer gets one.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from xml.sax.saxutils import escape

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PIED = "word/footerArchive.xml"


def _ligne(texte: str) -> str:
    return ('<w:p><w:pPr><w:jc w:val="center"/><w:spacing w:before="40" w:after="0"/></w:pPr>'
            '<w:r><w:rPr><w:rFonts w:ascii="Liberation Sans" w:hAnsi="Liberation Sans" '
            'w:cs="Liberation Sans"/><w:color w:val="444444"/><w:sz w:val="14"/></w:rPr>'
            f'<w:t xml:space="preserve">{escape(texte)}</w:t></w:r></w:p>')


def tamponner(docx: bytes, texte: str) -> bytes:
    """``docx`` with ``texte`` as the last line of every page's footer."""
    paquet = zipfile.ZipFile(BytesIO(docx))
    noms = paquet.namelist()
    remplacements: dict[str, bytes] = {}
    ajouts: dict[str, bytes] = {}
    pieds = [n for n in noms if re.fullmatch(r"word/footer\d*\.xml", n)]
    for nom in pieds:
        xml = paquet.read(nom).decode("utf-8")
        fin = xml.rfind("</w:ftr>")
        if fin >= 0:
            remplacements[nom] = (xml[:fin] + _ligne(texte) + xml[fin:]).encode("utf-8")
    if not pieds:
        ajouts[_PIED] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                         f'<w:ftr xmlns:w="{_W}" xmlns:r="{_R}">{_ligne(texte)}</w:ftr>').encode()
        rels = paquet.read("word/_rels/document.xml.rels").decode("utf-8")
        rels = rels.replace("</Relationships>", f'<Relationship Id="rIdArchive" Type="{_REL}" '
                                                f'Target="footerArchive.xml"/></Relationships>')
        remplacements["word/_rels/document.xml.rels"] = rels.encode("utf-8")
        types = paquet.read("[Content_Types].xml").decode("utf-8")
        types = types.replace("</Types>", f'<Override PartName="/{_PIED}" ContentType="{_TYPE}"/>'
                                          "</Types>")
        remplacements["[Content_Types].xml"] = types.encode("utf-8")
        corps = paquet.read("word/document.xml").decode("utf-8")
        reference = '<w:footerReference w:type="default" r:id="rIdArchive"/>'
        if 'xmlns:r="' not in corps[:4000]:
            corps = corps.replace("<w:document ", f'<w:document xmlns:r="{_R}" ', 1)
        corps = re.sub(r"<w:sectPr(\b[^>]*?)/>", r"<w:sectPr\1></w:sectPr>", corps)
        # The reference follows any header reference, as the schema orders them.
        corps = re.sub(r"(<w:sectPr\b[^>]*>((?:<w:headerReference\b[^>]*/>)*))",
                       lambda m: m.group(1) + reference, corps)
        if "<w:sectPr" not in corps:
            corps = corps.replace("</w:body>", f"<w:sectPr>{reference}</w:sectPr></w:body>")
        remplacements["word/document.xml"] = corps.encode("utf-8")
    sortie = BytesIO()
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as z:
        for info in paquet.infolist():
            z.writestr(info, remplacements.get(info.filename) or paquet.read(info))
        for nom, contenu in ajouts.items():
            z.writestr(nom, contenu)
    return sortie.getvalue()
