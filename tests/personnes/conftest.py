"""One world for the access tests, made once per module: accounts, a roster of two trios whose
stagiaires (and tuteurs de terrain) bear the same names, and one object of each kind per trio."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from service.catalogue.generation import generer
from service.config import Config
from service.personnes.comptes import creer_compte, creer_jeton
from service.personnes.effectifs import Stagiaire
from service.web import create_app, service
from tests.web.outils import Navigateur, champs_du_formulaire, deposer, entetes

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


@pytest.fixture(scope="module")
def monde(request, tmp_path_factory, catalogue):
    """The world of the requesting module, with documents of its ``GABARIT`` (a gabarit with a
    signature slot for each of the trio)."""
    gabarit = request.module.GABARIT
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
    declaration = catalogue.gabarit(gabarit).formulaire
    exemple = declaration.exemple | {"ia_ipr_nom": "Mme Sylvie Dumont"}
    objets = {}
    for trio, (_, auteur, _) in TRIOS.items():
        sid = inscrits[trio].id
        # a generated document about the trio's stagiaire, made by its tuteur de terrain
        reponse = api.post("/api/documents", headers=entetes(jetons[auteur]), json={
            "gabarit": gabarit, "stagiaire": sid, "donnees": exemple})
        assert reponse.status_code == 201, reponse.json
        document = reponse.json["numero"]
        # a draft (the recap before validation) of the same tuteur
        page = f"/formulaires/{gabarit}?stagiaire={sid}"
        donnees = champs_du_formulaire(declaration, generer(catalogue, gabarit, exemple).valeurs)
        reponse = clients[auteur].post(f"/formulaires/{gabarit}",
                                       dict(donnees, stagiaire=sid, action="apercu"), page=page)
        assert reponse.status_code == 302, reponse.get_data(as_text=True)[:2000]
        brouillon = reponse.headers["Location"].rsplit("/", 1)[1]
        # an archived record (its upload waiting to be checked), deposited by the same tuteur
        docx = generer(catalogue, gabarit, exemple | {"etudiant_etablissement": f"École {trio}"}).docx
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
