"""The institution's settings (name, logo, signatories, contacts, reference lists).

Templates read them as ``instance`` (the published gabarits say ``{{ instance.nom }}``, so
that name stays in them). The YAML file (``INSPE_INSTANCE``, over the neutral defaults shipped
here) is the first-run default, version 1; the administrateur's changes are later versions,
kept in the database (``reglages.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from PIL import Image

from .rendu import Logo

DEFAUTS = Path(__file__).parents[1] / "donnees" / "etablissement_defaut.yaml"
LOGO_DEFAUT = Path(__file__).parents[1] / "donnees" / "logo_defaut.png"
EMU_PAR_CM = 360_000
# The header keeps the logo inside this box, its proportions kept.
LOGO_MAX_CM = (4.2, 1.5)
LOGO_MAX_PX = (600, 215)  # that box at about 360 dpi


class ParametresInvalides(Exception):
    pass


@dataclass(frozen=True)
class Etablissement:
    parametres: dict
    logo: Logo
    numero: int = 1  # the settings' version (1: the YAML file; reglages.py keeps the next ones)

    @property
    def parcours(self) -> dict[str, str]:
        """The stagiaires' parcours the institution knows: id → French label (settings order)."""
        return {p["id"]: p["libelle"] for p in self.parametres.get("parcours") or ()}


def erreurs_parcours(liste) -> list[tuple[int, str]]:
    """What is wrong with a list of parcours: (its n°, from 1; 0 for the whole list, French)."""
    if not isinstance(liste, list) or not liste:
        return [(0, "une liste de parcours (id et libelle) est attendue")]
    vus, erreurs = set(), []
    for i, p in enumerate(liste, 1):
        if not isinstance(p, dict) or set(p) != {"id", "libelle"}:
            erreurs.append((i, "chaque parcours a un « id » et un « libelle », rien d'autre"))
        elif not isinstance(p["id"], str) or not re.fullmatch(r"[a-z][a-z0-9_]{0,47}", p["id"]):
            erreurs.append((i, f"identifiant « {p['id']} » invalide (minuscules, chiffres et _)"))
        elif not isinstance(p["libelle"], str) or not p["libelle"].strip():
            erreurs.append((i, f"« {p['id']} » : libellé manquant"))
        elif p["id"] in vus:
            erreurs.append((i, f"« {p['id']} » figure deux fois"))
        else:
            vus.add(p["id"])
    return erreurs


def _verifier_parcours(parametres: dict, fichier) -> None:
    ou = f"{fichier or DEFAUTS} : « parcours »"
    for i, message in erreurs_parcours(parametres.get("parcours"))[:1]:
        raise ParametresInvalides(f"{ou}, n° {i} : {message}" if i else f"{ou} : {message}")


def _fusion(base: dict, ajouts: dict) -> dict:
    out = dict(base)
    for cle, valeur in ajouts.items():
        if isinstance(valeur, dict) and isinstance(out.get(cle), dict):
            out[cle] = _fusion(out[cle], valeur)
        else:
            out[cle] = valeur
    return out


def logo_depuis_png(png: bytes) -> Logo:
    """The logo, sized to fit the header's box with its proportions kept."""
    from io import BytesIO

    with Image.open(BytesIO(png)) as im:
        largeur, hauteur = im.size
        if largeur > LOGO_MAX_PX[0] or hauteur > LOGO_MAX_PX[1]:
            # PDFs keep images as they are: a big logo would weigh on every page of every PDF
            im.thumbnail(LOGO_MAX_PX, Image.Resampling.LANCZOS)
            sortie = BytesIO()
            im.save(sortie, "PNG", optimize=True)
            png, (largeur, hauteur) = sortie.getvalue(), im.size
    echelle = min(LOGO_MAX_CM[0] / largeur, LOGO_MAX_CM[1] / hauteur)
    return Logo(png=png, largeur_emu=int(largeur * echelle * EMU_PAR_CM),
                hauteur_emu=int(hauteur * echelle * EMU_PAR_CM))


def charger_etablissement(fichier: Path | None = None) -> Etablissement:
    """Default settings, overridden by ``fichier`` when given."""
    parametres = yaml.safe_load(DEFAUTS.read_text(encoding="utf-8"))
    base = DEFAUTS.parent
    if fichier:
        try:
            propres = yaml.safe_load(Path(fichier).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ParametresInvalides(f"{fichier} : paramètres illisibles ({exc})") from exc
        if not isinstance(propres, dict):
            raise ParametresInvalides(f"{fichier} : les paramètres doivent être un objet YAML")
        parametres = _fusion(parametres, propres)
        base = Path(fichier).parent
    _verifier_parcours(parametres, fichier)
    chemin_logo = Path(base, parametres["logo"]) if parametres.get("logo") else LOGO_DEFAUT
    try:
        png = chemin_logo.read_bytes()
        logo = logo_depuis_png(png)
    except (OSError, Image.UnidentifiedImageError) as exc:
        raise ParametresInvalides(f"logo « {chemin_logo} » illisible ({exc})") from exc
    return Etablissement(parametres=parametres, logo=logo)
