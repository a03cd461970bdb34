"""A gabarit as a Word user would have authored it: content controls only, no template language.

An administrator downloads the current version of a gabarit, edits it in Word
and uploads it back (``reconnaissance.reconnaitre``). Every Jinja mark goes:

- each field's control keeps its tag, title and kind, with Word's placeholder
  (the field's help) or a dotted line as content; plain text for ``texte``
  and ``entier`` fields, rich text for ``texte_long``, a picture control for a
  signature slot; check boxes keep ``champ#i`` tags for a ``choix`` (one
  answer) and get ``champ.i`` for a ``choix_multiple``;
- a ``{{ … }}`` outside a control becomes a control tagged with what it prints
  (``instance.nom``, ``gabarit.version``, a field's name);
- a loop over a group's lines is its repeating section already (its marks
  go); a loop over a list of the settings (``{%tr for c in
  instance.calendrier_sopa %}``) becomes a repeating section tagged
  ``instance.calendrier_sopa`` whose controls name the keys (``mois``);
- a loop over a list of the settings grouped by one of its keys (``{%p for u
  in instance.delegues_stage|groupby("universite") %}``) becomes a repeating
  section tagged ``instance.delegues_stage|universite``: the group's key
  (``u.grouper``) a control tagged ``groupe.universite``, the loop over the
  group's items (``{%tr for d in u.list %}``) a repeating section tagged
  ``groupe.elements`` inside it, whose controls name the keys (``site``);
- a text that differs between a section's first line and the following ones
  (``{% if loop.first %}Bilan{% else %}Nouveau bilan{% endif %}``) becomes a
  drop-down list tagged ``ligne.premier`` whose two items are the first
  line's text and the following lines'; a text that differs with the size of
  a group (``Délégué{{ "s" if u.list|length > 1 else "" }}``), a drop-down
  list tagged ``groupe.pluriel``: the text for one item, then for several.
  Each item holds the whole word the mark sits in (« Délégué », « Délégués »):
  Word has no empty list item;
- a brace the service escaped in a Word-authored gabarit (``{{ '{' }}``) is a
  brace again, so a form goes to Word and back unchanged;
- what a content control cannot say is kept as the text it prints for the
  first branch: any other ``{% if %}…{% else %}…{% endif %}`` keeps its first
  branch, any other ``{{ "…" if … else "…" }}`` its first value, and a loop
  over anything else its content once, with a dotted line for each value it
  printed. None of the shipped gabarits has one;
- rows printed only on paper (``{%tr if … %}`` … ``{%tr endif %}``: the
  blank « Nouveau bilan intermédiaire » a pen fills while a group has no
  line) go with their marks: in Word, the group's repeating section adds a line.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

from lxml import etree

from service.catalogue import ooxml
from service.catalogue.declaration import Champ, Formulaire, charger
from service.catalogue.extraction import PARSEUR, proprietes_docx
from service.catalogue.ooxml import proprietes_principales
from service.catalogue.rendu import PARTIES_MODELES

from . import marques
from .marques import PLURIEL, PREMIER, TITRES_ALTERNATIVES, W14, W15, q
from .wordml import PLACEHOLDER

RACINE = Path(__file__).resolve().parents[2]
_SI = re.compile(r"{%-?\s*if\b.*?%}(.*?)(?:{%-?\s*else\s*-?%}.*?)?{%-?\s*endif\s*-?%}", re.S)
_MARQUE = re.compile(r"{{(.*?)}}", re.S)
_NOM = re.compile(r"^\s*([A-Za-z_]\w*(?:\.\w+)*)\s*(?:or\s+\"[^\"]*\"\s*)?$")
_CONDITION = re.compile(r'^\s*"([^"]*)"\s+if\b')
_LITTERAL = re.compile(r"""^\s*(?:'([^']*)'|"([^"]*)")\s*$""")
_BOUCLE = re.compile(r"^{%(tr|p) for (\w+) in (.+?) %}$")
_REGROUPEMENT = re.compile(r'^(instance(?:\.\w+)+)\s*\|\s*groupby\(\s*["\'](\w+)["\']\s*\)$')
# a text that differs with the line (first or following) or with the group's size, and the
# word it sits in: a drop-down list of its two texts
_ALTERNATIVE = re.compile(
    r"(?P<avant>[^\s{}]*)(?:{%-?\s*if\s+(?P<si>[^%]+?)\s*-?%}(?P<oui>[^{}]*){%-?\s*else\s*-?%}"
    r"(?P<non>[^{}]*){%-?\s*endif\s*-?%}"
    r"|{{\s*\"(?P<oui2>[^\"{}]*)\"\s+if\s+(?P<si2>.+?)\s+else\s+\"(?P<non2>[^\"{}]*)\"\s*}})"
    r"(?P<apres>[^\s{}]*)")
