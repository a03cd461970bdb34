"""The people the roster binds beyond the trio (IEN / IA-IPR, chef d'établissement, responsable
de parcours) read and sign what the v2 declarations give them, for their own stagiaire only.

One world per module: two stagiaires of the second degree, A and B, each with a trio, an IEN and
a chef d'établissement of their own; a namesake of A's IEN holds no position. A's tuteur de
terrain makes a parcours d'individualisation (v2: its slots are signed by the inspecteur, the chef
d'établissement, the trio and the responsable de parcours; it is written by the inspecteur among
others and read by the trio).
"""

from __future__ import annotations

import base64
import io
import json
import re

import pytest
from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from service.config import Config
from service.personnes import acces
from service.personnes.comptes import creer_compte, creer_jeton
from service.personnes.effectifs import Stagiaire
from service.web import create_app, service
from tests.outils import pdf_texte
from tests.web.outils import Navigateur, entetes, texte

GABARIT = "parcours_individualisation_2d"

# identifiant: (name, role)
COMPTES = {
    "theo": ("Théo Fontaine", "stagiaire"), "claire": ("Claire Vidal", "tuteur"),
    "sophie": ("Sophie Marchand", "tuteur"), "ien_a": ("Marc Lebreton", "inspecteur"),
    "chef_a": ("Isabelle Roche", "tuteur"),
    "theo2": ("Théo Fontaine", "stagiaire"), "claire2": ("Claire Petit", "tuteur"),
    "sophie2": ("Sophie Leroy", "tuteur"), "ien_b": ("Anne Caron", "inspecteur"),
    "chef_b": ("Paul Girard", "inspecteur"),
    "homonyme": ("Marc Lebreton", "inspecteur"),  # A's IEN's name, no position
}
# stagiaire → its positions (roster columns)
POSTES = {
    "A": {"compte_stagiaire": "theo", "tuteur_terrain": "claire", "tuteur_inspe": "sophie",
          "inspecteur": "ien_a", "chef_etablissement": "chef_a"},
    "B": {"compte_stagiaire": "theo2", "tuteur_terrain": "claire2", "tuteur_inspe": "sophie2",
          "inspecteur": "ien_b", "chef_etablissement": "chef_b"},
}


def _trace() -> str:
    image = Image.new("RGB", (400, 120), "white")
    ImageDraw.Draw(image).line([(20, 90), (200, 20), (380, 100)], fill="navy", width=6)
    tampon = io.BytesIO()
    image.save(tampon, "PNG")
    return "data:image/png;base64," + base64.b64encode(tampon.getvalue()).decode()


@pytest.fixture(scope="module")
def monde(tmp_path_factory, catalogue):
    dossier = tmp_path_factory.mktemp("postes")
    app = create_app(Config(donnees=dossier / "d", sorties=dossier / "s"))
    base = service(app)["base"]
    comptes = {i: creer_compte(base, i, nom, role, f"mdp-{i}") for i, (nom, role) in COMPTES.items()}
    with Session(base, expire_on_commit=False) as session, session.begin():
        inscrits = {lettre: Stagiaire(nom="FONTAINE", prenom="Théo", lieu=f"Collège {lettre}",
                                      parcours="stagiaire_2d_cpe", **postes)
                    for lettre, postes in POSTES.items()}
        session.add_all(inscrits.values())
    clients = {}
    for identifiant in COMPTES:
        clients[identifiant] = Navigateur(app)
        assert clients[identifiant].connexion(identifiant, f"mdp-{identifiant}").status_code == 302
    jetons = {i: creer_jeton(base, i) for i in COMPTES}
    api = app.test_client()
    documents = {}
    for lettre, postes in POSTES.items():
        reponse = api.post("/api/documents", headers=entetes(jetons[postes["tuteur_terrain"]]), json={
            "gabarit": GABARIT, "stagiaire": inscrits[lettre].id,
            "donnees": catalogue.gabarit(GABARIT).formulaire.exemple})
        assert reponse.status_code == 201, reponse.json
        documents[lettre] = reponse.json["numero"]
    yield {"app": app, "comptes": comptes, "clients": clients, "jetons": jetons, "api": api,
           "inscrits": inscrits, "documents": documents, "catalogue": catalogue}
    if "moteur" in service(app):
        service(app)["moteur"].fermer()
        service(app)["atelier"].fermer()


