"""Small builders of WordprocessingML, used to author the official templates.

Each function returns an XML fragment as a string. Fixed text is escaped here;
Jinja tags for the fillable places are written in text runs, the way docxtpl
expects them, so that every template stays a valid Word document that an
administrator can open and edit in Word.

Every fillable place is a Word content control (``w:sdt``) whose tag is the
field's name: plain text, date, drop-down list or check box. A completed
document can then be read back by tag.
"""

from __future__ import annotations

import itertools
from xml.sax.saxutils import escape, quoteattr

# Widths are in twentieths of a point (dxa): A4 is 11906 wide; with 1.8 cm
# margins the text block is 9866 dxa.
LARGEUR_UTILE = 9866
_ids = itertools.count(1000)


_placeholder_word = True


def reinitialiser_ids(*, placeholder_word: bool = True) -> None:
    """Control ids restart for each template, so that a template's bytes never depend on
    which templates were built before it in the same process.

    ``placeholder_word``: whether an empty field's dots are Word's placeholder (typing replaces
    them) or plain text, as in the versions published before (which must build unchanged)."""
    global _ids, _placeholder_word
    _ids = itertools.count(1000)
    _placeholder_word = placeholder_word

PLACEHOLDER = "…………………"
# Word's own building block for a placeholder (as propositions_ecriture): the control shows
# its content, the dots, as the placeholder; Word selects it whole and typing replaces it.
PLACEHOLDER_WORD = "DefaultPlaceholder_-1854013440"


def _t(text: str) -> str:
    return f'<w:t xml:space="preserve">{escape(text)}</w:t>'


