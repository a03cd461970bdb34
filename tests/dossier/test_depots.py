"""An uploaded .docx in the dossier de tutorat: « à vérifier » once received, « archivé » once
archived — in the dossier of the roster stagiaire it names, and only when the depositor writes
that document for them. A name or a numéro written in the file is never a right."""

from __future__ import annotations

import io
import uuid

import pytest
from sqlalchemy.orm import Session

from service.catalogue.generation import rendre
from service.catalogue.validation import valider
from service.cli import main
from service.config import Config
from service.dossier import listes, suivi
from service.personnes import effectifs
from service.personnes.comptes import creer_jeton
from service.personnes.demo import comptes_de_demo, effectifs_de_demo
from service.personnes.effectifs import Stagiaire
from service.web import create_app, service
from tests.outils import Word
from tests.web.outils import champs_du_formulaire, deposer, entetes, texte

ID = "compte_rendu_sopa"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The service with the demo accounts and roster (BERNARD Hugo: tuteur / referent;
    LEROY Camille: tuteur2 / referent; MOREAU Léa: the « stagiaire » account)."""
    dossier = tmp_path_factory.mktemp("depots")
    app = create_app(Config(donnees=dossier / "d", sorties=dossier / "s"))
    comptes_de_demo(service(app)["base"])
    effectifs_de_demo(service(app)["base"])
    yield app
    if "moteur" in service(app):
        service(app)["moteur"].fermer()
        service(app)["atelier"].fermer()


def ajouter(app, nom: str, prenom: str, tuteur: str) -> None:
    """A M1 SOPA stagiaire (a compte-rendu expected) added to the roster, of ``tuteur``."""
    with Session(service(app)["base"]) as session, session.begin():
        session.add(Stagiaire(nom=nom, prenom=prenom, parcours="m1_meef_1d_sopa", lieu="",
                              periode_debut="2026-11-16", periode_fin="2026-11-27",
                              compte_stagiaire="", tuteur_terrain=tuteur, tuteur_inspe="referent",
                              inspecteur="", chef_etablissement="", responsable_parcours=""))


def inscrit(app, nom: str) -> Stagiaire:
    (trouve,) = [s for s in effectifs.tous(service(app)["base"]) if f"{s.nom} {s.prenom}" == nom]
    return trouve


def etat(app, nom: str, gabarit_id: str = ID) -> str:
    """The state of the stagiaire's compte-rendu in their dossier, as the dossier lists it."""
    outils = service(app)
    (ligne,) = [x for x in listes.dossier(outils["base"], outils["catalogue"], inscrit(app, nom))
                if x.doc.gabarit_id == gabarit_id]
    return ligne.etat


def compte_rendu(catalogue, nom: str, prenom: str, remarque: str = "", numero: str = "") -> bytes:
    """A compte-rendu about « NOM Prénom » (its own document id; ``numero``: the identity a
    document made by the service carries)."""
    formulaire = catalogue.gabarit(ID).formulaire
    valeurs = valider(formulaire, dict(formulaire.exemple, stagiaire_nom=nom,
                                       stagiaire_prenom=prenom,
                                       **({"conseil_1": remarque} if remarque else {})))
    identite = (str(uuid.uuid4()), numero or f"20261204-{uuid.uuid4().hex[:6].upper()}")
    return rendre(catalogue, catalogue.gabarit(ID), valeurs, identite=identite).docx


def archiver_sur_la_page(navigateur, catalogue, verification: str, nom: str, prenom: str):
    declaration = catalogue.gabarit(ID).formulaire
    donnees = champs_du_formulaire(declaration, valider(declaration, declaration.exemple | {
        "stagiaire_nom": nom, "stagiaire_prenom": prenom}))
    return navigateur.post(verification, dict(donnees, action="archiver"))


