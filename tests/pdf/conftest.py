"""The PDF's fixtures: the examples as sealed PDF/A, made once for the session."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.pdf.production import produire_pdfs


@pytest.fixture(scope="session")
def pdfs_exemples(exemples, moteur, sceau, tmp_path_factory) -> dict[str, Path]:
    """Each example as the sealed PDF/A the service produces."""
    dossier = tmp_path_factory.mktemp("pdf")
    ids = sorted(exemples)
    pdfs = produire_pdfs([exemples[i] for i in ids], moteur, sceau)
    chemins = {}
    for id_, pdf in zip(ids, pdfs):
        chemins[id_] = dossier / f"{id_}.pdf"
        chemins[id_].write_bytes(pdf)
    return chemins
