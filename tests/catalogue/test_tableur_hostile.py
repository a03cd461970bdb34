"""Every uploaded spreadsheet is hostile until checked: bombs, lying headers, XML entities, bad
character references, merged cells, hidden sheets, duplicate members, oversized or undecodable
files: each a French refusal naming the problem, never a crash nor gigabytes held."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from service.catalogue.tableur import (
    TableurIllisible,
    colonnes,
    lire,
    rapport_erreurs,
    valider_lignes,
)
from service.cli import main
from tests.catalogue.paquets_hostiles import (
    membre,
    membres_de,
    memoire,
    paquet,
    remplacer,
    tableur_bombe,
)

ID = "fiche_synthese_collectif"
GIO = 2**30


def _rempli(modele: bytes, lignes: int = 3, *, avant=None) -> bytes:
    """The workbook to fill with ``lignes`` copies of its example row; ``avant(classeur)`` edits."""
    classeur = openpyxl.load_workbook(io.BytesIO(modele))
    feuille = classeur[ID]
    exemple = [c.value for c in feuille[2]]
    for ligne in range(3, lignes + 2):
        for n, valeur in enumerate(exemple, 1):
            feuille.cell(row=ligne, column=n, value=valeur)
    if avant:
        avant(classeur)
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def _feuille_de(classeur_bytes: bytes) -> str:
    """The zip name of the service's sheet in a workbook openpyxl wrote."""
    classeur = openpyxl.load_workbook(io.BytesIO(classeur_bytes))
    return f"xl/worksheets/sheet{classeur.sheetnames.index(ID) + 1}.xml"


@pytest.fixture(scope="module")
def bombe_xlsx(modele, tmp_path_factory):
    """A 1 MiB .xlsx whose sheet (one cell of row 2) inflates to 1 GiB, headers honest; and the
    same whose headers say the sheet is its first 2,000 bytes (with their CRC)."""
    source = _rempli(modele)
    nom = _feuille_de(source)
    dossier = tmp_path_factory.mktemp("bombes")
    (dossier / "bombe.xlsx").write_bytes(tableur_bombe(source, nom, GIO))
    (dossier / "menteur.xlsx").write_bytes(tableur_bombe(source, nom, GIO, annonce=2000))
    return dossier / "bombe.xlsx", dossier / "menteur.xlsx"


# --- 14. zip bombs ------------------------------------------------------------------------

def test_a_spreadsheet_zip_bomb_is_refused_before_reading_and_memory_stays_small(bombe_xlsx):
    for chemin in bombe_xlsx:
        assert chemin.stat().st_size < 2 * 2**20
        sortie, croissance = memoire(
            chemin, "from service import creer_catalogue\n"
                    "from service.config import Config\n"
                    "from service.catalogue.tableur import lire\n"
                    f"f = creer_catalogue(Config()).gabarit({ID!r}).formulaire",
            "lire(donnees, 'bombe.xlsx', f)")
        assert croissance < 100, f"{chemin.name}: {croissance} Mio de plus ({sortie})"
        assert sortie.startswith("TableurIllisible bombe.xlsx : ce tableur "), sortie
        assert "bombe zip" in sortie, sortie


def test_the_command_line_refuses_a_spreadsheet_bomb_with_exit_2(bombe_xlsx, tmp_path, capsys):
    for chemin in bombe_xlsx:
        assert main(["generer", ID, "--donnees", str(chemin), "--sortie", str(tmp_path)],
                    environ={}) == 2
        assert "ce tableur" in capsys.readouterr().err and not any(tmp_path.iterdir())


def test_a_workbook_holds_at_most_5000_rows(formulaire):
    entetes = [c.entete for c in colonnes(formulaire)]

    def classeur(lignes: int) -> bytes:
        ecrit = openpyxl.Workbook(write_only=True)
        feuille = ecrit.create_sheet(ID)
        feuille.append(entetes)
        for _ in range(lignes):
            feuille.append(["Collectif"])
        tampon = io.BytesIO()
        ecrit.save(tampon)
        return tampon.getvalue()
    with pytest.raises(TableurIllisible, match="ce tableur a plus de 5.000 lignes de données "
                                               "\\(ligne 5002\\) : découpez-le"):
        lire(classeur(5001), "long.xlsx", formulaire)
    assert len(lire(classeur(5000), "juste.xlsx", formulaire).lignes) == 5000
    with pytest.raises(TableurIllisible, match="plus de 5.000 lignes"):
        lire("\n".join([";".join(entetes)] + ["Collectif"] * 5001).encode(), "long.csv",
             formulaire)


# --- 16. XML that crashes -----------------------------------------------------------------

