"""The name of an uploaded file is hostile too: only a safe last part is stored and shown."""

from __future__ import annotations

import pytest

from service.catalogue.televersement import nom_televerse


@pytest.mark.parametrize("envoye, garde", [
    ("../../etc/passwd.docx", "passwd.docx"),
    ("..\\..\\Windows\\fiche.docx", "fiche.docx"),
    ("C:\\Users\\secr\\liste.xlsx", "liste.xlsx"),
    ("rapport\u202excod.exe.docx", "rapportxcod.exe.docx"),  # bidi override: no disguise
    ("fiche\x00\x07\u200b.docx", "fiche.docx"),
    ("CON.docx", "_CON.docx"),
    ("", "document"),
    (None, "document"),
    ("Fiche élève (2).docx", "Fiche élève (2).docx"),
    ("lot.CSV", "lot.CSV"),
])
def test_a_sent_name_is_made_safe(envoye, garde):
    assert nom_televerse(envoye) == garde


def test_a_very_long_name_is_cut_but_keeps_its_extension():
    nom = nom_televerse("é" * 5000 + ".csv")
    assert len(nom) == 120 and nom.endswith("é.csv")
