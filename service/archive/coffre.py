"""The archive's files, content-addressed: each is stored once, under its own sha256.

    sorties/archive/objets/ab/abcdef…   (the file whose sha256 is abcdef…)

A file is written beside its place, flushed to disk, then renamed: it is either
there whole or not there. Nothing is ever rewritten (the same content has the
same name), so a record that names a sha256 always finds the same bytes. A file
that no record names (a crash between writing it and recording it) is an
orphan: ``fsck`` lists it and can remove it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from service.catalogue.ecriture import ecrire_atomique


class ObjetIntrouvable(Exception):
    pass


class Coffre:
    def __init__(self, racine: Path):
        self.racine = Path(racine) / "objets"

    def chemin(self, empreinte: str) -> Path:
        if len(empreinte) != 64 or not all(c in "0123456789abcdef" for c in empreinte):
            raise ObjetIntrouvable(f"empreinte invalide : {empreinte!r}")
        return self.racine / empreinte[:2] / empreinte

    def deposer(self, donnees: bytes) -> str:
        """Stores ``donnees`` (once) and returns its sha256."""
        empreinte = hashlib.sha256(donnees).hexdigest()
        chemin = self.chemin(empreinte)
        if not chemin.exists():
            chemin.parent.mkdir(parents=True, exist_ok=True)
            ecrire_atomique(chemin, donnees, durable=True)
        return empreinte

    def lire(self, empreinte: str) -> bytes:
        try:
            return self.chemin(empreinte).read_bytes()
        except FileNotFoundError:
            raise ObjetIntrouvable(f"le fichier {empreinte} manque dans l'archive") from None

    def existe(self, empreinte: str) -> bool:
        return self.chemin(empreinte).exists()

    def intact(self, empreinte: str) -> bool:
        """Whether the file is there and its content still hashes to its name."""
        h = hashlib.sha256()
        try:
            with open(self.chemin(empreinte), "rb") as f:
                for bloc in iter(lambda: f.read(1 << 20), b""):
                    h.update(bloc)
        except FileNotFoundError:
            return False
        return h.hexdigest() == empreinte

    def supprimer(self, empreinte: str) -> None:
        self.chemin(empreinte).unlink(missing_ok=True)

    def objets(self) -> Iterator[str]:
        if self.racine.exists():
            for sous in sorted(self.racine.iterdir()):
                for f in sorted(sous.iterdir()):
                    if len(f.name) == 64:
                        yield f.name

    def temporaires(self) -> Iterator[Path]:
        """Files left half-written by a crash (never renamed into place)."""
        if self.racine.exists():
            for sous in self.racine.iterdir():
                yield from (f for f in sous.iterdir() if len(f.name) != 64)

    def taille(self, empreinte: str) -> int:
        return os.stat(self.chemin(empreinte)).st_size
