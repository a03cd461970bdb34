"""A template uploaded by an administrator cannot hurt the service: package checks, then marks.

``verifier_modele`` is the upload check of a Word file meant to become a gabarit: every check
of filled documents (``docx_sur``: size, real .docx, macros, zip bombs, XML entities — XXE and
billion laughs) and, because a template is kept and rendered for years, refusals where a filled
document would only be cleaned: external relationships (linked pictures, attached templates),
fields that fetch content (INCLUDEPICTURE, INCLUDETEXT…), ActiveX controls, embedded OLE
objects, imported chunks of another format (altChunk), macros anywhere (glossary included).
Data bindings to custom XML are removed: a bound control would show the custom XML's value in
Word, not the rendered one.

``verifier_marques`` checks the Jinja marks of a gabarit against a whitelist of what the service
itself writes (``service/conception/wordml.py``, and the recognition of Word content controls):
the output of a field, of ``instance``, ``gabarit`` or ``document`` and their attributes,
``x or "…"``, ``champ.coche(3)``, a few filters (``groupby``, ``length``…), an attribute of a
group's first or last line (``(bilans|first).date_bilan``), ``if`` on a value
or on ``loop.first``, and ``for`` over a field or a list of the settings. Everything else is
refused, naming the part and the mark: the Jinja globals (``range``, ``cycler``, ``lipsum``…),
attributes starting with ``_``, subscripts, arithmetic, calls but ``coche``, ``set``,
``macro``, ``include``, ``import``, ``extends``, ``block``, ``call``, ``with``, recursive loops.

Why this bounds the work of an accepted template: no arithmetic, no ``range``, no call but
``coche`` (one lookup), filters whose output is linear in their input; a top-level loop walks
one value (a group's lines, a list of the settings) and a loop inside another may only walk a
part of the enclosing loop's current item (``u.list``), so the loops together make at most as
many turns as the data has items, never the product of two lists. What a whitelist cannot
bound (a whole group printed inside a loop over that group) the render limits stop
(``bac_a_sable``).
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, nodes

from .declaration import NOMS_RESERVES, Formulaire
from .docx_sur import DocxRefuse, nettoyer_docx, verifier_docx
from .ooxml import reecrire
from .rendu import PARTIES_MODELES as PARTIES_RENDUES
from .rendu import environnement

# the parts GabaritCompile renders; anywhere else a mark is never rendered and is refused
FILTRES = {"groupby", "length", "count", "default", "d", "upper", "lower", "capitalize", "title",
           "trim", "first", "last", "join"}
APPELS = {"coche"}
ATTRIBUTS_DE_BOUCLE = {"first", "last", "index", "index0", "length", "revindex", "revindex0"}
COMPARAISONS = {"eq", "ne", "gt", "gteq", "lt", "lteq"}
# names Jinja gives every template besides its context
NOMS_JINJA = set(environnement().globals) | {"self", "loop", "varargs", "kwargs", "caller", "super"}
_MARQUE = re.compile(r"\{[{%#].*?[}%#]\}", re.DOTALL)
_EXTERNE = 'TargetMode="External"'
_HYPERLIEN = "relationships/hyperlink"
_CHAMPS_EXTERNES = re.compile(
    r"\b(INCLUDEPICTURE|INCLUDETEXT|LINK|DDE|DDEAUTO|IMPORT)\b", re.IGNORECASE)
_LIAISON = re.compile(rb"<w:dataBinding\b[^>]*/>")
_INSTRUCTIONS = {
    nodes.Macro: "macro", nodes.CallBlock: "call", nodes.FilterBlock: "filter",
    nodes.With: "with", nodes.Assign: "set", nodes.AssignBlock: "set", nodes.Include: "include",
    nodes.Import: "import", nodes.FromImport: "import", nodes.Extends: "extends",
    nodes.Block: "block", nodes.ExprStmt: "do", nodes.Scope: "scope",
}

_EXPRESSIONS = {
    (nodes.Getitem, nodes.Slice): "les indices ne sont pas permis",
    (nodes.BinExpr, nodes.UnaryExpr): "les calculs ne sont pas permis",
    nodes.Concat: "les concaténations ne sont pas permises",
    (nodes.List, nodes.Tuple, nodes.Dict): "les listes ne sont pas permises",
    nodes.Test: "les tests « is » ne sont pas permis",
}


class ModeleRefuse(DocxRefuse):
    """A template we do not accept; the message says which part and why, in French."""


# --- the package -------------------------------------------------------------------------

def verifier_modele(docx: bytes) -> bytes:
    """``docx`` checked and cleaned, ready to be recognised as a gabarit; ModeleRefuse otherwise."""
    try:
        paquet = verifier_docx(docx)
    except ModeleRefuse:
        raise
    except DocxRefuse as exc:
        raise ModeleRefuse(f"modèle refusé : {exc}") from None
    liaisons = False
    for nom in paquet.namelist():
        bas = nom.lower()
        if bas.endswith(("vbaproject.bin", "vbadata.xml")):
            raise ModeleRefuse(f"modèle refusé : il contient des macros (« {nom} ») ; "
                               "enregistrez-le en .docx sans macros")
        if bas.startswith("word/activex/"):
            raise ModeleRefuse("modèle refusé : il contient des contrôles ActiveX ; "
                               "utilisez les contrôles de contenu de l’onglet Développeur")
        if bas.startswith("word/embeddings/"):
            raise ModeleRefuse(f"modèle refusé : il contient un objet incorporé (« {nom} ») ; "
                               "collez-le comme image")
        if not bas.endswith((".xml", ".rels")):
            continue
        texte = paquet.read(nom).decode("utf-8", errors="replace")
        if bas.endswith((".rels", "[content_types].xml")) and (
                "macroEnabled" in texte or "vbaProject" in texte):
            raise ModeleRefuse("modèle refusé : il contient des macros ; "
                               "enregistrez-le en .docx sans macros")
        if bas.endswith(".rels"):
            _relations(texte, nom)
        elif bas.startswith("word/"):
            _contenu(texte, nom)
            liaisons |= "<w:dataBinding" in texte
    propre = nettoyer_docx(docx)
    return _sans_liaisons(propre) if liaisons else propre


def _relations(texte: str, nom: str) -> None:
    for rel in re.findall(r"<Relationship\b[^>]*>", texte):
        if "relationships/aFChunk" in rel:
            raise ModeleRefuse("modèle refusé : il importe un contenu d’un autre format "
                               "(altChunk) ; collez ce contenu dans le document")
        if _EXTERNE in rel and _HYPERLIEN not in rel:
            cible = re.search(r'Target="([^"]*)"', rel)
            quoi = ("un modèle attaché" if "attachedTemplate" in rel else
                    "une image liée" if "relationships/image" in rel else "un fichier externe")
            raise ModeleRefuse(
                f"modèle refusé : il fait appel à {quoi} hors du document "
                f"(« {(cible.group(1) if cible else '')[:100]} », dans {nom}) ; "
                "incorporez-le ou retirez-le, puis enregistrez de nouveau")


def _contenu(texte: str, nom: str) -> None:
    if "<w:altChunk" in texte:
        raise ModeleRefuse("modèle refusé : il importe un contenu d’un autre format "
                           "(altChunk) ; collez ce contenu dans le document")
    if "<w:object" in texte or "<o:OLEObject" in texte:
        raise ModeleRefuse(f"modèle refusé : il contient un objet incorporé ({nom}) ; "
                           "collez-le comme image")
    for code in re.findall(r"<w:instrText[^>]*>(.*?)</w:instrText>|w:instr=\"([^\"]*)\"",
                           texte, flags=re.S):
        trouve = _CHAMPS_EXTERNES.search("".join(code))
        if trouve:
            raise ModeleRefuse(f"modèle refusé : le champ Word {trouve.group(1).upper()} va "
                               f"chercher un contenu hors du document ({nom}) ; retirez-le")


def _sans_liaisons(docx: bytes) -> bytes:
    return reecrire(docx, lambda nom, data: _LIAISON.sub(b"", data)
                    if nom.startswith("word/") and nom.endswith(".xml") else data)


# --- the marks ---------------------------------------------------------------------------

def nom_de_partie(nom: str) -> str:
    """A package part as the administrator knows it."""
    if nom == "word/document.xml":
        return "le corps du document"
    if m := re.fullmatch(r"word/(header|footer)\d*\.xml", nom):
        return f"{'l’en-tête' if m.group(1) == 'header' else 'le pied de page'} ({nom})"
    if nom.startswith("docProps/"):
        return f"les propriétés du document ({nom})"
    return f"la partie « {nom} »"


def verifier_marques(docx: bytes, formulaire: Formulaire | None = None) -> None:
    """ModeleRefuse naming the part and the mark when a Jinja mark is not one the service writes.

    ``docx`` is a package ``verifier_modele`` accepted (or the service wrote): its sizes are
    bounded.

    With ``formulaire``, names must also be its fields (or ``instance``, ``gabarit``,
    ``document``) and a top-level loop must walk one of its groups or a list of ``instance``.
    """
    champs = None if formulaire is None else {c.nom: c.type for c in formulaire.champs}
    env = environnement()
    with zipfile.ZipFile(BytesIO(docx)) as paquet:
        for info in paquet.infolist():
            if not info.filename.endswith((".xml", ".rels")):
                continue
            data = paquet.read(info)
            if b"{{" not in data and b"{%" not in data and b"{#" not in data:
                continue
            texte = data.decode("utf-8", errors="replace")
            partie = nom_de_partie(info.filename)
            if not PARTIES_RENDUES.match(info.filename):
                # no regular expression here: a part may hold a million « {{ »
                debut = min(i for i in (texte.find("{{"), texte.find("{%"), texte.find("{#"))
                            if i >= 0)
                extrait = texte[debut:debut + 200]
                fin = min((i + 2 for i in (extrait.find("}}", 2), extrait.find("%}", 2),
                                           extrait.find("#}", 2)) if i >= 0), default=200)
                raise ModeleRefuse(
                    f"{partie} : la marque « {_court(extrait[:fin])} » n’est pas permise : le "
                    "service n’écrit de marques que dans le texte, les en-têtes et les pieds de "
                    "page")
                continue
            source = DocxTemplate.__new__(DocxTemplate).patch_xml(texte)
            try:
                arbre = env.parse(source)
            except TemplateSyntaxError as exc:
                raise ModeleRefuse(f"{partie}, ligne {exc.lineno} : marque illisible "
                                   f"({exc.message})") from None
            try:
                _Verificateur(champs).instructions(arbre.body, ())
            except _Refus as refus:
                raise ModeleRefuse(f"{partie} : la marque « {_extrait(source, refus)} » "
                                   f"n’est pas permise ({refus.raison})") from None


class _Refus(Exception):
    def __init__(self, noeud: nodes.Node, raison: str, indice: str = ""):
        super().__init__(raison)
        self.ligne, self.raison, self.indice = getattr(noeud, "lineno", 1), raison, indice


def _court(texte: str) -> str:
    texte = re.sub(r"<[^>]*>", "", texte)
    return texte if len(texte) <= 120 else texte[:117] + "…"


def _extrait(source: str, refus: _Refus) -> str:
    """The mark at fault: the one of its line holding the offending word, else the line's first."""
    lignes = source.splitlines()
    ligne = lignes[refus.ligne - 1] if 0 < refus.ligne <= len(lignes) else source
    marques = _MARQUE.findall(ligne) or _MARQUE.findall(source) or [ligne]
    return _court(next((m for m in marques if refus.indice and refus.indice in m), marques[0]))


