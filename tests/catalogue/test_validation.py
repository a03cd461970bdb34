"""The rules every entry point shares, and their French messages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from service.catalogue.declaration import charger
from service.catalogue.validation import DonneesInvalides, valider

DECLARATION = """\
titre: Essai
nom_fichier: "{nom}"
sections:
  - titre: Tout
    champs:
      - {nom: nom, type: texte, libelle: Nom, requis: true, longueur_max: 20}
      - {nom: note, type: texte_long, libelle: Note}
      - {nom: debut, type: date, libelle: Début}
      - {nom: heures, type: entier, libelle: Heures, min: 0, max: 40}
      - {nom: niveau, type: choix, libelle: Niveau, choix: ["Non acquis", "En cours d’acquisition", "Acquis"]}
      - nom: modalites
        type: choix_multiple
        libelle: Modalités
        choix: ["Visite conseil", "Échanges de pratiques", "Autres"]
      - nom: bilans
        type: groupe
        libelle: Bilans
        max: 3
        champs:
          - {nom: date, type: date, libelle: Date, requis: true}
          - {nom: avancees, type: texte_long, libelle: Avancées}
      - {nom: signature, type: signature, libelle: Signature}
exemple: {nom: Essai}
"""


@pytest.fixture(scope="module")
def formulaire(tmp_path_factory):
    chemin = Path(tmp_path_factory.mktemp("f")) / "essai" / "v1.yaml"
    chemin.parent.mkdir()
    chemin.write_text(DECLARATION, encoding="utf-8")
    return charger(chemin)


def erreurs(formulaire, donnees) -> list[str]:
    with pytest.raises(DonneesInvalides) as exc:
        valider(formulaire, donnees)
    return [str(e) for e in exc.value.erreurs]


@pytest.mark.parametrize("saisie, attendu", [
    ("23/11/2026", dt.date(2026, 11, 23)),
    ("3/2/2026", dt.date(2026, 2, 3)),
    ("2026-11-23", dt.date(2026, 11, 23)),
    ("2028-02-29", dt.date(2028, 2, 29)),
    ("2026-11-23T00:00:00Z", dt.date(2026, 11, 23)),
    (dt.datetime(2026, 11, 23, 8, 30), dt.date(2026, 11, 23)),
])
def test_dates_jj_mm_aaaa_and_iso(formulaire, saisie, attendu):
    assert valider(formulaire, {"nom": "A", "debut": saisie})["debut"] == attendu


@pytest.mark.parametrize("saisie", ["31/02/2026", "29/02/2027", "2026-13-01", "23.11.2026",
                                    "demain", "11/23/2026"])
def test_impossible_dates_are_named(formulaire, saisie):
    assert erreurs(formulaire, {"nom": "A", "debut": saisie}) == [
        f"debut : « {saisie} » n’est pas une date valide (JJ/MM/AAAA)"]


def test_integers_and_their_bounds(formulaire):
    assert valider(formulaire, {"nom": "A", "heures": "12"})["heures"] == 12
    assert valider(formulaire, {"nom": "A", "heures": 7.0})["heures"] == 7
    assert erreurs(formulaire, {"nom": "A", "heures": "12,5"}) == [
        "heures : « 12,5 » n’est pas un nombre entier"]
    assert erreurs(formulaire, {"nom": "A", "heures": 41}) == [
        "heures : 41 est trop grand (au plus 40)"]
    assert erreurs(formulaire, {"nom": "A", "heures": -1}) == [
        "heures : -1 est trop petit (au moins 0)"]
    assert erreurs(formulaire, {"nom": "A", "heures": True}) == [
        "heures : « True » n’est pas un nombre entier"]


def test_choices_match_whatever_the_case_accents_or_apostrophe(formulaire):
    valeurs = valider(formulaire, {"nom": "A", "niveau": "en cours d'acquisition",
                                   "modalites": "autres ; ECHANGES DE PRATIQUES"})
    assert valeurs["niveau"] == "En cours d’acquisition"
    assert valeurs["modalites"] == ["Échanges de pratiques", "Autres"]
    assert erreurs(formulaire, {"nom": "A", "niveau": "Moyen"}) == [
        "niveau : « Moyen » n’est pas une valeur permise "
        "(Non acquis, En cours d’acquisition, Acquis)"]


def test_texts_are_cleaned_and_bounded(formulaire):
    valeurs = valider(formulaire, {"nom": "  Jean\n  DUPONT\x07 ", "note": "a\r\nb\x00"})
    assert valeurs["nom"] == "Jean DUPONT"
    assert valeurs["note"] == "a\nb"
    assert erreurs(formulaire, {"nom": "x" * 21}) == [
        "nom : texte trop long : 21 caractères pour 20 au plus"]
    assert erreurs(formulaire, {"nom": ["liste"]}) == ["nom : doit être un texte"]


def test_required_unknown_and_signature_fields(formulaire):
    assert erreurs(formulaire, {"nom": " ", "nom_de_famille": "X", "signature": "moi.png"}) == [
        "nom_de_famille : champ inconnu de ce formulaire",
        "nom : champ obligatoire non rempli",
        "signature : une signature s’ajoute à l’étape de signature, pas avec les données",
    ]


def test_group_lines_are_validated_line_by_line(formulaire):
    lignes = [{"date": "01/12/2026", "avancees": "Bien"}, {"date": "", "avancees": "x"},
              {"date": "", "avancees": ""}, {"date": "30/02/2026"}]
    assert erreurs(formulaire, {"nom": "A", "bilans": lignes}) == [
        "bilans, ligne 2, date : champ obligatoire non rempli",
        "bilans, ligne 4, date : « 30/02/2026 » n’est pas une date valide (JJ/MM/AAAA)",
    ]
    valeurs = valider(formulaire, {"nom": "A", "bilans": lignes[:1] + lignes[2:3]})
    assert valeurs["bilans"] == [{"date": dt.date(2026, 12, 1), "avancees": "Bien"}]
    assert erreurs(formulaire, {"nom": "A", "bilans": [{"date": "01/01/2027"}] * 4}) == [
        "bilans : 4 lignes pour 3 au plus"]
    assert erreurs(formulaire, {"nom": "A", "bilans": "pas une liste"}) == [
        "bilans : doit être une liste de lignes (objets)"]
