"""Writing generated documents to a folder, as .docx or PDF, atomically and under unique names."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from .conversion import convertir_en_pdf
from .generation import DocumentGenere
from .nommage import NomsUniques


def ecrire_atomique(chemin: Path, contenu: bytes) -> Path:
    """A reader never sees a half-written file: write beside it, then rename."""
    temporaire = chemin.with_name(f".{chemin.name}.partiel")
    temporaire.write_bytes(contenu)
    temporaire.replace(chemin)
    return chemin


def ecrire_documents(documents: Sequence[DocumentGenere], dossier: Path, format_: str = "docx",
                     soffice: str = "soffice") -> list[Path]:
    """Writes ``documents`` into ``dossier``; a name already there is kept and numbered -2, -3 …"""
    dossier.mkdir(parents=True, exist_ok=True)
    nommer = NomsUniques(p.name for p in dossier.iterdir())
    noms = [nommer(d.nom, f".{format_}") for d in documents]
    if format_ == "docx":
        return [ecrire_atomique(dossier / nom, d.docx) for nom, d in zip(noms, documents)]
    with tempfile.TemporaryDirectory(prefix="inspe-gen-") as tmp:
        docx = [ecrire_atomique(Path(tmp, f"{i:05d}.docx"), d.docx) for i, d in enumerate(documents)]
        pdfs = convertir_en_pdf(docx, Path(tmp, "pdf"), soffice)
        return [ecrire_atomique(dossier / nom, pdf.read_bytes()) for nom, pdf in zip(noms, pdfs)]
