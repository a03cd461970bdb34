"""Issue 16: a stagiaire forging her tutor's compte-rendu, through the pages and the API.

Léa Moreau (the demo « stagiaire ») tries to write the compte-rendu SOPA about herself
(its declaration says ``redige_par: [tuteur_terrain]``), then to sign her tutor's slot
typing her tutor's name: refused everywhere (404, what one may not do does not exist),
nothing stored, the refusal in the audit log. Her own slot she signs, and what is printed
under it is her account's name and qualité, whatever she typed; the same through the API.
"""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import journal
from service.archive.depot import Archive
from service.catalogue.contexte import aujourdhui
from service.catalogue.validation import valider
from service.personnes.comptes import creer_jeton
from service.personnes.demo import effectifs_de_demo
from service.personnes.effectifs import Stagiaire
from service.web import service
from tests.outils import normaliser, pdf_texte
from tests.web.outils import (
    champs_du_formulaire,
    conforme,
    dossier_de,
    entetes,
    texte,
    trace_de_signature,
)

AUJOURDHUI = aujourdhui().strftime("%d/%m/%Y")


@pytest.fixture(scope="module")
def app(app):
    """The demo roster, and a second entry of Léa's account in M2 MEEF CA: the accompagnement
    renforcé has a slot of hers (the compte-rendu SOPA has none)."""
    base = service(app)["base"]
    effectifs_de_demo(base)
    with Session(base) as session, session.begin():
        session.add(Stagiaire(nom="MOREAU", prenom="Léa", parcours="m2_meef_ca",
                              lieu="École élémentaire Jean-Moulin, Clairval",
                              periode_debut="2026-09-01", periode_fin="2027-06-30",
                              compte_stagiaire="stagiaire", tuteur_terrain="tuteur",
                              tuteur_inspe="referent", inspecteur="inspecteur"))
    return app


@pytest.fixture(scope="module")
def monde(app, connecte):
    base = service(app)["base"]
    with Session(base) as session:
        lea = {s.parcours: s.id for s in session.scalars(
            select(Stagiaire).where(Stagiaire.compte_stagiaire == "stagiaire"))}
    return {"base": base, "sorties": service(app)["config"].sorties,
            "sopa": lea["m1_meef_1d_sopa"], "m2": lea["m2_meef_ca"],
            "lea": connecte("stagiaire"), "helene": connecte("tuteur"),
            "jetons": {qui: creer_jeton(base, qui) for qui in ("stagiaire", "tuteur")}}


def _fiche(monde, numero: str) -> dict:
    return json.loads((monde["sorties"] / "documents" / numero / "document.json")
                      .read_text(encoding="utf-8"))


def _archives(monde) -> int:
    with Session(monde["base"]) as session:
        return session.scalar(select(func.count()).select_from(Archive))


def _etat(monde, stagiaire_id: int, gabarit_id: str):
    ligne = dossier_de(monde["base"], stagiaire_id, gabarit_id)
    return ligne and (ligne.etat, ligne.signes, ligne.numero, ligne.modifie_le)


def test_lea_cannot_write_the_compte_rendu_about_herself(app, monde, catalogue):
    lea, sid = monde["lea"], monde["sopa"]
    declaration = catalogue.gabarit("compte_rendu_sopa").formulaire
    valeurs = catalogue.gabarit("compte_rendu_sopa").formulaire.exemple
    assert "/formulaires/compte_rendu_sopa" not in texte(lea.get("/"))  # not offered
    avant = _etat(monde, sid, "compte_rendu_sopa")  # « à remplir », by her tutor
    assert avant is None or avant[:3] == ("a_remplir", "", None)
    assert lea.get("/formulaires/compte_rendu_sopa").status_code == 404
    assert lea.get(f"/formulaires/compte_rendu_sopa?stagiaire={sid}").status_code == 404
    donnees = dict(champs_du_formulaire(declaration, valider(declaration, valeurs)),
                   stagiaire=sid, action="apercu")
    assert lea.post("/formulaires/compte_rendu_sopa", donnees, page="/").status_code == 404
    reponse = lea.client.post(  # the form's own address, as if she had found the page
        f"/formulaires/compte_rendu_sopa?stagiaire={sid}", data=donnees,
        base_url="https://localhost")
    assert reponse.status_code in (400, 404)  # no CSRF token from a page she cannot open
    reponse = app.test_client().post(
        "/api/documents", headers=entetes(monde["jetons"]["stagiaire"]),
        json={"gabarit": "compte_rendu_sopa", "stagiaire": sid, "donnees": valeurs})
    assert reponse.status_code == 404
    assert conforme(reponse, "/api/documents", "post")["erreurs"][0]["message"] == "introuvable"
    brouillons = service(app)["config"].sorties / "brouillons"
    assert not brouillons.exists() or not any(brouillons.rglob("meta.json"))
    assert _etat(monde, sid, "compte_rendu_sopa") == avant  # the dossier did not move


