"""When what the service stands on fails — a full disk, a database down, LibreOffice's own
words — people get a French 503 saying so, lose nothing, and nothing half-written is left."""

from __future__ import annotations

import errno
import os
import pathlib
import time
from contextlib import ExitStack

import pytest

from service import creer_archives
from service.archive.integrite import verifier as fsck
from service.catalogue.tableur import modele_import
from service.config import Config
from service.personnes import effectifs
from service.personnes.comptes import creer_compte, creer_jeton
from service.personnes.demo import comptes_de_demo
from service.stockage import Dossier
from service.web import create_app, message_pdf_impossible, service
from tests import postgresql_local
from tests.web.outils import Navigateur, conforme, entetes, texte

TECHNIQUE = ("Exception", "com.sun", "UNO", "Traceback", "URP", "Errno", "No space")
DISQUE_PLEIN = "Le disque du serveur est plein"


@pytest.fixture(scope="module")
def app(app):
    base = service(app)["base"]
    effectifs.importer(base, modele_import(effectifs.DECLARATION), "liste.xlsx")
    creer_compte(base, "autre", "Paul Autre", "tuteur", "demo-autre")
    return app


def _fiche(catalogue, **champs) -> dict:
    exemple = catalogue.gabarit("fiche_personnalisation").formulaire.exemple
    donnees = {k: v for k, v in exemple.items() if isinstance(v, (str, int))}
    donnees.update(date_reunion="2026-10-15", date_fiche="2026-10-19", action="apercu", **champs)
    return donnees


@pytest.fixture
def disque_plein(app, monkeypatch):
    """Every write under the output folder fails as on a full disk (ENOSPC), part-way."""
    return _plein(app, monkeypatch)


def _plein(app, monkeypatch, sous: str = ""):
    """Every write under the output folder (its folder ``sous``) fails as on a full disk."""
    sorties = str(service(app)["config"].sorties / sous)
    ecrire = os.write

    def write(fd, donnees):
        if os.readlink(f"/proc/self/fd/{fd}").startswith(sorties):
            ecrire(fd, bytes(donnees)[:100])  # a start of the file, then no more room
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return ecrire(fd, donnees)

    monkeypatch.setattr(os, "write", write)
    return monkeypatch


def _partiels(dossier: pathlib.Path) -> list[pathlib.Path]:
    return list(dossier.rglob("*.partiel"))


def test_the_message_builder_keeps_program_words_for_the_log():
    for technique in ("document.docx : com.sun.star.lang.DisposedException: Binary URP bridge "
                      "already disposed at ./binaryurp/source/bridge.cxx:1048",
                      "fiche.docx : RuntimeError: UNO bridge gone",
                      "Traceback (most recent call last): File \"x.py\""):
        message = message_pdf_impossible(technique)
        assert message.startswith("Le document n’a pas pu être fabriqué : LibreOffice")
        assert not [mot for mot in TECHNIQUE if mot in message], message
    francais = "LibreOffice (« soffice ») est introuvable : lancez « make install »"
    assert message_pdf_impossible(francais) == f"Le document n’a pas pu être fabriqué : {francais}."


def test_validating_on_a_full_disk_says_so_and_keeps_the_draft(app, connecte, catalogue,
                                                               monkeypatch):
    tuteur = connecte("tuteur")
    reponse = tuteur.post("/formulaires/fiche_personnalisation", _fiche(catalogue))
    assert reponse.status_code == 302
    recap = reponse.headers["Location"]
    _plein(app, monkeypatch)  # the disk fills up meanwhile
    reponse = tuteur.post(f"{recap}/valider", {}, page=recap)
    assert reponse.status_code == 503
    page = texte(reponse)
    assert DISQUE_PLEIN in page and "Une erreur inattendue" not in page
    assert not [mot for mot in TECHNIQUE if mot in page]
    assert tuteur.get(recap).status_code == 200  # the draft is still there, to validate later
    sorties = service(app)["config"].sorties
    assert _partiels(sorties) == []  # a failed write removes its own


def test_the_form_stays_filled_when_the_draft_cannot_be_written(app, connecte, catalogue,
                                                                monkeypatch):
    brouillons = service(app)["config"].sorties / "brouillons"
    _plein(app, monkeypatch, "brouillons")
    tuteur = connecte("tuteur")
    avant = set(brouillons.rglob("*"))
    reponse = tuteur.post("/formulaires/fiche_personnalisation",
                          _fiche(catalogue, stagiaire_nom="PLEIN-DISQUE"))
    assert reponse.status_code == 503
    page = texte(reponse)
    assert DISQUE_PLEIN in page and 'value="PLEIN-DISQUE"' in page
    assert set(brouillons.rglob("*")) == avant  # no half-written draft


def test_the_api_answers_503_in_french_on_a_full_disk(app, client, catalogue, disque_plein):
    jeton = creer_jeton(service(app)["base"], "tuteur")
    reponse = client.post("/api/documents", headers=entetes(jeton), json={
        "gabarit": "compte_rendu_sopa",
        "donnees": catalogue.gabarit("compte_rendu_sopa").formulaire.exemple})
    assert reponse.status_code == 503
    (erreur,) = conforme(reponse, "/api/documents", "post")["erreurs"]
    assert erreur["message"].startswith(DISQUE_PLEIN)
    assert _partiels(service(app)["config"].sorties) == []


