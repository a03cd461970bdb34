"""Two nodes of one instance, each with its own empty INSPE_DONNEES, sharing only the database and
the S3 storage: the same secret key (a person signed in on one is signed in on the other), the
same seal (a PDF sealed by one verifies on the other), a version published from Word on one
rendered by the other, checked by fsck; and two processes starting together make one seal."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from io import BytesIO
from types import SimpleNamespace

import pypdf
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import creer_sceau
from service.archive import integrite
from service.archive.coffre import Coffre
from service.bd import ouvrir
from service.bd.instance import ValeurInstance
from service.catalogue.generation import generer
from service.conception.publication import preparer, publier
from service.config import Config
from service.pdf.sceau import Sceau, SceauIllisible, verifier
from service.personnes.demo import comptes_de_demo
from service.web import create_app, service
from tests.outils import DERNIERE, RACINE, texte_docx, version_suivante_synthese
from tests.web.outils import HTTPS, Navigateur

ID = "fiche_synthese_collectif"


def _pdf() -> bytes:
    ecrivain = pypdf.PdfWriter()
    ecrivain.add_blank_page(595, 842)
    ecrivain.add_metadata({"/Title": "Essai"})
    sortie = BytesIO()
    ecrivain.write(sortie)
    return sortie.getvalue()


def test_two_nodes_share_the_key_the_seal_and_the_published_versions(tmp_path, serveur_s3):
    commun = {"base_de_donnees": f"sqlite:///{tmp_path / 'commun.sqlite3'}",
              "stockage": f"s3://{serveur_s3.bucket}/noeuds", "s3_point_d_acces": serveur_s3.point_d_acces,
              "s3_cle": serveur_s3.cle, "s3_secret": serveur_s3.secret}
    a, b = (create_app(Config(donnees=tmp_path / n / "donnees", sorties=tmp_path / n / "sorties",
                              **commun)) for n in ("a", "b"))
    comptes_de_demo(service(a)["base"])

    navigateur = Navigateur(a)  # signed in on A, the next request on B
    assert navigateur.connexion("tuteur").status_code == 302
    assert navigateur.get("/").status_code == 200
    cookie = navigateur.client.get_cookie("session", domain="localhost")
    sur_b = b.test_client()
    sur_b.set_cookie("session", cookie.value, domain="localhost")
    assert sur_b.get("/", base_url=HTTPS).status_code == 200
    assert b.test_client().get("/", base_url=HTTPS).status_code == 302  # without it: to sign in

    sceaux = [creer_sceau(service(x)["config"], service(x)["catalogue"], service(x)["base"])
              for x in (a, b)]
    assert verifier(sceaux[0].sceller(_pdf(), {"document_numero": "1"}), sceaux[1]).intact

    docx, declaration = version_suivante_synthese()
    projet = preparer(service(a)["catalogue"], ID, docx, declaration, tmp_path / "travail")
    publier(service(a)["catalogue"], projet, "admin", "synthese 2027.docx")
    catalogue_b = service(b)["catalogue"]
    gabarit = catalogue_b.gabarit(ID, DERNIERE + 1)  # asked now: B sees it at once
    rendu = generer(catalogue_b, ID, gabarit.formulaire.exemple, version=DERNIERE + 1)
    assert "Module Accompagnement des tuteurs en réseau, édition 2027" in texte_docx(rendu.docx)

    # fsck finds the version whole in the bucket, an altered one, and says what it cannot see
    stockage = service(a)["stockage"]
    cle = f"catalogue/formulaires/{ID}/v{DERNIERE + 1}.yaml"
    rapport = integrite.verifier(service(a)["base"], Coffre(stockage), sorties=tmp_path / "a" / "sorties")
    assert rapport.sain and "*.partiel" in rapport.notes[0]
    stockage.ecrire(cle, stockage.lire(cle) + b"\n# retouche\n")
    assert integrite.verifier(service(b)["base"], Coffre(stockage)).erreurs == [
        f"version {DERNIERE + 1} publiée de « {ID} » : {cle} a été altéré"]

    a.config["INSPE_ESPACE_LIBRE_MIN"] = 2**62  # /sante: the full disk is this node's own
    sante = a.test_client().get("/sante")
    assert sante.status_code == 503
    assert "disque local de ce serveur (hors stockage S3)" in sante.json["detail"]

    # nothing of it on either node's disk: their INSPE_DONNEES hold no key, seal nor version
    for n in ("a", "b"):
        assert {p.name for p in (tmp_path / n / "donnees").iterdir()} <= {"brouillons"}
        assert not (tmp_path / n / "sorties" / "catalogue").exists()


CREER = """
import hashlib, sys, time
from pathlib import Path
from service.archive import integrite
from service.archive.coffre import Coffre
from service.bd import ouvrir
from service.pdf.sceau import Sceau
base = ouvrir(sys.argv[1])
while time.time() < float(sys.argv[3]):
    time.sleep(0.005)
