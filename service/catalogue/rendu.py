"""Fills a Word template with a document's values: the safe, compiled renderer.

A template is compiled once: docxtpl's preprocessing joins the Jinja tags that
Word splits across runs and turns ``{%tr %}`` rows into loops, then each part
holding tags (body, header, footer) becomes a Jinja template of a sandboxed
environment with autoescape. The parts that never change (styles, numbering,
logo …) are compressed once into a zip prefix that every rendered document
starts from. Rendering a document then costs one Jinja render per templated
part and the compression of those parts only.

User values are data, never template code: the sandbox refuses unsafe
attribute access in templates, autoescape turns ``< & " '`` into entities, and
output is never parsed again, so ``{{ }}`` or ``{% %}`` in a value prints
literally. Characters that XML forbids are removed, newlines become line
breaks and tabs become tabs.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from .ooxml import proprietes_personnalisees, proprietes_principales, zip_info
from .validation import nettoyer_texte

RELS_DOCUMENT = "word/_rels/document.xml.rels"
TYPE_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
PARTIES_MODELES = re.compile(r"word/(document|header\d*|footer\d*)\.xml$")
_SAUT = '</w:t><w:br/><w:t xml:space="preserve">'
_TAB = '</w:t><w:tab/><w:t xml:space="preserve">'
_CASE = re.compile(
    r'(<w14:checked w14:val=")[01]("/>(?:(?!</w:sdt>).)*?<w:sdtContent>(?:(?!</w:sdt>).)*?'
    r"<w:t(?: [^>]*)?>)([☐☒])", re.DOTALL)
_DATE = re.compile(
    r'<w:date(?: w:fullDate="[^"]*")?>((?:(?!</w:sdt>).)*?<w:sdtContent>(?:(?!</w:sdt>).)*?'
    r"<w:t(?: [^>]*)?>)(\d\d)/(\d\d)/(\d{4})", re.DOTALL)

# A control whose dots are Word's placeholder (wordml.champ): its content up to its end.
_PLACEHOLDER = re.compile(
    r"<w:showingPlcHdr/>((?:(?!</w:sdt>).)*?<w:sdtContent>)((?:(?!</w:sdt>|<w:sdt>).)*?)"
    r"</w:sdtContent>", re.DOTALL)
_TEXTES = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")
# The content of a control printing the dots alone (an empty value) ...
_POINTILLES_SEULS = re.compile(
    r"</w:sdtPr><w:sdtContent><w:r>(?:<w:rPr>(?:(?!</w:r>).)*?</w:rPr>)?<w:t(?: [^>]*)?>…{2,}"
    r"</w:t></w:r></w:sdtContent>", re.DOTALL)
# ... shown as Word's placeholder (as wordml.PLACEHOLDER_WORD), in versions written before too.
_MONTRE_PLACEHOLDER = ('<w:placeholder><w:docPart w:val="DefaultPlaceholder_-1854013440"/>'
                       "</w:placeholder><w:showingPlcHdr/>")


class GabaritInvalide(Exception):
    """A template cannot be compiled; the message names the file."""


def _finalize(valeur):
    """Every ``{{ }}`` output passes here: data in, escaped WordprocessingML text out."""
    if valeur is None:
        return ""
    if isinstance(valeur, Markup):
        return valeur
    texte = escape(nettoyer_texte(str(valeur)))
    if "\n" in texte or "\t" in texte:
        texte = Markup(str(texte).replace("\n", _SAUT).replace("\t", _TAB))
    return texte


def environnement() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(
        autoescape=True, finalize=_finalize, undefined=StrictUndefined,
        keep_trailing_newline=True)


def _sans_placeholder_si_rempli(m) -> str:
    """Word's placeholder stays shown only on a control still printing the dots alone."""
    texte = "".join(_TEXTES.findall(m.group(2))).strip()
    return m.group(0) if not texte.strip("…") else m.group(1) + m.group(2) + "</w:sdtContent>"


def _montrer_placeholders(xml: str) -> str:
    """Marks every control printing the dots alone as showing Word's placeholder (after its
    ``w:id``, where the schema wants it), unless it already is."""
    morceaux, debut = [], 0
    for m in _POINTILLES_SEULS.finditer(xml):
        pr = xml.rfind("<w:sdtPr>", debut, m.start())
        ident = xml.find("<w:id ", pr, m.start()) if pr >= 0 else -1
        if ident < 0 or "<w:showingPlcHdr/>" in xml[pr:m.start()]:
            continue
        fin = xml.index("/>", ident) + 2
        morceaux += [xml[debut:fin], _MONTRE_PLACEHOLDER]
        debut = fin
    return "".join(morceaux) + xml[debut:] if morceaux else xml


def _etats_des_controles(xml: str) -> str:
    """Check boxes and dates carry their state twice: the printed glyph and an attribute.
    A control is shown as Word's placeholder exactly while it prints the dots alone, so that a
    person typing in Word replaces them (the text printed is the same either way)."""
    if "<w:showingPlcHdr/>" in xml:
        xml = _PLACEHOLDER.sub(_sans_placeholder_si_rempli, xml)
    if "…………" in xml:
        xml = _montrer_placeholders(xml)
    if "w14:checked" in xml:
        xml = _CASE.sub(lambda m: f"{m.group(1)}{'1' if m.group(3) == '☒' else '0'}"
                              f"{m.group(2)}{m.group(3)}", xml)
    if "<w:date" in xml:
        xml = _DATE.sub(lambda m: f'<w:date w:fullDate="{m.group(4)}-{m.group(3)}-{m.group(2)}'
                              f'T00:00:00Z">{m.group(1)}{m.group(2)}/{m.group(3)}/{m.group(4)}', xml)
    return xml


