"""The local folder: the embedded default (``sorties/``), and the atomic write every module uses.

``ecrire_atomique`` writes beside the file, under a unique temporary name, then renames it:
a reader sees the old file or the new one, never half of one. With ``durable`` the bytes are
flushed to disk before the rename (a power cut must not leave a name pointing at nothing).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .base import SUFFIXE_PARTIEL, Absent, Entree, cle_temporaire, cle_valide, est_temporaire


def ecrire_atomique(chemin: Path, contenu: bytes, durable: bool = False) -> Path:
    """A reader never sees a half-written file: write beside it, then rename.

    The temporary name is unique, so that two workers writing the same file
    (a row made again after a crash) never mix their bytes. ``durable`` also
    flushes the file to disk before the rename (the archive: a power cut must
    not leave a record pointing at an empty file).

    A failed write (a full disk) removes its temporary file: only a writer that died
    leaves one, for ``fsck --reparer`` (``temporaires``).
    """
    temporaire = chemin.with_name(cle_temporaire(chemin.name))
    fd = os.open(temporaire, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        try:
            vue = memoryview(contenu)
            while vue:
                vue = vue[os.write(fd, vue):]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        temporaire.replace(chemin)
    except BaseException:
        temporaire.unlink(missing_ok=True)
        raise
    return chemin


def temporaires(dossier: Path, *, recursif: bool = False) -> list[Path]:
    """What ``ecrire_atomique`` (or a lot's ZIP) left in ``dossier`` when its writer died before
    the rename; with ``recursif``, in every folder under it too."""
    motif = f".*{SUFFIXE_PARTIEL}"
    if not dossier.is_dir():
        return []
    return sorted(dossier.rglob(motif) if recursif else dossier.glob(motif))


class Dossier:
    """Keys are paths under ``racine``; every write is durable (flushed, then renamed)."""

    def __init__(self, racine: Path):
        self.racine = Path(racine)

    def __repr__(self) -> str:
        return f"Dossier({self.racine})"

    def chemin(self, cle: str) -> Path:
        return self.racine / cle_valide(cle)

    def adresse(self, cle: str) -> str:
        return str(self.chemin(cle))

    def ecrire(self, cle: str, donnees: bytes) -> None:
        chemin = self.chemin(cle)
        for essai in range(3):  # its folder, emptied, may be removed meanwhile (``supprimer``)
            chemin.parent.mkdir(parents=True, exist_ok=True)
            try:
                ecrire_atomique(chemin, donnees, durable=True)
                return
            except FileNotFoundError:
                if essai == 2:
                    raise
            except BaseException:  # a full disk: nothing left, not even the folders it made
                self._elaguer(chemin.parent)
                raise

    def lire(self, cle: str) -> bytes:
        try:
            return self.chemin(cle).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise Absent(f"rien sous la clé {cle} dans {self.racine}") from None

    def flux(self, cle: str) -> BinaryIO:
        try:
            return open(self.chemin(cle), "rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise Absent(f"rien sous la clé {cle} dans {self.racine}") from None

    def existe(self, cle: str) -> bool:
        return self.chemin(cle).is_file()

    def sous_dossiers(self, dossier: str) -> list[str]:
        base = self.chemin(dossier.strip("/")) if dossier.strip("/") else self.racine
        try:
            return sorted(p.name for p in base.iterdir() if p.is_dir())
        except (FileNotFoundError, NotADirectoryError):
            return []

    def supprimer(self, cle: str) -> None:
        """Removes the file, and the folders it leaves empty (a bucket has no empty folders)."""
        chemin = self.chemin(cle)
        chemin.unlink(missing_ok=True)
        self._elaguer(chemin.parent)

    def _elaguer(self, dossier: Path) -> None:
        """Removes ``dossier`` and its parents under the root while they are empty."""
        while dossier != self.racine and dossier.is_relative_to(self.racine):
            try:
                dossier.rmdir()
            except OSError:  # not empty, or already gone
                return
            dossier = dossier.parent

    def lister(self, dossier: str) -> Iterator[Entree]:
        return (e for e in self._tout(dossier) if not est_temporaire(e.cle))

    def temporaires(self, dossier: str) -> Iterator[Entree]:
        return (e for e in self._tout(dossier) if est_temporaire(e.cle))

    def _tout(self, dossier: str) -> Iterator[Entree]:
        base = self.chemin(dossier.strip("/")) if dossier.strip("/") else self.racine
        for racine, sous_dossiers, fichiers in os.walk(base):
            sous_dossiers.sort()  # in order, as they are walked (nothing held in memory)
            for nom in sorted(fichiers):
                chemin = Path(racine) / nom
                try:
                    etat = chemin.stat()
                except FileNotFoundError:  # removed meanwhile
                    continue
                yield Entree(chemin.relative_to(self.racine).as_posix(), etat.st_mtime, etat.st_size)