def rpr(*, gras=False, italique=False, taille=None, couleur=None, souligne=False,
        majuscules=False, style=None, police=None) -> str:
    parts = []
    if style:
        parts.append(f'<w:rStyle w:val="{style}"/>')
    if police:
        parts.append(f'<w:rFonts w:ascii="{police}" w:hAnsi="{police}" '
                     f'w:eastAsia="{police}" w:cs="{police}"/>')
    if gras:
        parts.append("<w:b/><w:bCs/>")
    if italique:
        parts.append("<w:i/><w:iCs/>")
    if majuscules:
        parts.append("<w:caps/>")
    if couleur:
        parts.append(f'<w:color w:val="{couleur}"/>')
    if taille:
        parts.append(f'<w:sz w:val="{int(taille * 2)}"/><w:szCs w:val="{int(taille * 2)}"/>')
    if souligne:
        parts.append('<w:u w:val="single"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def r(text: str, **fmt) -> str:
    """A run of fixed text."""
    return f"<w:r>{rpr(**fmt)}{_t(text)}</w:r>"


def tab() -> str:
    return "<w:r><w:tab/></w:r>"


def saut_de_ligne() -> str:
    return "<w:r><w:br/></w:r>"


def p(*runs: str | None, style=None, align=None, avant=None, apres=None, retrait=None,
      suspendu=None, garder_suivant=False, saut_page=False, liste=None, niveau=0,
      tabs=None, bordure_bas=False, interligne=None, garder_lignes=False,
      veuves=False) -> str:
    """A paragraph. ``runs`` are run fragments (strings from r(), champ() …).

    ``garder_suivant``/``garder_lignes``: on the page of the next paragraph, in one piece;
    ``veuves``: no single line of it alone at a page's foot or head; ``bordure_bas``: True for
    a grey rule under it, or the rule's colour."""
    ppr = []
    if style:
        ppr.append(f'<w:pStyle w:val="{style}"/>')
    if garder_suivant:
        ppr.append("<w:keepNext/>")
    if garder_lignes:
        ppr.append("<w:keepLines/>")
    if saut_page:
        ppr.append("<w:pageBreakBefore/>")
    if veuves:
        ppr.append("<w:widowControl/>")
    if liste:
        ppr.append(f'<w:numPr><w:ilvl w:val="{niveau}"/><w:numId w:val="{liste}"/></w:numPr>')
    if bordure_bas:
        couleur = "7F7F7F" if bordure_bas is True else bordure_bas
        ppr.append(f'<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="{couleur}"/>'
                   "</w:pBdr>")
    if tabs:
        stops = "".join(f'<w:tab w:val="{kind}" w:leader="{leader}" w:pos="{pos}"/>'
                        for kind, pos, leader in tabs)
        ppr.append(f"<w:tabs>{stops}</w:tabs>")
    if avant is not None or apres is not None or interligne is not None:
        attrs = ""
        if avant is not None:
            attrs += f' w:before="{avant}"'
        if apres is not None:
            attrs += f' w:after="{apres}"'
        if interligne is not None:
            attrs += f' w:line="{interligne}" w:lineRule="auto"'
        ppr.append(f"<w:spacing{attrs}/>")
    if retrait is not None or suspendu is not None:
        attrs = f' w:left="{retrait or 0}"'
        if suspendu:
            attrs += f' w:hanging="{suspendu}"'
        ppr.append(f"<w:ind{attrs}/>")
    if align:
        ppr.append(f'<w:jc w:val="{align}"/>')
    body = "".join(x for x in runs if x)
    return f"<w:p><w:pPr>{''.join(ppr)}</w:pPr>{body}</w:p>"


def texte(text: str, **kw) -> str:
    """A paragraph of fixed text; ``kw`` splits between run format and paragraph."""
    run_keys = {"gras", "italique", "taille", "couleur", "souligne", "majuscules", "police"}
    fmt = {k: kw.pop(k) for k in list(kw) if k in run_keys}
    return p(r(text, **fmt), **kw)


def puce(text_or_runs, niveau=0, style="Liste", **kw) -> str:
    runs = [r(text_or_runs)] if isinstance(text_or_runs, str) else list(text_or_runs)
    return p(*runs, liste=1, niveau=niveau, style=style, **kw)


def tiret(text: str, **kw) -> str:
    return p(r(text), liste=2, style="Liste", **kw)


# --- content controls -------------------------------------------------------

def _sdt(tag: str, alias: str, kind_xml: str, content_runs: str, *, run_fmt="",
         placeholder=False) -> str:
    """A content control; with ``placeholder`` (and ``_placeholder_word``), its content is
    shown as Word's placeholder: the renderer drops ``w:showingPlcHdr`` once it holds a value."""
    alias_xml = f"<w:alias w:val={quoteattr(alias[:255])}/>" if alias else ""
    plchdr = (f'<w:placeholder><w:docPart w:val="{PLACEHOLDER_WORD}"/></w:placeholder>'
              "<w:showingPlcHdr/>") if placeholder and _placeholder_word else ""
    return (
        f"<w:sdt><w:sdtPr>{run_fmt}{alias_xml}<w:tag w:val={quoteattr(tag)}/>"
        f'<w:id w:val="{next(_ids)}"/>{plchdr}{kind_xml}</w:sdtPr>'
        f"<w:sdtContent>{content_runs}</w:sdtContent></w:sdt>"
    )


def champ(expr: str, tag: str, alias: str = "", *, vide=PLACEHOLDER, gras=False,
          taille=None) -> str:
    """A text content control showing the Jinja expression ``expr``.

    An empty value prints a dotted line, as on the paper form, so that the
    printed document can still be completed by hand. The control is a
    rich-text one: LibreOffice drops line breaks and character styles inside
    plain-text controls, and the declaration, not the control, says the type.
    """
    fmt = rpr(style="Saisie", gras=gras, taille=taille)
    shown = f'{{{{ {expr} or "{vide}" }}}}' if vide else f"{{{{ {expr} }}}}"
    return _sdt(tag, alias, "", f"<w:r>{fmt}{_t(shown)}</w:r>", run_fmt=fmt,
                placeholder=vide == PLACEHOLDER)


def champ_date(expr: str, tag: str, alias: str = "") -> str:
    """A date content control (JJ/MM/AAAA); the renderer fills ``w:fullDate``."""
    fmt = rpr(style="Saisie")
    kind = ('<w:date><w:dateFormat w:val="dd/MM/yyyy"/><w:lid w:val="fr-FR"/>'
            '<w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date>')
    shown = f'{{{{ {expr} or "{PLACEHOLDER}" }}}}'
    return _sdt(tag, alias, kind, f"<w:r>{fmt}{_t(shown)}</w:r>", run_fmt=fmt, placeholder=True)


def liste_deroulante(expr: str, tag: str, options: list[str], alias: str = "") -> str:
    """A drop-down list content control offering ``options``."""
    fmt = rpr(style="Saisie")
    items = "".join(f"<w:listItem w:displayText={quoteattr(o)} w:value={quoteattr(o)}/>"
                    for o in options)
    kind = f"<w:dropDownList>{items}</w:dropDownList>"
    shown = f'{{{{ {expr} or "{PLACEHOLDER}" }}}}'
    return _sdt(tag, alias, kind, f"<w:r>{fmt}{_t(shown)}</w:r>", run_fmt=fmt, placeholder=True)


def case(expr: str, index: int, tag: str, alias: str = "") -> str:
    """A check box content control for option ``index`` (1-based) of a choice field.

    ``expr`` is the choice field (or a group line's attribute); its ``coche(i)``
    prints ☒ or ☐. The renderer sets ``w14:checked`` from the printed glyph.
    """
    fmt = rpr(police="MS Gothic")
    kind = ('<w14:checkbox><w14:checked w14:val="0"/>'
            '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
            '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox>')
    shown = f"{{{{ {expr}.coche({index}) }}}}"
    return _sdt(f"{tag}#{index}", alias, kind, f"<w:r>{fmt}{_t(shown)}</w:r>", run_fmt=fmt)


def cases(expr: str, tag: str, options: list[str], *, separateur: str = "   ",
          taille=None) -> list[str]:
    """Runs for every option of a choice: ☐ label   ☐ label …"""
    runs = []
    for i, option in enumerate(options, 1):
        if i > 1 and separateur:
            runs.append(r(separateur) if separateur != "\t" else tab())
        runs.append(case(expr, i, tag, option))
        runs.append(r(" " + option, taille=taille))
    return runs


# --- tables -------------------------------------------------------------------

def _borders(tag: str, taille=4, couleur="000000") -> str:
    sides = "".join(
        f'<w:{s} w:val="single" w:sz="{taille}" w:space="0" w:color="{couleur}"/>'
        for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    return f"<w:{tag}>{sides}</w:{tag}>"


def cellule(*paragraphs: str, largeur: int, fond: str | None = None, fusion_h: int = 1,
            fusion_v: str | None = None, valign: str | None = None,
            sans_bordure=False) -> str:
    tcpr = [f'<w:tcW w:w="{largeur}" w:type="dxa"/>']
    if fusion_h > 1:
        tcpr.append(f'<w:gridSpan w:val="{fusion_h}"/>')
    if fusion_v:
        tcpr.append(f'<w:vMerge w:val="{fusion_v}"/>' if fusion_v == "restart" else "<w:vMerge/>")
    if sans_bordure:
        tcpr.append('<w:tcBorders><w:top w:val="nil"/><w:left w:val="nil"/>'
                    '<w:bottom w:val="nil"/><w:right w:val="nil"/></w:tcBorders>')
    if fond:
        tcpr.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{fond}"/>')
    if valign:
        tcpr.append(f'<w:vAlign w:val="{valign}"/>')
    body = "".join(paragraphs) or p()
    return f"<w:tc><w:tcPr>{''.join(tcpr)}</w:tcPr>{body}</w:tc>"


def ligne(*cells: str, entete=False, insecable=True, hauteur: int | None = None) -> str:
    trpr = []
    if insecable:
        trpr.append("<w:cantSplit/>")
    if hauteur:
        trpr.append(f'<w:trHeight w:val="{hauteur}"/>')
    if entete:
        trpr.append("<w:tblHeader/>")
    return f"<w:tr><w:trPr>{''.join(trpr)}</w:trPr>{''.join(cells)}</w:tr>"


def tableau(largeurs: list[int], *rows: str, bordures=True, retrait=0,
            couleur_bordures="000000") -> str:
    """A fixed-layout table whose column widths add up to the text block at most."""
    assert sum(largeurs) <= LARGEUR_UTILE + 5, f"tableau trop large : {sum(largeurs)}"
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in largeurs)
    borders = _borders("tblBorders", couleur=couleur_bordures) if bordures else (
        '<w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/>'
        '<w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>')
    tblpr = (f'<w:tblPr><w:tblW w:w="{sum(largeurs)}" w:type="dxa"/>'
             f'<w:tblInd w:w="{retrait}" w:type="dxa"/>{borders}'
             '<w:tblLayout w:type="fixed"/>'
             '<w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
             '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
             '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
             'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>')
    return f"<w:tbl>{tblpr}<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def lignes_repetables(groupe: str, variable: str, alias: str, largeurs: list[int],
                      ligne_xml: str) -> str:
    """Table rows repeated once per line of a repeatable group.

    The rows sit in a Word repeating-section content control tagged with the
    group's name (Word offers "+" to add a line); each line is a
    repeating-section item whose cells hold content controls tagged with the
    sub-field names.
    """
    total = sum(largeurs)
    n = len(largeurs)

    def tag_row(tag: str) -> str:
        return ligne(cellule(p(r(tag)), largeur=total, fusion_h=n), insecable=False)

    item = (f'<w:sdt><w:sdtPr><w:id w:val="{next(_ids)}"/><w15:repeatingSectionItem/>'
            f"</w:sdtPr><w:sdtContent>{ligne_xml}</w:sdtContent></w:sdt>")
    return (
        f"<w:sdt><w:sdtPr><w:alias w:val={quoteattr(alias)}/><w:tag w:val={quoteattr(groupe)}/>"
        f'<w:id w:val="{next(_ids)}"/><w15:repeatingSection/></w:sdtPr><w:sdtContent>'
        f"{tag_row('{%tr for ' + variable + ' in ' + groupe + ' %}')}"
        f"{item}"
        f"{tag_row('{%tr endfor %}')}"
        "</w:sdtContent></w:sdt>"
    )