def test_the_trio_s_tuteur_s_upload_is_a_verifier_then_archive(app, connecte, catalogue):
    assert etat(app, "BERNARD Hugo") == "À remplir"
    tuteur = connecte("tuteur")
    reponse = deposer(tuteur, compte_rendu(catalogue, "BERNARD", "Hugo"), "cr.docx")
    assert reponse.status_code == 302
    assert etat(app, "BERNARD Hugo") == "À vérifier"
    reponse = archiver_sur_la_page(tuteur, catalogue, reponse.headers["Location"], "BERNARD",
                                   "Hugo")
    assert reponse.status_code == 302, texte(reponse)
    assert etat(app, "BERNARD Hugo") == "Archivé"


def test_a_stagiaire_or_another_trio_s_tuteur_joins_nothing(app, connecte, catalogue):
    assert etat(app, "GUERIN Zoé") == "À remplir"  # trio: tuteur2 / referent2
    # the stagiaire account of MOREAU Léa, naming another stagiaire (and naming herself)
    stagiaire = connecte("stagiaire")
    assert deposer(stagiaire, compte_rendu(catalogue, "GUERIN", "Zoé"), "a.docx").status_code == 302
    assert deposer(stagiaire, compte_rendu(catalogue, "MOREAU", "Léa"), "b.docx").status_code == 302
    # the tuteur of other trios (tuteur writes for BERNARD, MOREAU… not for GUERIN)
    assert deposer(connecte("tuteur"), compte_rendu(catalogue, "GUERIN", "Zoé", "x"),
                   "c.docx").status_code == 302
    assert etat(app, "GUERIN Zoé") == "À remplir"
    assert etat(app, "MOREAU Léa") == "À remplir"
    # GUERIN's own tuteur: joins
    assert deposer(connecte("tuteur2"), compte_rendu(catalogue, "GUERIN", "Zoé", "y"),
                   "d.docx").status_code == 302
    assert etat(app, "GUERIN Zoé") == "À vérifier"


def test_a_numero_in_the_file_joins_its_row_only_for_who_writes_it(app, connecte, catalogue):
    outils = service(app)
    base, cat = outils["base"], outils["catalogue"]
    leroy = inscrit(app, "LEROY Camille")  # trio: tuteur2 / referent
    suivi.document_cree(base, cat, leroy, cat.gabarit(ID), "20261204-LEROY1", None, "test")
    assert etat(app, "LEROY Camille") == "En signature"
    # « tuteur » puts LEROY's numéro into a document naming MOREAU Léa (whom « tuteur » writes
    # for): the numéro gives nothing, the name does
    deposer(connecte("tuteur"), compte_rendu(catalogue, "MOREAU", "Léa", "z",
                                             numero="20261204-LEROY1"), "e.docx")
    assert etat(app, "LEROY Camille") == "En signature"
    assert etat(app, "MOREAU Léa") == "À vérifier"
    # LEROY's tuteur sends that document back, whatever name it now holds: its numéro is LEROY's
    deposer(connecte("tuteur2"), compte_rendu(catalogue, "INCONNU", "Paul", "w",
                                              numero="20261204-LEROY1"), "f.docx")
    assert etat(app, "LEROY Camille") == "À vérifier"


def test_a_namesake_joins_only_the_one_the_depositor_writes_for(app, connecte, catalogue):
    base = service(app)["base"]
    ajouter(app, "PETIT", "Noé", "tuteur")  # two PETIT Noé, of two trios
    ajouter(app, "PETIT", "Noé", "tuteur2")
    petits = [s for s in effectifs.tous(base) if s.nom == "PETIT"]
    outils = service(app)

    def etats():
        return sorted((s.tuteur_terrain, next(
            x.etat for x in listes.dossier(base, outils["catalogue"], s) if x.doc.gabarit_id == ID))
            for s in petits)

    # the secretariat writes for both: which one is meant? neither
    deposer(connecte("secretariat"), compte_rendu(catalogue, "PETIT", "Noé", "1"), "g.docx")
    assert etats() == [("tuteur", "À remplir"), ("tuteur2", "À remplir")]
    # tuteur2 writes for one of them only: that one
    deposer(connecte("tuteur2"), compte_rendu(catalogue, "PETIT", "Noé", "2"), "h.docx")
    assert etats() == [("tuteur", "À remplir"), ("tuteur2", "À vérifier")]


