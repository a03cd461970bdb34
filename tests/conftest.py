from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from service import creer_catalogue, creer_moteur, creer_sceau
from service.config import Config
from service.generation import generer
from service.pdf import produire_pdfs

from .outils import RACINE


@pytest.fixture(scope="session")
def config(tmp_path_factory) -> Config:
    return Config(sorties=tmp_path_factory.mktemp("sorties"),
                  donnees=tmp_path_factory.mktemp("donnees"))


@pytest.fixture(scope="session")
def catalogue(config):
    return creer_catalogue(config)


@pytest.fixture(scope="session")
def exemples(catalogue) -> dict:
    """Each current gabarit rendered with its declaration's example."""
    return {g.id: generer(catalogue, g.id, g.formulaire.exemple) for g in catalogue.courants()}


@pytest.fixture(scope="session")
def moteur(config):
    """The LibreOffice pool, really started, shared by the whole session."""
    with creer_moteur(config) as moteur:
        yield moteur


@pytest.fixture(scope="session")
def sceau(config, catalogue):
    return creer_sceau(config, catalogue)


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


@pytest.fixture
def copie_catalogue(tmp_path) -> Config:
    """A private copy of gabarits/ and formulaires/ that a test may break."""
    for dossier in ("gabarits", "formulaires"):
        shutil.copytree(RACINE / dossier, tmp_path / dossier)
    return Config(gabarits=tmp_path / "gabarits", formulaires=tmp_path / "formulaires",
                  sorties=tmp_path / "sorties", donnees=tmp_path / "donnees")
