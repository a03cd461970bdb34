"""« Corriger » never changes who can see a document (issue 16).

A recap made for a roster stagiaire, corrected then validated, is read by that stagiaire's
trio and by nobody else; a correction of a document already in the dossier (sent back by
the secretariat, or still waiting for its signatures) is the next version of the same
numéro, read by the same people, its signatures to give again — never a new unrelated
document. A complete one is not replaced without a renvoi.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.catalogue.validation import valider
from service.dossier import suivi
from service.personnes.comptes import creer_jeton
from service.personnes.demo import effectifs_de_demo
from service.personnes.effectifs import Stagiaire
from service.web import service
from tests.outils import normaliser, pdf_texte
from tests.web.outils import (
    conforme,
    dossier_de,
    entetes,
    remplir_en_ligne,
    texte,
    trace_de_signature,
)

# the demo accounts who may or may not read Léa's (and Manon's) documents: her trio, then
# tutors of other stagiaires
LECTEURS = ("stagiaire", "tuteur", "referent", "tuteur2", "referent2", "ipr")


@pytest.fixture(scope="module")
def app(app):
    effectifs_de_demo(service(app)["base"])
    return app


@pytest.fixture(scope="module")
def monde(app, connecte, catalogue):
    base = service(app)["base"]
    with Session(base) as session:
        ids = {s.nom: s.id for s in session.scalars(select(Stagiaire))}
    return {"base": base, "sorties": service(app)["config"].sorties, "ids": ids,
            "clients": {qui: connecte(qui) for qui in LECTEURS + ("secretariat",)},
            "jeton": creer_jeton(base, "tuteur"), "api": app.test_client()}


def _valeurs(catalogue, gabarit_id: str, **changees) -> dict:
    declaration = catalogue.gabarit(gabarit_id).formulaire
    return valider(declaration, declaration.exemple | changees)


def _recap(monde, catalogue, gabarit_id: str, sid: int, **changees) -> str:
    """Hélène (the demo tuteur) fills the form for stagiaire ``sid``: the recap's address."""
    reponse = remplir_en_ligne(monde["clients"]["tuteur"], catalogue.gabarit(gabarit_id).formulaire,
                               _valeurs(catalogue, gabarit_id, **changees), sid)
    assert reponse.status_code == 302, texte(reponse)[:2000]
    return reponse.headers["Location"]


def _valider(monde, recap: str):
    jeton = recap.rsplit("/", 1)[1]
    return monde["clients"]["tuteur"].post(f"/brouillons/{jeton}/valider", {}, page=recap)


def _ecrire(monde, catalogue, gabarit_id: str, sid: int, **changees) -> str:
    """Fills, checks and validates: the document's numéro."""
    reponse = _valider(monde, _recap(monde, catalogue, gabarit_id, sid, **changees))
    assert reponse.status_code == 302 and reponse.headers["Location"].startswith("/documents/")
    return reponse.headers["Location"].rsplit("/", 1)[1]


def _lecteurs(monde, numero: str) -> dict[str, int]:
    return {qui: monde["clients"][qui].get(f"/documents/{numero}").status_code
            for qui in LECTEURS}


def _versions(monde, numero: str) -> list[tuple[int, list[str]]]:
    fiche = json.loads((monde["sorties"] / "documents" / numero / "document.json")
                       .read_text(encoding="utf-8"))
    return [(v["version"], [s["champ"] for s in v["signataires"]]) for v in fiche["versions"]]


def _signer(monde, numero: str, champ: str, forme: int = 0) -> None:
    reponse = monde["clients"]["tuteur"].post(f"/documents/{numero}/signer", {
        "champ": champ, "trace": trace_de_signature(forme)}, page=f"/documents/{numero}/signer")
    assert reponse.status_code == 302, texte(reponse)[:1500]


def _renvoyer(monde, sid: int, gabarit_id: str) -> None:
    ligne = dossier_de(monde["base"], sid, gabarit_id)
    suivi.renvoyer(monde["base"], ligne.id, "La période de stage est fausse.", "secretariat")
    assert dossier_de(monde["base"], sid, gabarit_id).etat == "renvoye"


