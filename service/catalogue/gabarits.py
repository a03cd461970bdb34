"""The catalogue: every gabarit, in every version, with its declaration.

Layout on disk::

    gabarits/<id>/v<N>.docx        the Word template of version N
    formulaires/<id>/v<N>.yaml     the declaration of its fields
    gabarits/manifeste.json        sha256 of both files of every published version

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

from .declaration import NOMS_RESERVES, DeclarationInvalide, Formulaire, charger
from .etablissement import Etablissement
from .rendu import GabaritCompile, GabaritInvalide, environnement

MANIFESTE = "manifeste.json"


def sha256_fichier(chemin: Path) -> str:
    return hashlib.sha256(chemin.read_bytes()).hexdigest()


@dataclass
class Gabarit:
    id: str
    version: int
    formulaire: Formulaire
    chemin: Path
    _compile: GabaritCompile | None = field(default=None, repr=False)

    @property
    def titre(self) -> str:
        return self.formulaire.titre


class Catalogue:
    def __init__(self, gabarits: Path, formulaires: Path, etablissement: Etablissement):
        self.racine_gabarits = Path(gabarits)
        self.racine_formulaires = Path(formulaires)
        self.etablissement = etablissement
        self._env = environnement()
        self._verrou = threading.Lock()
        self._versions: dict[str, dict[int, Gabarit]] = {}
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

    # --- lookup ---------------------------------------------------------------

    def ids(self) -> list[str]:
        return sorted(self._versions)

    def versions(self, id_: str) -> list[int]:
        return sorted(self._versions.get(id_, {}))

    def gabarit(self, id_: str, version: int | None = None) -> Gabarit:
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

    def compile(self, gabarit: Gabarit) -> GabaritCompile:
        """The compiled template, checked against its declaration (once per process: twenty
        people asking at once do not each compile it, 30 to 70 ms of Python a template)."""
        if gabarit._compile is None:
            with self._verrou:
                if gabarit._compile is None:
                    compile_ = GabaritCompile(gabarit.chemin, self._env, self.etablissement.logo)
                    verifier_concordance(gabarit, compile_)
                    gabarit._compile = compile_
        return gabarit._compile

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
