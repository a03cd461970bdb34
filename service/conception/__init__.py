"""Authoring of the official Word templates (gabarits/<id>/v<N>.docx).

Each gabarit has a module here whose ``corps()`` returns the body of its
template in WordprocessingML, built with ``wordml``. ``construire`` writes the
package for the newest declared version, and refuses to change a version that
is already published (published versions are immutable).

    python -m service.conception [ID …]

A gabarit can also come from Word: ``reconnaissance.reconnaitre`` makes a
declaration and a gabarit of a form whose fields are Word content controls,
and ``pour_word.pour_word`` exports a gabarit as such a form.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from pathlib import Path

from service.catalogue.declaration import charger
from service.catalogue.etablissement import LOGO_DEFAUT
from service.catalogue.gabarits import MANIFESTE

from .paquet import ECHELLE, assembler_paquet
from .wordml import reinitialiser_ids

RACINE = Path(__file__).resolve().parents[2]
IDS = (
    "lettre_mission_sopa",
    "compte_rendu_sopa",
    "accompagnement_renforce_m2ca",
    "fiche_personnalisation",
    "parcours_individualisation_1d",
    "parcours_individualisation_2d",
    "lettre_mission_tuteurs_m2",
    "fiche_synthese_collectif",
)

# The last version of each gabarit published while an empty field's dots were plain text:
# rebuilding it gives back its published bytes; later versions use Word's placeholder.
_POINTILLES_EN_TEXTE = dict.fromkeys(IDS, 2)


def construire(id_: str, racine: Path = RACINE) -> Path:
    """Writes the template of ``id_``'s newest declared version; returns its path."""
    module = importlib.import_module(f"{__name__}.{id_}")
    versions = sorted(int(f.stem[1:]) for f in (racine / "formulaires" / id_).glob("v*.yaml"))
    version = versions[-1]
    chemin = racine / "gabarits" / id_ / f"v{version}.docx"
    manifeste_path = racine / "gabarits" / MANIFESTE
    manifeste = json.loads(manifeste_path.read_text()) if manifeste_path.exists() else {}
    publie = manifeste.get(id_, {}).get(str(version))
    formulaire = charger(racine / "formulaires" / id_ / f"v{version}.yaml")
    taille = getattr(module, "TAILLE_POLICE", ECHELLE["corps"])
    if taille < ECHELLE["corps_min"] and publie is None:
        raise SystemExit(f"{id_} : corps de {taille} pt, sous l’échelle du catalogue "
                         f"({ECHELLE['corps_min']} pt au moins, service/conception/paquet.py).")
    reinitialiser_ids(placeholder_word=version > _POINTILLES_EN_TEXTE.get(id_, 0))
    paquet = assembler_paquet(
        corps=module.corps(formulaire), titre=module.TITRE, logo_png=LOGO_DEFAUT.read_bytes(),
        proprietes={"gabarit_id": id_, "gabarit_version": str(version)},
        taille_police=taille)
    if publie and publie["gabarit"] != hashlib.sha256(paquet).hexdigest():
        raise SystemExit(f"{id_} v{version} est publiée et ce changement la modifierait : "
                         f"copiez formulaires/{id_}/v{version}.yaml en v{version + 1}.yaml, "
                         "reconstruisez puis publiez.")
    chemin.parent.mkdir(parents=True, exist_ok=True)
    chemin.write_bytes(paquet)
    return chemin
