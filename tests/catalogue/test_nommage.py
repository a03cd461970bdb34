from __future__ import annotations

import datetime as dt

from service.catalogue.nommage import NomsUniques, nom_de_fichier, nom_sur


def test_names_put_nom_first_and_dates_sortable():
    nom = nom_de_fichier("{nom} {prenom} - compte-rendu - {debut}",
                         {"nom": "MOREAU", "prenom": "Léa", "debut": dt.date(2026, 10, 5)},
                         date=dt.date(2026, 11, 23), numero="X")
    assert nom == "MOREAU Léa - compte-rendu - 2026-10-05"


def test_characters_windows_refuses_are_removed():
    assert nom_sur('a/b\\c:d*e?f"g<h>i|j\x01.') == "a-b c d e f g h i j"
    assert nom_sur("CON") == "_CON"
    assert nom_sur("   ") == "document"
    assert len(nom_sur("x" * 500)) == 120


def test_missing_values_say_so_in_the_name():
    assert nom_de_fichier("{nom} {prenom}", {"nom": "DURAND"}, date=dt.date(2026, 1, 1),
                          numero="1") == "DURAND sans-prenom"


def test_duplicates_are_numbered_case_insensitively():
    nommer = NomsUniques(["Doc.docx"])
    assert [nommer("doc", ".docx"), nommer("DOC", ".docx"), nommer("autre", ".docx")] == [
        "doc-2.docx", "DOC-3.docx", "autre.docx"]
