"""The content controls of a Word-authored form, recognised as declared fields.

The people who own the forms work in Word: they place content controls with
the Developer tab. Each control becomes a declared field:

- plain text → ``texte`` (``texte_long`` when it allows several lines);
  rich text → ``texte_long``;
- date picker → ``date`` (the control keeps its date format);
- drop-down list or combo box → ``choix`` shown as a list, with its items;
- check boxes whose tags share a prefix (``activites_1``, ``activites_2``,
  ``activites.obs``…, or all the same tag) → one field whose options are the
  box's title (Word's « Titre »), else the text after the box. The field is a ``choix`` (one
  answer) when its tags use ``#`` (``niveau#1``, ``niveau#2``: the shipped
  gabarits' own tags) or when its boxes sit in a Word « Groupe » control;
  otherwise a ``choix_multiple``. A lone box is left as fixed text;
- repeating section → ``groupe`` whose columns are the controls inside it;
- picture → a signature slot.

The tag is the field's name (made safe and unique), the title its label, the
placeholder text its help. A control tagged ``instance.<clé>`` (or
``gabarit.…``, ``document.…``) prints the institution's setting (the
gabarit's, the document's): it is no field; a repeating section tagged
``instance.<liste>`` repeats over that setting's list, its controls naming
the keys of each element.

A repeating section tagged ``instance.<liste>|<clé>`` repeats once per value
of ``<clé>`` among that list's elements (Jinja's ``groupby``): inside it, a
control tagged ``groupe.<clé>`` prints the value (« Université de
Clairval »), and a repeating section tagged ``groupe.elements`` repeats over
the group's elements, its controls naming their keys (``site``,
``courriel``).

Two drop-down lists of two items say a text that varies, in a repeating
section: tagged ``ligne.premier``, the first line's text then the following
lines' (« Bilan intermédiaire », « Nouveau bilan intermédiaire »); tagged
``groupe.pluriel``, inside a grouped section, the text for a group of one
element then of several (« Délégué », « Délégués »). Neither is a field: the
document prints the right item.

Nothing the author typed becomes template code (``marques.echapper``); the
service writes its own marks, the shapes ``wordml`` writes for the shipped
gabarits, so the renderer and the reading back of completed documents treat a
recognised form exactly like a shipped one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from service.catalogue.declaration import NOMS_RESERVES, POSTES

from . import marques
from .marques import PLURIEL, PREMIER, W14, W15, q
from .wordml import PLACEHOLDER

_LIE = re.compile(r"^(instance|gabarit|document)(\.[A-Za-z_][A-Za-z0-9_]*)+$")
_SEPARATEURS = "#._- "
# Word's own placeholder texts say nothing about the field: no help from them.
_AIDE_WORD = re.compile(r"^(cliquez|click|choisissez|choose|tapez|type|entrez|enter)\b", re.I)
_CONTENEURS = (q("docPartObj"), q("docPartList"), q("bibliography"), q("citation"),
               q("equation"))
_VARIABLE = "ligne"
_GROUPE, _ELEMENTS = "groupe.", "groupe.elements"  # a group of a grouped list, and its items
_REGROUPEMENT = re.compile(r"^(instance(?:\.[A-Za-z_]\w*)+)\s*\|\s*([A-Za-z_]\w*)$")


@dataclass
class _Case:
    sdt: object
    tag: str
    alias: str
    option: str
    exclusive: bool
    cle: str = ""


@dataclass
class _Portee:
    """Where fields land: the form itself, or a group's columns (``prefixe`` « ligne. »)."""
    champs: list = field(default_factory=list)
    noms: set = field(default_factory=set)
    par_tag: dict = field(default_factory=dict)
    cases: list = field(default_factory=list)
    prefixe: str = ""
    lie: bool = False  # a loop over an institution setting: controls name its keys
    cle: str = ""  # a loop over a setting's list grouped by this key (« groupe. »)
    regroupe: bool = False  # inside such a loop (the group's own controls or its items)


def nom_sur(brut: str) -> str:
    """``brut`` as a field name: lowercase ascii, digits and _, starting with a letter."""
    ascii_ = unicodedata.normalize("NFKD", brut).encode("ascii", "ignore").decode().lower()
    nom = re.sub(r"[^a-z0-9]+", "_", ascii_).strip("_")
    if not nom or not nom[0].isalpha():
        nom = f"champ_{nom}" if nom else "champ"
    return nom[:48].rstrip("_")


