"""Word-authored forms built in the tests: content controls as Word's Developer tab writes them.

    docx = formulaire(p(r("Nom : "), texte_brut("nom", "Nom")), entete="…")
"""

from __future__ import annotations

import itertools
import zipfile
from io import BytesIO
from xml.sax.saxutils import escape, quoteattr

import docx
from docx.shared import Cm
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = (f'xmlns:w="{W}" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
       'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"')
_ids = itertools.count(1)


def r(texte: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(texte)}</w:t></w:r>'


def p(*runs: str) -> str:
    return f"<w:p>{''.join(runs)}</w:p>"


def _sdt(tag: str, alias: str, sorte: str, contenu: str, *, aide: str | None = None) -> str:
    pr = f"<w:alias w:val={quoteattr(alias)}/>" if alias else ""
    pr += f"<w:tag w:val={quoteattr(tag)}/>" if tag else ""
    pr += f'<w:id w:val="{next(_ids)}"/>'
    if aide:
        pr += "<w:showingPlcHdr/>"
        contenu = ('<w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr>'
                   f"<w:t>{escape(aide)}</w:t></w:r>")
    return f"<w:sdt><w:sdtPr>{pr}{sorte}</w:sdtPr><w:sdtContent>{contenu}</w:sdtContent></w:sdt>"


def texte_brut(tag, alias="", aide=None, multiligne=False):
    sorte = '<w:text w:multiLine="1"/>' if multiligne else "<w:text/>"
    return _sdt(tag, alias, sorte, r("Cliquez ou appuyez ici pour entrer du texte."), aide=aide)


def texte_riche(tag, alias="", aide=None):
    """Block-level: two paragraphs of sample text."""
    return _sdt(tag, alias, "", p(r("Premier paragraphe")) + p(r("Second")), aide=aide)


def date(tag, alias="", format_="dd/MM/yyyy"):
    sorte = (f'<w:date><w:dateFormat w:val="{format_}"/><w:lid w:val="fr-FR"/>'
             '<w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date>')
    return _sdt(tag, alias, sorte, r("Cliquez ou appuyez ici pour entrer une date."))


def liste(tag, alias, valeurs, combo=False):
    elements = '<w:listItem w:value="" w:displayText="Choisissez un élément."/>' + "".join(
        f"<w:listItem w:displayText={quoteattr(v)} w:value={quoteattr(v)}/>" for v in valeurs)
    sorte = f"<w:comboBox>{elements}</w:comboBox>" if combo else (
        f"<w:dropDownList>{elements}</w:dropDownList>")
    return _sdt(tag, alias, sorte, r("Choisissez un élément."))


def case(tag, alias=""):
    sorte = ('<w14:checkbox><w14:checked w14:val="0"/>'
             '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
             '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox>')
    return _sdt(tag, alias, sorte, r("☐"))


def image(tag, alias=""):
    return _sdt(tag, alias, "<w:picture/>", r(""))


def groupe_word(alias, *paragraphes):
    """Word's « Groupe » control around paragraphs."""
    return _sdt("", alias, "<w:group/>", "".join(paragraphes))


def lignes_repetees(tag, alias, *cellules):
    """The repeating section of table rows: one item, one row of ``cellules`` (run XML each)."""
    ligne = "<w:tr>" + "".join(f"<w:tc>{p(c)}</w:tc>" for c in cellules) + "</w:tr>"
    item = _sdt("", "", "<w15:repeatingSectionItem/>", ligne)
    return _sdt(tag, alias, "<w15:repeatingSection/>", item)


def tableau(*lignes: str, colonnes: int = 2) -> str:
    """A table of ``lignes`` (row XML, or repeating sections of rows)."""
    grille = "".join('<w:gridCol w:w="3000"/>' for _ in range(colonnes))
    return f"<w:tbl><w:tblPr/><w:tblGrid>{grille}</w:tblGrid>{''.join(lignes)}</w:tbl>"


def section_repetable(tag, alias, *cellules):
    """Table rows repeated by Word: one item, one row of ``cellules`` (run XML each)."""
    return tableau(lignes_repetees(tag, alias, *cellules), colonnes=len(cellules))