def _avec_partie(modele: bytes, nom_partie, texte) -> bytes:
    source = _rempli(modele)
    nom = nom_partie(source) if callable(nom_partie) else nom_partie
    membres = membres_de(source)
    contenu = texte(_lire_partie(source, nom))
    contenu = contenu.encode() if isinstance(contenu, str) else contenu
    return paquet(remplacer(membres, nom, membre(nom, contenu)))


def _lire_partie(source: bytes, nom: str) -> str:
    import zipfile
    with zipfile.ZipFile(io.BytesIO(source)) as z:
        return z.read(nom).decode()


_XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
_RIRES = ('<!DOCTYPE x [<!ENTITY a "hahahahahahahahahaha">'
          + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
          + "]>")


_A3 = r'<c r="A3"[^>]*>.*?</c>'


@pytest.mark.parametrize("cas, partie, modifier, motif", [
    ("XXE dans la feuille", _feuille_de,
     lambda x: _XXE + x.replace("<t>", "<t>&xxe;", 1), "entités"),
    ("milliard de rires", "docProps/core.xml",
     lambda x: _RIRES + re.sub("<dc:creator>[^<]*", "<dc:creator>&j;", x), "entités"),
    ("entité en UTF-16", _feuille_de,
     lambda x: ('<?xml version="1.0" encoding="UTF-16"?>' + _XXE + x).encode("utf-16"),
     "UTF-8"),
    ("référence de caractère invalide", _feuille_de,
     lambda x: re.sub(_A3, '<c r="A3" t="inlineStr"><is><t>Collectif &#0; nul</t></is></c>',
                      x, count=1),
     "référence de caractère invalide"),
    ("XML abîmé", _feuille_de, lambda x: x.replace("</sheetData>", "<row", 1), "n’est pas du XML"),
    ("entité inconnue, sans déclaration", _feuille_de, lambda x: x.replace("<t>", "<t>&x;", 1),
     "entité XML inconnue"),
])
def test_xml_that_would_crash_the_reader_is_a_french_refusal(modele, formulaire, tmp_path,
                                                             capsys, cas, partie, modifier, motif):
    donnees = _avec_partie(modele, partie, modifier)
    with pytest.raises(TableurIllisible, match=motif):
        lire(donnees, "hostile.xlsx", formulaire)
    (tmp_path / "hostile.xlsx").write_bytes(donnees)
    assert main(["generer", ID, "--donnees", str(tmp_path / "hostile.xlsx"), "--sortie",
                 str(tmp_path / "s")], environ={}) == 2
    erreur = capsys.readouterr().err
    assert erreur.startswith("hostile.xlsx : ce tableur") and "Traceback" not in erreur


def test_merged_cells_in_the_error_report_are_split_and_highlighted(modele, formulaire):
    def fusionner(classeur):
        feuille = classeur[ID]
        entetes = [c.value.rstrip(" *") for c in feuille[1]]
        nom = entetes.index("Nom du pilote") + 1
        feuille.merge_cells(start_row=3, start_column=nom - 1, end_row=3, end_column=nom)
        feuille.cell(row=4, column=1, value="=1+1")
        feuille.merge_cells(start_row=4, start_column=1, end_row=5, end_column=1)
    donnees = _rempli(modele, 4, avant=fusionner)
    lecture = lire(donnees, "fusion.xlsx", formulaire)
    _, erreurs = valider_lignes(lecture, formulaire)
    assert "ligne 3, colonne « Nom du pilote » : champ obligatoire non rempli" in map(str, erreurs)
    copie = openpyxl.load_workbook(io.BytesIO(rapport_erreurs(donnees, "fusion.xlsx", erreurs)))[ID]
    assert not copie.merged_cells.ranges
    entetes = [c.value.rstrip(" *") for c in copie[1]]
    cellule = copie.cell(row=3, column=entetes.index("Nom du pilote") + 1)
    assert cellule.fill.fgColor.rgb.endswith("F8CBAD") and "obligatoire" in cellule.comment.text
    assert copie.cell(row=4, column=1).value == "'=1+1"  # neutralised, never run


def test_control_characters_read_from_a_cell_do_not_break_the_error_report(formulaire):
    entetes = [c.entete for c in colonnes(formulaire)]
    ligne = ["Collectif\x07\x1b", "=1+1"] + [""] * (len(entetes) - 2)
    donnees = "\n".join(";".join(x) for x in (entetes, ligne)).encode()
    _, erreurs = valider_lignes(lire(donnees, "controle.csv", formulaire), formulaire)
    copie = openpyxl.load_workbook(io.BytesIO(rapport_erreurs(donnees, "controle.csv", erreurs)))
    assert [c.value for c in copie.active[2]][:2] == ["Collectif", "'=1+1"]
    assert any(c.comment for c in copie.active[2])


