"""The roster: each stagiaire's parcours (an id of the institution's list) and the account of
every position, each identifiant checked in its cell; the migration that added the positions."""

from __future__ import annotations

import io

import openpyxl
import pytest
from alembic import command
from sqlalchemy import create_engine, text

from service.bd import ouvrir
from service.bd.migrations import configuration
from service.catalogue.tableur import colonnes, modele_import
from service.personnes import effectifs
from service.personnes.acces import Postes, Trio
from service.personnes.comptes import creer_compte, creer_jeton
from service.personnes.demo import EFFECTIFS_DEMO, comptes_de_demo, effectifs_de_demo

COMPTES = {
    "lea": ("Léa Moreau", "stagiaire"),
    "helene": ("Hélène Garnier", "tuteur"),
    "claude": ("Claude Martin", "tuteur"),
    "marc": ("Marc Dumont", "inspecteur"),
    "anne": ("Anne Fournier", "tuteur"),
    "karim": ("Karim Benali", "secretariat"),
}
ENTETES = {c.chemin[0]: c.entete for c in colonnes(effectifs.DECLARATION)}
COMPLETE = {"nom": "MOREAU", "prenom": "Léa", "parcours": "m1_meef_1d_sopa",
            "lieu": "École Jules-Ferry, Clairval", "periode_debut": "05/10/2026",
            "periode_fin": "16/10/2026", "compte_stagiaire": "lea", "tuteur_terrain": "helene",
            "tuteur_inspe": "claude", "inspecteur": "marc", "chef_etablissement": "anne",
            "responsable_parcours": "karim"}


@pytest.fixture
def base(base_de_donnees):
    for identifiant, (nom, role) in COMPTES.items():
        creer_compte(base_de_donnees, identifiant, nom, role, "x" * 12)
    return base_de_donnees


def _csv(*lignes: dict) -> bytes:
    """A roster as the secretariat types it: the model's headers, one row per stagiaire."""
    cles = list(ENTETES)
    sortie = [";".join(ENTETES[c] for c in cles)]
    sortie += [";".join(str(ligne.get(c, "")) for c in cles) for ligne in lignes]
    return ("\n".join(sortie) + "\n").encode("utf-8")


def _importer(base, *lignes: dict):
    return effectifs.importer(base, _csv(*lignes), "liste.csv")


def test_a_good_import_binds_every_position(base):
    resultat = _importer(base, COMPLETE, {"nom": "DUVAL", "prenom": "Hugo", "tuteur_terrain": "Helene"})
    assert resultat.erreurs == [] and resultat.nombre == 2
    duval, moreau = effectifs.tous(base)
    assert moreau.parcours == "m1_meef_1d_sopa"
    assert moreau.parcours_libelle == "M1 MEEF 1er degré (stage SOPA)"
    postes = Postes.de(moreau)
    assert {p: postes.compte(p) for p in effectifs.POSTES} == {
        "stagiaire": "lea", "tuteur_terrain": "helene", "tuteur_inspe": "claude",
        "inspecteur": "marc", "chef_etablissement": "anne", "responsable_parcours": "karim"}
    assert postes.membres == {"lea", "helene", "claude"}  # the trio, as the access rules know it
    assert postes.comptes == {"lea", "helene", "claude", "marc", "anne", "karim"}
    assert postes.poste("compte_stagiaire") == "lea" and Trio is Postes
    assert postes.compte("pilote") == "" and postes.compte("secretariat") == ""  # no one's own
    with pytest.raises(KeyError):
        postes.compte("tuteur")  # not a position
    # empty optional positions are fine; an identifiant's case does not matter
    assert duval.tuteur_terrain == "helene" and Postes.de(duval).compte("inspecteur") == ""
    assert duval.parcours == ""
    # every position puts the stagiaire in the account's list
    for identifiant in ("lea", "helene", "claude", "marc", "anne", "karim"):
        assert [s.nom for s in effectifs.de(base, identifiant)][-1] == "MOREAU", identifiant
    assert [s.nom for s in effectifs.de(base, "helene")] == ["DUVAL", "MOREAU"]
    assert moreau.postes_de("marc") == ["inspecteur"]


