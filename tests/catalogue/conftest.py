"""What the spreadsheet tests share: the declaration they fill, and its workbook to fill."""

from __future__ import annotations

import pytest

from service.catalogue.tableur import modele_import

TABLEUR_ID = "fiche_synthese_collectif"


@pytest.fixture(scope="module")
def formulaire(catalogue):
    return catalogue.gabarit(TABLEUR_ID).formulaire


@pytest.fixture(scope="module")
def modele(formulaire) -> bytes:
    return modele_import(formulaire)
