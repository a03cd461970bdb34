"""An upload being turned into a published version: kept in the storage, under its token.

The uploaded Word file (checked), the gabarit recognised from it, the declaration as the
administrator edits it (YAML text, kept as typed even when it is not valid yet: nothing typed
is lost), the declaration last checked and the preview's PDF and page pictures live under one
key, ``travaux/<jeton>/`` in the storage (service/stockage: the instance's folder or S3): not in
the session cookie, not in a process's memory nor on its disk, so any web node continues the
work. Published or abandoned, its files are removed; left untouched for ``ABANDON`` (its
declaration never saved again), at the next upload.

``decisions_de`` reads the proposals page (a form without content controls: which proposed
field to keep, under which name, label and type). ``editer`` applies the editor page's fields
(label, required, help, allowed values, type, who signs each slot, the parcours, who writes
and reads, the file-name pattern, the example) to a declaration; ``renommer`` renames a field
in the gabarit's marks, its content control's tag and the declaration alike.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass

import yaml

from service.catalogue.declaration import NOM_VALIDE, TYPES, Formulaire, lire
from service.catalogue.ooxml import reecrire
from service.catalogue.rendu import PARTIES_MODELES
from service.stockage import Absent, Stockage

from .propositions import Decision, Proposition

ABANDON = dt.timedelta(days=30)  # a work untouched this long is removed at the next upload
RACINE = "travaux"
_JETON = re.compile(r"^[A-Za-z0-9_-]{20,60}$")
MARQUES = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_PAGE = re.compile(r"page-(\d+)\.jpg")


class TravailIntrouvable(Exception):
    pass


@dataclass
class Travail:
    stockage: Stockage
    jeton: str

    def _cle(self, nom: str) -> str:
        return f"{RACINE}/{self.jeton}/{nom}"

    def _lire(self, nom: str) -> bytes:
        return self.stockage.lire(self._cle(nom))

    def _ecrire(self, nom: str, contenu: bytes) -> None:
        self.stockage.ecrire(self._cle(nom), contenu)

    # --- what is kept --------------------------------------------------------------------

    @property
    def meta(self) -> dict:
        return json.loads(self._lire("meta.json").decode("utf-8"))

    def noter(self, **changements) -> None:
        meta = self.meta | changements
        self._ecrire("meta.json", json.dumps(meta, ensure_ascii=False).encode("utf-8"))

    @property
    def televerse(self) -> bytes:
        return self._lire("televerse.docx")

    @property
    def gabarit(self) -> bytes:
        return self._lire("gabarit.docx")

    @gabarit.setter
    def gabarit(self, contenu: bytes) -> None:
        self._ecrire("gabarit.docx", contenu)

    @property
    def texte(self) -> str:
        """The declaration, as last saved (valid or not)."""
        return self._lire("declaration.yaml").decode("utf-8")

    @texte.setter
    def texte(self, texte: str) -> None:
        self._ecrire("declaration.yaml", texte.encode("utf-8"))

    def declaration(self) -> dict | None:
        """The declaration as a structure, None when its text is not readable YAML."""
        try:
            data = yaml.safe_load(self.texte)
        except yaml.YAMLError:
            return None
        return data if isinstance(data, dict) else None

    @property
    def decisions(self) -> dict[str, dict]:
        """The proposals page as last submitted (id → accepted, name, label, type), {} before."""
        try:
            return json.loads(self._lire("decisions.json").decode("utf-8"))
        except Absent:
            return {}

    @decisions.setter
    def decisions(self, saisie: dict[str, dict]) -> None:
        self._ecrire("decisions.json", json.dumps(saisie, ensure_ascii=False).encode("utf-8"))

    def verifiee(self, texte: str) -> None:
        """``texte`` is the declaration the last check passed (``formulaire_verifie``)."""
        self._ecrire("verifiee.yaml", texte.encode("utf-8"))

    def formulaire_verifie(self) -> Formulaire | None:
        """The declaration the last check passed, as version ``meta["version"]``; None when
        the last check did not pass."""
        meta = self.meta
        if not meta.get("valide"):
            return None
        try:
            texte = self._lire("verifiee.yaml").decode("utf-8")
        except Absent:  # checked before this file was kept: the declaration saved then
            texte = self.texte
        return lire(texte, f"formulaires/{meta['id']}/v{meta['version']}.yaml")

    def pages(self) -> int:
        """How many page pictures the preview has (0 before one is made)."""
        return sum(1 for e in self.stockage.lister(self._cle("apercu"))
                   if _PAGE.fullmatch(e.cle.rpartition("/")[2]))

    def page(self, numero: int) -> bytes:
        """Page ``numero``'s picture; Absent when there is none."""
        return self._lire(f"apercu/page-{numero}.jpg")

    def exemple_pdf(self) -> bytes:
        """The preview's PDF; Absent when there is none."""
        return self._lire("apercu/exemple.pdf")

    def ecrire_apercu(self, pdf: bytes, images: list[bytes]) -> None:
        for entree in list(self.stockage.lister(self._cle("apercu"))):
            if not (m := _PAGE.fullmatch(entree.cle.rpartition("/")[2])) or int(m[1]) > len(images):
                self.stockage.supprimer(entree.cle)  # the pages a shorter preview no longer has
        self._ecrire("apercu/exemple.pdf", pdf)
        for n, image in enumerate(images, 1):
            self._ecrire(f"apercu/page-{n}.jpg", image)

    def supprimer(self) -> None:
        supprimer(self.stockage, self.jeton)


