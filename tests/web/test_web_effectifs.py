"""The roster on the web: its import page (every position's account checked in its cell) and
« Mes stagiaires » for whoever holds a position, with the parcours' label; the demo roster."""

from __future__ import annotations

import html
import io
import re

import openpyxl
import pytest

from service.catalogue.tableur import colonnes
from service.personnes import effectifs
from service.personnes.comptes import creer_compte
from service.personnes.demo import effectifs_de_demo
from service.web import service
from tests.web.outils import nom_telecharge, texte

ENTETES = [c.entete for c in colonnes(effectifs.DECLARATION)]
MOREAU = ["MOREAU", "Léa", "M1 MEEF 1er degré (stage SOPA)", "École Jules-Ferry, Clairval",
          "05/10/2026", "16/10/2026", "stagiaire", "tuteur", "referent", "inspecteur", "", "admin"]
BERNARD = ["BERNARD", "Hugo", "pe_stagiaire", "École Pasteur, Saint-Aubin", "", "", "", "tuteur",
           "", "", "", ""]


@pytest.fixture(scope="module")
def app(app):
    creer_compte(service(app)["base"], "autre", "Paul Autre", "tuteur", "demo-autre")
    return app


def _tableur(*lignes: list) -> bytes:
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    feuille.title = "effectifs"
    feuille.append(ENTETES)
    for ligne in lignes:
        feuille.append(ligne)
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def _importer(secretariat, *lignes: list):
    reponse = secretariat.post("/effectifs", {"tableur": (io.BytesIO(_tableur(*lignes)), "liste.xlsx")})
    return reponse, html.unescape(texte(reponse))


def test_the_import_page_names_the_cell_of_an_unknown_or_unfit_account(connecte):
    secretariat = connecte("secretariat")
    reponse, page = _importer(secretariat, MOREAU, BERNARD[:9] + ["dupont", "", ""])
    assert reponse.status_code == 400
    assert "La liste n’a pas été importée" in page
    assert "ligne 3, colonne « Identifiant de l’IEN ou de l’IA-IPR » : aucun compte « dupont »" in page
    assert "0 stagiaire" in page  # nothing imported

    reponse, page = _importer(secretariat, MOREAU[:7] + ["stagiaire"] + MOREAU[8:], BERNARD)
    assert reponse.status_code == 400
    assert ("ligne 2, colonne « Identifiant du tuteur de terrain » : le compte « stagiaire » "
            "(Léa Moreau) est un compte « Stagiaire », qui ne peut pas être : tuteur ou tutrice "
            "de terrain") in page

    reponse, page = _importer(secretariat, MOREAU, BERNARD[:2] + ["M1 MEEF"] + BERNARD[3:])
    assert reponse.status_code == 400
    assert "ligne 3, colonne « Parcours » : « M1 MEEF » n’est pas une valeur permise" in page

    reponse, page = _importer(secretariat, MOREAU, BERNARD)
    assert reponse.status_code == 200, page[:3000]
    assert "2 stagiaires importés (feuille « effectifs » lue)" in page
    ligne = re.search(r"<tr><th scope=\"row\">MOREAU Léa</th>.*?</tr>", page, re.S).group(0)
    assert "M1 MEEF 1er degré (stage SOPA)" in ligne
    # people by their names, their sign-in identifiant only in a tooltip
    assert ("Stagiaire : Léa Moreau|Terrain : Hélène Garnier|Inspé : Marc Roussel|"
            "IEN / IA-IPR : Sylvie Dumont|Resp. de parcours : Bruno Vasseur") in re.sub(
                r"<[^>]+>", "", ligne.replace("<br>", "|"))
    assert ('<abbr title="IEN ou IA-IPR">IEN / IA-IPR</abbr> : '
            '<span title="identifiant : inspecteur">Sylvie Dumont</span>') in ligne
    assert "Professeur·e des écoles stagiaire" in page  # BERNARD's parcours, given by its id
    # the spreadsheet to fill has the new columns
    modele = secretariat.get("/effectifs/modele.xlsx")
    classeur = openpyxl.load_workbook(io.BytesIO(modele.data))
    assert "Identifiant du responsable de parcours" in [c.value for c in classeur["effectifs"][1]]
    assert classeur["Instructions"]["A2"].value.startswith("Une ligne par stagiaire.")


def test_a_roster_with_errors_gets_its_highlighted_copy_named_after_it(connecte):
    secretariat = connecte("secretariat")
    reponse = secretariat.post("/effectifs", {"tableur": (io.BytesIO(_tableur(
        MOREAU, BERNARD[:9] + ["dupont", "", ""])), "Effectifs 2026.xlsx")})
    page = html.unescape(texte(reponse))
    assert reponse.status_code == 400
    lien = re.search(r'<a href="([^"]+)">Télécharger le tableur avec les cellules fautives '
                     r'surlignées et commentées</a>', page)
    assert lien, page
    copie = secretariat.get(lien.group(1))
    assert copie.status_code == 200
    assert nom_telecharge(copie) == "Effectifs 2026 - erreurs surlignées.xlsx"
    feuille = openpyxl.load_workbook(io.BytesIO(copie.data))["effectifs"]
    colonne = ENTETES.index("Identifiant de l’IEN ou de l’IA-IPR") + 1
    cellule = feuille.cell(row=3, column=colonne)
    assert cellule.value == "dupont"
    assert cellule.fill.fgColor.rgb.endswith("F8CBAD")  # highlighted
    assert "aucun compte « dupont »" in cellule.comment.text
    # nobody else's copy: a tuteur may not import the roster, nor read its copies
    assert connecte("tuteur").get(lien.group(1)).status_code == 404


