"""Writes a template's Word package (.docx) from its body XML.

The package is written byte for byte the same from the same input (fixed zip
dates, fixed property dates), so that a template's sha256 changes only when
its content does: the version manifest relies on it.
"""

from __future__ import annotations

import zipfile
from io import BytesIO

from service.catalogue.ooxml import (
    HEAD,
    NS,
    image_inline,
    proprietes_personnalisees,
    proprietes_principales,
    zip_info,
)

from .wordml import LARGEUR_UTILE, cellule, ligne, p, r, tableau

EMU_PAR_CM = 360000

CONTENT_TYPES = HEAD + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="png" ContentType="image/png"/>'
    '<Default Extension="jpeg" ContentType="image/jpeg"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
    '<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
    '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
    '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
    "</Types>"
)

ROOT_RELS = HEAD + (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
    '<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>'
    "</Relationships>"
)

DOC_RELS = HEAD + (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>'
    '<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>'
    '<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>'
    '<Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>'
    "</Relationships>"
)

HEADER_RELS = HEAD + (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rIdLogo" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/logo.png"/>'
    "</Relationships>"
)

FONT = "Arial"


# One type scale across the catalogue, in points: the body is ECHELLE["corps"] unless a
# module says why a page must hold a grid at 9.5 pt (its TAILLE_POLICE); titles do not follow it.
ECHELLE = {"corps": 10, "corps_min": 9.5, "titre": 15, "titre1": 12, "titre2": 11, "petit": 9,
           "pied": 7}


def _demi_points(taille: float) -> int:
    return int(taille * 2)


def _styles(taille: float) -> str:
    sz = _demi_points(taille)
    t0, t1, t2 = (_demi_points(ECHELLE[k]) for k in ("titre", "titre1", "titre2"))
    petit, pied = _demi_points(ECHELLE["petit"]), _demi_points(ECHELLE["pied"])
    return HEAD + (
        f'<w:styles {NS}>'
        "<w:docDefaults><w:rPrDefault><w:rPr>"
        f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
        f'<w:sz w:val="{sz}"/><w:szCs w:val="{sz}"/><w:lang w:val="fr-FR" w:eastAsia="en-US" w:bidi="ar-SA"/>'
        "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
        '<w:spacing w:after="80" w:line="252" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>'
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Titre"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>'
        '<w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="120" w:after="160"/>'
        '<w:jc w:val="center"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:bCs/><w:color w:val="1F3864"/>'
        f'<w:sz w:val="{t0}"/><w:szCs w:val="{t0}"/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Titre1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>'
        '<w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="200" w:after="80"/>'
        '<w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:bCs/><w:color w:val="1F3864"/>'
        f'<w:sz w:val="{t1}"/><w:szCs w:val="{t1}"/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Titre2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/>'
        '<w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="140" w:after="60"/>'
        '<w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:bCs/>'
        f'<w:sz w:val="{t2}"/><w:szCs w:val="{t2}"/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Liste"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/>'
        '<w:qFormat/><w:pPr><w:spacing w:after="40"/><w:ind w:left="567" w:hanging="283"/></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Petit"><w:name w:val="Petit texte"/><w:basedOn w:val="Normal"/>'
        f'<w:pPr><w:spacing w:after="30" w:line="228" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="{petit}"/><w:szCs w:val="{petit}"/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Entete"><w:name w:val="header"/><w:basedOn w:val="Normal"/>'
        '<w:pPr><w:spacing w:after="0"/></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="PiedDePage"><w:name w:val="footer"/><w:basedOn w:val="Normal"/>'
        f'<w:pPr><w:spacing w:after="0"/></w:pPr><w:rPr><w:color w:val="595959"/><w:sz w:val="{pied}"/><w:szCs w:val="{pied}"/></w:rPr></w:style>'
        '<w:style w:type="character" w:default="1" w:styleId="Policepardfaut"><w:name w:val="Default Paragraph Font"/>'
        "<w:uiPriority w:val=\"1\"/><w:semiHidden/></w:style>"
        '<w:style w:type="character" w:styleId="Saisie"><w:name w:val="Saisie"/><w:uiPriority w:val="1"/><w:qFormat/>'
        '<w:rPr><w:color w:val="1F3864"/></w:rPr></w:style>'
        '<w:style w:type="table" w:default="1" w:styleId="TableauNormal"><w:name w:val="Normal Table"/>'
        '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
        '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr></w:style>"
        "</w:styles>"
    )