_PLURIEL = re.compile(r"^(\w+)\.list\s*\|\s*length\s*>\s*1$")
_REPERE = re.compile("\x00(\\d+)\x00")
_FIN = re.compile(r"^{%(tr|p) endfor %}$")
_SI_LIGNES = re.compile(r"^{%tr if .+ %}$")
_FIN_SI_LIGNES = re.compile(r"^{%tr endif %}$")
_LIES = ("instance", "gabarit", "document")
_AVANT_TYPE = {q(k) for k in ("rPr", "alias", "tag", "id", "lock", "placeholder", "temporary")}


def pour_word(docx_gabarit: bytes, formulaire: Formulaire | None = None) -> bytes:
    """``docx_gabarit`` (a shipped or published gabarit) without any template mark.

    ``formulaire``: its declaration; by default the one its document properties name, read
    from formulaires/<id>/v<N>.yaml."""
    if formulaire is None:
        props = proprietes_docx(docx_gabarit)
        formulaire = charger(RACINE / "formulaires" / props["gabarit_id"] /
                             f"v{props['gabarit_version']}.yaml")
    membres = ooxml.membres(docx_gabarit)
    for nom, data in membres.items():
        if PARTIES_MODELES.match(nom) and (b"{{" in data or b"{%" in data):
            racine = etree.fromstring(data, PARSEUR)
            _Export(formulaire).partie(racine)
            membres[nom] = etree.tostring(racine, xml_declaration=True, encoding="UTF-8",
                                          standalone=True)
    # the title as declared (the gabarit's own properties hold it without braces)
    membres["docProps/core.xml"] = proprietes_principales(titre=formulaire.titre).encode("utf-8")
    return ooxml.empaqueter(membres)


def _texte(el) -> str:
    return "".join(t.text or "" for t in el.iter(q("t")))