def test_lea_cannot_sign_her_tutor_s_slot_on_the_web_nor_through_the_api(app, monde, catalogue):
    """Her tutor wrote the compte-rendu (the API, into her dossier); Léa types her tutor's name
    into his slot: 404 both ways; no version, no state change, no archive; « accès refusé »."""
    sid, lea = monde["sopa"], monde["lea"]
    api = app.test_client()
    exemple = catalogue.gabarit("compte_rendu_sopa").formulaire.exemple
    reponse = api.post("/api/documents", headers=entetes(monde["jetons"]["tuteur"]),
                       json={"gabarit": "compte_rendu_sopa", "stagiaire": sid, "donnees": exemple})
    assert reponse.status_code == 201, reponse.json
    numero = conforme(reponse, "/api/documents", "post")["numero"]
    assert _etat(monde, sid, "compte_rendu_sopa")[:3] == ("en_signature", "", numero)
    avant, etat, archives = _fiche(monde, numero), _etat(monde, sid, "compte_rendu_sopa"), \
        _archives(monde)

    assert lea.get(f"/documents/{numero}").status_code == 200  # she reads it (lu_par)
    assert lea.get(f"/documents/{numero}/signer").status_code == 404
    reponse = lea.post(f"/documents/{numero}/signer", {
        "champ": "signature_tuteur", "nom": "Hélène Garnier", "qualite": "Tutrice de terrain",
        "trace": trace_de_signature()}, page=f"/documents/{numero}")
    assert reponse.status_code == 404
    reponse = api.post(f"/api/documents/{numero}/signatures",
                       headers=entetes(monde["jetons"]["stagiaire"]),
                       json={"champ": "signature_tuteur", "nom": "Hélène Garnier",
                             "qualite": "Tutrice de terrain", "image": trace_de_signature()})
    assert reponse.status_code == 404
    conforme(reponse, "/api/documents/{numero}/signatures", "post")

    assert _fiche(monde, numero) == avant  # no version, no signer
    assert sorted(p.name for p in (monde["sorties"] / "documents" / numero).glob("v*.pdf")) \
        == ["v1.pdf"]
    assert not any((monde["sorties"] / "documents" / numero / "signatures").glob("*"))
    assert _etat(monde, sid, "compte_rendu_sopa") == etat
    assert _archives(monde) == archives
    refus = [e for e in journal.entrees(monde["base"], numero) if e.quoi == "accès refusé"]
    assert len(refus) >= 2 and {e.qui for e in refus} == {"stagiaire (stagiaire)"}

    # her tutor signs it through the API: his name and poste, whatever the request says
    reponse = api.post(f"/api/documents/{numero}/signatures",
                       headers=entetes(monde["jetons"]["tuteur"]),
                       json={"champ": "signature_tuteur", "nom": "Sylvie Dumont",
                             "qualite": "IEN", "image": trace_de_signature()})
    assert reponse.status_code == 201, reponse.json
    document = conforme(reponse, "/api/documents/{numero}/signatures", "post")
    assert [v["version"] for v in document["versions"]] == [1, 2]
    pdf = normaliser(pdf_texte(monde["sorties"] / "documents" / numero / "v2.pdf"))
    assert f"Hélène Garnier (tuteur ou tutrice de terrain), signé le {AUJOURDHUI}" in pdf
    assert "Sylvie Dumont" not in pdf and "(IEN)" not in pdf
    # the same follow-up as the pages': complete, so archived, and the dossier says so
    ligne = dossier_de(monde["base"], sid, "compte_rendu_sopa")
    assert ligne.etat == "archive" and ligne.signes == "signature_tuteur"
    assert ligne.archive_numero and _archives(monde) == archives + 1
    assert [(e.qui, e.detail) for e in journal.entrees(monde["base"], numero)
            if e.quoi == "signature"] == [("tuteur (tuteur)", "signature_tuteur, version 2, API")]
    # once signed, nobody signs it again, not even her tutor
    reponse = api.post(f"/api/documents/{numero}/signatures",
                       headers=entetes(monde["jetons"]["tuteur"]),
                       json={"champ": "signature_tuteur", "image": trace_de_signature()})
    assert reponse.status_code == 404 and "signature_tuteur" in reponse.json["erreurs"][0]["message"]