# --- 17. hidden sheets --------------------------------------------------------------------

def _ancien_cache(classeur):
    ancien = classeur.create_sheet("Ancien", 0)
    for colonne, cellule in enumerate(classeur[ID][1], 1):
        ancien.cell(row=1, column=colonne, value=cellule.value)
        ancien.cell(row=2, column=colonne, value=classeur[ID].cell(row=2, column=colonne).value)
    ancien.cell(row=2, column=1, value="Leurre de la feuille cachée")
    ancien.sheet_state = "hidden"


def test_the_service_s_sheet_is_read_never_a_hidden_one(modele, formulaire, tmp_path, capsys):
    donnees = _rempli(modele, 3, avant=_ancien_cache)
    lecture = lire(donnees, "cache.xlsx", formulaire)
    assert lecture.feuille == ID and lecture.feuille_lue == f"feuille « {ID} » lue"
    assert len(lecture.lignes) == 3
    assert "Leurre de la feuille cachée" not in str([lg.donnees for lg in lecture.lignes])
    (tmp_path / "cache.xlsx").write_bytes(donnees)
    assert main(["generer", ID, "--donnees", str(tmp_path / "cache.xlsx"), "--sortie",
                 str(tmp_path / "s"), "--format", "docx"], environ={}) == 0
    assert f"feuille « {ID} » lue" in capsys.readouterr().err


def test_without_the_service_s_sheet_the_first_visible_one_is_read(modele, formulaire):
    def renommer(classeur):
        _ancien_cache(classeur)
        classeur[ID].title = "Documents"
        classeur["Instructions"].sheet_state = "hidden"
    lecture = lire(_rempli(modele, 3, avant=renommer), "autre.xlsx", formulaire)
    assert lecture.feuille == "Documents" and len(lecture.lignes) == 3

    def tout_cacher(classeur):
        renommer(classeur)
        classeur["Documents"].sheet_state = "hidden"
        classeur.create_sheet("Vide")
        classeur.active = classeur.sheetnames.index("Vide")
    with pytest.raises(TableurIllisible, match="vide.xlsx : le fichier est vide"):
        lire(_rempli(modele, 3, avant=tout_cacher), "vide.xlsx", formulaire)


# --- 18. duplicate members, and other oddities ---------------------------------------------

def test_a_spreadsheet_with_a_duplicate_member_is_refused(modele, formulaire):
    source = _rempli(modele)
    nom = _feuille_de(source)
    membres = membres_de(source)
    double = [m for m in membres if m[0] == nom][0]
    for copie in (double, (nom.upper(),) + double[1:]):
        with pytest.raises(TableurIllisible, match="ce tableur contient deux fois la partie"):
            lire(paquet(membres + [copie]), "double.xlsx", formulaire)


def test_an_old_xls_is_named(formulaire):
    with pytest.raises(TableurIllisible, match="ancien classeur Excel \\(.xls\\)"):
        lire(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, "vieux.xls", formulaire)


def test_csv_oddities_are_french_refusals(formulaire):
    entetes = ";".join(c.entete for c in colonnes(formulaire))
    with pytest.raises(TableurIllisible, match="ni en UTF-8 ni en Windows-1252"):
        lire(entetes.encode() + b"\n\x81\x8d;b;c\n", "x.csv", formulaire)
    with pytest.raises(TableurIllisible, match="cellule démesurée"):
        lire((entetes + '\n"' + "x" * 200_000 + '";b;c\n').encode(), "x.csv", formulaire)
    with pytest.raises(TableurIllisible, match="dépasse 10 Mo"):
        lire((entetes + "\n" + "a;b;c\n" * 2_000_000).encode(), "x.csv", formulaire)


def test_a_big_workbook_s_error_copy_holds_the_values_of_the_sheet_read(modele, formulaire,
                                                                        monkeypatch):
    from service.catalogue import tableur

    monkeypatch.setattr(tableur, "COPIE_COMPLETE_MAX", 0)  # as if it were above 15 Mo inflated
    donnees = _rempli(modele, 3, avant=_ancien_cache)
    lecture = lire(donnees, "gros.xlsx", formulaire)
    erreur = tableur.ErreurCellule(3, "Collectif", 1, "exemple d'erreur")
    copie = openpyxl.load_workbook(io.BytesIO(rapport_erreurs(donnees, "gros.xlsx", [erreur],
                                                              lecture.feuille)))
    assert copie.sheetnames == [ID]  # the sheet read, not the hidden one
    assert copie[ID]["A3"].comment.text == "exemple d'erreur"
    assert copie[ID]["A2"].value == openpyxl.load_workbook(io.BytesIO(modele))[ID]["A2"].value
