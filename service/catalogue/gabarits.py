"""The catalogue: every gabarit, in every version, with its declaration.

Layout on disk::

    gabarits/<id>/v<N>.docx        the Word template of version N
    formulaires/<id>/v<N>.yaml     the declaration of its fields
    gabarits/manifeste.json        sha256 of both files of every published version

plus the versions an administrator published from a Word file, under the instance and in the
database (service/catalogue/publications.py): every process sees a new one within
``publications.FRAICHEUR`` seconds, without a restart, each checked against its sha256.

A published version is immutable: documents made with it must stay
reproducible. Loading checks each version against the manifest and checks
that template and declaration agree (no variable used but undeclared, no field
declared but unused), that the parcours a declaration names are the institution's
(settings, ``parcours``), and fails loudly naming the files.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from service.stockage import Absent

from .declaration import NOMS_RESERVES, DeclarationInvalide, Formulaire, charger
from .etablissement import Etablissement
from .publications import Ligne, Publiees
from .rendu import GabaritCompile, GabaritInvalide, Logo, environnement

MANIFESTE = "manifeste.json"


class Versions(Protocol):
    """The settings' versions (service/personnes/reglages.py, ``Reglages``)."""

    def courant(self) -> Etablissement: ...

    def version(self, numero: int | None) -> Etablissement: ...


def sha256_fichier(chemin: Path) -> str:
    return hashlib.sha256(chemin.read_bytes()).hexdigest()


@dataclass
class Gabarit:
    id: str
    version: int
    formulaire: Formulaire
    chemin: Path
    publication: Ligne | None = None  # published by an administrator: who, when, what changed
    # compiled once per logo (its sha256): each settings version's logo in its own documents
    _compiles: dict[str, GabaritCompile] = field(default_factory=dict, repr=False)

    @property
    def titre(self) -> str:
        return self.formulaire.titre


