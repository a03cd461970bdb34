"""The archive's files, content-addressed: each is stored once, under its own sha256.

    archive/objets/ab/abcdef…   (the file whose sha256 is abcdef…, in the service's storage:
                                 sorties/ by default, or an S3 bucket — service/stockage)

A file is written whole or not at all (``Stockage.ecrire``: flushed then renamed on a folder;
on S3 written under a temporary key, checked, then copied to its key). Nothing is ever
rewritten (the same content has the same name), so a record that names a sha256 always finds
the same bytes. A file that no record names (a crash between writing it and recording it) is
an orphan: ``fsck`` lists it and can remove it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from service.stockage import Absent, Dossier, Entree, Stockage


class ObjetIntrouvable(Exception):
    pass


class Coffre:
    def __init__(self, stockage: Stockage, prefixe: str = "archive/objets"):
        self.stockage, self.prefixe = stockage, prefixe

    def cle(self, empreinte: str) -> str:
        if len(empreinte) != 64 or not all(c in "0123456789abcdef" for c in empreinte):
            raise ObjetIntrouvable(f"empreinte invalide : {empreinte!r}")
        return f"{self.prefixe}/{empreinte[:2]}/{empreinte}"

    def deposer(self, donnees: bytes) -> str:
        """Stores ``donnees`` (once) and returns its sha256."""
        empreinte = hashlib.sha256(donnees).hexdigest()
        if not self.stockage.existe(self.cle(empreinte)):
            self.stockage.ecrire(self.cle(empreinte), donnees)
        return empreinte

    def lire(self, empreinte: str) -> bytes:
        try:
            return self.stockage.lire(self.cle(empreinte))
        except Absent:
            raise ObjetIntrouvable(f"le fichier {empreinte} manque dans l'archive") from None

    def existe(self, empreinte: str) -> bool:
        return self.stockage.existe(self.cle(empreinte))

    def intact(self, empreinte: str) -> bool:
        """Whether the file is there and its content still hashes to its name."""
        try:
            return hashlib.sha256(self.stockage.lire(self.cle(empreinte))).hexdigest() == empreinte
        except Absent:
            return False

    def supprimer(self, empreinte: str) -> None:
        self.stockage.supprimer(self.cle(empreinte))

    def objets(self) -> Iterator[tuple[str, float]]:
        """Each file's sha256 and when it was written."""
        for entree in self.stockage.lister(self.prefixe):
            nom = entree.cle.rpartition("/")[2]
            if len(nom) == 64:
                yield nom, entree.modifie_le

    def temporaires(self) -> Iterator[Entree]:
        """Files left half-written by a crash (never renamed or copied into place)."""
        return self.stockage.temporaires(self.prefixe)

    @property
    def dossier_local(self) -> Path | None:
        """The folder of the files when they are on the local disk (its leftovers are the
        archive's, not the output folder's)."""
        return self.stockage.chemin(self.prefixe) if isinstance(self.stockage, Dossier) else None