@pytest.mark.parametrize(("colonne", "valeur", "message"), [
    ("inspecteur", "dupont", "aucun compte « dupont »"),
    ("tuteur_terrain", "lea", "le compte « lea » (Léa Moreau) est un compte « Stagiaire », qui ne "
                              "peut pas être : tuteur ou tutrice de terrain"),
    ("compte_stagiaire", "helene", "le compte « helene » (Hélène Garnier) est un compte « Tuteur "
                                   "ou tutrice », qui ne peut pas être : stagiaire"),
    ("inspecteur", "claude", "le compte « claude » (Claude Martin) est un compte « Tuteur ou "
                             "tutrice », qui ne peut pas être : IEN ou IA-IPR"),
    ("responsable_parcours", "lea", "le compte « lea » (Léa Moreau) est un compte « Stagiaire », "
                                    "qui ne peut pas être : responsable de parcours"),
    ("parcours", "M3 MEEF", "« M3 MEEF » n’est pas une valeur permise (M1 MEEF 1er degré (stage "
                            "SOPA), M2 MEEF contractuel alternant, "),
])
def test_each_wrong_cell_is_named_and_nothing_is_imported(base, colonne, valeur, message):
    assert _importer(base, COMPLETE).nombre == 1
    lignes = [COMPLETE | {"nom": "DUVAL"}, COMPLETE | {"nom": "ROUX"},
              COMPLETE | {"nom": "PETIT", colonne: valeur}]
    resultat = _importer(base, *lignes)
    assert resultat.nombre == 0
    (erreur,) = resultat.erreurs
    assert str(erreur).startswith(f"ligne 4, colonne « {ENTETES[colonne]} » : {message}")
    assert erreur.numero_colonne == list(ENTETES).index(colonne) + 1  # the cell, for the report
    assert [s.nom for s in effectifs.tous(base)] == ["MOREAU"]  # all or nothing


def test_the_errors_of_the_whole_sheet_come_in_row_and_column_order(base):
    resultat = _importer(base, COMPLETE | {"tuteur_inspe": "inconnu", "nom": ""},
                         COMPLETE | {"chef_etablissement": "lea", "parcours": "M9"})
    assert [str(e) for e in resultat.erreurs] == [
        "ligne 2, colonne « Nom » : champ obligatoire non rempli",
        "ligne 2, colonne « Identifiant du tuteur Inspé » : aucun compte « inconnu »",
        f"ligne 3, colonne « Parcours » : « M9 » n’est pas une valeur permise "
        f"({', '.join(effectifs.PARCOURS.values())})",
        "ligne 3, colonne « Identifiant du chef d’établissement » : le compte « lea » (Léa "
        "Moreau) est un compte « Stagiaire », qui ne peut pas être : chef d’établissement ou "
        "directeur d’école",
    ]


def test_the_parcours_is_given_by_its_label_or_its_id_in_any_case(base):
    lignes = [COMPLETE | {"nom": nom, "parcours": parcours} for nom, parcours in [
        ("A", "m2 meef CONTRACTUEL alternant"), ("B", "PROFESSEUR·E DES ÉCOLES STAGIAIRE"),
        ("C", "professeur·e des ecoles stagiaire"), ("D", "M2A"), ("E", " du "),
        ("F", "Stagiaire_2D_CPE")]]
    assert _importer(base, *lignes).erreurs == []
    assert [(s.nom, s.parcours) for s in effectifs.tous(base)] == [
        ("A", "m2_meef_ca"), ("B", "pe_stagiaire"), ("C", "pe_stagiaire"), ("D", "m2a"),
        ("E", "du"), ("F", "stagiaire_2d_cpe")]


def test_the_spreadsheet_to_fill_has_every_position_and_the_parcours_list():
    classeur = openpyxl.load_workbook(io.BytesIO(modele_import(effectifs.DECLARATION)))
    feuille = classeur["effectifs"]
    entetes = [c.value for c in feuille[1]]
    assert entetes[:3] == ["Nom *", "Prénom *", "Parcours"]
    assert entetes[6:] == ["Identifiant du stagiaire", "Identifiant du tuteur de terrain *",
                           "Identifiant du tuteur Inspé", "Identifiant de l’IEN ou de l’IA-IPR",
                           "Identifiant du chef d’établissement",
                           "Identifiant du responsable de parcours"]
    exemple = {e.rstrip(" *"): c.value for e, c in zip(entetes, feuille[2], strict=True)}
    assert exemple["Parcours"] == "M1 MEEF 1er degré (stage SOPA)"  # the label, not the id
    assert exemple["Identifiant de l’IEN ou de l’IA-IPR"] == "inspecteur"
    (validation,) = [v for v in feuille.data_validations.dataValidation if "C2" in str(v.sqref)]
    listes = classeur["Listes"]
    assert [listes.cell(row=i, column=3).value for i in range(1, 7)] == list(effectifs.PARCOURS.values())
    aide = "\n".join(str(c.value) for c in classeur["Instructions"]["A"] if c.value)
    assert "Identifiant de l’IEN ou de l’IA-IPR | texte court | non |" in aide
    assert "IEN de circonscription (1er degré) ou IA-IPR (2d degré) (rôle Inspecteur)" in aide
    assert "peut aussi donner l'identifiant : m1_meef_1d_sopa, m2_meef_ca, pe_stagiaire" in aide


