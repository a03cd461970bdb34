"""Documents du tutorat des stagiaires : gabarits officiels, formulaires, génération."""

from __future__ import annotations

from .catalogue import Catalogue
from .config import Config
from .instance import charger_instance


def creer_catalogue(config: Config) -> Catalogue:
    """The catalogue of gabarits for ``config``, every version checked."""
    return Catalogue(config.gabarits, config.formulaires, charger_instance(config.instance))