def _fiche(monde, numero: str) -> dict:
    chemin = service(monde["app"])["config"].sorties / "documents" / numero / "document.json"
    return json.loads(chemin.read_text(encoding="utf-8"))


def _cases_offertes(monde, qui: str, numero: str) -> list[str]:
    page = monde["clients"][qui].get(f"/documents/{numero}/signer")
    assert page.status_code == 200, qui
    return re.findall(r'<option value="(signature_[a-z_]+)"', page.get_data(as_text=True))


def test_the_v2_document_is_read_by_the_postes_its_declaration_names_for_its_stagiaire(monde):
    numero, api = monde["documents"]["A"], monde["api"]
    for qui in ("theo", "claire", "sophie", "ien_a", "chef_a"):
        assert monde["clients"][qui].get(f"/documents/{numero}").status_code == 200, qui
        assert api.get(f"/api/documents/{numero}",
                       headers=entetes(monde["jetons"][qui])).status_code == 200, qui
    # B's people and the namesake of A's IEN: the document does not exist for them
    for qui in ("ien_b", "chef_b", "theo2", "claire2", "homonyme"):
        assert monde["clients"][qui].get(f"/documents/{numero}").status_code == 404, qui
        assert monde["clients"][qui].get(f"/documents/{numero}/signer").status_code == 404, qui
        assert api.get(f"/api/documents/{numero}",
                       headers=entetes(monde["jetons"][qui])).status_code == 404, qui


def test_the_ien_signs_his_slot_with_his_account_s_name(monde):
    numero = monde["documents"]["A"]
    assert _cases_offertes(monde, "ien_a", numero) == ["signature_inspecteur"]
    page = f"/documents/{numero}/signer"
    # B's IEN cannot sign A's IEN slot, even posting it
    reponse = monde["clients"]["ien_b"].post(page, {
        "champ": "signature_inspecteur", "qualite": "IEN", "trace": _trace()},
        page=f"/documents/{monde['documents']['B']}/signer")
    assert reponse.status_code == 404
    assert _fiche(monde, numero)["versions"][-1]["signataires"] == []
    reponse = monde["clients"]["ien_a"].post(page, {
        "champ": "signature_inspecteur", "nom": "Anne Caron", "qualite": "IEN",
        "trace": _trace()}, page=page)
    assert reponse.status_code == 302, reponse.get_data(as_text=True)[:1500]
    fiche = _fiche(monde, numero)
    assert [(s["champ"], s["nom"]) for s in fiche["versions"][-1]["signataires"]] == [
        ("signature_inspecteur", "Marc Lebreton")]
    version = fiche["versions"][-1]["version"]
    pdf = monde["clients"]["ien_a"].get(f"/documents/{numero}/v{version}.pdf")
    assert pdf.status_code == 200
    assert "Marc Lebreton (IEN ou IA-IPR), signé le" in pdf_texte(pdf.data)
    # signed: nothing left for him
    assert _cases_offertes(monde, "ien_a", numero) == []


def test_the_chef_d_etablissement_signs_his_slot_only(monde):
    numero = monde["documents"]["A"]
    assert _cases_offertes(monde, "chef_a", numero) == ["signature_chef_etablissement"]
    page = f"/documents/{numero}/signer"
    chef = monde["clients"]["chef_a"]
    for autre in ("signature_responsable_parcours", "signature_stagiaire", "signature_tuteur_inspe"):
        assert chef.post(page, {"champ": autre, "qualite": "principal", "trace": _trace()},
                         page=page).status_code == 404, autre
    avant = len(_fiche(monde, numero)["versions"])
    reponse = chef.post(page, {"champ": "signature_chef_etablissement", "qualite": "principale",
                               "trace": _trace()}, page=page)
    assert reponse.status_code == 302, reponse.get_data(as_text=True)[:1500]
    fiche = _fiche(monde, numero)
    assert len(fiche["versions"]) == avant + 1
    assert ("signature_chef_etablissement", "Isabelle Roche") in [
        (s["champ"], s["nom"]) for s in fiche["versions"][-1]["signataires"]]
    # B's chef d'établissement signs nothing of A's
    assert chef.get(f"/documents/{monde['documents']['B']}/signer").status_code == 404