SETTINGS = HEAD + (
    f"<w:settings {NS}>"
    '<w:defaultTabStop w:val="708"/><w:hyphenationZone w:val="425"/>'
    '<w:characterSpacingControl w:val="doNotCompress"/>'
    "<w:compat>"
    '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
    "</w:compat>"
    '<w:themeFontLang w:val="fr-FR"/><w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/>'
    "</w:settings>"
)

NUMBERING = HEAD + (
    f"<w:numbering {NS}>"
    '<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="hybridMultilevel"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/>'
    '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="567" w:hanging="283"/></w:pPr>'
    f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}"/></w:rPr></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="–"/>'
    '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="1134" w:hanging="283"/></w:pPr>'
    f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}"/></w:rPr></w:lvl>'
    "</w:abstractNum>"
    '<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="hybridMultilevel"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/>'
    '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="567" w:hanging="283"/></w:pPr>'
    f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}"/></w:rPr></w:lvl>'
    "</w:abstractNum>"
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    "</w:numbering>"
)

FONT_TABLE = HEAD + (
    f"<w:fonts {NS}>"
    f'<w:font w:name="{FONT}"><w:panose1 w:val="020B0604020202020204"/><w:charset w:val="00"/>'
    '<w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>'
    '<w:font w:name="MS Gothic"><w:charset w:val="80"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
    "</w:fonts>"
)


APP = HEAD + (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>Service des documents de tutorat</Application></Properties>"
)


def _header() -> str:
    # The logo's size is set when the institution's logo is applied (see service/catalogue/rendu.py).
    logo = image_inline("rIdLogo", int(1.6 * EMU_PAR_CM), int(1.6 * EMU_PAR_CM), "logo", 1)
    largeurs = [2400, LARGEUR_UTILE - 2400]
    table = tableau(
        largeurs,
        ligne(
            cellule(p(logo, style="Entete"), largeur=largeurs[0], valign="center"),
            cellule(
                p(r("{{ instance.nom }}", gras=True, couleur="1F3864"), style="Entete", align="right"),
                p(r("Année universitaire {{ instance.annee_universitaire }}", taille=ECHELLE["pied"] + 1,
                    couleur="595959"), style="Entete", align="right"),
                largeur=largeurs[1], valign="center"),
        ),
        bordures=False,
    )
    return HEAD + f"<w:hdr {NS}>{table}{p(style='Entete', bordure_bas=True, apres=120)}</w:hdr>"


def _field(instr: str) -> str:
    return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def _footer() -> str:
    # Which form (« modèle v3 ») and which state of this document (« document … v1 »).
    ident = r("{{ gabarit.id }} · modèle v{{ gabarit.version }} · document n° {{ document.numero }} "
              "v{{ document.version }} · généré le {{ document.genere_le }}")
    page = [r("page "), _field("PAGE"), r("/"), _field("NUMPAGES")]
    para = p(ident, "<w:r><w:tab/></w:r>", *page, style="PiedDePage",
             tabs=[("right", LARGEUR_UTILE, "none")])
    return HEAD + f"<w:ftr {NS}>{para}</w:ftr>"


def _document(corps: str) -> str:
    sect = (
        '<w:sectPr><w:headerReference w:type="default" r:id="rId5"/>'
        '<w:footerReference w:type="default" r:id="rId6"/>'
        '<w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1134" w:right="1020" w:bottom="1020" w:left="1020" '
        'w:header="334" w:footer="454" w:gutter="0"/>'
        '<w:cols w:space="708"/><w:docGrid w:linePitch="360"/></w:sectPr>'
    )
    return HEAD + f"<w:document {NS}><w:body>{corps}{sect}</w:body></w:document>"


def assembler_paquet(*, corps: str, titre: str, logo_png: bytes, proprietes: dict[str, str],
                     taille_police: float = 10) -> bytes:
    """The bytes of the template package."""
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("docProps/core.xml", proprietes_principales(titre=titre)),
        ("docProps/app.xml", APP),
        ("docProps/custom.xml", proprietes_personnalisees(proprietes)),
        ("word/document.xml", _document(corps)),
        ("word/_rels/document.xml.rels", DOC_RELS),
        ("word/styles.xml", _styles(taille_police)),
        ("word/settings.xml", SETTINGS),
        ("word/numbering.xml", NUMBERING),
        ("word/fontTable.xml", FONT_TABLE),
        ("word/header1.xml", _header()),
        ("word/_rels/header1.xml.rels", HEADER_RELS),
        ("word/footer1.xml", _footer()),
        ("word/media/logo.png", logo_png),
    ]
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            z.writestr(zip_info(name), data.encode("utf-8") if isinstance(data, str) else data)
    return buf.getvalue()
