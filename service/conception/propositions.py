"""Fields proposed in a Word form that has no content controls.

An INSPÉ's form is often a plain .docx: « Nom : …………… », « ☐ oui ☐ non », a table whose
empty cells sit next to or under their label, « Fait à … le … », a « Signature » cell.
``proposer`` finds those places the way a person filling the paper form would; the
administrator then accepts, renames or drops each proposal on a page showing
``apercu_html``; ``appliquer`` (``propositions_ecriture.py``) writes the accepted ones into the
.docx as real Word content controls, which ``reconnaissance`` reads like any other.

A proposal points at its places by the index path from ``w:body`` to a paragraph and by
character offsets in that paragraph's text: ``proposer`` is deterministic, so the same
.docx always gives the same proposals, ids and places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from ._paragraphes import PARTIE, W, corps, lire_partie, texte
from .propositions_libelles import (
    POINTILLES,
    nettoyer_libelle,
    nom_suggere,
    pointilles,
    sans_accents,
    type_pour,
    vide,
)

TYPES_PROPOSES = ("texte", "texte_long", "date", "choix", "choix_multiple", "signature")

BOITES = re.compile(r"[☐□❏❑]|\|_\|")
_COURT = 80


@dataclass(frozen=True)
class Emplacement:
    """One place of a proposal: characters [debut, fin) of the paragraph at ``chemin``.

    ``chemin`` is the index path from ``w:body`` (body child, then row, cell, paragraph …).
    ``debut == fin``: the control is inserted there (after a label, in an empty cell).
    ``apres``: a new paragraph is added after this one for the control (a signature slot).
    ``bloc``: the whole paragraph belongs to a multi-paragraph control (texte_long).
    """
    chemin: tuple[int, ...]
    debut: int = 0
    fin: int = 0
    apres: bool = False
    bloc: bool = False
    partie: str = PARTIE


@dataclass
class Proposition:
    id: str
    type: str
    nom: str
    libelle: str
    emplacements: list[Emplacement]
    options: list[str] = field(default_factory=list)
    aide: str = ""


@dataclass(frozen=True)
class Decision:
    """What the administrator decided about proposal ``id``."""
    id: str
    acceptee: bool
    nom: str = ""
    libelle: str = ""
    type: str = ""



# --- walking the document ---------------------------------------------------------------

class _Collecte:
    def __init__(self):
        self.propositions: list[Proposition] = []
        self.noms: set[str] = set()

    def ajouter(self, type_: str, libelle: str, emplacements: list[Emplacement],
                options: list[str] | None = None, aide: str = "") -> Proposition:
        libelle = libelle or (options[0] if options else "Champ")
        prop = Proposition(f"p{len(self.propositions) + 1}", type_, nom_suggere(libelle, self.noms),
                           libelle, emplacements, list(options or []), aide)
        self.propositions.append(prop)
        return prop


def _paragraphes_de(conteneur, chemin):
    """(path, w:p) of a container's own paragraphs, and its tables as (path, w:tbl)."""
    for i, enfant in enumerate(conteneur):
        if enfant.tag in (f"{W}p", f"{W}tbl"):
            yield chemin + (i,), enfant