def supprimer(stockage: Stockage, jeton: str) -> None:
    """Every file of work ``jeton``, its meta.json first (then no page finds it any more)."""
    racine = f"{RACINE}/{jeton}"
    stockage.supprimer(f"{racine}/meta.json")
    for entree in [*stockage.lister(racine), *stockage.temporaires(racine)]:
        stockage.supprimer(entree.cle)


def creer(stockage: Stockage, televerse: bytes, gabarit: bytes, declaration: dict,
          **meta) -> Travail:
    """A new work for the checked upload ``televerse`` and what was recognised in it; the
    works left untouched for ``ABANDON`` are removed."""
    oublier(stockage)
    travail = Travail(stockage, secrets.token_urlsafe(24))
    travail._ecrire("televerse.docx", televerse)
    travail.gabarit = gabarit
    travail.texte = texte_yaml(declaration)
    meta["cree_le"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    # written last: a work exists once its meta.json does
    travail._ecrire("meta.json", json.dumps(meta, ensure_ascii=False).encode("utf-8"))
    return travail


def oublier(stockage: Stockage, maintenant: float | None = None) -> list[str]:
    """Removes the works none of whose files was written for ``ABANDON`` (and what an upload
    that died before its meta.json left as long); returns their tokens."""
    limite = (time.time() if maintenant is None else maintenant) - ABANDON.total_seconds()
    derniere: dict[str, float] = {}
    for entree in [*stockage.lister(RACINE), *stockage.temporaires(RACINE)]:
        jeton = entree.cle.removeprefix(f"{RACINE}/").partition("/")[0]
        derniere[jeton] = max(derniere.get(jeton, 0.0), entree.modifie_le)
    anciens = [j for j, quand in derniere.items() if quand < limite]
    for jeton in anciens:
        supprimer(stockage, jeton)
    return anciens


def ouvrir(stockage: Stockage, jeton: str) -> Travail:
    if not _JETON.match(jeton or "") or not stockage.existe(f"{RACINE}/{jeton}/meta.json"):
        raise TravailIntrouvable(jeton)
    return Travail(stockage, jeton)


def texte_yaml(declaration: dict) -> str:
    """A declaration as the stored, diffable YAML."""
    return yaml.safe_dump(declaration, allow_unicode=True, sort_keys=False, width=100)


# --- the proposals page's fields ------------------------------------------------------------

def decisions_de(propositions: list[Proposition], valeurs: Mapping[str, list[str]]
                 ) -> tuple[list[Decision], dict[str, dict]]:
    """The proposals page's fields (``p-<id>-garder``, ``-nom``, ``-libelle``, ``-type``) as a
    decision on each of ``propositions``, and as typed, to show again."""
    decisions, saisie = [], {}
    for prop in propositions:
        p = f"p-{prop.id}-"
        typee = {"acceptee": bool(_un(valeurs, f"{p}garder")), "nom": _un(valeurs, f"{p}nom"),
                 "libelle": _un(valeurs, f"{p}libelle"), "type": _un(valeurs, f"{p}type")}
        saisie[prop.id] = typee
        decisions.append(Decision(prop.id, typee["acceptee"], typee["nom"] or prop.nom,
                                  typee["libelle"] or prop.libelle, typee["type"] or prop.type))
    return decisions, saisie


# --- the editor's fields --------------------------------------------------------------------

def champs_de(declaration: dict) -> list[tuple[str, dict]]:
    """Each field of ``declaration`` with its editor key: « nom », « groupe.colonne »."""
    sortie = []
    for section in declaration.get("sections") or ():
        for champ in section.get("champs") or ():
            if not isinstance(champ, dict):
                continue
            sortie.append((str(champ.get("nom")), champ))
            for sous in champ.get("champs") or ():
                if isinstance(sous, dict):
                    sortie.append((f"{champ.get('nom')}.{sous.get('nom')}", sous))
    return sortie


def _un(valeurs: Mapping[str, list[str]], cle: str, defaut: str = "") -> str:
    liste = valeurs.get(cle) or []
    return liste[0].strip() if liste else defaut


def _lignes(texte: str) -> list[str]:
    return [x.strip() for x in texte.splitlines() if x.strip()]


def editer(declaration: dict, valeurs: Mapping[str, list[str]]
           ) -> tuple[dict, list[tuple[str, str]], list[str]]:
    """``declaration`` with the editor's ``valeurs`` (form name → values) applied; the fields
    renamed (old key → new name); the problems the loader cannot say (a new name that is not
    one), each naming its field."""
    erreurs: list[str] = []
    renommes: list[tuple[str, str]] = []
    for cle in ("titre", "nom_fichier"):
        if f"d-{cle}" in valeurs:
            declaration[cle] = _un(valeurs, f"d-{cle}")
    for cle in ("parcours", "redige_par", "lu_par"):
        if f"d-{cle}-present" in valeurs:
            choisis = [v for v in valeurs.get(f"d-{cle}") or [] if v]
            if choisis:
                declaration[cle] = choisis
            else:  # none: the loader says whether the version needs them
                declaration.pop(cle, None)
    if "d-ordre" in valeurs:
        declaration["signatures"] = {"ordre": _un(valeurs, "d-ordre", "libre")}
    for cle, champ in champs_de(declaration):
        prefixe = f"c-{cle}-"
        if f"{prefixe}libelle" not in valeurs:
            continue
        champ["libelle"] = _un(valeurs, f"{prefixe}libelle")
        aide = _un(valeurs, f"{prefixe}aide")
        if aide:
            champ["aide"] = aide
        else:
            champ.pop("aide", None)
        type_ = _un(valeurs, f"{prefixe}type", champ.get("type", ""))
        if type_ in TYPES:
            champ["type"] = type_
        if champ.get("type") != "signature":
            if f"{prefixe}requis" in valeurs:
                champ["requis"] = True
            else:
                champ.pop("requis", None)
        if champ.get("type") in ("choix", "choix_multiple"):
            champ["choix"] = _lignes(_un(valeurs, f"{prefixe}choix"))
        else:
            champ.pop("choix", None)
        if champ.get("type") == "signature":
            signe_par = _un(valeurs, f"{prefixe}signe_par")
            if signe_par:
                champ["signe_par"] = signe_par
        nom = _un(valeurs, f"{prefixe}nom", str(champ.get("nom")))
        if nom != champ.get("nom"):
            if not NOM_VALIDE.match(nom):
                erreurs.append(f"champ « {champ.get('nom')} » : le nouveau nom « {nom} » n’est "
                               "pas valide (minuscules sans accent, chiffres et _, commençant "
                               "par une lettre, 48 caractères au plus)")
            else:
                renommes.append((cle, nom))
    if "d-exemple" in valeurs:
        try:
            exemple = yaml.safe_load(_un(valeurs, "d-exemple") or "{}")
        except yaml.YAMLError as exc:
            erreurs.append(f"exemple : YAML illisible ({str(exc).splitlines()[0]})")
        else:
            if isinstance(exemple, dict):
                declaration["exemple"] = exemple
            else:
                erreurs.append("exemple : une valeur par champ est attendue (nom : valeur)")
    for cle, nom in renommes:
        renommer_declaration(declaration, cle, nom)
    return declaration, renommes, erreurs


def renommer_declaration(declaration: dict, cle: str, nouveau: str) -> None:
    """The field ``cle`` (« nom » or « groupe.colonne ») named ``nouveau``, in the declaration
    and its example (and the file-name pattern)."""
    groupe, _, ancien = cle.rpartition(".")
    for section in declaration.get("sections") or ():
        for champ in section.get("champs") or ():
            if not groupe and champ.get("nom") == ancien:
                champ["nom"] = nouveau
            elif groupe and champ.get("nom") == groupe:
                for sous in champ.get("champs") or ():
                    if sous.get("nom") == ancien:
                        sous["nom"] = nouveau
    exemple = declaration.get("exemple") or {}
    if not groupe and ancien in exemple:
        declaration["exemple"] = {nouveau if k == ancien else k: v for k, v in exemple.items()}
    elif groupe and isinstance(exemple.get(groupe), list):
        exemple[groupe] = [{nouveau if k == ancien else k: v for k, v in ligne.items()}
                           if isinstance(ligne, dict) else ligne for ligne in exemple[groupe]]
    if not groupe and declaration.get("nom_fichier"):
        declaration["nom_fichier"] = declaration["nom_fichier"].replace(
            f"{{{ancien}}}", f"{{{nouveau}}}")


def renommer(docx: bytes, cle: str, nouveau: str) -> bytes:
    """The gabarit ``docx`` with the field ``cle`` named ``nouveau``: in the service's marks
    (``{{ ancien … }}``; a group's column ``x.ancien``) and its content control's tag."""
    groupe, _, ancien = cle.rpartition(".")
    motif = re.compile(rf"(?<=\.){re.escape(ancien)}(?!\w)" if groupe
                       else rf"(?<![\w.'\"]){re.escape(ancien)}(?!\w)")

    def dans_les_marques(m: re.Match) -> str:
        return motif.sub(nouveau, m.group(0))

    def dans_la_partie(nom: str, data: bytes) -> bytes:
        if not PARTIES_MODELES.match(nom):
            return data
        xml = MARQUES.sub(dans_les_marques, data.decode("utf-8"))
        return xml.replace(f'<w:tag w:val="{ancien}"/>', f'<w:tag w:val="{nouveau}"/>').encode("utf-8")

    return reecrire(docx, dans_la_partie)
