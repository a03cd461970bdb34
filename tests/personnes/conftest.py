"""One world for the access tests, made once per module: accounts, a roster of two trios whose
stagiaires (and tuteurs de terrain) bear the same names, and one object of each kind per trio."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy.orm import Session

from service.catalogue.generation import generer
from service.config import Config
from service.personnes.comptes import creer_compte, creer_jeton
from service.personnes.effectifs import Stagiaire
from service.web import create_app, service
from tests.web.test_web import Navigateur
from tests.web.test_web_archives import champs_du_formulaire, deposer

GABARIT = "accompagnement_renforce_m2ca"  # a slot for each of the trio, and one for the IA-IPR

# identifiant: (name, role). Trio A: lea, helene, claude; trio B: lea2, helene2, claude2 —
# lea2 and helene2 bear the names of lea and helene (namesakes with other accounts).
COMPTES = {
    "lea": ("Léa Moreau", "stagiaire"),
    "helene": ("Hélène Garnier", "tuteur"),
    "claude": ("Claude Martin", "tuteur"),
    "lea2": ("Léa Moreau", "stagiaire"),
    "helene2": ("Hélène Garnier", "tuteur"),
    "claude2": ("Claude Petit", "tuteur"),
    "marc": ("Marc Dumont", "inspecteur"),
    "sylvie": ("Sylvie Dumont", "inspecteur"),  # named as IA-IPR in trio A's documents
    "secretariat": ("Claire Besson", "secretariat"),
    "admin": ("Bruno Vasseur", "administrateur"),
}
TRIOS = {"A": ("lea", "helene", "claude"), "B": ("lea2", "helene2", "claude2")}


def entetes(jeton: str) -> dict:
    return {"Authorization": f"Bearer {jeton}"}


def changer_un_texte(docx: bytes, avant: str, apres: str) -> bytes:
    """The same Word file with one text changed (its properties, document_id included, kept)."""
    sortie = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as entree, zipfile.ZipFile(sortie, "w") as z:
        for info in entree.infolist():
            contenu = entree.read(info.filename)
            if info.filename == "word/document.xml":
                assert avant.encode() in contenu
                contenu = contenu.replace(avant.encode(), apres.encode(), 1)
            z.writestr(info, contenu)
    return sortie.getvalue()


@pytest.fixture(scope="module")
def monde(tmp_path_factory, catalogue):
    dossier = tmp_path_factory.mktemp("acces")
    app = create_app(Config(donnees=dossier / "d", sorties=dossier / "s"))
    base = service(app)["base"]
    comptes = {i: creer_compte(base, i, nom, role, f"mdp-{i}") for i, (nom, role) in COMPTES.items()}
    with Session(base, expire_on_commit=False) as session, session.begin():
        inscrits = {}
        for trio, (stagiaire, terrain, inspe) in TRIOS.items():
            inscrits[trio] = Stagiaire(nom="MOREAU", prenom="Léa", lieu=f"École {trio}",
                                       compte_stagiaire=stagiaire, tuteur_terrain=terrain,
                                       tuteur_inspe=inspe)
            session.add(inscrits[trio])
    clients = {}
    for identifiant in COMPTES:
        clients[identifiant] = Navigateur(app)
        reponse = clients[identifiant].connexion(identifiant, f"mdp-{identifiant}")
        assert reponse.status_code == 302
    clients[None] = Navigateur(app)
    jetons = {i: creer_jeton(base, i) for i in COMPTES}
    api = app.test_client()
    declaration = catalogue.gabarit(GABARIT).formulaire
    exemple = declaration.exemple | {"ia_ipr_nom": "Mme Sylvie Dumont"}
    objets = {}
    for trio, (_, auteur, _) in TRIOS.items():
        sid = inscrits[trio].id
        # a generated document about the trio's stagiaire, made by its tuteur de terrain
        reponse = api.post("/api/documents", headers=entetes(jetons[auteur]), json={
            "gabarit": GABARIT, "stagiaire": sid, "donnees": exemple})
        assert reponse.status_code == 201, reponse.json
        document = reponse.json["numero"]
        # a draft (the recap before validation) of the same tuteur
        page = f"/formulaires/{GABARIT}?stagiaire={sid}"
        donnees = champs_du_formulaire(declaration, generer(catalogue, GABARIT, exemple).valeurs)
        reponse = clients[auteur].post(f"/formulaires/{GABARIT}",
                                       dict(donnees, stagiaire=sid, action="apercu"), page=page)
        assert reponse.status_code == 302, reponse.get_data(as_text=True)[:2000]
        brouillon = reponse.headers["Location"].rsplit("/", 1)[1]
        # an archived record (its upload waiting to be checked), deposited by the same tuteur
        docx = generer(catalogue, GABARIT, exemple | {"etudiant_etablissement": f"École {trio}"}).docx
        reponse = deposer(clients[auteur], docx, f"accompagnement {trio}.docx")
        assert reponse.status_code == 302, reponse.get_data(as_text=True)[:2000]
        archive = reponse.headers["Location"].split("/")[2]
        objets[trio] = {"stagiaire": sid, "document": document, "brouillon": brouillon,
                        "archive": archive, "docx": docx}
    yield {"app": app, "base": base, "comptes": comptes, "clients": clients, "jetons": jetons,
           "api": api, "objets": objets, "inscrits": inscrits}
    if "moteur" in service(app):
        service(app)["moteur"].fermer()
        service(app)["atelier"].fermer()


__all__ = ["changer_un_texte", "entetes"]
