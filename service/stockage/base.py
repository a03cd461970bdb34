"""What both storages share: the interface, its entries, its error, what a key may be."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

SUFFIXE_PARTIEL = ".partiel"  # a file being written, renamed (or copied) into place when whole


class Absent(FileNotFoundError):
    """No file under this key."""


@dataclass(frozen=True)
class Entree:
    cle: str
    modifie_le: float  # POSIX time of the last write
    taille: int


class Stockage(Protocol):
    def ecrire(self, cle: str, donnees: bytes) -> None: ...
    def lire(self, cle: str) -> bytes: ...  # Absent when there is nothing under ``cle``
    # the same, read as it is sent (a lot's ZIP): never whole in memory; the caller closes it
    def flux(self, cle: str) -> BinaryIO: ...
    def existe(self, cle: str) -> bool: ...
    def lister(self, dossier: str) -> Iterator[Entree]: ...  # every key under it, sorted
    def temporaires(self, dossier: str) -> Iterator[Entree]: ...  # what dead writers left
    def sous_dossiers(self, dossier: str) -> list[str]: ...  # the names of the folders in it
    def supprimer(self, cle: str) -> None: ...  # nothing there is no error
    def adresse(self, cle: str) -> str: ...  # where a person finds it: a path, s3://…


def cle_valide(cle: str) -> str:
    """``cle`` when it is a relative key (``a/b/c``), else ValueError: nothing may leave the
    storage's folder or prefix."""
    parties = cle.split("/")
    if not cle or "\\" in cle or any(p in ("", ".", "..") for p in parties):
        raise ValueError(f"clé de stockage invalide : {cle!r}")
    return cle


def cle_temporaire(cle: str) -> str:
    """A unique temporary key beside ``cle`` (``dossier/.nom.<8 hex>.partiel``): two writers of
    the same key never mix their bytes."""
    dossier, _, nom = cle.rpartition("/")
    return f"{dossier}/" * bool(dossier) + f".{nom}.{uuid.uuid4().hex[:8]}{SUFFIXE_PARTIEL}"


def est_temporaire(cle: str) -> bool:
    """Whether ``cle`` is one ``cle_temporaire`` gave."""
    nom = cle.rpartition("/")[2]
    return nom.startswith(".") and nom.endswith(SUFFIXE_PARTIEL)
