"""Spreadsheets for bulk work: the workbook to fill, awkward files read right, errors pointed at."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from service.catalogue.tableur import (
    Origine,
    TableurIllisible,
    colonnes,
    lire,
    modele_import,
    neutraliser,
    nom_du_rapport,
    origine,
    rapport_erreurs,
    valider_lignes,
)
from service.catalogue.validation import valider
from service.cli import main

ID = "fiche_synthese_collectif"


def _feuille(classeur_bytes):
    classeur = openpyxl.load_workbook(io.BytesIO(classeur_bytes))
    return classeur, classeur[ID]


def test_the_workbook_to_fill(modele, formulaire):
    classeur, feuille = _feuille(modele)
    assert classeur.sheetnames == ["Instructions", ID, "Listes"]
    assert classeur["Listes"].sheet_state == "hidden"
    entetes = [c.value for c in feuille[1]]
    assert entetes[:3] == ["Collectif *", "Nom du pilote *", "Prénom du pilote *"]
    assert "Participants 15 – Ancienneté dans la fonction de tuteur" in entetes  # numbered columns
    assert "Autres ressources" in entetes  # optional: no star
    assert feuille.freeze_panes == "A2"
    date = entetes.index("Date du présentiel *") + 1
    assert feuille.cell(row=2, column=date).value == dt.datetime(2026, 11, 24)
    assert feuille.cell(row=50, column=date).number_format == "DD/MM/YYYY"
    listes = [v for v in feuille.data_validations.dataValidation if v.type == "list"]
    degre = openpyxl.utils.get_column_letter(entetes.index("Participants 1 – Degré *") + 1)
    assert any(str(v.sqref).startswith(f"{degre}2:") for v in listes)
    instructions = " ".join(str(c.value) for c in classeur["Instructions"]["A"] if c.value)
    assert "Les colonnes marquées * sont obligatoires" in instructions
    assert "1er degré ; 2nd degré" in instructions


def test_the_untouched_workbook_reads_back_as_its_example(modele, formulaire):
    lecture = lire(modele, "modele.xlsx", formulaire)
    valides, erreurs = valider_lignes(lecture, formulaire)
    assert erreurs == [] and len(valides) == 1
    assert valides[0] == (2, valider(formulaire, formulaire.exemple))


def _csv(formulaire, lignes, separateur=";", encodage="utf-8-sig") -> bytes:
    texte = "\n".join(separateur.join(cellules) for cellules in lignes)
    return texte.encode(encodage)


def test_awkward_csv_headers_any_order_case_accents_extra_and_empty_rows(formulaire):
    entetes = ["date du presentiel", "NUMERO DU REGROUPEMENT", " Lieu  du présentiel ",
               "collectif", "Nom du pilote *", "prénom du pilote", "Colonne en trop",
               "participants 1 - nom", "Participants 1 – Prénom", "participants_1_degre",
               "Participants 1 – Ancienneté dans la fonction de tuteur", "1- Notre problématique",
               "2- Nos réponses envisagées",
               "Date de rédaction de la fiche"]
    ligne = ["08/12/2026", "2", "Collège Jean-Moulin", "Collectif du Val", "LEBRUN", "Sophie",
             "?", "FAURE", "Julien", "2nd degré", "néo-tuteur", "Problème posé",
             "Pistes d’action", "09/12/2026"]
    lignes = [entetes, ligne, [""] * len(entetes), ligne]
    for separateur, encodage in ((";", "cp1252"), (",", "utf-8-sig")):
        donnees = _csv(formulaire, lignes, separateur, encodage)
        lecture = lire(donnees, "import.csv", formulaire)
        assert lecture.ignorees == ["Colonne en trop"] and lecture.vides == 1
        valides, erreurs = valider_lignes(lecture, formulaire)
        assert erreurs == [], erreurs
        assert [n for n, _ in valides] == [2, 4]
        valeurs = valides[0][1]
        assert valeurs["date_regroupement"] == dt.date(2026, 12, 8)
        assert valeurs["numero_regroupement"] == 2
        assert valeurs["participants"][0]["anciennete"] == "Néo-tuteur"
        assert valeurs["reponses_envisagees"] == "Pistes d’action"


def test_errors_name_the_row_and_column_and_the_copy_highlights_them(modele, formulaire):
    classeur, feuille = _feuille(modele)
    entetes = [c.value.rstrip(" *") for c in feuille[1]]
    exemple = [c.value for c in feuille[2]]
    for ligne in (3, 4, 5):
        for n, valeur in enumerate(exemple, 1):
            feuille.cell(row=ligne, column=n, value=valeur)
    date = entetes.index("Date du présentiel") + 1
    feuille.cell(row=3, column=date, value="31/02/2026")
    feuille.cell(row=5, column=entetes.index("Collectif") + 1, value="=1+1")
    feuille.cell(row=5, column=entetes.index("Nom du pilote") + 1).value = None
    tampon = io.BytesIO()
    classeur.save(tampon)
    donnees = tampon.getvalue()

    valides, erreurs = valider_lignes(lire(donnees, "rempli.xlsx", formulaire), formulaire)
    assert [n for n, _ in valides] == [2, 4]
    assert [str(e) for e in erreurs] == [
        "ligne 3, colonne « Date du présentiel » : « 31/02/2026 » n’est pas une date valide "
        "(JJ/MM/AAAA)",
        "ligne 5, colonne « Collectif » : champ obligatoire non rempli",
        "ligne 5, colonne « Nom du pilote » : champ obligatoire non rempli",
    ]
    _, copie = _feuille(rapport_erreurs(donnees, "rempli.xlsx", erreurs))
    cellule = copie.cell(row=3, column=date)
    assert cellule.fill.fgColor.rgb.endswith("F8CBAD")
    assert "n’est pas une date valide" in cellule.comment.text
    assert copie.cell(row=4, column=date).comment is None
    formule = copie.cell(row=5, column=entetes.index("Collectif") + 1)
    assert formule.value == "'=1+1" and formule.data_type == "s"  # neutralised, never run


def test_text_written_back_is_neutralised_against_formulas(formulaire):
    entetes = [c.entete for c in colonnes(formulaire)]
    ligne = ["=HYPERLINK(\"http://127.0.0.1/\")", "+33 6 00", "-2", "@SOMME(A1)"] + [""] * (
        len(entetes) - 4)
    donnees = _csv(formulaire, [entetes, ligne])
    _, erreurs = valider_lignes(lire(donnees, "x.csv", formulaire), formulaire)
    classeur = openpyxl.load_workbook(io.BytesIO(rapport_erreurs(donnees, "x.csv", erreurs)))
    valeurs = [c.value for c in classeur.active[2]][:4]
    assert valeurs == ["'=HYPERLINK(\"http://127.0.0.1/\")", "'+33 6 00", "'-2", "'@SOMME(A1)"]
    assert neutraliser("Texte") == "Texte" and neutraliser(3) == 3


def test_a_missing_required_column_is_named(formulaire):
    donnees = _csv(formulaire, [["Collectif", "Nom du pilote"], ["A", "B"]])
    with pytest.raises(TableurIllisible, match="colonne\\(s\\) obligatoire\\(s\\) absente\\(s\\) : "
                                               "« Prénom du pilote »"):
        lire(donnees, "x.csv", formulaire)
    with pytest.raises(TableurIllisible, match="pas un classeur .xlsx lisible"):
        lire(b"PK\x03\x04 abime", "x.xlsx", formulaire)


def test_a_thousand_rows(modele, formulaire):
    classeur, feuille = _feuille(modele)
    exemple = [c.value for c in feuille[2]]
    for ligne in range(3, 1002):
        for n, valeur in enumerate(exemple, 1):
            feuille.cell(row=ligne, column=n, value=valeur)
    tampon = io.BytesIO()
    classeur.save(tampon)
    valides, erreurs = valider_lignes(lire(tampon.getvalue(), "mille.xlsx", formulaire), formulaire)
    assert len(valides) == 1000 and not erreurs
    assert valides[-1][0] == 1001


def test_generer_from_a_spreadsheet(capsys, tmp_path, modele):
    classeur, feuille = _feuille(modele)
    exemple = [c.value for c in feuille[2]]
    for n, valeur in enumerate(exemple, 1):
        feuille.cell(row=3, column=n, value=valeur)
    feuille.cell(row=3, column=1, value="Collectif des Tilleuls")
    feuille.cell(row=4, column=1, value="Collectif incomplet")
    chemin = tmp_path / "lot.xlsx"
    classeur.save(chemin)
    sortie = tmp_path / "out"
    assert main(["generer", ID, "--donnees", str(chemin), "--sortie", str(sortie)], environ={}) == 2
    err = capsys.readouterr().err
    assert "ligne 4, colonne « Nom du pilote » : champ obligatoire non rempli" in err
    assert "rien n'est généré" in err
    assert [p.name for p in sortie.iterdir()] == ["lot - erreurs.xlsx"]
    assert main(["generer", ID, "--donnees", str(chemin), "--sortie", str(sortie),
                 "--ignorer-erreurs"], environ={}) == 0
    noms = sorted(Path(p).name for p in capsys.readouterr().out.split("\n") if p)
    assert noms == ["Collectif de tuteurs du bassin de Saint-Aubin - fiche synthèse - 2026-11-24.docx",
                    "Collectif des Tilleuls - fiche synthèse - 2026-11-24.docx"]


def test_modele_import_from_the_command_line(capsys, tmp_path):
    assert main(["modele-import", "compte_rendu_sopa", "-o", str(tmp_path / "m.xlsx")],
                environ={}) == 0
    assert Path(capsys.readouterr().out.strip()) == tmp_path / "m.xlsx"
    assert openpyxl.load_workbook(tmp_path / "m.xlsx").sheetnames[1] == "compte_rendu_sopa"


def test_a_workbook_of_another_form_is_refused_with_the_name_of_its_own(modele, formulaire,
                                                                        catalogue, capsys, tmp_path):
    # filled and saved again (openpyxl here, as Excel would), it still says which form it is for
    classeur, feuille = _feuille(modele)
    feuille.cell(row=3, column=1, value="Collectif des Tilleuls")
    chemin = tmp_path / "synthèse.xlsx"
    classeur.save(chemin)
    assert origine(chemin.read_bytes(), chemin.name) == Origine(ID, formulaire.version,
                                                                 formulaire.titre)
    lettre = catalogue.gabarit("lettre_mission_sopa").formulaire
    attendu = (f"synthèse.xlsx : ce tableur est celui de « {formulaire.titre} » (version "
               f"{formulaire.version}) : choisissez ce document ou téléchargez le bon modèle")
    with pytest.raises(TableurIllisible) as exc:
        lire(chemin.read_bytes(), chemin.name, lettre)
    assert str(exc.value) == attendu  # not ten « colonnes absentes » of the other form
    # the command line says the same, whatever command reads the workbook
    assert main(["generer", "lettre_mission_sopa", "--donnees", str(chemin),
                 "--sortie", str(tmp_path / "out")], environ={}) == 2
    assert attendu in capsys.readouterr().err
    # a workbook made elsewhere (a .csv) says nothing, and is read by its columns
    assert origine(b"Collectif;Nom du pilote\n", "x.csv") is None


def test_the_instructions_say_what_a_row_is(formulaire):
    for par, attendu in (("document", "Une ligne par document."),
                         ("stagiaire", "Une ligne par stagiaire.")):
        classeur = openpyxl.load_workbook(io.BytesIO(modele_import(formulaire, par=par)))
        assert classeur["Instructions"]["A2"].value.startswith(attendu)


def test_the_highlighted_copy_keeps_the_name_of_the_file_sent():
    assert nom_du_rapport("Lettres de mission 2026.xlsx") == \
        "Lettres de mission 2026 - erreurs surlignées.xlsx"
    assert nom_du_rapport("C:\\Users\\sec\\liste.csv") == "liste - erreurs surlignées.xlsx"
