"""The uploaded form as simple, safe HTML, each proposed field highlighted.

Only paragraphs, tables, bold and italic are kept; every text of the document is escaped
(a ``<script>`` or ``{{ … }}`` typed in Word is shown as typed). Each place of a proposal
is a ``<mark>`` whose first words, visually hidden, say which field is proposed there, so
that a screen-reader user reviews the same proposals as everybody else.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from ._paragraphes import PARTIE, W, corps, lire_partie, segments, texte_run

_TYPES = {"texte": "texte court", "texte_long": "texte long", "date": "date",
          "choix": "choix unique", "choix_multiple": "choix multiple", "signature": "signature"}
_VIDE = "…………"


def _actif(rpr, nom: str) -> bool:
    if rpr is None:
        return False
    el = rpr.find(f"{W}{nom}")
    return el is not None and el.get(f"{W}val", "true") not in ("0", "false", "none")


def _marque(prop, k: int, option: str | None) -> tuple[Markup, Markup]:
    ident = prop.id if k == 0 else f"{prop.id}-{k + 1}"
    quoi = f"case « {option} » du champ proposé" if option else "champ proposé"
    ouvre = Markup('<mark id="{}" class="proposition" data-proposition="{}" data-type="{}">'
                   '<span class="visuellement-cache">{} : {} ({}) </span>').format(
        ident, prop.id, prop.type, quoi, prop.libelle, _TYPES.get(prop.type, prop.type))
    return ouvre, Markup("</mark>")


def _paragraphe(p, marques) -> Markup:
    """One paragraph's runs, cut where marks open and close."""
    morceaux = []
    for r, debut, fin in segments(p):
        rpr = r.find(f"{W}rPr")
        morceaux.append((debut, fin, texte_run(r), _actif(rpr, "b"), _actif(rpr, "i")))
    coupures = sorted({0, *(a for a, *_ in morceaux), *(b for _, b, *_ in morceaux),
                       *(m[0] for m in marques), *(m[1] for m in marques)})
    html = []
    for n, x in enumerate(coupures):
        html += [ferme for a, b, _, ferme in marques if a < b == x]
        for a, b, ouvre, ferme in marques:
            if a == x:
                html.append(ouvre)
                if a == b:
                    html += [Markup('<span aria-hidden="true">{}</span>').format(_VIDE), ferme]
        if n + 1 == len(coupures):
            break
        y = coupures[n + 1]
        for a, b, t, gras, ital in morceaux:
            if a <= x and y <= b:
                bout = escape(t[x - a:y - a])
                if ital:
                    bout = Markup("<em>{}</em>").format(bout)
                if gras:
                    bout = Markup("<strong>{}</strong>").format(bout)
                html.append(bout)
    return Markup("").join(html)


def _bloc(el, chemin, par_chemin) -> Markup:
    if el.tag == f"{W}p":
        marques, apres = [], []
        for empl, ouvre, ferme in par_chemin.get(chemin, []):
            (apres if empl.apres else marques).append((empl.debut, empl.fin, ouvre, ferme))
        html = Markup("<p>{}</p>").format(_paragraphe(el, marques))
        for *_, ouvre, ferme in apres:
            html += Markup('<p>{}<span aria-hidden="true">{}</span>{}</p>').format(ouvre, _VIDE, ferme)
        return html
    if el.tag == f"{W}tbl":
        lignes = []
        for i, tr in enumerate(el):
            if tr.tag != f"{W}tr":
                continue
            cellules = []
            for j, tc in enumerate(tr):
                if tc.tag != f"{W}tc":
                    continue
                span = tc.find(f"{W}tcPr/{W}gridSpan")
                attr = Markup(' colspan="{}"').format(int(span.get(f"{W}val"))) if span is not None else ""
                contenu = _contenu(tc, chemin + (i, j), par_chemin)
                cellules.append(Markup("<td{}>{}</td>").format(attr, contenu))
            lignes.append(Markup("<tr>{}</tr>").format(Markup("").join(cellules)))
        return Markup('<table class="apercu-tableau">{}</table>').format(Markup("").join(lignes))
    if el.tag == f"{W}sdt":
        contenu = el.find(f"{W}sdtContent")
        return _contenu(contenu, None, {}) if contenu is not None else Markup("")
    return Markup("")


def _contenu(conteneur, chemin, par_chemin) -> Markup:
    return Markup("").join(
        _bloc(x, chemin + (i,) if chemin is not None else None, par_chemin)
        for i, x in enumerate(conteneur))


def apercu_html(docx: bytes, propositions) -> str:
    """The document as HTML, each proposal's places in a ``<mark>`` (ids p1, p1-2 …)."""
    par_chemin: dict[tuple, list] = {}
    for prop in propositions:
        for k, empl in enumerate(prop.emplacements):
            if empl.partie != PARTIE:
                continue
            option = prop.options[k] if prop.options and k < len(prop.options) else None
            ouvre, ferme = _marque(prop, k, option)
            par_chemin.setdefault(empl.chemin, []).append((empl, ouvre, ferme))
    body = corps(lire_partie(docx))
    return str(Markup('<div class="apercu-document">{}</div>').format(_contenu(body, (), par_chemin)))