class _Verificateur:
    """Walks a template's tree; ``pile`` holds the targets of the enclosing loops, innermost last."""

    def __init__(self, champs: dict[str, str] | None):
        self.champs = champs

    def instructions(self, corps: list[nodes.Node], pile: tuple[str, ...]) -> None:
        for noeud in corps:
            self.instruction(noeud, pile)

    def instruction(self, noeud: nodes.Node, pile: tuple[str, ...]) -> None:
        if isinstance(noeud, nodes.Output):
            for enfant in noeud.nodes:
                if not isinstance(enfant, nodes.TemplateData):
                    self.expression(enfant, pile)
        elif isinstance(noeud, nodes.If):
            self.expression(noeud.test, pile)
            self.instructions(noeud.body, pile)
            self.instructions(noeud.elif_, pile)
            self.instructions(noeud.else_, pile)
        elif isinstance(noeud, nodes.For):
            if noeud.recursive:
                raise _Refus(noeud, "boucle récursive", "recursive")
            if not isinstance(noeud.target, nodes.Name):
                raise _Refus(noeud, "une boucle n’a qu’une variable", "for")
            self.iterable(noeud.iter, pile, f"for {noeud.target.name} ")
            interieur = (*pile, noeud.target.name)
            if noeud.test is not None:
                self.expression(noeud.test, interieur)
            self.instructions(noeud.body, interieur)
            self.instructions(noeud.else_, pile)
        else:
            mot = next((m for t, m in _INSTRUCTIONS.items() if isinstance(noeud, t)),
                       type(noeud).__name__)
            raise _Refus(noeud, f"l’instruction « {mot} » n’est pas de celles du service", mot)

    def iterable(self, noeud: nodes.Node, pile: tuple[str, ...], marque: str) -> None:
        """Top level: a field, or a list of ``instance`` (grouped or not). Inside a loop: a part
        of the current item only, so that loops never multiply one another's turns."""
        racine = noeud.node if isinstance(noeud, nodes.Filter) else noeud
        if isinstance(noeud, nodes.Filter):
            if noeud.name != "groupby":
                raise _Refus(noeud, f"boucle sur le filtre « {noeud.name} »", noeud.name)
            self.expression(noeud, pile)
        chaine = _chaine(racine)
        if chaine is None:
            appel = racine.node if isinstance(racine, nodes.Call) else racine
            quoi = f"« {appel.name} » n’est pas permis : " if isinstance(appel, nodes.Name) else ""
            raise _Refus(noeud, f"{quoi}une boucle ne parcourt qu’un champ ou une liste des "
                         "paramètres", marque)
        if pile:
            if chaine[0] != pile[-1] or len(chaine) < 2:
                raise _Refus(noeud, "une boucle dans une boucle ne parcourt qu’une partie de "
                             f"l’élément courant, « {pile[-1]}.… »", marque)
        elif chaine[0] == "instance" and len(chaine) >= 2:
            pass
        elif len(chaine) != 1 or (self.champs is not None
                                  and self.champs.get(chaine[0]) != "groupe"):
            raise _Refus(noeud, f"« {'.'.join(chaine)} » n’est pas un groupe du formulaire",
                         marque)
        self.expression(racine, pile)

    def expression(self, noeud: nodes.Node, pile: tuple[str, ...]) -> None:
        if isinstance(noeud, nodes.Const):
            if not isinstance(noeud.value, (str, int, float, bool, type(None))):
                raise _Refus(noeud, "constante inattendue")
        elif isinstance(noeud, nodes.Name):
            self.nom(noeud, pile)
        elif isinstance(noeud, nodes.Getattr):
            if noeud.attr.startswith("_"):
                raise _Refus(noeud, f"l’attribut « {noeud.attr} » est interdit", noeud.attr)
            if isinstance(noeud.node, nodes.Name) and noeud.node.name == "loop" and pile:
                if noeud.attr not in ATTRIBUTS_DE_BOUCLE:
                    raise _Refus(noeud, f"« loop.{noeud.attr} » n’est pas permis", noeud.attr)
                return
            premier = isinstance(noeud.node, nodes.Filter) and noeud.node.name in ("first", "last")
            if not isinstance(noeud.node, (nodes.Name, nodes.Getattr)) and not premier:
                raise _Refus(noeud, "un attribut se lit sur un champ ou un paramètre", noeud.attr)
            self.expression(noeud.node, pile)
        elif isinstance(noeud, nodes.Call):
            if (not isinstance(noeud.node, nodes.Getattr) or noeud.node.attr not in APPELS
                    or noeud.kwargs or noeud.dyn_args or noeud.dyn_kwargs or len(noeud.args) != 1
                    or not isinstance(noeud.args[0], nodes.Const)
                    or type(noeud.args[0].value) is not int):
                quoi = noeud.node.attr if isinstance(noeud.node, nodes.Getattr) else (
                    noeud.node.name if isinstance(noeud.node, nodes.Name) else "")
                raise _Refus(noeud, "le seul appel permis est « champ.coche(n) »", quoi or "(")
            self.expression(noeud.node, pile)
        elif isinstance(noeud, nodes.Filter):
            if noeud.name not in FILTRES:
                raise _Refus(noeud, f"le filtre « {noeud.name} » n’est pas permis", noeud.name)
            if (noeud.kwargs or noeud.dyn_args or noeud.dyn_kwargs or noeud.node is None
                    or not all(isinstance(a, nodes.Const) and isinstance(a.value, str)
                               for a in noeud.args)):
                raise _Refus(noeud, f"le filtre « {noeud.name} » ne prend qu’un texte fixe",
                             noeud.name)
            self.expression(noeud.node, pile)
        elif isinstance(noeud, (nodes.And, nodes.Or)):
            self.expression(noeud.left, pile)
            self.expression(noeud.right, pile)
        elif isinstance(noeud, nodes.Not):
            self.expression(noeud.node, pile)
        elif isinstance(noeud, nodes.CondExpr):
            for partie in (noeud.test, noeud.expr1, noeud.expr2):
                if partie is not None:
                    self.expression(partie, pile)
        elif isinstance(noeud, nodes.Compare):
            self.expression(noeud.expr, pile)
            for operande in noeud.ops:
                if operande.op not in COMPARAISONS:
                    raise _Refus(noeud, f"la comparaison « {operande.op} » n’est pas permise",
                                 operande.op)
                self.expression(operande.expr, pile)
        else:
            quoi = next((m for t, m in _EXPRESSIONS.items() if isinstance(noeud, t)),
                        f"l’expression « {type(noeud).__name__} » n’est pas permise")
            raise _Refus(noeud, quoi)

    def nom(self, noeud: nodes.Name, pile: tuple[str, ...]) -> None:
        nom = noeud.name
        if nom in pile:
            return
        if nom.startswith("_") or nom in NOMS_JINJA:
            raise _Refus(noeud, f"« {nom} » n’est pas un champ du formulaire", nom)
        if self.champs is not None and nom not in self.champs and nom not in NOMS_RESERVES:
            raise _Refus(noeud, f"« {nom} » n’est pas un champ du formulaire", nom)


def _chaine(noeud: nodes.Node) -> list[str] | None:
    """``a.b.c`` as ["a", "b", "c"]; None for anything else."""
    attrs = []
    while isinstance(noeud, nodes.Getattr):
        attrs.append(noeud.attr)
        noeud = noeud.node
    if not isinstance(noeud, nodes.Name):
        return None
    return [noeud.name, *reversed(attrs)]
