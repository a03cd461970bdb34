"""Writing generated documents to a folder, atomically and under unique names."""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from pathlib import Path

from .generation import DocumentGenere
from .nommage import NomsUniques

SUFFIXE_PARTIEL = ".partiel"  # a file being written, renamed when whole


def ecrire_atomique(chemin: Path, contenu: bytes, durable: bool = False) -> Path:
    """A reader never sees a half-written file: write beside it, then rename.

    The temporary name is unique, so that two workers writing the same file
    (a row made again after a crash) never mix their bytes. ``durable`` also
    flushes the file to disk before the rename (the archive: a power cut must
    not leave a record pointing at an empty file).

    A failed write (a full disk) removes its temporary file: only a writer that died
    leaves one, for ``fsck --reparer`` (``temporaires``).
    """
    temporaire = chemin.with_name(f".{chemin.name}.{uuid.uuid4().hex[:8]}{SUFFIXE_PARTIEL}")
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


def ecrire_documents(documents: Sequence[DocumentGenere], dossier: Path, extension: str,
                     contenus: Sequence[bytes] | None = None) -> list[Path]:
    """Writes each document (its .docx, or ``contenus`` when given) into ``dossier``.

    File names come from the declaration's pattern; a name already there is
    kept and the new file numbered -2, -3 … : nothing is ever overwritten.
    """
    dossier.mkdir(parents=True, exist_ok=True)
    nommer = NomsUniques(p.name for p in dossier.iterdir())
    contenus = contenus if contenus is not None else [d.docx for d in documents]
    return [ecrire_atomique(dossier / nommer(d.nom, f".{extension}"), contenu)
            for d, contenu in zip(documents, contenus)]