def section_de_paragraphes(tag, alias, *blocs):
    """Paragraphs and tables repeated by Word: one item holding ``blocs`` (block XML)."""
    item = _sdt("", "", "<w15:repeatingSectionItem/>", "".join(blocs))
    return _sdt(tag, alias, "<w15:repeatingSection/>", item)


def _ajouter(parent, xml: str, avant=None) -> None:
    for el in etree.fromstring(f"<w:body {_NS}>{xml}</w:body>"):
        if avant is not None:
            avant.addprevious(el)
        else:
            parent.append(el)


def formulaire(*blocs: str, entete: str = "", pied: str = "", titre: str = "",
               entete_xml: str = "") -> bytes:
    """A .docx made with python-docx holding ``blocs`` (paragraph or table XML)."""
    document = docx.Document()
    corps = document.element.body
    _ajouter(corps, "".join(blocs), avant=corps[-1])  # before the section properties
    section = document.sections[0]
    if entete:
        section.header.paragraphs[0].text = entete
    if entete_xml:
        _ajouter(section.header._element, entete_xml)
    if pied:
        section.footer.paragraphs[0].text = pied
    document.core_properties.title = titre
    buf = BytesIO()
    document.save(buf)
    return buf.getvalue()


HOSTILE = "Fiche <script>alert(1)</script> {{ cycler.__init__.__globals__ }} {% for x in y %}"


def sans_controles() -> bytes:
    """A form typed in Word without content controls: dots, boxes, label cells, a signature."""
    d = docx.Document()
    d.add_heading(HOSTILE, 1)
    d.add_paragraph("Nom : ……………………… Prénom : ______________")
    d.add_paragraph("Établissement : ..............................")
    d.add_paragraph("Observations :")
    d.add_paragraph("…………………………………………………………")
    d.add_paragraph("…………………………………………………………")
    d.add_paragraph("Niveau d’alerte : ☐ 1   ☐ 2   ☐ 3")
    d.add_paragraph("Avis favorable : ☐ oui ☐ non")
    d.add_paragraph("Activités observées :")
    d.add_paragraph("☐ Accueil des élèves")
    d.add_paragraph("☐ Conduite de séance")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "Tuteur ou tutrice"
    t.cell(1, 0).text = "Date de la visite"
    t2 = d.add_table(rows=2, cols=1)
    t2.cell(0, 0).text = "Bilan de la période"
    t2.rows[1].height = Cm(3)
    d.add_paragraph("Fait à …………………… le ……………………")
    d.add_paragraph("Remarques : …………………………")
    d.add_paragraph("………………………………………………")
    t3 = d.add_table(rows=1, cols=1)
    t3.cell(0, 0).text = "Signature du tuteur"
    sortie = BytesIO()
    d.save(sortie)
    return sortie.getvalue()


def _avec(docx: bytes, parties: dict[str, bytes]) -> bytes:
    """``docx`` with these parts written or replaced."""
    sortie = BytesIO()
    with zipfile.ZipFile(BytesIO(docx)) as source, zipfile.ZipFile(sortie, "w") as z:
        for nom in source.namelist():
            if nom not in parties:
                z.writestr(nom, source.read(nom))
        for nom, contenu in parties.items():
            z.writestr(nom, contenu)
    return sortie.getvalue()


def avec_macros(docx: bytes) -> bytes:
    """``docx`` saved as Word saves a document with macros (a VBA project)."""
    types = zipfile.ZipFile(BytesIO(docx)).read("[Content_Types].xml").replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                     b"</Types>")
    return _avec(docx, {"[Content_Types].xml": types, "word/vbaProject.bin": b"\0" * 64})


def avec_modele_attache(docx: bytes, cible: str = "http://exemple.invalid/modele.dotm") -> bytes:
    """``docx`` attached to a template outside the document (fetched when Word opens it)."""
    return _avec(docx, {"word/_rels/settings.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http:'
        '//schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
        f'Target="{cible}" TargetMode="External"/></Relationships>').encode()})