def test_a_slot_of_a_position_nobody_holds_is_signed_by_no_one(monde):
    """The responsable de parcours is bound to neither stagiaire: nobody signs that slot."""
    document = acces.Document.de(_fiche(monde, monde["documents"]["A"]),
                                 monde["catalogue"].gabarit(GABARIT).formulaire)
    case = acces.Case(document, "signature_responsable_parcours")
    assert not [i for i, c in monde["comptes"].items() if acces.peut(c, "signer", case)]


def test_a_version_1_document_stays_the_trio_s(monde):
    """A version-1 declaration does not say who reads it: the IEN does not read it."""
    fiche = _fiche(monde, monde["documents"]["A"]) | {"gabarit_version": 1}
    document = acces.Document.de(fiche, monde["catalogue"].gabarit(GABARIT, 1).formulaire)
    comptes = monde["comptes"]
    assert not acces.peut(comptes["ien_a"], "lire", document)
    assert not acces.peut(comptes["chef_a"], "lire", document)
    assert acces.peut(comptes["sophie"], "lire", document)


def test_the_positions_beyond_the_trio_read_their_stagiaire_s_dossier(monde):
    a, b = monde["inscrits"]["A"].id, monde["inscrits"]["B"].id
    for qui, lettre in (("ien_a", "A"), ("chef_a", "A"), ("ien_b", "B"), ("chef_b", "B")):
        client = monde["clients"][qui]
        propre, autre = (a, b) if lettre == "A" else (b, a)
        page = client.get("/mes-stagiaires")
        assert f'href="/archives/stagiaire/{propre}"' in page.get_data(as_text=True), qui
        dossier = client.get(f"/archives/stagiaire/{propre}")
        assert dossier.status_code == 200, qui
        assert "FONTAINE" in texte(dossier)
        assert client.get(f"/archives/stagiaire/{autre}").status_code == 404, qui
    # they read; they neither manage it nor export it
    comptes, inscrit = monde["comptes"], monde["inscrits"]["A"]
    assert not acces.peut(comptes["ien_a"], "supprimer", inscrit)
    assert not acces.peut(comptes["chef_a"], "remplir", inscrit)
    assert not acces.peut(comptes["ien_a"], "exporter", acces.Export(inscrit))
    assert monde["clients"]["homonyme"].get(f"/archives/stagiaire/{a}").status_code == 404


def test_the_ien_writes_what_his_declaration_says_he_writes(monde):
    """redige_par names the inspecteur: A's IEN may start one for A, not for B; the chef
    d'établissement, whom redige_par does not name, may not."""
    formulaire = monde["catalogue"].gabarit(GABARIT).formulaire
    comptes, inscrits = monde["comptes"], monde["inscrits"]
    assert acces.peut(comptes["ien_a"], "remplir", acces.Formulaire.de(formulaire, inscrits["A"]))
    assert not acces.peut(comptes["ien_a"], "remplir", acces.Formulaire.de(formulaire, inscrits["B"]))
    assert not acces.peut(comptes["chef_a"], "remplir", acces.Formulaire.de(formulaire, inscrits["A"]))
    assert monde["clients"]["ien_a"].get(
        f"/formulaires/{GABARIT}?stagiaire={inscrits['A'].id}").status_code == 200
    assert monde["clients"]["ien_b"].get(
        f"/formulaires/{GABARIT}?stagiaire={inscrits['A'].id}").status_code == 404


def test_a_bound_slot_is_its_holder_s_even_against_an_author_of_the_same_role(monde):
    """An inspecteur who made the document reads it, but the IEN slot is the roster's IEN's;
    where the roster binds no IEN, it stays its author's (by role), as before."""
    comptes, formulaire = monde["comptes"], monde["catalogue"].gabarit(GABARIT).formulaire
    fiche = _fiche(monde, monde["documents"]["B"]) | {"auteur": comptes["homonyme"].id}
    document = acces.Document.de(fiche, formulaire)
    case = acces.Case(document, "signature_inspecteur")
    assert acces.peut(comptes["homonyme"], "lire", document)
    assert not acces.peut(comptes["homonyme"], "signer", case)
    assert acces.peut(comptes["ien_b"], "signer", case)
    sans_ien = acces.Document.de(fiche | {"postes": POSTES["B"] | {"inspecteur": ""}}, formulaire)
    assert acces.peut(comptes["homonyme"], "signer", acces.Case(sans_ien, "signature_inspecteur"))
    assert not acces.peut(comptes["ien_b"], "lire", sans_ien)