class _Export:
    def __init__(self, formulaire: Formulaire):
        self.formulaire = formulaire
        self.variables: dict[str, tuple[str, Champ | None]] = {}  # loop variable → (kind, group)

    def partie(self, racine) -> None:
        self.boucles(racine)
        for sdt in list(racine.iter(q("sdt"))):
            self.controle(sdt)
        for t in list(racine.iter(q("t"))):
            if t.text and ("{{" in t.text or "{%" in t.text):
                self.marques_du_texte(t)
        for el in racine.iter():
            for cle, valeur in el.attrib.items():
                if "{{" in valeur:
                    el.set(cle, _MARQUE.sub(lambda m: self.litteral(m.group(1)), valeur))

    # --- loops -----------------------------------------------------------------------

    def boucles(self, racine) -> None:
        self.lignes_sur_papier(racine)
        for el in list(racine.iter(q("tr"), q("p"))):
            m = _BOUCLE.match(_texte(el).strip())
            if not m or el.getparent() is None:
                continue
            genre, variable, source = m.groups()
            fin = next((s for s in el.itersiblings() if s.tag == el.tag
                        and _FIN.match(_texte(s).strip())), None)
            entre = []
            for s in el.itersiblings():
                if s is fin:
                    break
                entre.append(s)
            groupe = self.formulaire.champ(source)
            regroupement = _REGROUPEMENT.match(source)
            parent = self.variables.get(source[:-5]) if source.endswith(".list") else None
            if groupe is not None and groupe.type == "groupe":
                self.variables[variable] = ("groupe", groupe)
            elif re.fullmatch(r"instance(\.\w+)+", source) and genre == "tr":
                self.variables[variable] = ("instance", None)
                self.section_repetable(el, entre, source)
            elif regroupement:  # a list of the settings grouped by one of its keys
                self.variables[variable] = ("regroupement", regroupement.group(2))
                self.section_repetable(el, entre, "|".join(regroupement.groups()))
            elif parent and parent[0] == "regroupement":  # the items of the current group
                self.variables[variable] = ("instance", None)
                self.section_repetable(el, entre, "groupe.elements")
            else:
                self.variables[variable] = ("perdu", None)
            el.getparent().remove(el)
            if fin is not None:
                fin.getparent().remove(fin)

    def lignes_sur_papier(self, racine) -> None:
        """Removes the rows between ``{%tr if … %}`` and ``{%tr endif %}``, with their marks."""
        for el in list(racine.iter(q("tr"))):
            if el.getparent() is None or not _SI_LIGNES.match(_texte(el).strip()):
                continue
            for s in list(el.itersiblings()):
                fin = _FIN_SI_LIGNES.match(_texte(s).strip()) and s.tag == el.tag
                s.getparent().remove(s)
                if fin:
                    break
            el.getparent().remove(el)

    def section_repetable(self, avant, lignes, source: str) -> None:
        conteneur = avant.getparent().getparent()
        if conteneur is not None and conteneur.tag == q("sdt") and conteneur.find(
                f"{q('sdtPr')}/{q('repeatingSection', W15)}") is not None:
            marques.etiqueter(conteneur, source)  # a recognised form's: its section already
            return
        section = etree.Element(q("sdt"))
        pr = etree.SubElement(section, q("sdtPr"))
        etree.SubElement(pr, q("tag")).set(q("val"), source)
        etree.SubElement(pr, q("repeatingSection", W15))
        contenu = etree.SubElement(section, q("sdtContent"))
        item = etree.SubElement(contenu, q("sdt"))
        etree.SubElement(etree.SubElement(item, q("sdtPr")), q("repeatingSectionItem", W15))
        contenu_item = etree.SubElement(item, q("sdtContent"))
        avant.addnext(section)
        for ligne in lignes:
            contenu_item.append(ligne)

    # --- controls ----------------------------------------------------------------------

    def champ(self, tag: str) -> Champ | None:
        nom = tag.split("#")[0]
        trouve = self.formulaire.champ(nom)
        if trouve is None:
            for groupe in (c for c in self.formulaire.champs if c.type == "groupe"):
                trouve = trouve or groupe.sous_champ(nom)
        return trouve

    def controle(self, sdt) -> None:
        pr = sdt.find(q("sdtPr"))
        tag_el = pr.find(q("tag")) if pr is not None else None
        if tag_el is None or pr.find(q("repeatingSection", W15)) is not None:
            return
        tag = tag_el.get(q("val"), "")
        champ = self.champ(tag)
        if champ is None:
            return
        if pr.find(q("checkbox", W14)) is not None:
            if champ.type == "choix_multiple":
                tag_el.set(q("val"), tag.replace("#", "."))
            marques.remplir(sdt, "☐")
            return
        vide(sdt, champ)

    # --- bare marks ----------------------------------------------------------------------

    def marques_du_texte(self, t) -> None:
        listes: list[tuple[str, list[str]]] = []

        def alternative(m) -> str:
            tag, textes = self.alternative(m)
            if not tag:
                return m.group()
            listes.append((tag, textes))
            return f"\x00{len(listes) - 1}\x00"

        texte = _SI.sub(lambda m: m.group(1), _ALTERNATIVE.sub(alternative, t.text))
        run = t.getparent()
        if run.tag != q("r"):
            texte = _REPERE.sub(lambda m: listes[int(m.group(1))][1][0], texte)
            t.text = _MARQUE.sub(lambda m: self.litteral(m.group(1)), texte)
            return
        morceaux, debut = [], 0
        for m in re.finditer(f"{_MARQUE.pattern}|{_REPERE.pattern}", texte, re.S):
            morceaux.append(texte[debut:m.start()])
            if m.group(2) is not None:
                morceaux.append(listes[int(m.group(2))])
            else:
                tag = self.tag(m.group(1))
                cle = _NOM.match(m.group(1)).group(1) if tag else ""
                # a key of a settings' list (``d.site``) is no field, even of the same name
                lie = self.variables.get(cle.partition(".")[0], ("",))[0] in (
                    "instance", "regroupement")
                morceaux.append((tag, lie) if tag else self.litteral(m.group(1)))
            debut = m.end()
        morceaux.append(texte[debut:])
        rpr = run.find(q("rPr"))
        nouveaux, courant = [], ""
        for morceau in morceaux:
            if isinstance(morceau, str):
                courant += morceau
                continue
            if courant:
                nouveaux.append(marques._run(courant, rpr))
                courant = ""
            nouveaux.append(self.nouveau_controle(*morceau, rpr) if isinstance(morceau[1], bool)
                            else liste_alternative(*morceau, rpr))
        if courant:
            nouveaux.append(marques._run(courant, rpr))
        parent = run.getparent()
        position = parent.index(run)
        parent.remove(run)
        for i, el in enumerate(nouveaux):
            parent.insert(position + i, el)

    def tag(self, expr: str) -> str | None:
        m = _NOM.match(expr)
        if not m:
            return None
        chemin = m.group(1)
        racine, _, reste = chemin.partition(".")
        if racine in _LIES and reste:
            return chemin
        if racine in self.variables and reste:
            genre, cle = self.variables[racine]
            if genre == "regroupement":
                return f"groupe.{cle}" if reste == "grouper" else None
            return reste if genre in ("instance", "groupe") else None
        if not reste and self.formulaire.champ(racine) is not None:
            return racine
        return None

    def alternative(self, m) -> tuple[str | None, list[str]]:
        """A text that depends on the line (``loop.first``: tag ``ligne.premier``, the first
        line's text then the following lines') or on the group's size (``u.list|length > 1``:
        tag ``groupe.pluriel``, the text for one item then for several), with the word it sits
        in; (None, []) for any other condition."""
        si = (m.group("si") or m.group("si2")).strip()
        oui, non = (m.group("oui"), m.group("non")) if m.group("si") else (
            m.group("oui2"), m.group("non2"))
        avant, apres = m.group("avant"), m.group("apres")
        pluriel = _PLURIEL.match(si)
        if si == "loop.first":
            tag, textes = PREMIER, [oui, non]
        elif pluriel and self.variables.get(pluriel.group(1), ("",))[0] == "regroupement":
            tag, textes = PLURIEL, [non, oui]
        else:
            return None, []
        textes = [avant + x + apres for x in textes]
        if not all(x.strip() for x in textes) or textes[0] == textes[1]:
            return None, []
        return tag, textes

    def litteral(self, expr: str) -> str:
        """What a mark that no control can hold prints: a quoted text (the braces the service
        escapes in a Word-authored gabarit: ``{{ '{' }}``), a condition's first value, else a
        dotted line."""
        m = _LITTERAL.match(expr) or _CONDITION.match(expr)
        return next(g for g in m.groups() if g is not None) if m else PLACEHOLDER

    def nouveau_controle(self, tag: str, lie: bool, rpr) -> etree._Element:
        sdt = etree.Element(q("sdt"))
        pr = etree.SubElement(sdt, q("sdtPr"))
        if rpr is not None:
            pr.append(copy.deepcopy(rpr))
        champ = self.champ(tag) if "." not in tag and not lie else None
        etree.SubElement(pr, q("alias")).set(q("val"), champ.libelle if champ else tag)
        etree.SubElement(pr, q("tag")).set(q("val"), tag)
        etree.SubElement(sdt, q("sdtContent")).append(marques._run(PLACEHOLDER, rpr))
        if champ is not None:
            vide(sdt, champ)
        return sdt


