"""Writing generated documents to a folder, atomically and under unique names."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from service.stockage.dossier import ecrire_atomique, temporaires  # noqa: F401 — used from here too

from .generation import DocumentGenere
from .nommage import NomsUniques


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