def test_corriger_from_the_recap_keeps_the_stagiaire(monde, catalogue):
    """The recap's « Corriger » carries the stagiaire: the corrected document is in Léa's
    dossier, read by her trio (200), not by another trio (404)."""
    sid = monde["ids"]["MOREAU"]
    helene = monde["clients"]["tuteur"]
    recap = _recap(monde, catalogue, "compte_rendu_sopa", sid, titulaire_classe="M. Premier")
    page = texte(helene.get(recap))
    (corriger,) = set(re.findall(r'href="([^"]+)">Corriger<', page))  # above and below the pages
    corriger = corriger.replace("&amp;", "&")
    assert f"stagiaire={sid}" in corriger and "brouillon=" in corriger
    formulaire = texte(helene.get(corriger))
    assert f'name="stagiaire" value="{sid}"' in formulaire
    assert 'value="M. Premier"' in formulaire  # what was typed, not the roster's pre-fill
    # corrected, checked again, validated
    reponse = remplir_en_ligne(helene, catalogue.gabarit("compte_rendu_sopa").formulaire,
                               _valeurs(catalogue, "compte_rendu_sopa",
                                        titulaire_classe="M. Second"), sid, page=corriger)
    assert reponse.status_code == 302
    numero = _valider(monde, reponse.headers["Location"]).headers["Location"].rsplit("/", 1)[1]
    assert _lecteurs(monde, numero) == {"stagiaire": 200, "tuteur": 200, "referent": 200,
                                        "tuteur2": 404, "referent2": 404, "ipr": 404}
    ligne = dossier_de(monde["base"], sid, "compte_rendu_sopa")
    assert (ligne.numero, ligne.etat) == (numero, "en_signature")
    assert _versions(monde, numero) == [(1, [])]
    assert "M. Second" in normaliser(pdf_texte(monde["sorties"] / "documents" / numero / "v1.pdf"))


def test_a_correction_is_the_next_version_of_the_same_numero(monde, catalogue):
    """Léa's compte-rendu, corrected in each state where it may be: waiting for its signature,
    sent back, then archived and sent back (by the pages and the API). Always the same numéro,
    the same readers, the signature to give again; complete, it is not replaced."""
    sid = monde["ids"]["MOREAU"]
    numero = dossier_de(monde["base"], sid, "compte_rendu_sopa").numero  # the test above's
    assert numero, "test_corriger_from_the_recap_keeps_the_stagiaire makes it"
    lecteurs = _lecteurs(monde, numero)
    n = len(_versions(monde, numero))

    # en signature, nothing signed: its writer corrects it directly
    assert _ecrire(monde, catalogue, "compte_rendu_sopa", sid, titulaire_classe="M. Trois") \
        == numero
    assert _versions(monde, numero)[-1] == (n + 1, [])
    assert dossier_de(monde["base"], sid, "compte_rendu_sopa").etat == "en_signature"

    # sent back by the secretariat while waiting for its signature
    _renvoyer(monde, sid, "compte_rendu_sopa")
    assert _ecrire(monde, catalogue, "compte_rendu_sopa", sid, titulaire_classe="M. Quatre") \
        == numero
    assert _versions(monde, numero)[-1] == (n + 2, [])

    # signed, hence archived: not replaced without a renvoi, neither online nor by the API
    _signer(monde, numero, "signature_tuteur")
    ligne = dossier_de(monde["base"], sid, "compte_rendu_sopa")
    assert ligne.etat == "archive" and _versions(monde, numero)[-1] == (n + 3, ["signature_tuteur"])
    reponse = _valider(monde, _recap(monde, catalogue, "compte_rendu_sopa", sid,
                                     titulaire_classe="M. Cinq"))
    assert reponse.status_code == 302 and "/brouillons/" in reponse.headers["Location"]
    assert "Document non enregistré : ce document est déjà signé ou archivé" in texte(
        monde["clients"]["tuteur"].get(reponse.headers["Location"]))
    exemple = catalogue.gabarit("compte_rendu_sopa").formulaire.exemple
    reponse = monde["api"].post("/api/documents", headers=entetes(monde["jeton"]), json={
        "gabarit": "compte_rendu_sopa", "stagiaire": sid, "donnees": exemple})
    assert reponse.status_code == 409
    assert "renvoyer" in conforme(reponse, "/api/documents", "post")["erreurs"][0]["message"]
    assert len(_versions(monde, numero)) == n + 3
    assert dossier_de(monde["base"], sid, "compte_rendu_sopa").etat == "archive"

    # archived, then sent back: corrected through the API, the same numéro again
    _renvoyer(monde, sid, "compte_rendu_sopa")
    reponse = monde["api"].post("/api/documents", headers=entetes(monde["jeton"]), json={
        "gabarit": "compte_rendu_sopa", "stagiaire": sid,
        "donnees": exemple | {"titulaire_classe": "M. Six"}})
    assert reponse.status_code == 201, reponse.json
    assert conforme(reponse, "/api/documents", "post")["numero"] == numero
    assert _versions(monde, numero)[-1] == (n + 4, [])  # its signature to give again
    ligne = dossier_de(monde["base"], sid, "compte_rendu_sopa")
    assert (ligne.etat, ligne.signes, ligne.numero) == ("en_signature", "", numero)
    assert 'value="signature_tuteur"' in texte(
        monde["clients"]["tuteur"].get(f"/documents/{numero}/signer"))
    assert _lecteurs(monde, numero) == lecteurs


