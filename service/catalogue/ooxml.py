"""Pieces of the Office Open XML package shared by authoring and rendering."""

from __future__ import annotations

import zipfile
from io import BytesIO
from xml.sax.saxutils import escape

NS = (
    'xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word" '
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
    'xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'mc:Ignorable="w14 w15 wp14"'
)
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def zip_info(name: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed date, so that equal content gives equal bytes."""
    info = zipfile.ZipInfo(name, ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def membres(docx: bytes) -> dict[str, bytes]:
    """The package's files by name (folders left out)."""
    with zipfile.ZipFile(BytesIO(docx)) as paquet:
        return {i.filename: paquet.read(i) for i in paquet.infolist() if not i.is_dir()}


def empaqueter(membres: dict[str, bytes]) -> bytes:
    """The package holding ``membres``, in their order, with fixed dates (``zip_info``)."""
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as sortie:
        for nom, data in membres.items():
            sortie.writestr(zip_info(nom), data)
    return buf.getvalue()


def reecrire(docx: bytes, changer) -> bytes:
    """The package with each file's content passed through ``changer(nom, data)``; entries
    keep their order and dates."""
    buf = BytesIO()
    with zipfile.ZipFile(BytesIO(docx)) as source, \
            zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as cible:
        for info in source.infolist():
            cible.writestr(info, changer(info.filename, source.read(info)),
                           compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def proprietes_personnalisees(valeurs: dict[str, str]) -> str:
    """docProps/custom.xml holding ``valeurs`` as text properties."""
    props = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i}" name="{escape(k)}">'
        f"<vt:lpwstr>{escape(v)}</vt:lpwstr></property>"
        for i, (k, v) in enumerate(valeurs.items(), 2)
    )
    return HEAD + (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        f'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{props}</Properties>'
    )


def image_inline(rid: str, cx: int, cy: int, nom: str, pid: int, description: str = "") -> str:
    """A run holding an inline picture (sizes in EMU); ``description`` is its alternative text
    (Word's « texte de remplacement », the tagged PDF's /Alt)."""
    descr = f' descr="{escape(description, {chr(34): "&quot;"})}"' if description else ""
    return (
        f'<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{pid}" name="{nom}"{descr}/>'
        '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{pid}" name="{nom}"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )


def proprietes_principales(*, titre: str, auteur: str = "", sujet: str = "", mots_cles: str = "",
                           date: str = "2026-11-23T00:00:00Z") -> str:
    """docProps/core.xml: LibreOffice copies title, author, subject and keywords into the PDF."""
    return HEAD + (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(titre)}</dc:title><dc:subject>{escape(sujet)}</dc:subject>"
        f"<dc:creator>{escape(auteur)}</dc:creator><cp:keywords>{escape(mots_cles)}</cp:keywords>"
        "<dc:language>fr-FR</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{date}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{date}</dcterms:modified>'
        "</cp:coreProperties>"
    )