def _conteneur(col: _Collecte, conteneur, chemin, dans_cellule=False) -> None:
    elements = list(_paragraphes_de(conteneur, chemin))
    textes = [texte(e) if e.tag == f"{W}p" else None for _, e in elements]
    signatures_suivent = False
    long_en_cours: Proposition | None = None
    i = 0
    while i < len(elements):
        ch, el = elements[i]
        if el.tag == f"{W}tbl":
            _tableau(col, el, ch)
            long_en_cours, signatures_suivent = None, False
            i += 1
            continue
        t = textes[i]
        if el.find(f".//{W}sdt") is not None:  # already has a content control: left as it is
            long_en_cours, i = None, i + 1
            continue
        precedent = next((x for x in reversed(textes[:i]) if x is None or not vide(x)), None) or ""
        suivant = textes[i + 1] if i + 1 < len(textes) else None
        plus_loin = next((x for x in textes[i + 1:] if x is None or not vide(x)), None)
        # a line of dots only, under a label or under another dotted line: texte_long
        spans = pointilles(t)
        if _ligne_a_remplir(t):
            if long_en_cours is not None:
                long_en_cours.type = "texte_long"
                long_en_cours.emplacements.append(Emplacement(ch, 0, len(t), bloc=True))
                long_en_cours.aide = ""
            else:
                libelle = nettoyer_libelle(precedent) if len(precedent) <= 2 * _COURT else ""
                long_en_cours = col.ajouter(type_pour(libelle), libelle or "Texte",
                                            [Emplacement(ch, 0, len(t), bloc=True)],
                                            aide=t.strip())
            i += 1
            continue
        if vide(t) and long_en_cours is not None and _ligne_a_remplir(plus_loin or ""):
            i += 1  # a blank line between two lines to write: the same field
            continue
        long_en_cours = None
        boites = list(BOITES.finditer(t))
        if boites:
            i = _boites(col, elements, textes, i, boites, precedent)
            continue
        if spans:
            prop = _ligne_pointillee(col, ch, t, spans)
            if prop is not None and prop.type in ("texte", "texte_long"):
                long_en_cours = prop
            i += 1
            continue
        net = nettoyer_libelle(t)
        bas = sans_accents(net).lower()
        if re.fullmatch(r"signatures", bas) or re.fullmatch(r"signature", bas) and suivant \
                and t.rstrip().endswith(":") and not vide(suivant):
            signatures_suivent = True  # « Signatures : » then one line (or cell) per signatory
        elif "signature" in bas and len(t) <= _COURT:
            _emplacement_apres(col, "signature", net, elements, textes, i)
        elif _libelle_seul(t) and not _annonce(plus_loin) and (
                dans_cellule or suivant is None or vide(suivant) or signatures_suivent
                or "\t" in t.strip() or type_pour(net) in ("date", "signature")):
            _libelles_en_fin(col, ch, t, "signature" if signatures_suivent else None)
        elif not vide(t):
            signatures_suivent = False
        i += 1


def _ligne_a_remplir(t: str) -> bool:
    """A line of dots only, or a lone dash of a list to write (« - »)."""
    return bool(pointilles(t)) and vide(POINTILLES.sub("", t)) or t.strip() in ("-", "–", "—", "•")


def _annonce(suivant: str | None) -> bool:
    """The label announces what follows: boxes or lines to write under it."""
    return suivant is not None and (bool(BOITES.search(suivant)) or _ligne_a_remplir(suivant))


def _libelle_seul(t: str) -> bool:
    """« Nom : » (and « Nom : \tDate : »): short labels ending with a colon, nothing after."""
    parties = [x for x in t.split("\t") if not vide(x)]
    return bool(parties) and all(x.rstrip().endswith(":") and len(x.strip()) <= 60 for x in parties)


def _libelles_en_fin(col, ch, t, type_force):
    pos = 0
    for partie in t.split("\t"):
        fin = pos + len(partie.rstrip())
        if not vide(partie):
            libelle = nettoyer_libelle(partie)
            col.ajouter(type_force or type_pour(libelle), libelle, [Emplacement(ch, fin, fin)])
        pos += len(partie) + 1


def _emplacement_apres(col, type_, libelle, elements, textes, i):
    ch, _ = elements[i]
    if i + 1 < len(elements) and textes[i + 1] is not None and vide(textes[i + 1]):
        col.ajouter(type_, libelle, [Emplacement(elements[i + 1][0], 0, len(textes[i + 1]))])
    else:
        col.ajouter(type_, libelle, [Emplacement(ch, len(textes[i]), len(textes[i]), apres=True)])