def test_the_parcours_come_from_the_settings():
    assert list(effectifs.PARCOURS) == ["m1_meef_1d_sopa", "m2_meef_ca", "pe_stagiaire",
                                        "stagiaire_2d_cpe", "m2a", "du"]
    assert effectifs.libelle_parcours("m2_meef_ca") == "M2 MEEF contractuel alternant"
    assert effectifs.libelle_parcours("M1 MEEF 1er degré") == "M1 MEEF 1er degré"  # typed before


def test_the_migration_keeps_the_rows_imported_before_it(url_base):
    moteur = create_engine(url_base)
    with moteur.begin() as connexion:
        command.upgrade(configuration(connexion), "0004")
        connexion.execute(text(
            "INSERT INTO stagiaires (nom, prenom, parcours, lieu, periode_debut, periode_fin, "
            "compte_stagiaire, tuteur_terrain, tuteur_inspe) VALUES ('MOREAU', 'Léa', "
            "'M1 MEEF 1er degré', 'École Jules-Ferry', '2026-10-05', '2026-10-16', 'lea', "
            "'helene', 'claude')"))
    moteur.dispose()
    moteur = ouvrir(url_base)  # to head
    (moreau,) = effectifs.tous(moteur)
    assert (moreau.nom, moreau.parcours, moreau.lieu, moreau.periode_debut) == (
        "MOREAU", "M1 MEEF 1er degré", "École Jules-Ferry", "2026-10-05")
    assert Postes.de(moreau) == Postes("lea", "helene", "claude", "", "", "")
    assert moreau.parcours_libelle == "M1 MEEF 1er degré"  # free text from before, shown as is
    assert [s.nom for s in effectifs.de(moteur, "claude")] == ["MOREAU"]
    moteur.dispose()


def test_the_demo_roster_binds_the_demo_accounts_once(base_de_donnees):
    comptes_de_demo(base_de_donnees)
    effectifs_de_demo(base_de_donnees)
    inscrits = effectifs.tous(base_de_donnees)
    assert len(inscrits) == len(EFFECTIFS_DEMO) == 12
    assert len({s.parcours for s in inscrits}) == 6
    assert [f"{s.nom} {s.prenom}" for s in effectifs.de(base_de_donnees, "stagiaire")] == ["MOREAU Léa"]
    (lea,) = effectifs.de(base_de_donnees, "stagiaire")
    assert lea.tuteur_terrain == "tuteur" and lea.inspecteur == "inspecteur"
    assert len(effectifs.de(base_de_donnees, "tuteur")) >= 3
    assert len(effectifs.de(base_de_donnees, "inspecteur")) >= 3
    # every account it names exists with a role that fits: the import would take it as it is
    lignes = [dict(zip(["nom", "prenom", "parcours", "lieu", "periode_debut", "periode_fin",
                        *effectifs.COLONNES_POSTES], ligne, strict=True)) for ligne in EFFECTIFS_DEMO]
    for ligne in lignes:
        for cle in ("periode_debut", "periode_fin"):
            annee, mois, jour = ligne[cle].split("-")
            ligne[cle] = f"{jour}/{mois}/{annee}"
    resultat = _importer(base_de_donnees, *lignes)
    assert resultat.erreurs == [] and resultat.nombre == 12
    # not made again over a roster that exists
    _importer(base_de_donnees, COMPLETE | {"compte_stagiaire": "stagiaire", "tuteur_terrain": "tuteur",
                                           "tuteur_inspe": "referent", "inspecteur": "inspecteur",
                                           "chef_etablissement": "", "responsable_parcours": ""})
    effectifs_de_demo(base_de_donnees)
    assert len(effectifs.tous(base_de_donnees)) == 1
    assert creer_jeton(base_de_donnees, "tuteur2")  # the other demo accounts exist


def test_lists_sort_people_as_a_french_reader_expects(base):
    """Accents and ligatures folded (Æ as AE, Œ as OE), then NOM, then Prénom: ÆBISCHER comes
    first, not after PÉREZ as SQL's ORDER BY puts it."""
    noms = [("PÉREZ", "Ana"), ("ŒUVRARD", "Paul"), ("ÆBISCHER", "Luc"), ("ÉMERY", "Zoé"),
            ("EMERY", "Adam"), ("BÉRANGER", "Marie"), ("ZOLA", "Émile")]
    assert _importer(base, *[{"nom": n, "prenom": p, "tuteur_terrain": "helene"}
                             for n, p in noms]).erreurs == []
    attendu = ["ÆBISCHER Luc", "BÉRANGER Marie", "EMERY Adam", "ÉMERY Zoé", "ŒUVRARD Paul",
               "PÉREZ Ana", "ZOLA Émile"]
    assert [f"{s.nom} {s.prenom}" for s in effectifs.tous(base)] == attendu
    # « Mes stagiaires » of their tutor, in the same order
    assert [f"{s.nom} {s.prenom}" for s in effectifs.de(base, "helene")] == attendu