def zone_signature(expr: str, tag: str, alias: str) -> str:
    """The paragraph where a signature goes: a rich-text control tagged with the field's name.

    Before signing it prints blank lines (room to sign a printed copy by hand);
    once signed, the picture and, under it, who signed, as what, and when.
    """
    fmt = rpr(style="Saisie")
    content = f"<w:r>{fmt}{_t('{{ ' + expr + ' }}')}</w:r>"
    return p(_sdt(tag, alias, "", content, run_fmt=fmt), avant=40, apres=40)


# --- recurring blocks -----------------------------------------------------------

def titre(text: str, *sous_titres: str) -> str:
    out = p(r(text), style="Titre", apres=40 if sous_titres else None)
    for s in sous_titres:
        out += p(r(s, gras=True, couleur="1F3864"), align="center", apres=160)
    return out


def libelle_valeur(libelle: str, *runs: str, **kw) -> str:
    """"Libellé : valeur" on one line, the label in bold."""
    return p(r(libelle + " ", gras=True), *runs, **kw)


def bloc_signature(intitule: str, *, nom: str | None, date: str | None, signature: str,
                   largeur: int) -> str:
    """A signature cell: who signs (role), then name, date and signature controls (XML runs)."""
    contenu = [p(r(intitule, gras=True), apres=40)]
    if nom:
        contenu.append(p(r("Nom : "), nom, apres=20))
    if date:
        contenu.append(p(r("Date : "), date, apres=20))
    contenu.append(signature)
    return cellule(*contenu, largeur=largeur)


