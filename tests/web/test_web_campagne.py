"""The campaign on the web: the secretariat's page, its filters and export, « Relancer »,
« Renvoyer à son auteur » and « Retirer » with their confirmation; nobody else sees any of it."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from sqlalchemy.orm import Session

from service import journal
from service.archive.courriel import Messagerie
from service.catalogue.contexte import aujourdhui
from service.dossier import suivi
from service.dossier.modele import DocumentDuDossier
from service.personnes import effectifs
from service.web import service
from tests.web.outils import campagne_en_retard, texte

JOUR = aujourdhui()
IDS: dict[str, int] = {}  # the late rows (tests/web/outils.py, ``campagne_en_retard``)


def _jours(n: int) -> dt.date:
    return JOUR + dt.timedelta(days=n)


@pytest.fixture(scope="module")
def app(app, catalogue):
    IDS.update(campagne_en_retard(service(app)["base"], catalogue, JOUR))
    return app


def _suivre(navigateur, reponse) -> str:
    assert reponse.status_code == 302, texte(reponse)[:2000]
    return texte(navigateur.get(reponse.headers["Location"]))


def _etat(app, doc_id: int) -> str:
    with Session(service(app)["base"]) as session:
        return session.get(DocumentDuDossier, doc_id).etat


def test_the_secretariat_sees_the_counts_and_the_late_documents(connecte):
    secretariat = connecte("secretariat")
    page = texte(secretariat.get("/campagne"))
    annee = suivi.annee_courante()
    assert f"Campagne {annee} : les dossiers de tutorat" in page
    assert '<a href="/campagne">Campagne</a>' in page  # in the menu
    ligne = re.search(r"<tr><th scope=\"row\">Compte-rendu du tuteur de stage SOPA[^<]*</th>"
                      r"((?:<td>\d+</td>)+)</tr>", page)
    assert re.findall(r"\d+", ligne.group(1)) == ["1", "0", "0", "0", "0", "0", "0", "0", "1"]
    total = re.search(r"<th scope=\"row\">Total</th>((?:<td>\d+</td>)+)", page)
    assert re.findall(r"\d+", total.group(1)) == ["3", "0", "0", "1", "0", "0", "0", "0", "4"]
    assert "4 documents en retard" in page
    rangs = re.findall(r"<tr>\s*<td><a href=\"/archives/stagiaire/\d+\">([^<]+)</a>.*?"
                       r"<td class=\"sans-coupure\">([^<]+)</td>.*?<td>([^<]*)</td>\s*<td>", page,
                       re.S)
    assert rangs == [("DUVAL Hugo", f"{_jours(-30):%d/%m/%Y}", "Hélène Garnier, Marc Roussel"),
                     ("ROUX Théo", f"{_jours(-10):%d/%m/%Y}", "le secrétariat"),
                     ("DUVAL Hugo", f"{_jours(-5):%d/%m/%Y}", "Sylvie Dumont"),
                     ("MOREAU Léa", f"{_jours(-1):%d/%m/%Y}", "Hélène Garnier")]
    assert "L’envoi de courriels n’est pas configuré" in page
    assert "4 documents en retard" in texte(connecte("admin").get("/campagne"))


def test_the_filters_and_the_export(connecte):
    secretariat = connecte("secretariat")
    page = texte(secretariat.get("/campagne?parcours=pe_stagiaire"))
    assert "2 documents en retard" in page and "MOREAU Léa" not in page
    assert '<option value="pe_stagiaire" selected>' in page
    page = texte(secretariat.get("/campagne?etat=en_signature&gabarit=inconnu"))
    assert "1 document en retard" in page and "Sylvie Dumont" in page
    export = secretariat.get("/campagne/export.xlsx?parcours=pe_stagiaire")
    assert export.status_code == 200
    feuille = openpyxl.load_workbook(io.BytesIO(export.data)).active
    lignes = [[c.value for c in ligne] for ligne in feuille.iter_rows()]
    assert [ligne[:2] for ligne in lignes[1:]] == [
        ["DUVAL Hugo", "Professeur·e des écoles stagiaire"]] * 2
    assert lignes[2][5] == "Sylvie Dumont"


def test_reminders_from_the_page(app, connecte, serveur_smtp):
    secretariat = connecte("secretariat")
    page = _suivre(secretariat, secretariat.post("/campagne/relancer", {}, page="/campagne"))
    assert "L’envoi de courriels n’est pas configuré sur ce service" in page
    port, recus = serveur_smtp
    service(app)["messagerie"] = Messagerie.depuis(f"smtp://127.0.0.1:{port}",
                                                   "scolarite@clairval.example")
    try:
        assert "Relancer pour tous ces retards" in texte(secretariat.get("/campagne"))
        page = _suivre(secretariat, secretariat.post(
            "/campagne/relancer", {"document": IDS["moreau"]}, page="/campagne"))
        assert "Relance envoyée à Hélène Garnier &lt;tuteur@clairval.example&gt;." in page
        ((destinataires, message),) = recus
        corps = message.get_content()
        assert "DUVAL Hugo" in corps and "MOREAU Léa" in corps  # all that is hers
        moreau = effectifs.tous(service(app)["base"])[1]
        assert f"https://localhost/formulaires/compte_rendu_sopa?stagiaire={moreau.id}" in corps
        page = _suivre(secretariat, secretariat.post("/campagne/relancer", {}, page="/campagne"))
        assert "Relances envoyées à Sylvie Dumont &lt;inspecteur@clairval.example&gt;, " \
               "Marc Roussel &lt;referent@clairval.example&gt;." in page
        assert "Déjà relancé aujourd’hui (un courriel par jour au plus) : Hélène Garnier" in page
        assert len(recus) == 3
        inspecteur = next(m for d, m in recus if d == ["inspecteur@clairval.example"])
        assert "https://localhost/documents/D-ESSAI-000002/signer" in inspecteur.get_content()
    finally:
        del service(app)["messagerie"]
    assert [e.quoi for e in journal.entrees(service(app)["base"])].count("relance") == 3


def test_sending_back_asks_for_a_reason_then_tells_the_author(app, connecte, serveur_smtp):
    secretariat = connecte("secretariat")
    adresse = f"/campagne/documents/{IDS['parcours']}/renvoyer?parcours=pe_stagiaire"
    page = texte(secretariat.get(adresse))
    assert "Renvoyer à son auteur" in page and "Raison du renvoi *" in page
    assert "Qui sera prévenu</dt><dd>Hélène Garnier" in page
    reponse = secretariat.post(adresse, {"motif": " "})
    assert reponse.status_code == 400 and "Indiquez la raison" in texte(reponse)
    assert _etat(app, IDS["parcours"]) == "en_signature"
    port, recus = serveur_smtp
    service(app)["messagerie"] = Messagerie.depuis(f"smtp://127.0.0.1:{port}",
                                                   "scolarite@clairval.example")
    try:
        reponse = secretariat.post(adresse, {"motif": "Le projet de l’IEN manque."})
        assert reponse.headers["Location"] == f"/campagne?annee={suivi.annee_courante()}" \
                                              "&parcours=pe_stagiaire"
        page = texte(secretariat.get(reponse.headers["Location"]))
    finally:
        del service(app)["messagerie"]
    assert "de DUVAL Hugo : renvoyé à son auteur." in page
    assert "Courriel envoyé à Hélène Garnier &lt;tuteur@clairval.example&gt;." in page
    assert _etat(app, IDS["parcours"]) == "renvoye"
    ((destinataires, message),) = recus
    assert destinataires == ["tuteur@clairval.example"]
    assert "Le projet de l’IEN manque." in message.get_content()
    # a second time: refused, said
    reponse = secretariat.post(adresse, {"motif": "Encore."})
    assert reponse.status_code == 409 and "ne peut pas être renvoyé" in texte(reponse)
    # a document still to fill cannot be sent back: not offered
    assert f"/campagne/documents/{IDS['moreau']}/renvoyer" not in texte(secretariat.get("/campagne"))


def test_withdrawing_asks_for_a_reason(app, connecte):
    secretariat = connecte("secretariat")
    adresse = f"/campagne/documents/{IDS['roux']}/retirer"
    assert "Raison du retrait *" in texte(secretariat.get(adresse))
    assert secretariat.post(adresse, {"motif": ""}).status_code == 400
    page = _suivre(secretariat, secretariat.post(adresse, {"motif": "Théo a quitté le M2."}))
    assert "de ROUX Théo : retiré du dossier." in page and "ROUX Théo</a>" not in page
    assert _etat(app, IDS["roux"]) == "retire"
    assert "Théo a quitté le M2." in journal.entrees(service(app)["base"])[-1].detail


@pytest.mark.parametrize("identifiant", ["tuteur", "stagiaire", "inspecteur"])
def test_nobody_else_sees_the_campaign(app, connecte, identifiant):
    navigateur = connecte(identifiant)
    assert "/campagne" not in texte(navigateur.get("/"))
    for adresse in ("/campagne", "/campagne/export.xlsx",
                    f"/campagne/documents/{IDS['fiche']}/renvoyer",
                    f"/campagne/documents/{IDS['fiche']}/retirer"):
        assert navigateur.get(adresse).status_code == 404, adresse
    for adresse in ("/campagne/relancer", f"/campagne/documents/{IDS['fiche']}/retirer"):
        reponse = navigateur.post(adresse, {"motif": "non", "document": IDS["fiche"]}, page="/")
        assert reponse.status_code == 404, adresse
    assert _etat(app, IDS["fiche"]) == "a_remplir"


def test_signed_out_the_campaign_asks_to_sign_in(client):
    for adresse in ("/campagne", "/campagne/export.xlsx"):
        reponse = client.get(adresse, base_url="https://localhost")
        assert reponse.status_code == 302
        assert reponse.headers["Location"] == f"/connexion?suivant={adresse}"
