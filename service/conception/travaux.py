"""An upload being turned into a published version: kept on disk under the instance.

The uploaded Word file (checked), the gabarit recognised from it, the declaration as the
administrator edits it (YAML text, kept as typed even when it is not valid yet: nothing typed
is lost), the last check's result and the preview's page pictures live in one folder,
``<INSPE_DONNEES>/catalogue/travaux/<jeton>/``: not in the session cookie, not in a process's
memory, so another web process continues the work. Published or abandoned, the folder is
removed; left untouched for ``ABANDON`` (its declaration never saved again), at the next upload.

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
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from service.catalogue.declaration import NOM_VALIDE, TYPES
from service.catalogue.ecriture import ecrire_atomique
from service.catalogue.ooxml import reecrire
from service.catalogue.rendu import PARTIES_MODELES

from .propositions import Decision, Proposition

ABANDON = dt.timedelta(days=30)  # a work untouched this long is removed at the next upload
_JETON = re.compile(r"^[A-Za-z0-9_-]{20,60}$")
MARQUES = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


class TravailIntrouvable(Exception):
    pass


@dataclass
class Travail:
    dossier: Path

    @property
    def jeton(self) -> str:
        return self.dossier.name

    # --- what is kept --------------------------------------------------------------------

    @property
    def meta(self) -> dict:
        return json.loads((self.dossier / "meta.json").read_text(encoding="utf-8"))

    def noter(self, **changements) -> None:
        meta = self.meta | changements
        ecrire_atomique(self.dossier / "meta.json",
                        json.dumps(meta, ensure_ascii=False).encode("utf-8"))

    @property
    def televerse(self) -> bytes:
        return (self.dossier / "televerse.docx").read_bytes()

    @property
    def gabarit(self) -> bytes:
        return (self.dossier / "gabarit.docx").read_bytes()

    @gabarit.setter
    def gabarit(self, contenu: bytes) -> None:
        ecrire_atomique(self.dossier / "gabarit.docx", contenu)

    @property
    def texte(self) -> str:
        """The declaration, as last saved (valid or not)."""
        return (self.dossier / "declaration.yaml").read_text(encoding="utf-8")

    @texte.setter
    def texte(self, texte: str) -> None:
        ecrire_atomique(self.dossier / "declaration.yaml", texte.encode("utf-8"))

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
        chemin = self.dossier / "decisions.json"
        return json.loads(chemin.read_text(encoding="utf-8")) if chemin.exists() else {}

    @decisions.setter
    def decisions(self, saisie: dict[str, dict]) -> None:
        ecrire_atomique(self.dossier / "decisions.json",
                        json.dumps(saisie, ensure_ascii=False).encode("utf-8"))

    @property
    def verification(self) -> Path:
        """Where the last check wrote the version it checked (``publication.preparer``)."""
        return self.dossier / "verification"

    @property
    def apercu(self) -> Path:
        return self.dossier / "apercu"

    def pages(self) -> list[Path]:
        if not self.apercu.exists():
            return []
        return sorted(self.apercu.glob("page-*.jpg"), key=lambda p: int(p.stem.split("-")[1]))

    def ecrire_apercu(self, pdf: bytes, images: list[bytes]) -> None:
        shutil.rmtree(self.apercu, ignore_errors=True)
        self.apercu.mkdir()
        (self.apercu / "exemple.pdf").write_bytes(pdf)
        for n, image in enumerate(images, 1):
            (self.apercu / f"page-{n}.jpg").write_bytes(image)

    def supprimer(self) -> None:
        shutil.rmtree(self.dossier, ignore_errors=True)


def racine(donnees: Path) -> Path:
    return Path(donnees) / "catalogue" / "travaux"


def creer(donnees: Path, televerse: bytes, gabarit: bytes, declaration: dict, **meta) -> Travail:
    """A new work folder for the checked upload ``televerse`` and what was recognised in it;
    the works left untouched for ``ABANDON`` are removed."""
    _oublier(racine(donnees))
    dossier = racine(donnees) / secrets.token_urlsafe(24)
    dossier.mkdir(parents=True, mode=0o700)
    travail = Travail(dossier)
    (dossier / "televerse.docx").write_bytes(televerse)
    travail.gabarit = gabarit
    travail.texte = texte_yaml(declaration)
    meta["cree_le"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    ecrire_atomique(dossier / "meta.json", json.dumps(meta, ensure_ascii=False).encode("utf-8"))
    return travail


def _oublier(dossier: Path) -> None:
    if not dossier.is_dir():
        return
    limite = time.time() - ABANDON.total_seconds()
    for travail in dossier.iterdir():
        meta = travail / "meta.json"
        if meta.exists() and meta.stat().st_mtime < limite:
            shutil.rmtree(travail, ignore_errors=True)


def ouvrir(donnees: Path, jeton: str) -> Travail:
    dossier = racine(donnees) / (jeton or "")
    if not _JETON.match(jeton or "") or not (dossier / "meta.json").exists():
        raise TravailIntrouvable(jeton)
    return Travail(dossier)


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