def test_mes_stagiaires_lists_every_position_with_the_parcours(connecte):
    _importer(connecte("secretariat"), MOREAU, BERNARD)

    tuteur = html.unescape(texte(connecte("tuteur").get("/mes-stagiaires")))
    assert "BERNARD Hugo" in tuteur and "MOREAU Léa" in tuteur
    assert "Professeur·e des écoles stagiaire · École Pasteur, Saint-Aubin" in tuteur
    assert "Vous êtes : tuteur ou tutrice de terrain." in tuteur
    assert "/formulaires/compte_rendu_sopa?stagiaire=" in tuteur  # he writes for them

    stagiaire = html.unescape(texte(connecte("stagiaire").get("/mes-stagiaires")))
    assert "MOREAU Léa" in stagiaire and "BERNARD" not in stagiaire
    assert "M1 MEEF 1er degré (stage SOPA) · École Jules-Ferry, Clairval" in stagiaire
    assert "Vous êtes : stagiaire." in stagiaire
    dossier = re.search(r'href="(/archives/stagiaire/\d+)"', stagiaire).group(1)
    assert "M1 MEEF 1er degré (stage SOPA) · École Jules-Ferry" in html.unescape(
        texte(connecte("stagiaire").get(dossier)))  # the label, not the id

    # the IEN and the responsable de parcours hold a position: the stagiaire is theirs to see
    inspecteur = html.unescape(texte(connecte("inspecteur").get("/mes-stagiaires")))
    assert "MOREAU Léa" in inspecteur and "BERNARD" not in inspecteur
    assert "Vous êtes : IEN ou IA-IPR." in inspecteur
    admin = html.unescape(texte(connecte("admin").get("/mes-stagiaires")))
    assert "Vous êtes : responsable de parcours." in admin and "BERNARD" not in admin
    referent = html.unescape(texte(connecte("referent").get("/mes-stagiaires")))
    assert "Vous êtes : tuteur ou tutrice Inspé." in referent

    autre = texte(connecte("autre", "demo-autre").get("/mes-stagiaires"))
    assert "Aucun stagiaire ne vous est rattaché" in autre and "MOREAU" not in autre


def test_a_form_about_a_roster_stagiaire_is_prefilled_with_the_parcours_label(connecte):
    _importer(connecte("secretariat"), MOREAU[:2] + ["m2_meef_ca"] + MOREAU[3:], BERNARD)
    tuteur = connecte("tuteur")
    page = texte(tuteur.get("/mes-stagiaires"))
    moreau = page[page.index("MOREAU Léa"):]
    sid = re.search(r"/formulaires/accompagnement_renforce_m2ca\?stagiaire=(\d+)", moreau).group(1)
    formulaire = html.unescape(texte(
        tuteur.get(f"/formulaires/accompagnement_renforce_m2ca?stagiaire={sid}")))
    assert 'value="M2 MEEF contractuel alternant"' in formulaire
    assert 'value="m2_meef_ca"' not in formulaire


def test_the_demo_roster_gives_the_demo_tuteur_and_stagiaire_their_stagiaires(connecte, app):
    base = service(app)["base"]
    _importer(connecte("secretariat"), MOREAU, BERNARD)
    effectifs_de_demo(base)  # a roster exists: left as it is
    assert len(effectifs.tous(base)) == 2
    connecte("secretariat").post("/effectifs", {"tableur": (io.BytesIO(_tableur()), "vide.xlsx")})
    assert effectifs.tous(base) == []
    effectifs_de_demo(base)
    tuteur = html.unescape(texte(connecte("tuteur").get("/mes-stagiaires")))
    assert tuteur.count('<h2 id="stagiaire-') >= 4 and "Vous êtes : tuteur ou tutrice de terrain." in tuteur
    assert "Professeur·e des écoles stagiaire" in tuteur and "M2 MEEF contractuel alternant" in tuteur
    stagiaire = html.unescape(texte(connecte("stagiaire").get("/mes-stagiaires")))
    assert stagiaire.count('<h2 id="stagiaire-') == 1 and "MOREAU Léa" in stagiaire
    secretariat = html.unescape(texte(connecte("secretariat").get("/effectifs")))
    assert "12 stagiaires" in secretariat


def test_mes_stagiaires_offers_only_the_forms_of_each_parcours_to_their_writers(connecte):
    """M1 SOPA: the compte-rendu SOPA, not the stagiaires' fiche de personnalisation; a PE
    stagiaire: the fiche and the parcours d'individualisation 1er degré, not the 2d one; the
    stagiaire herself is offered nothing to fill."""
    reponse, _ = _importer(connecte("secretariat"), MOREAU, BERNARD)
    assert reponse.status_code == 200
    page = html.unescape(texte(connecte("tuteur").get("/mes-stagiaires")))
    debuts = sorted((page.index(nom), nom) for nom in ("BERNARD Hugo", "MOREAU Léa"))
    blocs = {nom: page[debut:(debuts[i + 1][0] if i + 1 < len(debuts) else len(page))]
             for i, (debut, nom) in enumerate(debuts)}
    moreau, bernard = blocs["MOREAU Léa"], blocs["BERNARD Hugo"]
    assert "/formulaires/compte_rendu_sopa?stagiaire=" in moreau
    assert "/formulaires/fiche_personnalisation?stagiaire=" not in moreau
    assert "/formulaires/parcours_individualisation_1d?stagiaire=" not in moreau
    assert "/formulaires/fiche_personnalisation?stagiaire=" in bernard
    assert "/formulaires/parcours_individualisation_1d?stagiaire=" in bernard
    assert "/formulaires/parcours_individualisation_2d?stagiaire=" not in bernard
    assert "/formulaires/compte_rendu_sopa?stagiaire=" not in bernard
    assert "/formulaires/" not in html.unescape(texte(connecte("stagiaire").get("/mes-stagiaires")))