# --- what the service adds to an original -----------------------------------------

# An original letter has no addressee, no student list, no date: the service adds them to
# personalise it, set apart in one discreet style (a small grey caption between two light grey
# rules, light grey table borders) so that a reader tells them from the original's text.
AJOUT_MENTION = "Informations ajoutées par le service"
AJOUT_GRIS = "7F7F7F"
AJOUT_REGLE = "BFBFBF"
AJOUT_FOND = "F2F2F2"


def ajout_service(*contenu: str) -> str:
    """``contenu`` (paragraphs, tables) under the caption, closed by a rule."""
    return (p(r(AJOUT_MENTION, italique=True, taille=8, couleur=AJOUT_GRIS), apres=40,
              bordure_bas=AJOUT_REGLE, garder_suivant=True)
            + "".join(contenu)
            + p(apres=120, interligne=120, bordure_bas=AJOUT_REGLE))


def tableau_ajout(largeurs: list[int], *rows: str) -> str:
    """A table inside ajout_service(): light grey borders."""
    return tableau(largeurs, *rows, couleur_bordures=AJOUT_REGLE)


def signataires_instance(*roles: str, avant=800) -> str:
    """The institution's signatories (``instance.signataires.<role>``, from its settings), side
    by side in half-width cells: blank room for the signature image merged later, the name in
    bold, the title. One role sits in the right half."""
    moitie = LARGEUR_UTILE // 2

    def bloc(role: str) -> str:
        return cellule(
            p(apres=0, avant=avant),
            p(r("{{ instance.signataires." + role + ".nom }}", gras=True), apres=20,
              garder_suivant=True),
            p(r("{{ instance.signataires." + role + ".titre }}")),
            largeur=moitie)

    cellules = [bloc(role) for role in roles]
    if len(cellules) == 1:
        cellules.insert(0, cellule(largeur=moitie))
    return tableau([moitie, moitie], ligne(*cellules), bordures=False)


# --- cross references ---------------------------------------------------------------

def signet(nom: str, *runs: str, numero: int = 1) -> str:
    """Runs wrapped in a bookmark ``nom``, the target of renvoi_page()."""
    return (f'<w:bookmarkStart w:id="{numero}" w:name={quoteattr(nom)}/>{"".join(runs)}'
            f'<w:bookmarkEnd w:id="{numero}"/>')


def renvoi_page(nom: str, page: int) -> str:
    """The page number of bookmark ``nom``: a PAGEREF field, which Word and LibreOffice
    recompute; ``page`` is the value shown until they do (check it on the rendered PDF)."""
    return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
            f' PAGEREF {nom} \\h </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f"{r(str(page))}"
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