def liste_alternative(tag: str, textes: list[str], rpr) -> etree._Element:
    """A drop-down list of a text's two forms (``ligne.premier``, ``groupe.pluriel``), showing
    the first."""
    sdt = etree.Element(q("sdt"))
    pr = etree.SubElement(sdt, q("sdtPr"))
    if rpr is not None:
        pr.append(copy.deepcopy(rpr))
    etree.SubElement(pr, q("alias")).set(q("val"), TITRES_ALTERNATIVES[tag])
    etree.SubElement(pr, q("tag")).set(q("val"), tag)
    liste = etree.SubElement(pr, q("dropDownList"))
    for texte in textes:
        item = etree.SubElement(liste, q("listItem"))
        item.set(q("displayText"), texte)
        item.set(q("value"), texte)
    etree.SubElement(sdt, q("sdtContent")).append(marques._run(textes[0], rpr))
    return sdt


def vide(sdt, champ: Champ) -> None:
    """A field's control as Word shows an empty one: its kind, and its help as placeholder."""
    pr = sdt.find(q("sdtPr"))
    marques.remplir(sdt, champ.aide or ("" if champ.type == "signature" else PLACEHOLDER))
    if champ.aide:
        avant = [el for el in pr if el.tag in _AVANT_TYPE]
        pr.insert(pr.index(avant[-1]) + 1 if avant else 0, etree.Element(q("showingPlcHdr")))
    sorte = None
    if champ.type in ("texte", "entier"):
        sorte = etree.Element(q("text"))
    elif champ.type == "signature":
        sorte = etree.Element(q("picture"))
    elif champ.type == "texte_long" and pr.find(q("text")) is not None:
        pr.find(q("text")).set(q("multiLine"), "1")
    if sorte is not None and all(pr.find(q(k)) is None for k in ("date", "dropDownList", "text")):
        pr.append(sorte)


def exporter_tout(racine: Path = RACINE) -> dict[str, bytes]:
    """Each gabarit's newest version, exported (for the round-trip tests and the bench)."""
    manifeste = json.loads((racine / "gabarits" / "manifeste.json").read_text())
    sorties = {}
    for id_ in sorted(manifeste):
        version = max(int(v) for v in manifeste[id_])
        sorties[id_] = pour_word((racine / "gabarits" / id_ / f"v{version}.docx").read_bytes())
    return sorties
