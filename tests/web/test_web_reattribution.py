"""A disabled account's slots on the campaign (« Signatures en attente d’un compte désactivé »),
given to another account: the roster changed, the audit log told, the new signer e-mailed."""

from __future__ import annotations

import re

import pytest

from service import journal
from service.archive.courriel import Messagerie
from service.catalogue.contexte import aujourdhui
from service.personnes import effectifs
from service.personnes.comptes import creer_compte
from service.web import service
from tests.web.outils import campagne_en_retard, texte


@pytest.fixture(scope="module")
def app(app, catalogue):
    campagne_en_retard(service(app)["base"], catalogue, aujourdhui(),
                       service(app)["config"].sorties)
    return app


def _duval(app) -> effectifs.Stagiaire:
    return next(s for s in effectifs.tous(service(app)["base"]) if s.nom == "DUVAL")


def _suivre(navigateur, reponse) -> str:
    assert reponse.status_code == 302, texte(reponse)[:2000]
    return texte(navigateur.get(reponse.headers["Location"]))


def test_disabled_account_s_slot_is_given_to_another_account(app, connecte, serveur_smtp):
    base = service(app)["base"]
    creer_compte(base, "ien2", "Paul Nouvel", "inspecteur", "x" * 12, "ien2@clairval.example")
    secretariat = connecte("secretariat")
    assert "compte désactivé" not in texte(secretariat.get("/campagne"))
    admin = connecte("admin")
    page = _suivre(admin, admin.post("/admin/comptes/inspecteur/desactiver", {},
                                     page="/admin/comptes"))
    assert re.search(r"Compte « inspecteur » désactivé : ses sessions sont terminées\. Il laisse "
                     r"1 signature ou rédaction en attente : <a href=\"/campagne#desactives\">", page)
    page = texte(secretariat.get("/campagne"))
    section = page.split('id="desactives"')[1].split('id="etats"')[0]
    assert "Signatures en attente d’un compte désactivé" in page
    assert "DUVAL Hugo" in section and "Parcours" in section and "Sylvie Dumont" in section
    assert "signature : " in section
    assert "Paul Nouvel (ien2)" in section and "Hélène Garnier" not in section  # the role fits
    # an account that may not hold the poste: nothing changes
    page = _suivre(secretariat, secretariat.post("/campagne/reattribuer", {
        "stagiaire": _duval(app).id, "poste": "inspecteur", "compte": "tuteur"}, page="/campagne"))
    assert "Rien n’a été changé : le compte « tuteur » (Hélène Garnier) est un compte « Tuteur " \
           "ou tutrice », qui ne peut pas être : IEN ou IA-IPR." in page
    assert _duval(app).inspecteur == "inspecteur"
    port, recus = serveur_smtp
    service(app)["messagerie"] = Messagerie.depuis(f"smtp://127.0.0.1:{port}",
                                                   "scolarite@clairval.example")
    try:
        page = _suivre(secretariat, secretariat.post("/campagne/reattribuer", {
            "stagiaire": _duval(app).id, "poste": "inspecteur", "compte": "ien2"},
            page="/campagne"))
    finally:
        del service(app)["messagerie"]
    assert "DUVAL Hugo : IEN ou IA-IPR, « inspecteur » remplacé par « ien2 »." in page
    assert "Courriel « document à signer » envoyé à : ien2." in page
    assert "compte désactivé" not in page
    assert _duval(app).inspecteur == "ien2"
    ((destinataires, message),) = recus
    assert destinataires == ["ien2@clairval.example"]
    assert message["Subject"].startswith("Document à signer") and "Paul Nouvel" in message.get_content()
    assert "/documents/D-ESSAI-000002/signer" in message.get_content()
    (entree,) = [e for e in journal.entrees(base) if e.quoi == "poste_reattribue"]
    assert entree.qui == "secretariat (secretariat)"
    assert entree.detail == "IEN ou IA-IPR : inspecteur → ien2"


@pytest.mark.parametrize("identifiant", ["tuteur", "stagiaire", None])
def test_nobody_else_reassigns(app, connecte, client, identifiant):
    donnees = {"stagiaire": _duval(app).id, "poste": "inspecteur", "compte": "tuteur"}
    if identifiant is None:
        reponse = client.post("/campagne/reattribuer", data=donnees, base_url="https://localhost")
        assert reponse.status_code in (302, 400)
    else:
        assert connecte(identifiant).post("/campagne/reattribuer", donnees,
                                          page="/").status_code == 404
    assert _duval(app).inspecteur != "tuteur"


def test_a_document_to_write_by_a_disabled_account_is_listed_too(app, connecte):
    connecte("admin").post("/admin/comptes/referent/desactiver", {}, page="/admin/comptes")
    page = texte(connecte("secretariat").get("/campagne"))
    section = page.split('id="desactives"')[1].split('id="etats"')[0]
    assert "rédaction : tuteur ou tutrice Inspé" in section and "Marc Roussel" in section
