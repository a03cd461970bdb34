"""Conversion of .docx files to PDF with LibreOffice (headless).

One ``soffice`` process converts a whole list of files, with a user profile
of its own (two processes sharing a profile make one of them fail silently).
LibreOffice exits 0 even when it produced nothing, so every output is checked.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


class ConversionImpossible(Exception):
    pass


def convertir_en_pdf(fichiers: list[Path], dossier: Path, soffice: str = "soffice",
                     delai: float | None = None) -> list[Path]:
    """Converts ``fichiers`` (.docx) to PDFs in ``dossier``; returns the PDFs' paths."""
    if not fichiers:
        return []
    if shutil.which(soffice) is None:
        raise ConversionImpossible(
            f"LibreOffice (« {soffice} ») est introuvable : lancez « make install » "
            "ou indiquez son chemin dans INSPE_SOFFICE")
    dossier.mkdir(parents=True, exist_ok=True)
    delai = delai or 60 + 5 * len(fichiers)
    with tempfile.TemporaryDirectory(prefix="inspe-lo-") as tmp:
        profil, sortie = Path(tmp, "profil"), Path(tmp, "pdf")
        commande = [soffice, f"-env:UserInstallation={profil.as_uri()}", "--headless",
                    "--norestore", "--nologo", "--convert-to", "pdf", "--outdir", str(sortie),
                    *map(str, fichiers)]
        try:
            fini = subprocess.run(commande, capture_output=True, text=True, timeout=delai)
        except subprocess.TimeoutExpired as exc:
            raise ConversionImpossible(f"LibreOffice n'a pas fini en {delai:.0f} s") from exc
        produits = []
        for fichier in fichiers:
            pdf = sortie / (Path(fichier).stem + ".pdf")
            if not pdf.exists() or pdf.read_bytes()[:5] != b"%PDF-":
                raise ConversionImpossible(
                    f"{Path(fichier).name} : LibreOffice n'a pas produit de PDF "
                    f"(code {fini.returncode}) {fini.stderr.strip()[:300]}")
            cible = dossier / pdf.name
            shutil.move(pdf, cible)
            produits.append(cible)
    return produits