@dataclass(frozen=True)
class Logo:
    png: bytes
    largeur_emu: int
    hauteur_emu: int


def _appliquer_logo(xml: str, logo: Logo) -> str:
    """Sets the size of the header's logo picture (named "logo") to the institution logo's."""
    def resize(m):
        return re.sub(r'(<(?:wp|a):ext(?:ent)? cx=")\d+(" cy=")\d+',
                      rf"\g<1>{logo.largeur_emu}\g<2>{logo.hauteur_emu}", m.group(0))
    return re.sub(r"<wp:inline\b(?:(?!</wp:inline>).)*?name=\"logo\".*?</wp:inline>",
                  resize, xml, flags=re.DOTALL)


ALT_LOGO = "Logo de l’établissement"


def _decrire_logo(xml: str) -> str:
    """The header's logo (named "logo") with its alternative text, for versions published
    without one: the published .docx stay as they are, the rendered document carries it."""
    return re.sub(r'<wp:docPr( [^>]*?name="logo")(?![^>]*\bdescr=)([^>]*?)/>',
                  rf'<wp:docPr\1\2 descr="{ALT_LOGO}"/>', xml)


class GabaritCompile:
    """One template version, compiled once, rendered many times."""

    def __init__(self, chemin: Path, env: ImmutableSandboxedEnvironment | None = None,
                 logo: Logo | None = None):
        self.chemin = chemin
        self.env = env or environnement()
        outil = DocxTemplate(chemin)
        self._modeles: dict[str, object] = {}
        self._sources: dict[str, str] = {}
        statiques: list[tuple[str, bytes]] = []
        with zipfile.ZipFile(chemin) as z:
            for info in z.infolist():
                data = z.read(info)
                if info.filename in ("docProps/custom.xml", "docProps/core.xml"):
                    continue  # written for each document
                if info.filename == RELS_DOCUMENT:
                    self.relations = data.decode("utf-8")  # signatures add to them
                    continue
                if logo and info.filename == "word/media/logo.png":
                    data = logo.png
                if PARTIES_MODELES.match(info.filename):
                    xml = _decrire_logo(data.decode("utf-8"))
                    if logo:
                        xml = _appliquer_logo(xml, logo)
                    if "{{" in xml or "{%" in xml:
                        source = outil.patch_xml(xml)
                        try:
                            self._modeles[info.filename] = self.env.from_string(source)
                        except TemplateError as exc:
                            raise GabaritInvalide(
                                f"{chemin} ({info.filename}) : {exc}") from exc
                        self._sources[info.filename] = source
                        continue
                    data = xml.encode("utf-8")
                statiques.append((info.filename, data))
        self.statiques = dict(statiques)
        buf = BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in statiques:
                z.writestr(zip_info(name), data)
        self._prefixe = buf.getvalue()

    def rendre_parties(self, contexte: dict) -> dict[str, str]:
        """The XML of each templated part (body, header, footer) filled with ``contexte``."""
        parties = {}
        for name, modele in self._modeles.items():
            try:
                xml = modele.render(contexte)
            except TemplateError as exc:
                raise GabaritInvalide(f"{self.chemin} ({name}) : {exc}") from exc
            parties[name] = _etats_des_controles(xml)
        return parties

    def rendre(self, contexte: dict, proprietes: dict[str, str],
               principales: dict[str, str] | None = None,
               images: dict[str, bytes] | None = None) -> bytes:
        """The .docx bytes of this template filled with ``contexte``.

        ``proprietes`` become custom document properties; ``principales`` (titre,
        auteur, sujet, date) the core ones, which LibreOffice carries into the
        PDF's metadata; ``images`` (relationship id → PNG) are pictures the
        context refers to, such as signatures.
        """
        parties = self.rendre_parties(contexte)
        relations = self.relations
        if images:
            ajouts = "".join(
                f'<Relationship Id="{rid}" Type="{TYPE_IMAGE}" Target="media/{rid}.png"/>'
                for rid in images)
            relations = relations.replace("</Relationships>", ajouts + "</Relationships>")
        buf = BytesIO(self._prefixe)
        with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as z:
            for name, xml in parties.items():
                z.writestr(zip_info(name), xml.encode("utf-8"))
            z.writestr(zip_info(RELS_DOCUMENT), relations.encode("utf-8"))
            for rid, png in (images or {}).items():
                z.writestr(zip_info(f"word/media/{rid}.png"), png)
            z.writestr(zip_info("docProps/core.xml"), proprietes_principales(
                **(principales or {"titre": ""})).encode("utf-8"))
            z.writestr(zip_info("docProps/custom.xml"),
                       proprietes_personnalisees(proprietes).encode("utf-8"))
        return buf.getvalue()

    def variables(self) -> set[str]:
        """Top-level names the template reads."""
        noms = set()
        for source in self._sources.values():
            noms |= meta.find_undeclared_variables(self.env.parse(source))
        return noms

    def attributs_de_boucle(self) -> dict[str, set[str]]:
        """For each ``{% for x in groupe %}``, the attributes read on ``x``."""
        lus: dict[str, set[str]] = {}
        for source in self._sources.values():
            for boucle in self.env.parse(source).find_all(nodes.For):
                if isinstance(boucle.iter, nodes.Name) and isinstance(boucle.target, nodes.Name):
                    cible = boucle.target.name
                    attrs = lus.setdefault(boucle.iter.name, set())
                    for node in boucle.find_all(nodes.Getattr):
                        if isinstance(node.node, nodes.Name) and node.node.name == cible:
                            attrs.add(node.attr)
        return lus