def _texte(el) -> str:
    return "".join(t.text or "" for t in el.iter(q("t"))).strip()


def _libelle(brut: str) -> str:
    texte = re.sub(r"[_.#-]+", " ", brut).strip()
    return (texte[:1].upper() + texte[1:]) if texte else "Champ"


class Lecteur:
    def __init__(self, glossaire: dict[str, str]):
        self.glossaire = glossaire
        self.alertes: list[str] = []
        self.actions: list = []  # compilation, once the author's text is escaped
        self.racine = _Portee()

    # --- names -----------------------------------------------------------------

    def nommer(self, portee: _Portee, brut: str, genre: str) -> tuple[str, bool]:
        """The field's name for tag ``brut``, and whether it is a new field (a tag used twice
        with the same kind is the same field, shown twice)."""
        deja = portee.par_tag.get(brut)
        if deja and deja[1] == genre:
            return deja[0], False
        base = nom_sur(brut)
        nom, i = base, 2
        while nom in portee.noms or (nom in NOMS_RESERVES and not portee.prefixe):
            nom = f"{base[:44]}_{i}"
            i += 1
        if nom != brut:
            self.alertes.append(f"« {brut} » renommé « {nom} » (un nom de champ s’écrit en "
                                "minuscules sans accents ni espaces, est unique, et n’est pas "
                                f"{' ni '.join(sorted(NOMS_RESERVES))})")
        portee.noms.add(nom)
        portee.par_tag.setdefault(brut, (nom, genre))
        return nom, True

    # --- walking -----------------------------------------------------------------

    def parcourir(self, el, portee: _Portee, exclusif: bool = False) -> None:
        for enfant in el:
            if enfant.tag == q("sdt"):
                self.controle(enfant, portee, exclusif)
            elif isinstance(enfant.tag, str):
                self.parcourir(enfant, portee, exclusif)

    def controle(self, sdt, portee: _Portee, exclusif: bool) -> None:
        pr = sdt.find(q("sdtPr"))
        contenu = sdt.find(q("sdtContent"))
        if pr is None or contenu is None:
            return
        tag = (pr.find(q("tag")).get(q("val"), "") if pr.find(q("tag")) is not None else "").strip()
        alias = (pr.find(q("alias")).get(q("val"), "")
                 if pr.find(q("alias")) is not None else "").strip()
        if pr.find(q("group")) is not None:
            return self.parcourir(contenu, portee, True)
        if any(pr.find(c) is not None for c in _CONTENEURS):
            return self.parcourir(contenu, portee, exclusif)
        if pr.find(q("repeatingSection", W15)) is not None:
            return self.groupe(sdt, tag, alias, portee)
        if pr.find(q("checkbox", W14)) is not None:
            case = _Case(sdt, tag, alias, self.option(sdt), exclusif)
            portee.cases.append(case)
            portee.champs.append({"_case": case})  # where its field will be
            return None
        if contenu.find(f".//{q('sdt')}") is not None and pr.find(q("text")) is None:
            return self.parcourir(contenu, portee, exclusif)  # a container of controls
        if contenu.find(q("tr")) is not None or contenu.find(q("tc")) is not None:
            self.alertes.append(f"« {alias or tag} » : un contrôle autour de lignes ou de cellules "
                                "de tableau n’est pas un champ ; ignoré")
            return self.parcourir(contenu, portee, exclusif)
        if tag in (PREMIER, PLURIEL):
            return self.alternative(sdt, pr, tag, alias, portee)
        if portee.lie or _LIE.match(tag):
            return self.lie(sdt, tag, portee)
        if pr.find(q("picture")) is not None:
            return self.signature(sdt, tag, alias, portee)
        self.saisie(sdt, pr, tag, alias, portee)
        return None

    def option(self, sdt) -> str:
        """The text after a check box, up to the next control or the paragraph's end."""
        morceaux = []
        for suivant in sdt.itersiblings():
            if suivant.tag == q("sdt"):
                break
            morceaux.append(_texte(suivant))
        return " ".join(m for m in morceaux if m).strip().rstrip(" :\u00a0\u202f").strip()

    def libelle_avant(self, sdt) -> str:
        """The label a person reads before a family's first box: the text before it in its
        paragraph (back to another control), else the previous paragraph's when it ends with
        « : » (« Activités observées : » above a column of boxes); "" when there is none."""
        morceaux = []
        for precedent in sdt.itersiblings(preceding=True):
            if precedent.tag == q("sdt"):
                break
            morceaux.append(_texte(precedent))
        texte = " ".join(m for m in reversed(morceaux) if m).strip()
        paragraphe = next(sdt.iterancestors(q("p")), None)
        if not texte and paragraphe is not None and not morceaux:
            avant = paragraphe.getprevious()
            if avant is not None and avant.tag == q("p") and _texte(avant).endswith(":"):
                texte = _texte(avant)
        texte = texte.rstrip(" :\u00a0\u202f").strip()
        return texte if 0 < len(texte) <= 120 else ""

    def aide(self, sdt, pr) -> str:
        texte = ""
        if pr.find(q("showingPlcHdr")) is not None:
            texte = _texte(sdt.find(q("sdtContent")))
        else:
            part = pr.find(f"{q('placeholder')}/{q('docPart')}")
            if part is not None:
                texte = self.glossaire.get(part.get(q("val"), ""), "")
        texte = texte.strip()
        return "" if not texte or _AIDE_WORD.match(texte) or set(texte) <= set(".…_ ") else texte

    # --- kinds of controls ---------------------------------------------------------

    def lie(self, sdt, tag: str, portee: _Portee) -> None:
        expr = f"{portee.prefixe}{nom_sur(tag)}" if portee.lie else tag
        if not _LIE.match(tag) and not portee.lie:
            return
        if portee.cle:  # a group of a grouped list: its key is all it has of its own
            if tag != _GROUPE + portee.cle:
                self.alertes.append(f"« {tag} » : dans une section regroupée par « {portee.cle} »"
                                    f", seul « {_GROUPE}{portee.cle} » s’imprime hors de la "
                                    f"section « {_ELEMENTS} » ; laissé tel quel")
                return
            expr = _GROUPE + "grouper"
        self.actions.append(lambda: (marques.remplir(sdt, "{{ " + expr + " }}"),
                                     marques.deballer(sdt)))

    def saisie(self, sdt, pr, tag: str, alias: str, portee: _Portee) -> None:
        if pr.find(q("date")) is not None:
            genre = "date"
            format_ = pr.find(f"{q('date')}/{q('dateFormat')}")
            if format_ is not None and format_.get(q("val")) not in (None, "dd/MM/yyyy"):
                self.alertes.append(f"« {alias or tag} » : le document imprime la date au format "
                                    f"JJ/MM/AAAA ; le format « {format_.get(q('val'))} » reste "
                                    "celui de la saisie dans Word")
        elif pr.find(q("dropDownList")) is not None or pr.find(q("comboBox")) is not None:
            genre = "choix"
        elif pr.find(q("text")) is not None:
            multi = pr.find(q("text")).get(q("multiLine")) in ("1", "true", "on")
            genre = "texte_long" if multi else "texte"
        else:
            genre = "texte_long"
        if not tag:
            tag = alias or genre
            self.alertes.append(f"un contrôle sans balise (« {alias or genre} ») : nommé d’après "
                                "son titre ; donnez-lui une balise dans Word pour choisir son nom")
        nom, nouveau = self.nommer(portee, tag, genre)
        if nouveau:
            champ = {"nom": nom, "type": genre, "libelle": alias or _libelle(tag)}
            aide = self.aide(sdt, pr)
            if aide:
                champ["aide"] = aide
            if genre == "choix":
                liste = pr.find(q("dropDownList"))
                liste = liste if liste is not None else pr.find(q("comboBox"))
                choix = []
                for item in liste.findall(q("listItem")):
                    valeur = item.get(q("displayText")) or item.get(q("value")) or ""
                    if item.get(q("value"), valeur) and valeur.strip() and valeur not in choix:
                        choix.append(valeur.strip())
                champ.update(choix=choix, affichage="liste")
                if pr.find(q("comboBox")) is not None:
                    self.alertes.append(f"« {nom} » : zone de liste déroulante modifiable reconnue "
                                        "comme une liste fermée (seules ses valeurs sont admises)")
                if len(choix) < 2:
                    self.alertes.append(f"« {nom} » : une liste de moins de deux valeurs devient "
                                        "un texte court")
                    champ = {k: v for k, v in champ.items() if k not in ("choix", "affichage")}
                    champ["type"] = "texte"
            portee.champs.append(champ)
        expr = portee.prefixe + nom
        self.actions.append(lambda: (marques.etiqueter(sdt, nom), marques.remplir(
            sdt, "{{ " + expr + ' or "' + PLACEHOLDER + '" }}')))

    def signature(self, sdt, tag: str, alias: str, portee: _Portee) -> None:
        if portee.prefixe:
            self.alertes.append(f"« {alias or tag} » : une image dans un groupe répétable ne "
                                "peut pas être une signature ; ignorée")
            return
        nom, nouveau = self.nommer(portee, tag or alias or "signature", "signature")
        if nouveau:
            poste = poste_signataire(f"{tag} {alias}")
            portee.champs.append({"nom": nom, "type": "signature",
                                  "libelle": alias or _libelle(tag or nom), "signe_par": poste})
            self.alertes.append(f"« {nom} » : signature attribuée au poste « {POSTES[poste]} » "
                                "d’après son nom ; à vérifier")
        self.actions.append(lambda: (marques.etiqueter(sdt, nom),
                                     marques.remplir(sdt, "{{ " + nom + " }}")))

    def alternative(self, sdt, pr, tag: str, alias: str, portee: _Portee) -> None:
        """``ligne.premier``: a drop-down list whose items are the first line's text and the
        following lines'; ``groupe.pluriel``: the text for a group of one item and of several."""
        liste = pr.find(q("dropDownList"))
        liste = liste if liste is not None else pr.find(q("comboBox"))
        # Word's « Choisissez un élément. » item has no value: not one of the two texts
        textes = [] if liste is None else [
            item.get(q("displayText")) or item.get(q("value")) or ""
            for item in liste.findall(q("listItem")) if item.get(q("value")) != ""]
        textes = [t for t in textes if t.strip()]
        if not portee.prefixe or (tag == PLURIEL and not portee.regroupe) or len(textes) != 2:
            ou = "une section regroupée" if tag == PLURIEL else "une section répétable"
            self.alertes.append(f"« {alias or tag} » : « {tag} » est une liste déroulante de deux "
                                f"éléments dans {ou} ; laissé tel quel")
            return
        condition = "loop.first" if tag == PREMIER else _GROUPE + "list|length > 1"
        oui, non = textes if tag == PREMIER else reversed(textes)
        marque = ("{% if " + condition + " %}" + marques.echapper_texte(oui) + "{% else %}"
                  + marques.echapper_texte(non) + "{% endif %}")
        self.actions.append(lambda: (marques.remplir(sdt, marque), marques.deballer(sdt)))

    def groupe(self, sdt, tag: str, alias: str, portee: _Portee) -> None:
        items = [s for s in sdt.find(q("sdtContent")).findall(q("sdt"))
                 if s.find(f"{q('sdtPr')}/{q('repeatingSectionItem', W15)}") is not None]
        elements = bool(portee.cle) and tag == _ELEMENTS
        if (portee.prefixe and not elements) or not items:
            self.alertes.append(f"« {alias or tag} » : section répétable "
                                f"{'dans un groupe' if items else 'vide'} ignorée")
            return
        if len(items) > 1:
            self.alertes.append(f"« {alias or tag} » : seule la première ligne de la section "
                                "répétable est gardée comme modèle de ligne")
        regroupement = _REGROUPEMENT.match(tag)
        lie = bool(_LIE.match(tag)) and tag.startswith("instance.") or elements
        sous = _Portee(prefixe=_VARIABLE + ".", lie=lie, regroupe=portee.regroupe)
        source, variable = tag, _VARIABLE
        if regroupement:  # a list of the settings grouped by one of its keys
            lie, variable = True, _GROUPE[:-1]
            source = f'{regroupement.group(1)}|groupby("{regroupement.group(2)}")'
            sous = _Portee(prefixe=_GROUPE, lie=True, cle=regroupement.group(2), regroupe=True)
        elif elements:
            source = _GROUPE + "list"
        self.parcourir(items[0].find(q("sdtContent")), sous)
        self.familles(sous)
        if not lie:
            source, nouveau = self.nommer(portee, tag or alias or "groupe", "groupe")
            if not sous.champs:
                self.alertes.append(f"« {source} » : section répétable sans contrôle ignorée")
                return
            if nouveau:
                portee.champs.append({"nom": source, "type": "groupe",
                                      "libelle": alias or _libelle(source), "champs": sous.champs})
        self.actions.append(lambda: (marques.etiqueter(sdt, tag if lie else source),
                                     marques.boucle(sdt, items[0], source, variable)))

    # --- check boxes -----------------------------------------------------------------

    def familles(self, portee: _Portee) -> None:
        """Check boxes sharing a tag (or a tag's prefix) become one choice field, placed where
        its first box is."""
        cases = portee.cases
        tags = [c.tag for c in cases]
        prefixes = {}
        for c in cases:
            if tags.count(c.tag) > 1:
                c.cle = c.tag
            else:
                coupe = max(c.tag.rfind(s) for s in _SEPARATEURS)
                c.cle = c.tag[:coupe] if coupe > 0 else c.tag
                prefixes[c.cle] = prefixes.get(c.cle, 0) + 1
        par_cle: dict[str, list[_Case]] = {}
        for c in cases:
            if c.cle != c.tag and prefixes.get(c.cle, 0) < 2:
                c.cle = c.tag
            par_cle.setdefault(c.cle, []).append(c)
        for cle, boites in par_cle.items():
            if len(boites) < 2 or not cle:
                self.alertes.append(f"case à cocher isolée « {cle or boites[0].option} » : laissée "
                                    "telle quelle (une case seule n’est pas un choix ; donnez la "
                                    "même balise, ou le même préfixe, à ses options)")
                continue
            self.famille(portee, cle, boites)
        portee.champs[:] = [c for c in portee.champs if "_case" not in c]

    def famille(self, portee: _Portee, cle: str, boites: list[_Case]) -> None:
        exclusif = any(b.exclusive or "#" in b.tag for b in boites)
        genre = "choix" if exclusif else "choix_multiple"
        nom, nouveau = self.nommer(portee, cle, genre)
        options: list[str] = []
        par_tag: dict[str, int] = {}
        for b in boites:
            if b.tag != cle and b.tag in par_tag:  # the same box shown twice
                index = par_tag[b.tag]
            else:
                option = b.alias or b.option or b.tag[len(cle):].lstrip(_SEPARATEURS) or cle
                if option in options and b.tag != cle:
                    self.alertes.append(f"« {nom} » : deux cases disent « {option} » ; la "
                                        "seconde est numérotée")
                    option = f"{option} ({len(options) + 1})"
                if option not in options:
                    options.append(option)
                index = par_tag[b.tag] = options.index(option) + 1
            expr = f"{portee.prefixe}{nom}.coche({index})"
            self.actions.append(lambda b=b, expr=expr, index=index: (
                marques.etiqueter(b.sdt, f"{nom}#{index}"),
                marques.remplir(b.sdt, "{{ " + expr + " }}")))
        if nouveau:
            place = next(i for i, c in enumerate(portee.champs) if c.get("_case") is boites[0])
            libelle = self.libelle_avant(boites[0].sdt) or _libelle(cle)
            portee.champs.insert(place, {"nom": nom, "type": genre, "libelle": libelle,
                                         "choix": options})


def poste_signataire(texte: str) -> str:
    """The poste that signs a slot, guessed from its tag and title."""
    mots = set(nom_sur(texte).split("_"))
    regles = (({"stagiaire", "etudiant", "etudiante"}, "stagiaire"),
              ({"inspe", "universitaire"}, "tuteur_inspe"),
              ({"ien", "ipr", "inspecteur", "inspectrice"}, "inspecteur"),
              ({"chef", "cheffe", "directeur", "directrice", "principal", "proviseur"},
               "chef_etablissement"),
              ({"responsable"}, "responsable_parcours"), ({"pilote"}, "pilote"),
              ({"secretariat"}, "secretariat"))
    for connus, poste in regles:
        if mots & connus:
            return poste
    return "tuteur_terrain"