def pre_rempli(navigateur, stagiaire: Stagiaire) -> bytes:
    reponse = navigateur.get(f"/stagiaires/{stagiaire.id}/{ID}.docx")
    assert reponse.status_code == 200 and reponse.data.startswith(b"PK")
    return reponse.data


def test_an_inchange_upload_is_not_counted_an_edited_one_is(app, connecte, catalogue):
    tuteur = connecte("tuteur")
    # an unchanged pre-filled compte-rendu of a new stagiaire of tuteur's
    ajouter(app, "ROBIN", "Eva", "tuteur")
    robin = inscrit(app, "ROBIN Eva")
    docx = pre_rempli(tuteur, robin)
    reponse = deposer(tuteur, Word(docx).enregistrer(), "inchange.docx")
    assert reponse.status_code == 302
    assert "pré-rempli" in texte(tuteur.get(reponse.headers["Location"]))
    assert etat(app, "ROBIN Eva") == "À remplir"
    # the same pre-filled document with one value typed in: received
    word = Word(docx)
    (controle,) = word.controles("conseil_1")
    word.saisir(controle, "Très bonne séance d’observation.")
    assert deposer(tuteur, word.enregistrer(), "rempli.docx").status_code == 302
    assert etat(app, "ROBIN Eva") == "À vérifier"


def test_the_api_and_the_command_line_join_the_dossier_too(app, catalogue, capsys):
    outils = service(app)
    jeton = creer_jeton(outils["base"], "tuteur3")  # ROUX, LAMBERT, FAURE, MERCIER…
    client = app.test_client()
    # the API: tuteur3's stagiaires have no compte-rendu SOPA (2d, M2): a M1 one is added
    ajouter(app, "MARTIN", "Tom", "tuteur3")
    reponse = client.post("/api/archives", headers=entetes(jeton), data={
        "fichier": (io.BytesIO(compte_rendu(catalogue, "MARTIN", "Tom", "api")), "api.docx")})
    assert reponse.status_code == 201, reponse.json
    assert etat(app, "MARTIN Tom") == "À vérifier"
    reponse = client.post(f"/api/archives/{reponse.json['numero']}/versions/1/archiver",
                          headers=entetes(jeton))
    assert reponse.status_code == 200, reponse.json
    assert etat(app, "MARTIN Tom") == "Archivé"

    # the command line (``archiver --par``), for a new M1 stagiaire of tuteur's
    ajouter(app, "SIMON", "Lou", "tuteur")
    config = outils["config"]
    fichier = config.donnees / "cli.docx"
    fichier.write_bytes(compte_rendu(catalogue, "SIMON", "Lou", "cli"))
    environ = {"INSPE_SORTIES": str(config.sorties), "INSPE_DONNEES": str(config.donnees)}
    # tuteur2 does not write for SIMON Lou: received, not archived, in no dossier
    assert main(["archiver", str(fichier), "--par", "tuteur2"], environ=environ) == 2
    assert etat(app, "SIMON Lou") == "À remplir"
    fichier.write_bytes(compte_rendu(catalogue, "SIMON", "Lou", "cli 2"))
    code = main(["archiver", str(fichier), "--par", "tuteur"], environ=environ)
    assert code == 0, capsys.readouterr().err
    assert etat(app, "SIMON Lou") == "Archivé"


def test_an_abandoned_upload_leaves_the_dossier_as_it_was(app, connecte, catalogue):
    ajouter(app, "NOEL", "Ana", "tuteur")
    tuteur = connecte("tuteur")
    reponse = deposer(tuteur, compte_rendu(catalogue, "NOEL", "Ana", "mauvais"), "faux.docx")
    assert etat(app, "NOEL Ana") == "À vérifier"
    verification = reponse.headers["Location"]  # /archives/<numéro>/v1/verifier
    reponse = tuteur.post(verification.replace("/verifier", "/abandonner"), {}, page=verification)
    assert reponse.status_code == 302
    assert etat(app, "NOEL Ana") == "À remplir"
