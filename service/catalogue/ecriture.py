"""Writing generated documents to a folder, atomically and under unique names."""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from pathlib import Path

from .generation import DocumentGenere
from .nommage import NomsUniques


def ecrire_atomique(chemin: Path, contenu: bytes, durable: bool = False) -> Path:
    """A reader never sees a half-written file: write beside it, then rename.

    The temporary name is unique, so that two workers writing the same file
    (a row made again after a crash) never mix their bytes. ``durable`` also
    flushes the file to disk before the rename (the archive: a power cut must
    not leave a record pointing at an empty file).
    """
    temporaire = chemin.with_name(f".{chemin.name}.{uuid.uuid4().hex[:8]}.partiel")
    with open(temporaire, "wb") as f:
        f.write(contenu)
        if durable:
            f.flush()
            os.fsync(f.fileno())
    temporaire.replace(chemin)
    return chemin


def temporaires(dossier: Path) -> list[Path]:
    """What ``ecrire_atomique`` left in ``dossier`` when its writer died before the rename."""
    return list(dossier.glob(".*.partiel"))


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