def test_lea_signs_her_own_slot_under_her_own_name(app, monde, catalogue):
    """In the accompagnement renforcé of her M2 entry, Léa signs her slot typing her tutor's
    name and qualité: the PDF prints « Léa Moreau (stagiaire) », today."""
    sid, lea = monde["m2"], monde["lea"]
    exemple = catalogue.gabarit("accompagnement_renforce_m2ca").formulaire.exemple
    reponse = app.test_client().post(
        "/api/documents", headers=entetes(monde["jetons"]["tuteur"]),
        json={"gabarit": "accompagnement_renforce_m2ca", "stagiaire": sid, "donnees": exemple})
    assert reponse.status_code == 201, reponse.json
    numero = reponse.json["numero"]
    page = texte(lea.get(f"/documents/{numero}/signer"))
    assert 'value="signature_etudiant"' in page and 'value="signature_tuteur"' not in page
    reponse = lea.post(f"/documents/{numero}/signer", {
        "champ": "signature_etudiant", "nom": "Hélène Garnier", "qualite": "Tutrice de stage",
        "trace": trace_de_signature()}, page=f"/documents/{numero}/signer")
    assert reponse.status_code == 302, texte(reponse)[:1500]
    fiche = _fiche(monde, numero)
    (signataire,) = fiche["versions"][-1]["signataires"]
    assert (signataire["nom"], signataire["role"]) == ("Léa Moreau", "stagiaire")
    pdf = normaliser(pdf_texte(monde["sorties"] / "documents" / numero / "v2.pdf"))
    assert f"Léa Moreau (stagiaire), signé le {AUJOURDHUI}" in pdf
    assert "Tutrice de stage" not in pdf and "Hélène Garnier (" not in pdf
    ligne = dossier_de(monde["base"], sid, "accompagnement_renforce_m2ca")
    assert ligne.etat == "en_signature" and ligne.signes == "signature_etudiant"
    # and her tutor's slot, through the API, stays his
    reponse = app.test_client().post(
        f"/api/documents/{numero}/signatures", headers=entetes(monde["jetons"]["stagiaire"]),
        json={"champ": "signature_tuteur", "image": trace_de_signature()})
    assert reponse.status_code == 404
    assert len(_fiche(monde, numero)["versions"]) == 2


def test_the_command_line_binds_the_signature_to_its_account_too(app, monde, capsys, tmp_path):
    """``signer --par``: Léa cannot sign her tutor's slot of her M2 document; her tutor can,
    under his name and poste (no --qualite any more), and the dossier moves on."""
    from service.cli import main

    config = service(app)["config"]
    environ = {"INSPE_DONNEES": str(config.donnees), "INSPE_SORTIES": str(config.sorties)}
    ligne = dossier_de(monde["base"], monde["m2"], "accompagnement_renforce_m2ca")
    numero = ligne.numero  # the test above's, signed by Léa
    image = tmp_path / "signature.png"
    image.write_bytes(base64.b64decode(trace_de_signature().split(",", 1)[1]))
    versions = len(_fiche(monde, numero)["versions"])
    assert main(["signer", numero, "--champ", "signature_tuteur", "--image", str(image),
                 "--par", "stagiaire"], environ=environ) == 2
    assert "« stagiaire » n'a pas le droit de signer la case « signature_tuteur »" in \
        capsys.readouterr().err
    assert len(_fiche(monde, numero)["versions"]) == versions
    assert main(["signer", numero, "--champ", "signature_tuteur", "--image", str(image),
                 "--par", "tuteur"], environ=environ) == 0
    pdf = normaliser(pdf_texte(capsys.readouterr().out.strip()))
    assert f"Hélène Garnier (tuteur ou tutrice de terrain), signé le {AUJOURDHUI}" in pdf
    ligne = dossier_de(monde["base"], monde["m2"], "accompagnement_renforce_m2ca")
    assert ligne.etat == "en_signature"
    assert ligne.cases_signees == {"signature_etudiant", "signature_tuteur"}
