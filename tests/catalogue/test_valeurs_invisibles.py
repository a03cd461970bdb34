"""A required value made only of what shows nothing (zero-width spaces, controls, bidi
overrides, fillers) is not filled in: the rule is in the validation every entry point shares."""

from __future__ import annotations

import pytest

from service.catalogue.tableur import colonnes, lire, valider_lignes
from service.catalogue.validation import DonneesInvalides, valider

ID = "fiche_synthese_collectif"
INVISIBLES = ["\u200b\u200b\u200b", "\u202e\u202d", "\x07\x1b", "\ufeff", " \u3164 ", "\u2800",
              "\u00ad", "\u2066\u2069", "\u0301", "\u200d\u200c\u2060", "\u3000\u00a0"]


@pytest.fixture(scope="module")
def formulaire(catalogue):
    return catalogue.gabarit(ID).formulaire


@pytest.mark.parametrize("invisible", INVISIBLES, ids=[repr(v) for v in INVISIBLES])
def test_an_invisible_value_does_not_fill_a_required_field(formulaire, invisible):
    with pytest.raises(DonneesInvalides) as refus:
        valider(formulaire, dict(formulaire.exemple, collectif=invisible))
    assert [str(e) for e in refus.value.erreurs] == ["collectif : champ obligatoire non rempli"]


def test_visible_text_around_invisible_characters_is_kept(formulaire):
    valeurs = valider(formulaire, dict(formulaire.exemple, collectif="Cre\u0301teil\u200b"))
    assert valeurs["collectif"].startswith("Créteil")


def test_the_spreadsheet_import_shares_the_rule(formulaire):
    exemple = valider(formulaire, formulaire.exemple)
    entetes = [c.entete for c in colonnes(formulaire)]
    ligne = ["\u200b\u202e"] + ["x"] * (len(entetes) - 1)
    donnees = "\n".join(";".join(x) for x in (entetes, ligne)).encode()
    _, erreurs = valider_lignes(lire(donnees, "x.csv", formulaire), formulaire)
    assert "ligne 2, colonne « Collectif » : champ obligatoire non rempli" in map(str, erreurs)
    assert exemple["collectif"]
