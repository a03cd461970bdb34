"""A pre-filled .docx from « Mes stagiaires » sent back with no value changed: « inchangé » on the
check page, in the API's JSON and for ``archiver``; still expected; archived only when asked.
The same .docx with one value changed is received as before."""

from __future__ import annotations

import html
import io
import re

import pytest

from service.archive.depot import INCHANGE
from service.catalogue.tableur import modele_import
from service.catalogue.validation import valider
from service.personnes import effectifs
from service.personnes.comptes import creer_jeton
from service.web import service
from tests.outils import Word
from tests.web.outils import champs_du_formulaire, conforme, deposer, entetes, texte


@pytest.fixture(scope="module")
def app(app):
    # the roster's example: MOREAU Léa (M1 SOPA), trio stagiaire / tuteur / referent
    effectifs.importer(service(app)["base"], modele_import(effectifs.DECLARATION), "liste.xlsx")
    return app


@pytest.fixture(scope="module")
def moreau(app):
    (lea,) = [s for s in effectifs.tous(service(app)["base"]) if s.nom == "MOREAU"]
    return lea


def page(reponse) -> str:
    return html.unescape(texte(reponse))


def pre_rempli(navigateur, moreau) -> bytes:
    """The compte-rendu as « Mes stagiaires » offers it while it is to fill: « télécharger
    pré-rempli (.docx) » (the first test sees the link; later ones follow it again)."""
    reponse = navigateur.get(f"/stagiaires/{moreau.id}/compte_rendu_sopa.docx")
    assert reponse.status_code == 200 and reponse.data.startswith(b"PK")
    return reponse.data


def attendu(connecte, moreau) -> bool:
    """Whether the compte-rendu is still « à remplir » in Léa's dossier, on the secretariat's page
    of her dossier (an upload that counts moves it to « à vérifier »)."""
    dossier = page(connecte("secretariat").get(f"/archives/stagiaire/{moreau.id}"))
    return re.search(r"Compte-rendu.{0,600}?À remplir", dossier, re.S) is not None


def test_an_untouched_pre_filled_docx_is_inchange_everywhere(app, connecte, catalogue, moreau,
                                                              tmp_path, capsys):
    tuteur = connecte("tuteur")
    assert attendu(connecte, moreau)
    assert f"/stagiaires/{moreau.id}/compte_rendu_sopa.docx" in texte(tuteur.get("/mes-stagiaires"))
    reponse = deposer(tuteur, Word(pre_rempli(tuteur, moreau)).enregistrer(), "compte-rendu.docx")
    assert reponse.status_code == 302
    verification = reponse.headers["Location"]
    numero = verification.split("/")[2]

    contenu = page(tuteur.get(verification))
    haut = contenu[contenu.index("<h1>"):contenu.index("<dl")]  # above what was read
    assert INCHANGE in haut
    assert "l’archiver quand même" in contenu
    # not received: still expected in the dossier
    assert attendu(connecte, moreau)
    assert f"{numero}" in (recherche := page(tuteur.get("/archives")))
    assert "Reçu (inchangé)" in recherche
    assert "revenue telle qu’elle a été pré-remplie" in page(tuteur.get(f"/archives/{numero}"))

    # « Archiver » with every value right but without the box ticked: nothing archived
    declaration = catalogue.gabarit("compte_rendu_sopa").formulaire
    donnees = champs_du_formulaire(declaration, valider(declaration, declaration.exemple | {
        "stagiaire_nom": "MOREAU", "stagiaire_prenom": "Léa"}))
    reponse = tuteur.post(verification, dict(donnees, action="archiver"))
    assert reponse.status_code == 400
    assert "Cochez « l’archiver quand même »" in page(reponse) and INCHANGE in page(reponse)
    assert tuteur.get(f"/archives/{numero}/v1.pdf").status_code == 404
    assert attendu(connecte, moreau)

    # the API says it, and archives it only when asked
    base = service(app)["base"]
    jeton = creer_jeton(base, "tuteur")
    reponse = tuteur.client.post(
        "/api/archives", headers=entetes(jeton),
        data={"fichier": (io.BytesIO(pre_rempli(tuteur, moreau)), "cr.docx")})
    assert reponse.status_code == 201
    depot = conforme(reponse, "/api/archives", "post")
    assert depot["inchange"] is True and depot["avertissement"] == INCHANGE
    chemin = "/api/archives/{numero}/versions/{version}/archiver"
    reponse = tuteur.client.post(f"/api/archives/{depot['numero']}/versions/1/archiver",
                                 headers=entetes(jeton), json={})
    assert reponse.status_code == 409
    assert conforme(reponse, chemin, "post")["erreurs"][0]["message"].startswith(INCHANGE)
    fiche = tuteur.client.get(f"/api/archives/{depot['numero']}", headers=entetes(jeton)).json
    assert fiche["statut_libelle"] == "Reçu (inchangé)" and fiche["versions"][0]["inchange"]

    # the command line refuses it: code 2, the sentence, nothing archived
    from service.cli import main

    config = service(app)["config"]
    (tmp_path / "cr.docx").write_bytes(pre_rempli(tuteur, moreau))
    environ = {"DATABASE_URL": config.base_de_donnees, "INSPE_SORTIES": str(config.sorties),
               "INSPE_DONNEES": str(config.donnees)}
    assert main(["archiver", str(tmp_path / "cr.docx")], environ=environ) == 2
    assert INCHANGE in capsys.readouterr().err
    assert attendu(connecte, moreau)


def test_the_same_docx_with_one_value_changed_is_received(connecte, moreau):
    tuteur = connecte("tuteur")
    assert attendu(connecte, moreau)
    word = Word(pre_rempli(tuteur, moreau))
    word.saisir(word.controles("lieu_stage")[0], "École Paul-Bert, Clairval")
    reponse = deposer(tuteur, word.enregistrer(), "compte-rendu complété.docx")
    assert reponse.status_code == 302
    numero = reponse.headers["Location"].split("/")[2]
    contenu = page(tuteur.get(reponse.headers["Location"]))
    assert INCHANGE not in contenu and "l’archiver quand même" not in contenu
    assert not attendu(connecte, moreau)
    recherche = page(tuteur.get("/archives"))
    ligne = recherche[recherche.index(numero):][:600]
    assert "Reçu" in ligne and "inchangé" not in ligne


def test_ticking_l_archiver_quand_meme_archives_it(connecte, catalogue, moreau):
    tuteur = connecte("tuteur")
    reponse = deposer(tuteur, pre_rempli(tuteur, moreau), "compte-rendu.docx")
    verification = reponse.headers["Location"]
    numero = verification.split("/")[2]
    assert INCHANGE in page(tuteur.get(verification))
    declaration = catalogue.gabarit("compte_rendu_sopa").formulaire
    donnees = champs_du_formulaire(declaration, valider(declaration, declaration.exemple | {
        "stagiaire_nom": "MOREAU", "stagiaire_prenom": "Léa"}))
    reponse = tuteur.post(verification, dict(donnees, inchange_accepte="oui", action="archiver"))
    assert reponse.status_code == 302 and reponse.headers["Location"] == f"/archives/{numero}"
    assert tuteur.get(f"/archives/{numero}/v1.pdf").status_code == 200
    assert "Archivé" in page(tuteur.get(f"/archives/{numero}"))
