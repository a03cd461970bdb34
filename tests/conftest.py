from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from service import creer_catalogue
from service.config import Config
from service.conversion import convertir_en_pdf
from service.generation import generer

from .outils import RACINE


@pytest.fixture(scope="session")
def config(tmp_path_factory) -> Config:
    return Config(sorties=tmp_path_factory.mktemp("sorties"))


@pytest.fixture(scope="session")
def catalogue(config):
    return creer_catalogue(config)


@pytest.fixture(scope="session")
def exemples(catalogue) -> dict:
    """Each current gabarit rendered with its declaration's example."""
    return {g.id: generer(catalogue, g.id, g.formulaire.exemple) for g in catalogue.courants()}


@pytest.fixture(scope="session")
def pdfs_exemples(exemples, tmp_path_factory) -> dict[str, Path]:
    """The examples converted by LibreOffice, in one batch."""
    dossier = tmp_path_factory.mktemp("pdf")
    docx = []
    for id_, document in exemples.items():
        chemin = dossier / f"{id_}.docx"
        chemin.write_bytes(document.docx)
        docx.append(chemin)
    pdfs = convertir_en_pdf(docx, dossier / "pdf")
    return {p.stem: p for p in pdfs}


@pytest.fixture
def copie_catalogue(tmp_path) -> Config:
    """A private copy of gabarits/ and formulaires/ that a test may break."""
    for dossier in ("gabarits", "formulaires"):
        shutil.copytree(RACINE / dossier, tmp_path / dossier)
    return Config(gabarits=tmp_path / "gabarits", formulaires=tmp_path / "formulaires",
                  sorties=tmp_path / "sorties")