class Catalogue:
    def __init__(self, gabarits: Path, formulaires: Path, etablissement: Etablissement,
                 reglages: Versions | None = None, publiees: Publiees | None = None):
        """``etablissement``: the settings file's (version 1); ``reglages``: the database's
        versions of them, when the catalogue serves a database (else the file's, always);
        ``publiees``: the versions administrators published (read at the first lookup)."""
        self.racine_gabarits = Path(gabarits)
        self.racine_formulaires = Path(formulaires)
        self._etablissement = etablissement
        self.reglages = reglages
        self._env = environnement()
        self._verrou = threading.Lock()
        self._versions: dict[str, dict[int, Gabarit]] = {}
        self.publiees = publiees
        self._publication = 0  # the latest publication loaded
        self._verrou_publications = threading.Lock()
        manifeste = self.lire_manifeste()
        for dossier in sorted(p for p in self.racine_formulaires.iterdir() if p.is_dir()):
            for fichier in sorted(dossier.glob("v*.yaml")):
                formulaire = charger(fichier)
                _verifier_parcours(formulaire, etablissement)
                docx = self.racine_gabarits / formulaire.id / f"v{formulaire.version}.docx"
                if not docx.exists():
                    raise GabaritInvalide(f"{fichier} : pas de gabarit {docx} pour cette version")
                gabarit = Gabarit(formulaire.id, formulaire.version, formulaire, docx)
                _verifier_publication(gabarit, manifeste)
                self._versions.setdefault(formulaire.id, {})[formulaire.version] = gabarit
        for docx in self.racine_gabarits.glob("*/v*.docx"):
            m = re.fullmatch(r"v(\d+)\.docx", docx.name)
            if not m or int(m.group(1)) not in self._versions.get(docx.parent.name, {}):
                raise GabaritInvalide(f"{docx} : pas de déclaration correspondante dans "
                                      f"{self.racine_formulaires / docx.parent.name}")

    # --- the versions administrators published ------------------------------------------

    def actualiser(self, *, maintenant: bool = False) -> None:
        """Loads the versions published since the last look (one small query at most every
        FRAICHEUR seconds; ``maintenant``: asked now), each checked against its sha256:
        GabaritInvalide, naming the file, when one was changed."""
        if self.publiees is None:
            return
        derniere = self.publiees.derniere(maintenant=maintenant)
        if derniere == self._publication:
            return
        with self._verrou_publications:
            nouvelles = self.publiees.lignes(self._publication)
            if not nouvelles:
                return
            versions = {id_: dict(v) for id_, v in self._versions.items()}
            for ligne in nouvelles:
                deja = versions.get(ligne.gabarit_id, {}).get(ligne.version)
                if deja is not None:
                    raise GabaritInvalide(
                        f"{deja.chemin} : la version {ligne.version} de « {ligne.gabarit_id} » "
                        "existe aussi parmi les versions publiées depuis Word (publication "
                        f"n° {ligne.id}) : retirez-la du catalogue livré")
                versions.setdefault(ligne.gabarit_id, {})[ligne.version] = self._publiee(ligne)
            self._versions = versions  # readers see the whole new catalogue or the old one
            self._publication = nouvelles[-1].id

    def _publiee(self, ligne: Ligne) -> Gabarit:
        cles = self.publiees.cles(ligne.gabarit_id, ligne.version)
        try:
            docx, yaml_ = self.publiees.chemins(ligne.gabarit_id, ligne.version)
        except Absent as exc:
            manque = next((c for c in cles if c in str(exc)), cles[0])
            raise GabaritInvalide(
                f"{self.publiees.adresse(manque)} manque : la version {ligne.version} de "
                f"« {ligne.gabarit_id} » a été publiée le {ligne.quand} par {ligne.auteur}. "
                "Remettez le fichier publié (sauvegarde du stockage).") from None
        for chemin, cle, attendu in ((docx, cles[0], ligne.sha256_gabarit),
                                     (yaml_, cles[1], ligne.sha256_formulaire)):
            if sha256_fichier(chemin) != attendu:
                raise GabaritInvalide(
                    f"{self.publiees.adresse(cle)} a changé depuis sa publication le {ligne.quand} "
                    f"par {ligne.auteur} (version {ligne.version} de « {ligne.gabarit_id} ») : une "
                    "version publiée est immuable. Remettez le fichier publié (sauvegarde du "
                    "stockage) et publiez vos changements comme une nouvelle version.")
        return Gabarit(ligne.gabarit_id, ligne.version, charger(yaml_), docx, publication=ligne)

    # --- the institution's settings ------------------------------------------------

    @property
    def etablissement(self) -> Etablissement:
        """The current version of the settings (service/personnes/reglages.py): what a new
        document is made with."""
        return self.reglages.courant() if self.reglages else self._etablissement

    def etablissement_version(self, numero: int | None) -> Etablissement:
        """The settings version ``numero``, a document's: its next versions are made with it."""
        if self.reglages is None:
            return self._etablissement
        return self.reglages.version(numero)

    def parcours_utilises(self) -> dict[str, str]:
        """The parcours a declaration names (any version) → which (the list may not lose them)."""
        self.actualiser()
        utilises: dict[str, str] = {}
        for id_, versions in sorted(self._versions.items()):
            for version, gabarit in sorted(versions.items()):
                for parcours in gabarit.formulaire.parcours:
                    utilises.setdefault(parcours, f"la déclaration « {id_} » (version {version})")
        return utilises

    # --- lookup ---------------------------------------------------------------

    def ids(self) -> list[str]:
        self.actualiser()
        return sorted(self._versions)

    def versions(self, id_: str) -> list[int]:
        self.actualiser()
        return sorted(self._versions.get(id_, {}))

    def gabarit(self, id_: str, version: int | None = None) -> Gabarit:
        self.actualiser()
        versions = self._versions.get(id_)
        if not versions or (version is not None and version not in versions):
            # published a moment ago by another process (a lot made just after): ask now
            self.actualiser(maintenant=True)
            versions = self._versions.get(id_)
        if not versions:
            raise KeyError(f"gabarit « {id_} » inconnu (connus : {', '.join(self.ids())})")
        if version is None:
            version = max(versions)
        if version not in versions:
            raise KeyError(f"gabarit « {id_} » : pas de version {version} "
                           f"(versions : {', '.join(map(str, sorted(versions)))})")
        return versions[version]

    def courants(self) -> list[Gabarit]:
        return [self.gabarit(i) for i in self.ids()]

    def compile(self, gabarit: Gabarit, logo: Logo | None = None) -> GabaritCompile:
        """The compiled template with ``logo`` (the current settings' by default), checked
        against its declaration (once per process and logo: twenty people asking at once do
        not each compile it, 30 to 70 ms of Python a template). Keyed by the logo's sha256: a
        settings version's logo never appears in a document of another."""
        logo = logo or self.etablissement.logo
        cle = hashlib.sha256(logo.png).hexdigest()
        if cle not in gabarit._compiles:
            with self._verrou:
                if cle not in gabarit._compiles:
                    compile_ = GabaritCompile(gabarit.chemin, self._env, logo)
                    verifier_concordance(gabarit, compile_)
                    gabarit._compiles[cle] = compile_
        return gabarit._compiles[cle]

    def verifier(self, gabarit: Gabarit) -> None:
        """``gabarit`` checked against its declaration, once per process whatever the logo (a
        logo changes the header's picture only): the render processes compile it again."""
        if not gabarit._compiles:
            self.compile(gabarit)

    # --- manifest -------------------------------------------------------------

    @property
    def chemin_manifeste(self) -> Path:
        return self.racine_gabarits / MANIFESTE

    def lire_manifeste(self) -> dict:
        if not self.chemin_manifeste.exists():
            return {}
        return json.loads(self.chemin_manifeste.read_text(encoding="utf-8"))


