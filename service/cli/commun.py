"""What every command shares: exit statuses, the error that says what is wrong, the context."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from service import creer_catalogue
from service.config import Config

SUCCES, ECHEC, DONNEES_INVALIDES, NON_INTACT = 0, 1, 2, 3


class ErreurUtilisateur(Exception):
    """Wrong input: printed line by line, exit status 2."""

    def __init__(self, lignes: list[str]):
        self.lignes = lignes
        super().__init__("\n".join(lignes))


@dataclass
class Contexte:
    """What a command runs with: the configuration, the environment, and the catalogue —
    loaded, every version checked, only by the commands that use it."""
    config: Config
    environ: Mapping[str, str]

    @functools.cached_property
    def catalogue(self):
        return creer_catalogue(self.config)


def gabarit(catalogue, id_, version=None):
    try:
        return catalogue.gabarit(id_, version)
    except KeyError as exc:
        raise ErreurUtilisateur([exc.args[0]]) from None


def lire_fichier(chemin: Path) -> bytes:
    try:
        return chemin.read_bytes()
    except OSError as exc:
        raise ErreurUtilisateur([f"{chemin} : fichier illisible ({exc.strerror})"]) from None