def _ligne_pointillee(col, ch, t, spans) -> Proposition | None:
    """« Nom : ………  Prénom : ……… », « Fait à … le … », « du …… au …… »."""
    derniere, fin_prec, prop = None, 0, None
    fait_a = sans_accents(t).lower().lstrip().startswith("fait a")
    for debut, fin in spans:
        brut = t[fin_prec:debut]
        libelle = nettoyer_libelle(brut)
        bas = sans_accents(libelle).lower()
        mot = bas.split()[-1] if bas.split() else ""
        type_ = type_pour(libelle)
        if bas in ("fait a", "a"):
            libelle, type_ = "Lieu", "texte"
        elif fait_a and mot == "le":
            libelle, type_ = "Date", "date"
        elif mot == "le" or mot == "au" or mot == "du" and (
                re.search(r"\bau\s*$", sans_accents(t[fin:]).lower().split("…")[0].split(".")[0])
                or re.search(r"date|reunion|seance|visite|entretien", bas)):
            avant = nettoyer_libelle(re.sub(r"\b(du|le|au)\s*$", "", libelle, flags=re.I))
            base = avant or (derniere.libelle.split(" (")[0] if derniere else "Date")
            au_suit = mot == "du" and re.search(r"\bau\b", sans_accents(t[fin:]).lower())
            libelle = f"{base} (fin)" if mot == "au" else f"{base} (début)" if au_suit else base
            type_ = "date"
        elif not libelle:
            libelle = f"{derniere.libelle} (suite)" if derniere else "Texte"
        elif mot in ("du", "de", "des") and len(bas.split()) > 1:  # « Département du …… »
            libelle = libelle.rsplit(" ", 1)[0]
        prop = col.ajouter(type_, libelle, [Emplacement(ch, debut, fin)], aide=t[debut:fin].strip())
        derniere, fin_prec = prop, fin
    return prop if len(spans) == 1 else None


def _options(t: str, boites) -> list[tuple[int, int, str]]:
    """(box start, box end, option text) for each box of a paragraph."""
    out = []
    for k, m in enumerate(boites):
        fin_option = boites[k + 1].start() if k + 1 < len(boites) else len(t)
        texte_option = t[m.end():fin_option]
        coupe = POINTILLES.search(texte_option)
        if coupe:
            texte_option = texte_option[: coupe.start()]
        out.append((m.start(), m.end(), nettoyer_libelle(texte_option.split("\t")[0])))
    return out


def _type_options(options: list[str]) -> str:
    bas = {sans_accents(o).lower() for o in options}
    return "choix" if len(options) > 1 and bas <= {"oui", "non"} else "choix_multiple"


def _boites(col, elements, textes, i, boites, precedent) -> int:
    """Boxes: a line of several → one choice; single boxes on following lines → one choice."""
    ch, _ = elements[i]
    t = textes[i]
    options = _options(t, boites)
    libelle = nettoyer_libelle(t[: boites[0].start()])
    if len(boites) > 1:
        libelle = libelle or (nettoyer_libelle(precedent) if len(precedent) <= _COURT else "")
        col.ajouter(_type_options([o for *_, o in options]), libelle,
                    [Emplacement(ch, a, b) for a, b, _ in options], [o for *_, o in options])
        _apres_options(col, ch, t, boites)
        return i + 1
    # single boxes at the start of consecutive paragraphs: one list of options
    groupe = [(ch, options[0])]
    j = i + 1
    while j < len(elements) and textes[j] is not None:
        suite = list(BOITES.finditer(textes[j]))
        if len(suite) != 1 or not vide(textes[j][: suite[0].start()]):
            break
        groupe.append((elements[j][0], _options(textes[j], suite)[0]))
        j += 1
    if not libelle and len(groupe) > 1 and len(precedent) <= _COURT:
        libelle = nettoyer_libelle(precedent)
    noms = [o for _, (_, _, o) in groupe]
    col.ajouter(_type_options(noms), libelle or noms[0],
                [Emplacement(c, a, b) for c, (a, b, _) in groupe], noms)
    for k in range(i, j):
        _apres_options(col, elements[k][0], textes[k], list(BOITES.finditer(textes[k])))
    return j


def _apres_options(col, ch, t, boites):
    """« ☐ Autre : ……… »: the dots after an option are a text field of their own."""
    for k, m in enumerate(boites):
        fin_option = boites[k + 1].start() if k + 1 < len(boites) else len(t)
        for a, b in pointilles(t[m.end():fin_option]):
            libelle = nettoyer_libelle(t[m.end():m.end() + a]) + " (précisez)"
            col.ajouter("texte", libelle.strip(), [Emplacement(ch, m.end() + a, m.end() + b)],
                        aide=t[m.end() + a:m.end() + b].strip())


# --- tables ------------------------------------------------------------------------------