def test_a_correction_with_some_slots_signed_gives_them_again(monde, catalogue):
    """Manon's accompagnement renforcé (M2 MEEF CA): her tuteur signed his slot, the
    secretariat sends it back; corrected, it is the same numéro, unsigned, his slot open."""
    sid = monde["ids"]["CHEVALIER"]
    numero = _ecrire(monde, catalogue, "accompagnement_renforce_m2ca", sid)
    lecteurs = _lecteurs(monde, numero)
    assert lecteurs["tuteur"] == lecteurs["referent"] == 200 and lecteurs["tuteur2"] == 404
    _signer(monde, numero, "signature_tuteur")
    ligne = dossier_de(monde["base"], sid, "accompagnement_renforce_m2ca")
    assert (ligne.etat, ligne.signes) == ("en_signature", "signature_tuteur")
    _renvoyer(monde, sid, "accompagnement_renforce_m2ca")
    # sent back, it waits for its correction: nobody signs the old version meanwhile
    referent = monde["clients"]["referent"]
    attente = texte(referent.get(f"/documents/{numero}/signer"))
    assert "renvoyé pour être corrigé" in attente
    assert "produira" not in attente  # no next version is offered: the form is not there
    assert referent.post(f"/documents/{numero}/signer", {
        "champ": "signature_referent", "trace": trace_de_signature()},
        page=f"/documents/{numero}/signer").status_code == 404
    assert _ecrire(monde, catalogue, "accompagnement_renforce_m2ca", sid,
                   ia_ipr_nom="Mme Autre") == numero
    assert _versions(monde, numero) == [(1, []), (2, ["signature_tuteur"]), (3, [])]
    ligne = dossier_de(monde["base"], sid, "accompagnement_renforce_m2ca")
    assert (ligne.etat, ligne.signes) == ("en_signature", "")
    assert 'value="signature_tuteur"' in texte(
        monde["clients"]["tuteur"].get(f"/documents/{numero}/signer"))
    assert _lecteurs(monde, numero) == lecteurs
    # signed again with another stroke, then by the tuteur Inspé: the later versions carry the
    # new picture, never the one given before the correction
    _signer(monde, numero, "signature_tuteur", forme=1)
    reponse = referent.post(f"/documents/{numero}/signer", {
        "champ": "signature_referent", "trace": trace_de_signature(2)},
        page=f"/documents/{numero}/signer")
    assert reponse.status_code == 302
    assert _versions(monde, numero)[-1] == (5, ["signature_tuteur", "signature_referent"])
    dossier = monde["sorties"] / "documents" / numero
    gabarit = _images(dossier / "v1.docx")  # its own pictures (the logo), before any signature
    premiere = _images(dossier / "v2.docx") - gabarit
    signatures = _images(dossier / "v5.docx") - gabarit
    assert len(premiere) == 1 and len(signatures) == 2
    assert not premiere & signatures  # the stroke given before the correction is gone


def _images(docx) -> set[bytes]:
    """The pictures a Word file holds (the signatures laid in its slots)."""
    import zipfile

    with zipfile.ZipFile(docx) as z:
        return {z.read(n) for n in z.namelist() if n.startswith("word/media/")}