def _verifier_parcours(formulaire: Formulaire, etablissement: Etablissement) -> None:
    """A declaration's ``parcours`` are ids of the settings' list (which the institution owns)."""
    connus = etablissement.parcours
    for parcours in formulaire.parcours:
        if parcours not in connus:
            raise DeclarationInvalide(
                f"{formulaire.chemin} : « parcours » : « {parcours} » n'est pas un parcours de "
                f"l'établissement (paramètres, « parcours » : {', '.join(connus)})")


def _empreintes(gabarit_docx: Path, formulaire_yaml: Path) -> dict[str, str]:
    return {"gabarit": sha256_fichier(gabarit_docx), "formulaire": sha256_fichier(formulaire_yaml)}


def _verifier_publication(gabarit: Gabarit, manifeste: dict) -> None:
    publie = manifeste.get(gabarit.id, {}).get(str(gabarit.version))
    if publie is None:
        raise GabaritInvalide(
            f"{gabarit.chemin} : version {gabarit.version} non publiée dans le manifeste ; "
            f"publiez-la avec « python -m service publier {gabarit.id} »")
    actuel = _empreintes(gabarit.chemin, gabarit.formulaire.chemin)
    for quoi, chemin in (("gabarit", gabarit.chemin), ("formulaire", gabarit.formulaire.chemin)):
        if publie[quoi] != actuel[quoi]:
            raise GabaritInvalide(
                f"{chemin} a changé depuis la publication de la version {gabarit.version} : "
                "une version publiée est immuable. Remettez le fichier publié et enregistrez "
                f"vos changements comme version {gabarit.version + 1} (v{gabarit.version + 1}), "
                f"puis « python -m service publier {gabarit.id} ».")


def publier(gabarits: Path, formulaires: Path, id_: str) -> int:
    """Records the newest version of ``id_`` in the manifest; returns its number."""
    dossier = Path(formulaires) / id_
    versions = sorted(int(m.group(1)) for f in dossier.glob("v*.yaml")
                      if (m := re.fullmatch(r"v(\d+)\.yaml", f.name)))
    if not versions:
        raise GabaritInvalide(f"{dossier} : aucune déclaration v<N>.yaml")
    version = versions[-1]
    docx = Path(gabarits) / id_ / f"v{version}.docx"
    yaml_ = dossier / f"v{version}.yaml"
    chemin = Path(gabarits) / MANIFESTE
    manifeste = json.loads(chemin.read_text(encoding="utf-8")) if chemin.exists() else {}
    entree = _empreintes(docx, yaml_)
    deja = manifeste.get(id_, {}).get(str(version))
    if deja and deja != entree:
        raise GabaritInvalide(
            f"{id_} version {version} est déjà publiée avec un autre contenu : "
            f"créez la version {version + 1}")
    manifeste.setdefault(id_, {})[str(version)] = entree
    texte = json.dumps(manifeste, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    temporaire = chemin.with_suffix(".tmp")
    temporaire.write_text(texte, encoding="utf-8")
    temporaire.replace(chemin)
    return version


def verifier_concordance(gabarit: Gabarit, compile_: GabaritCompile) -> None:
    """Template and declaration name the same fields, or GabaritInvalide says which."""
    formulaire = gabarit.formulaire
    declares = {c.nom for c in formulaire.champs}
    utilises = compile_.variables() - NOMS_RESERVES
    problemes = []
    for nom in sorted(utilises - declares):
        problemes.append(f"{gabarit.chemin} : la variable « {nom} » est utilisée mais n'est pas "
                         f"déclarée dans {formulaire.chemin}")
    for nom in sorted(declares - utilises):
        problemes.append(f"{formulaire.chemin} : le champ « {nom} » est déclaré mais "
                         f"{gabarit.chemin} ne l'utilise nulle part")
    lus = compile_.attributs_de_boucle()
    for champ in formulaire.champs:
        if champ.type != "groupe" or champ.nom not in utilises:
            continue
        sous = {c.nom for c in champ.champs}
        attrs = lus.get(champ.nom, set())
        for nom in sorted(attrs - sous):
            problemes.append(f"{gabarit.chemin} : « {champ.nom} » : la colonne « {nom} » est "
                             f"utilisée mais n'est pas déclarée dans {formulaire.chemin}")
        for nom in sorted(sous - attrs):
            problemes.append(f"{formulaire.chemin} : « {champ.nom} » : la colonne « {nom} » est "
                             f"déclarée mais {gabarit.chemin} ne l'utilise nulle part")
    if problemes:
        raise GabaritInvalide("\n".join(problemes))