sceau = Sceau(Path(sys.argv[2]), "INSPÉ de l'académie de Clairval", base)
print(hashlib.sha256(sceau.certificat.dump()).hexdigest())
"""


def test_two_processes_starting_together_make_one_seal(url_base, tmp_path):
    ouvrir(url_base).dispose()  # migrated once, beforehand (as ``serve`` does)
    depart = str(time.time() + 2)
    processus = [subprocess.Popen([sys.executable, "-c", CREER, url_base, str(tmp_path / n), depart],
                                  cwd=RACINE, stdout=subprocess.PIPE, text=True) for n in "ab"]
    empreintes = {p.communicate(timeout=60)[0].strip() for p in processus}
    assert len(empreintes) == 1 and "" not in empreintes
    base = ouvrir(url_base)
    with Session(base) as session:
        assert session.scalar(select(func.count()).select_from(ValeurInstance)) == 1
    base.dispose()


def test_an_existing_instance_keeps_its_seal_and_key(tmp_path):
    donnees = tmp_path / "donnees"
    ancien = Sceau(donnees, "INSPÉ de l'académie de Clairval")  # as before: files in INSPE_DONNEES
    scelle = ancien.sceller(_pdf(), {"document_numero": "1"})
    (donnees / "cle_secrete").write_text("la-cle-d-avant")
    app = create_app(Config(donnees=donnees, sorties=tmp_path / "sorties"))
    assert app.secret_key == "la-cle-d-avant"
    importe = creer_sceau(service(app)["config"], service(app)["catalogue"], service(app)["base"])
    assert hashlib.sha256(importe.certificat.dump()).digest() == \
        hashlib.sha256(ancien.certificat.dump()).digest()
    assert verifier(scelle, importe).intact
    # the variable, when set, wins over the database's
    assert create_app(Config(donnees=tmp_path / "autre", sorties=tmp_path / "sorties",
                             base_de_donnees=service(app)["config"].base_de_donnees,
                             cle_secrete="de-l-environnement")).secret_key == "de-l-environnement"


def _cle_gardee(base) -> str:
    with Session(base) as session:
        return session.scalar(select(ValeurInstance.valeur).where(ValeurInstance.cle == "sceau"))


def test_with_a_passphrase_the_database_holds_the_seal_key_encrypted(url_base, tmp_path):
    base = ouvrir(url_base)
    nom = "INSPÉ de l'académie de Clairval"
    premier = Sceau(tmp_path / "a", nom, base, phrase="phrase de passe du sceau")
    assert "ENCRYPTED PRIVATE KEY" in _cle_gardee(base)
    assert "BEGIN PRIVATE KEY" not in _cle_gardee(base)
    scelle = premier.sceller(_pdf(), {"document_numero": "1"})
    # another node, with the same passphrase: the same seal
    autre = Sceau(tmp_path / "b", nom, base, phrase="phrase de passe du sceau")
    assert autre.certificat.dump() == premier.certificat.dump()
    assert verifier(autre.sceller(_pdf(), {"document_numero": "2"}), premier).intact
    assert verifier(scelle, autre).intact
    # a node without it, or with another, does not start, and says why in French
    with pytest.raises(SceauIllisible, match="donnez sa phrase de passe dans INSPE_PHRASE_SCEAU"):
        Sceau(tmp_path / "c", nom, base)
    with pytest.raises(SceauIllisible, match="INSPE_PHRASE_SCEAU n’ouvre pas la clé du sceau"):
        Sceau(tmp_path / "d", nom, base, phrase="une autre")
    base.dispose()


def test_a_seal_kept_in_clear_is_encrypted_when_the_passphrase_comes(url_base, tmp_path):
    base = ouvrir(url_base)
    nom = "INSPÉ de l'académie de Clairval"
    avant = Sceau(tmp_path / "a", nom, base)
    assert "BEGIN PRIVATE KEY" in _cle_gardee(base)
    scelle = avant.sceller(_pdf(), {"document_numero": "1"})
    apres = creer_sceau(Config(donnees=tmp_path / "b", phrase_sceau="désormais chiffrée"),
                        SimpleNamespace(etablissement=SimpleNamespace(parametres={"nom": nom}),
                                        publiees=None), base)
    assert "ENCRYPTED PRIVATE KEY" in _cle_gardee(base)
    assert apres.certificat.dump() == avant.certificat.dump()  # the same key, the same PDFs
    assert verifier(scelle, apres).intact
    assert verifier(apres.sceller(_pdf(), {"document_numero": "2"}), avant).intact
    base.dispose()
