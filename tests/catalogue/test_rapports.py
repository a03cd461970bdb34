"""A refused spreadsheet's highlighted copy: downloadable under its token with the name of the
file sent, then forgotten after a day (it holds the rows, names included), on both storages."""

from __future__ import annotations

import time

import pytest

from service.catalogue import rapports


def test_a_copy_is_read_back_under_the_name_of_the_file_sent_then_forgotten(stockage):
    jeton = rapports.garder(stockage, b"PK classeur", "Stagiaires SOPA 2026.xlsx")
    assert rapports.lire(stockage, jeton) == (b"PK classeur",
                                              "Stagiaires SOPA 2026 - erreurs surlignées.xlsx")
    assert rapports.purger(stockage) == 0  # a minute old: kept
    assert rapports.lire(stockage, jeton)[0] == b"PK classeur"
    time.sleep(1.1)  # S3 dates its objects to the second
    assert rapports.purger(stockage, garde_s=1) == 2  # the copy and its name
    with pytest.raises(rapports.RapportIntrouvable):
        rapports.lire(stockage, jeton)
    assert list(stockage.lister(rapports.RACINE)) == []


@pytest.mark.parametrize("jeton", ["", "../lots/x", "a/b", "..", "é"])
def test_a_token_that_is_no_token_finds_nothing(stockage, jeton):
    rapports.garder(stockage, b"PK", "a.xlsx")
    with pytest.raises(rapports.RapportIntrouvable):
        rapports.lire(stockage, jeton)