def test_fsck_finds_and_removes_what_the_full_disk_left(app, connecte, catalogue, monkeypatch):
    """A validation on a full disk leaves nothing, not even an empty folder. A disk that fills
    up between two files leaves a document folder without document.json: once old enough not to
    be a write under way, fsck reports it and --reparer removes it."""
    tuteur = connecte("tuteur")
    recap = tuteur.post("/formulaires/fiche_personnalisation",
                        _fiche(catalogue)).headers["Location"]
    disque_plein = _plein(app, monkeypatch)
    assert tuteur.post(f"{recap}/valider", {}, page=recap).status_code == 503
    sorties = service(app)["config"].sorties
    assert not [d for d in (sorties / "documents").glob("*") if not (d / "document.json").exists()]
    disque_plein.undo()
    Dossier(sorties).ecrire("documents/20261015-ABCDEF/v1.docx", b"PK")  # then no room for the PDF
    inacheves = [sorties / "documents" / "20261015-ABCDEF"]
    archives = creer_archives(service(app)["config"], service(app)["catalogue"],
                              service(app)["base"])
    assert not [r for r in fsck(service(app)["base"], archives.coffre, sorties=sorties).restes
                if "sans document.json" in r], "un dossier qui vient d'être écrit est laissé"
    il_y_a_dix_minutes = time.time() - 600
    for chemin in [*inacheves, *(f for d in inacheves for f in d.rglob("*"))]:
        os.utime(chemin, (il_y_a_dix_minutes, il_y_a_dix_minutes))
    rapport = fsck(service(app)["base"], archives.coffre, sorties=sorties)
    assert len([r for r in rapport.restes if "sans document.json" in r]) == len(inacheves)
    fsck(service(app)["base"], archives.coffre, sorties=sorties, reparer=True)
    assert not any(d.exists() for d in inacheves)


def test_sante_reports_a_disk_almost_full(app, client):
    app.config["INSPE_ESPACE_LIBRE_MIN"] = 2**62
    try:
        reponse = client.get("/sante")
    finally:
        del app.config["INSPE_ESPACE_LIBRE_MIN"]
    assert reponse.status_code == 503 and reponse.json["etat"] == "panne"
    assert "disque du serveur est presque plein" in reponse.json["detail"]


def test_a_draft_refused_for_a_stagiaire_leaves_nothing(app, connecte, catalogue):
    (moreau,) = [s for s in effectifs.tous(service(app)["base"]) if s.nom == "MOREAU"]
    autre = connecte("autre", "demo-autre")
    brouillons = service(app)["config"].sorties / "brouillons"
    avant = set(brouillons.rglob("*")) if brouillons.exists() else set()
    reponse = autre.post("/formulaires/fiche_personnalisation",
                         _fiche(catalogue, stagiaire=moreau.id))
    assert reponse.status_code == 404
    apres = set(brouillons.rglob("*")) if brouillons.exists() else set()
    assert apres == avant


def test_a_database_down_answers_503_in_french(tmp_path):
    with ExitStack() as pile:
        url = pile.enter_context(postgresql_local.cluster())
        app = create_app(Config(donnees=tmp_path / "d", sorties=tmp_path / "s",
                                base_de_donnees=url))
        comptes_de_demo(service(app)["base"])
        jeton = creer_jeton(service(app)["base"], "tuteur")
        navigateur = Navigateur(app)
        assert navigateur.connexion("tuteur").status_code == 302
        assert navigateur.get("/").status_code == 200
        pile.close()  # PostgreSQL stops

        page = navigateur.get("/")
        assert page.status_code == 503
        assert "La base de données ne répond pas : réessayez dans quelques minutes" in texte(page)
        reponse = app.test_client().get("/api/gabarits", headers=entetes(jeton))
        assert reponse.status_code == 503
        assert reponse.json["erreurs"][0]["message"].startswith("La base de données ne répond pas")
        reponse = app.test_client().get("/sante")
        assert reponse.status_code == 503 and reponse.json["etat"] == "panne"
        assert "la base de données ne répond pas" in reponse.json["detail"]
        service(app)["base"].dispose()


def test_only_a_database_that_cannot_serve_is_a_503(tmp_path):
    import sqlite3

    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    from service.web.erreurs import MESSAGE_BASE_EN_PANNE, panne_de_base

    moteur = create_engine(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    with pytest.raises(OperationalError) as faute, moteur.connect() as connexion:
        connexion.execute(text("SELECT * FROM table_absente"))
    assert panne_de_base(faute.value) is None  # a bug stays a 500
    moteur.dispose()
    plein = OperationalError("INSERT …", {}, sqlite3.OperationalError("database or disk is full"))
    assert panne_de_base(plein).startswith(DISQUE_PLEIN)
    verrou = OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked"))
    assert panne_de_base(verrou) == MESSAGE_BASE_EN_PANNE