def _cellules(tbl, chemin):
    """Rows of (path, w:tc, text, to leave alone)."""
    lignes = []
    for i, tr in enumerate(tbl):
        if tr.tag != f"{W}tr":
            continue
        ligne = []
        for j, tc in enumerate(tr):
            if tc.tag != f"{W}tc":
                continue
            fusion = tc.find(f"{W}tcPr/{W}vMerge")
            suite = fusion is not None and fusion.get(f"{W}val", "continue") != "restart" \
                or tc.find(f".//{W}sdt") is not None  # merged into the cell above, or has a control
            t = "\n".join(texte(p) for p in tc.findall(f"{W}p"))
            ligne.append((chemin + (i, j), tc, t, suite))
        lignes.append(ligne)
    return lignes


def _est_libelle(t: str) -> bool:
    return not vide(t) and len(t.strip()) <= 120 and not POINTILLES.search(t) \
        and not BOITES.search(t)


def _haute(tc, tr) -> bool:
    hauteur = tr.find(f"{W}trPr/{W}trHeight")
    return (hauteur is not None and int(hauteur.get(f"{W}val", "0")) >= 1100) \
        or len(tc.findall(f"{W}p")) >= 3


def _tableau(col: _Collecte, tbl, chemin) -> None:
    lignes = _cellules(tbl, chemin)
    entete = len(lignes) > 1 and all(_est_libelle(t) for _, _, t, _ in lignes[0])
    libelles_utilises: set[int] = set()
    for r, ligne in enumerate(lignes):
        for c, (ch, tc, t, suite) in enumerate(ligne):
            if not vide(t):
                continue
            if suite or tc.find(f".//{W}drawing") is not None:
                continue
            gauche = ligne[c - 1] if c and not ligne[c - 1][3] else None
            dessus = lignes[r - 1][c] if r and c < len(lignes[r - 1]) and not lignes[r - 1][c][3] \
                else None
            haut = lignes[0][c][2] if entete and r and c < len(lignes[0]) else ""
            rang = ligne[0][2] if c and _est_libelle(ligne[0][2]) else ""
            if haut and rang:
                libelle = f"{nettoyer_libelle(haut)} — {nettoyer_libelle(rang)}"
            elif gauche and _est_libelle(gauche[2]):
                libelle = nettoyer_libelle(gauche[2])
                libelles_utilises.add(id(gauche[1]))
            elif dessus and _est_libelle(dessus[2]):
                libelle = nettoyer_libelle(dessus[2])
                libelles_utilises.add(id(dessus[1]))
            elif haut:
                libelle = nettoyer_libelle(haut)
            else:
                continue
            tr = tc.getparent()
            defaut = "texte_long" if _haute(tc, tr) else "texte"
            type_ = type_pour(libelle, defaut)
            paragraphes = [k for k, x in enumerate(tc) if x.tag == f"{W}p"]
            if type_ == "texte_long":
                places = [Emplacement(ch + (k,), 0, len(texte(tc[k])), bloc=True) for k in paragraphes]
            else:
                places = [Emplacement(ch + (paragraphes[0],), 0, 0)]
            col.ajouter(type_, libelle, places)
    # « Signature » cells with nowhere else to sign: the slot is in the cell itself
    for ligne in lignes:
        for ch, tc, t, laisser in ligne:
            if id(tc) in libelles_utilises or vide(t) or laisser:
                continue
            if "signature" in sans_accents(t).lower() and len(t.strip()) <= _COURT \
                    and not BOITES.search(t) and not POINTILLES.search(t):
                elements = list(_paragraphes_de(tc, ch))
                textes = [texte(e) if e.tag == f"{W}p" else None for _, e in elements]
                dernier = max(k for k, x in enumerate(textes) if x is not None and not vide(x))
                _emplacement_apres(col, "signature", nettoyer_libelle(textes[dernier]),
                                   elements, textes, dernier)
            else:
                _conteneur(col, tc, ch, dans_cellule=True)


# --- public API ------------------------------------------------------------------------

def propositions_du_corps(body: etree._Element) -> list[Proposition]:
    col = _Collecte()
    _conteneur(col, body, ())
    return col.propositions


def proposer(docx: bytes) -> list[Proposition]:
    """The fields a person would fill in this .docx, in reading order (ids p1, p2 …)."""
    return propositions_du_corps(corps(lire_partie(docx)))


from .propositions_apercu import apercu_html  # noqa: E402,F401  (public API, re-exported)
from .propositions_ecriture import DecisionInvalide, appliquer, types_possibles  # noqa: E402,F401
