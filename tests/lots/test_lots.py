"""Bulk jobs: one document per row exactly once, through crashes, cancellations and two workers."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from service.catalogue.validation import valider
from service.lots import lots
from tests import postgresql_local, redis_local
from tests.outils import RACINE, rangs_des_paquets

ID = "compte_rendu_sopa"


def lignes(catalogue, n):
    exemple = catalogue.gabarit(ID).formulaire.exemple
    formulaire = catalogue.gabarit(ID).formulaire
    return [valider(formulaire, dict(exemple, stagiaire_nom=f"ÉLÈVE{i:03d}")) for i in range(n)]


def test_each_row_is_made_once_even_when_a_packet_runs_again(catalogue, tmp_path):
    valeurs = lignes(catalogue, 7) + lignes(catalogue, 1)  # the last name is taken twice
    lot = lots.creer(tmp_path, catalogue, ID, valeurs, format_="docx")
    dossier = (tmp_path / "lots") / lot.id
    assert lots.traiter_paquet(tmp_path, catalogue, lot.id, 0, 5) == 5
    assert lots.finir(tmp_path, lot.id) is None  # rows remain
    # a crash while writing row 5's packet: its archive never came
    assert lots.traiter_paquet(tmp_path, catalogue, lot.id, 5, 6) == 1
    (dossier / "paquets" / "5-6.zip").unlink()
    assert lots.traiter_paquet(tmp_path, catalogue, lot.id, 0, 8) == 3  # 5 again, 6 and 7
    assert lots.faits(tmp_path, lot.id) == set(range(8))
    assert lots.traiter_paquet(tmp_path, catalogue, lot.id, 0, 8) == 0
    assert rangs_des_paquets(tmp_path, lot.id) == list(range(8))  # each row made once
    archive = lots.finir(tmp_path, lot.id)
    with zipfile.ZipFile(archive) as z:
        noms = z.namelist()
    assert len(noms) == 8 == len(set(noms))
    assert "ÉLÈVE000 Léa - compte-rendu SOPA - 2026-10-05-2.docx" in noms
    assert str(lots.avancement(tmp_path, lot.id)) == "8/8 documents (terminé)"


def test_a_file_half_written_by_a_killed_worker_is_gone_once_the_lot_is_done(catalogue, tmp_path):
    lot = lots.creer(tmp_path, catalogue, ID, lignes(catalogue, 2), format_="docx")
    lots.traiter_paquet(tmp_path, catalogue, lot.id, 0, 1)
    paquets = (tmp_path / "lots") / lot.id / "paquets"
    (paquets / ".1-2.zip.3f2a9c1e.partiel").write_bytes(b"PK\x03")
    lots.traiter_paquet(tmp_path, catalogue, lot.id, 1, 2)
    with zipfile.ZipFile(lots.finir(tmp_path, lot.id)) as z:
        assert len(z.namelist()) == 2
    assert sorted(p.name for p in paquets.iterdir()) == ["0-1.zip", "1-2.zip"]


def test_a_cancelled_lot_makes_nothing_more(catalogue, tmp_path):
    lot = lots.creer(tmp_path, catalogue, ID, lignes(catalogue, 4), format_="docx")
    lots.traiter_paquet(tmp_path, catalogue, lot.id, 0, 2)
    assert lots.annuler(tmp_path, lot.id).etat == "annule"
    assert lots.traiter_paquet(tmp_path, catalogue, lot.id, 2, 4) == 0
    assert lots.finir(tmp_path, lot.id) is None
    assert lots.inacheves(tmp_path) == []
    assert str(lots.avancement(tmp_path, lot.id)) == "2/4 documents (annulé)"


def _worker(environ, *options) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "service", "worker", *options], cwd=RACINE,
                            env=dict(os.environ, **environ), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _attendre(condition, delai=180):
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("délai dépassé")

def _arreter(premier, second, lent: Path) -> None:
    """The workers still running stopped, and the slow converter's process group killed."""
    for processus in (premier, second):
        if processus is not None and processus.poll() is None:
            os.killpg(processus.pid, signal.SIGTERM)
            processus.wait(timeout=60)
    try:
        os.killpg(int((lent / "groupe").read_text()), signal.SIGKILL)
    except (OSError, ValueError):
        pass



def test_a_worker_killed_mid_lot_resumes_without_making_any_document_twice(catalogue, tmp_path):
    environ = {"INSPE_SORTIES": str(tmp_path / "s"), "INSPE_DONNEES": str(tmp_path / "d"),
               "INSPE_LIBREOFFICE": "1"}
    lot = lots.creer(tmp_path / "s", catalogue, ID, lignes(catalogue, 60), format_="pdf",
                     impression=True)
    from service.config import Config
    from service.lots.file import Travaux

    Travaux(Config.depuis(environ)).lancer(lot.id)
    worker = _worker(environ)
    _attendre(lambda: len(lots.faits(tmp_path / "s", lot.id)) >= 5)
    os.killpg(worker.pid, signal.SIGKILL)  # the service crashes mid-lot
    worker.wait()
    faits_avant = len(lots.faits(tmp_path / "s", lot.id))
    assert faits_avant < 60
    worker = _worker(environ)  # it starts again, and resumes
    try:
        _attendre(lambda: lots.charger(tmp_path / "s", lot.id).etat == "termine")
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
    dossier = (tmp_path / "s" / "lots") / lot.id
    assert rangs_des_paquets(tmp_path / "s", lot.id) == list(range(60))  # each made once
    with zipfile.ZipFile(next(dossier.glob("*.zip"))) as z:
        noms = z.namelist()
        assert len(noms) == 61 == len(set(noms))  # 60 documents and the print-ready PDF
        assert z.read(noms[0]).startswith(b"%PDF-")


@pytest.fixture
def redis_url():
    """A real redis-server (installed by make test), on a free port of this machine."""
    try:
        with redis_local.serveur() as url:
            yield url
    except redis_local.RedisAbsent as exc:
        pytest.skip(str(exc))


def test_the_redis_mode_with_two_workers(catalogue, tmp_path, redis_url):
    environ = {"INSPE_SORTIES": str(tmp_path / "s"), "INSPE_DONNEES": str(tmp_path / "d"),
               "INSPE_FILE": redis_url, "INSPE_LIBREOFFICE": "1"}
    from service.config import Config
    from service.lots.file import Travaux

    premier = lots.creer(tmp_path / "s", catalogue, ID, lignes(catalogue, 40), format_="docx")
    second = lots.creer(tmp_path / "s", catalogue, ID, lignes(catalogue, 30), format_="pdf")
    travaux = Travaux(Config.depuis(environ))
    travaux.lancer(premier.id)
    travaux.lancer(second.id)
    workers = [_worker(environ), _worker(environ)]
    try:
        _attendre(lambda: all(lots.charger(tmp_path / "s", x.id).etat == "termine"
                              for x in (premier, second)))
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
    for lot, extension in ((premier, ".docx"), (second, ".pdf")):
        dossier = (tmp_path / "s" / "lots") / lot.id
        assert rangs_des_paquets(tmp_path / "s", lot.id) == list(range(lot.total))
        with zipfile.ZipFile(next(dossier.glob("*.zip"))) as z:
            assert all(Path(nom).suffix == extension for nom in z.namelist())
        assert lots.faits(tmp_path / "s", lot.id) == set(range(lot.total))


def test_lot_from_the_command_line(capsys, tmp_path):
    from service.cli import main

    environ = {"INSPE_SORTIES": str(tmp_path / "s"), "INSPE_DONNEES": str(tmp_path / "d")}
    main(["exemple", ID], environ={})
    (tmp_path / "x.json").write_text(f"[{capsys.readouterr().out}]", encoding="utf-8")
    assert main(["lot", ID, "--donnees", str(tmp_path / "x.json")], environ=environ) == 0
    lot_id, reste = capsys.readouterr().out.strip().split("\t")
    assert reste == "1 document(s) en attente"
    assert main(["lot-etat", lot_id], environ=environ) == 0
    assert capsys.readouterr().out.strip() == "0/1 documents (en attente)"
    assert main(["lot-annuler", lot_id], environ=environ) == 0
    assert capsys.readouterr().out.strip() == "0/1 documents (annulé)"
    assert main(["lot-etat", "inconnu"], environ=environ) == 2
    assert Path(tmp_path / "d" / "travaux.db").exists()


def test_a_cancelled_lot_leaves_the_queue_empty(catalogue, tmp_path):
    from service.config import Config
    from service.lots.file import Travaux

    config = Config(sorties=tmp_path / "s", donnees=tmp_path / "d")
    travaux = Travaux(config)
    travaux.file.immediate = True  # tasks run at once, in this process
    lot = lots.creer(config.sorties, catalogue, ID, lignes(catalogue, 30), format_="docx")
    lots.annuler(config.sorties, lot.id)
    travaux.lancer(lot.id)
    assert lots.faits(config.sorties, lot.id) == set()
    encore = lots.creer(config.sorties, catalogue, ID, lignes(catalogue, 30), format_="docx")
    travaux.lancer(encore.id)
    assert lots.charger(config.sorties, encore.id).etat == "termine"
    assert len(lots.faits(config.sorties, encore.id)) == 30


def test_finished_lots_are_deleted_on_request_or_after_their_retention(catalogue, tmp_path):
    import datetime as dt
    import json

    vieux = lots.creer(tmp_path, catalogue, ID, lignes(catalogue, 2), format_="docx")
    recent = lots.creer(tmp_path, catalogue, ID, lignes(catalogue, 2), format_="docx")
    en_cours = lots.creer(tmp_path, catalogue, ID, lignes(catalogue, 2), format_="docx")
    for lot in (vieux, recent):
        lots.traiter_paquet(tmp_path, catalogue, lot.id, 0, 2)
        lots.finir(tmp_path, lot.id)
    fiche = (tmp_path / "lots") / vieux.id / "lot.json"
    donnees = json.loads(fiche.read_text())
    donnees["cree_le"] = (dt.datetime.now(dt.UTC) - dt.timedelta(days=91)).isoformat()
    fiche.write_text(json.dumps(donnees))
    # a deletion cut short two days ago (its lot.json gone first), a lot being created
    coupe, nouveau = tmp_path / "lots" / "20261201-090000-aaaaaa", tmp_path / "lots" / "20261204-090000-bb"
    (coupe / "documents").mkdir(parents=True)
    (coupe / "documents" / "A.docx").write_bytes(b"PK")
    os.utime(coupe / "documents" / "A.docx", (time.time() - 2 * 86400,) * 2)
    nouveau.mkdir()
    (nouveau / "lignes.jsonl").write_text("{}\n")
    assert lots.purger(tmp_path, 90) == [vieux.id, coupe.name]
    assert not coupe.exists() and nouveau.exists()
    assert [x.id for x in lots.tous(tmp_path)] == sorted([recent.id, en_cours.id], reverse=True)
    with pytest.raises(ValueError, match="un lot en cours se supprime après l'avoir annulé"):
        lots.supprimer(tmp_path, en_cours.id)
    lots.supprimer(tmp_path, recent.id)
    assert not ((tmp_path / "lots") / recent.id).exists()


SOFFICE_LENT = """#!/bin/sh
ps -o pgid= -p $$ | tr -d ' ' > "{dossier}/groupe"
sleep 8
exec soffice "$@"
"""


def test_redis_a_worker_killed_with_its_packet_is_taken_over_by_an_idle_one(catalogue, tmp_path,
                                                                            redis_url):
    """The others, idle, used to wait for ever: the lot stayed « en cours » at 1/26."""
    from service.config import Config
    from service.lots.file import Travaux

    environ = {"INSPE_SORTIES": str(tmp_path / "s"), "INSPE_DONNEES": str(tmp_path / "d"),
               "INSPE_FILE": redis_url, "INSPE_LIBREOFFICE": "1"}
    lent = tmp_path / "lent"
    lent.mkdir()
    (lent / "soffice").write_text(SOFFICE_LENT.format(dossier=lent))
    (lent / "soffice").chmod(0o755)
    sorties = tmp_path / "s"
    lot = lots.creer(sorties, catalogue, ID, lignes(catalogue, 26), format_="pdf")
    Travaux(Config.depuis(environ)).lancer(lot.id)
    from service.bd import ouvrir

    base = ouvrir(Config.depuis(environ).base_de_donnees)  # the workers' database: their locks

    def worker(environ):
        return subprocess.Popen([sys.executable, "-m", "service", "worker", "--fils", "1"],
                                cwd=RACINE, env=dict(os.environ, **environ),
                                start_new_session=True, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)

    # the first worker takes rows 1 to 25, and its LibreOffice is slow to start
    premier = worker(dict(environ, INSPE_SOFFICE=str(lent / "soffice")))
    second = None
    try:
        _attendre(lambda: _proprietaire(base, lot.id, 0) is not None, 60)
        second = worker(environ)  # it makes row 26, then has nothing left to do
        _attendre(lambda: 25 in lots.faits(sorties, lot.id), 60)
        assert _proprietaire(base, lot.id, 0) and 0 not in lots.faits(sorties, lot.id)
        os.killpg(premier.pid, signal.SIGKILL)  # dies with its packet
        premier.wait()
        tue = time.monotonic()
        _attendre(lambda: lots.charger(sorties, lot.id).etat == "termine", 60)
        assert time.monotonic() - tue < 45  # taken over within a bounded time
    finally:
        _arreter(premier, second, lent)
    assert rangs_des_paquets(sorties, lot.id) == list(range(26))  # each row made once
    assert sorted(lots.faits(sorties, lot.id)) == list(range(26))


def _proprietaire(base, lot_id: str, debut: int) -> str | None:
    """Who holds the packet's lock (service/lots/verrous.py), None when nobody."""
    from sqlalchemy import text

    with base.connect() as connexion:
        return connexion.execute(text("SELECT proprietaire FROM verrous_de_paquets WHERE lot = :lot "
                                      "AND debut = :debut"), {"lot": lot_id, "debut": debut}).scalar()


def test_a_packet_claimed_on_another_machine_is_taken_over_once_its_lock_goes_stale(
        catalogue, tmp_path, url_base, monkeypatch):
    """On SQLite and PostgreSQL: the lock is in the database every machine shares."""
    from sqlalchemy import text

    from service.bd import ouvrir
    from service.lots import verrous

    base = ouvrir(url_base)
    lot = lots.creer(tmp_path, catalogue, ID, lignes(catalogue, 2), format_="pdf")
    with base.begin() as connexion:
        connexion.execute(text("INSERT INTO verrous_de_paquets VALUES (:lot, 0, 'autre-machine:1:ab', "
                               ":maintenant)"), {"lot": lot.id, "maintenant": time.time()})
    assert lots.pris(base, lot.id, 0) and verrous.prendre(base, lot.id, 0) is None
    assert lots.traiter_paquet(tmp_path, catalogue, lot.id, 0, 2, None, base) == 0  # its worker lives
    with base.begin() as connexion:  # untouched for too long: its worker is gone
        connexion.execute(text("UPDATE verrous_de_paquets SET touche_le = touche_le - 31"))
    assert not lots.pris(base, lot.id, 0)

    # the worker that takes it over keeps its lock fresh while it works, however long
    monkeypatch.setattr(verrous, "PERIME_S", 0.3)
    vus = []

    def lent(documents):
        for _ in range(4):
            with base.connect() as connexion:
                vus.append(connexion.execute(text("SELECT proprietaire, touche_le "
                                                  "FROM verrous_de_paquets")).one())
            assert lots.pris(base, lot.id, 0)  # by this worker: nobody else takes it
            time.sleep(0.3)
        return [b"%PDF-1.7 " + d.numero.encode() for d in documents]

    assert lots.traiter_paquet(tmp_path, catalogue, lot.id, 0, 2, lent, base) == 2
    assert len({p for p, _ in vus}) == 1 and vus[0][0].startswith(f"{socket.gethostname()}:{os.getpid()}:")
    assert vus[-1][1] > vus[0][1]
    assert _proprietaire(base, lot.id, 0) is None  # released

    # a worker of this machine whose process is gone loses its packet at once
    with base.begin() as connexion:
        connexion.execute(text("INSERT INTO verrous_de_paquets VALUES (:lot, 1, :mort, :maintenant)"),
                          {"lot": lot.id, "mort": f"{socket.gethostname()}:999999999:cd",
                           "maintenant": time.time() + 3600})
    assert not lots.pris(base, lot.id, 1)
    moi = verrous.prendre(base, lot.id, 1)
    assert moi is not None and verrous.prendre(base, lot.id, 1) is None  # one taker only
    base.dispose()


# --- no shared disk: two workers, each with its own empty folders, share only Redis, S3 and the
# database (the packets' locks); one is killed with its packet, the other makes the whole lot,
# every document once, and a web node with folders of its own shows it and sends its ZIP from S3

@pytest.fixture
def url_postgresql(postgresql_url):
    """A new database of the session's PostgreSQL cluster: what every machine shares."""
    import uuid

    with postgresql_local.base_neuve(postgresql_url, f"lots_s3_{uuid.uuid4().hex[:8]}") as url:
        yield url


def _machine(tmp_path, nom: str, partage: dict) -> dict:
    """A machine's variables: its own empty folders (data, output, temporary), the rest shared."""
    for dossier in ("d", "s", "t"):
        (tmp_path / nom / dossier).mkdir(parents=True)
    return dict(partage, INSPE_DONNEES=str(tmp_path / nom / "d"),
                INSPE_SORTIES=str(tmp_path / nom / "s"), TMPDIR=str(tmp_path / nom / "t"))


def test_two_workers_without_a_shared_disk_one_killed_make_each_document_once(
        catalogue, tmp_path, serveur_s3, redis_url, url_postgresql):
    import io
    import uuid

    from service.bd import ouvrir as ouvrir_base
    from service.config import Config
    from service.lots.file import Travaux
    from service.personnes.demo import comptes_de_demo
    from service.stockage import ouvrir
    from service.web import create_app, service

    prefixe = f"lots-{uuid.uuid4().hex[:8]}"
    partage = dict(serveur_s3.environ(prefixe), INSPE_FILE=redis_url, DATABASE_URL=url_postgresql,
                   INSPE_LIBREOFFICE="1")
    stockage = ouvrir(f"s3://{serveur_s3.bucket}/{prefixe}", point_d_acces=serveur_s3.point_d_acces,
                      cle=serveur_s3.cle, secret=serveur_s3.secret)
    lent = tmp_path / "lent"
    lent.mkdir()
    (lent / "soffice").write_text(SOFFICE_LENT.format(dossier=lent))
    (lent / "soffice").chmod(0o755)
    a, b, web = (_machine(tmp_path, nom, partage) for nom in ("a", "b", "web"))
    base = ouvrir_base(url_postgresql)

    lot = lots.creer(stockage, catalogue, ID, lignes(catalogue, 30), format_="pdf", impression=True)
    Travaux(Config.depuis(web)).lancer(lot.id)
    # the first machine takes rows 1 to 25, and its LibreOffice is slow to start
    premier = _worker(dict(a, INSPE_SOFFICE=str(lent / "soffice")), "--fils", "1")
    second = None
    try:
        _attendre(lambda: _proprietaire(base, lot.id, 0) is not None, 60)
        second = _worker(b, "--fils", "1")  # makes rows 26 to 30, then takes over the dead machine's packet
        _attendre(lambda: 29 in lots.faits(stockage, lot.id), 90)
        assert _proprietaire(base, lot.id, 0) and 0 not in lots.faits(stockage, lot.id)
        os.killpg(premier.pid, signal.SIGKILL)  # dies with its packet
        premier.wait()
        _attendre(lambda: lots.charger(stockage, lot.id).etat == "termine", 120)
    finally:
        _arreter(premier, second, lent)

    assert rangs_des_paquets(stockage, lot.id) == list(range(30))  # each row made once
    assert sorted(lots.faits(stockage, lot.id)) == list(range(30))
    assert list(stockage.temporaires("lots")) == [] and _proprietaire(base, lot.id, 0) is None
    for machine in ("a", "b"):  # nothing of the lot on the workers' own disks (LibreOffice's
        # conversions in the temporary folder of the one killed aside)
        assert not (tmp_path / machine / "s" / "lots").exists()
        assert not [f for d in "sd" for f in (tmp_path / machine / d).rglob("*")
                    if f.suffix in (".pdf", ".zip")]
        assert not list((tmp_path / machine).rglob("*.zip"))

    # a web node with its own empty folders: the lot's progress and its ZIP, from S3
    app = create_app(Config.depuis(web), {"WTF_CSRF_ENABLED": False})
    comptes_de_demo(service(app)["base"])
    client = app.test_client()
    https = {"base_url": "https://localhost"}
    client.post("/connexion", data={"identifiant": "secretariat",
                                    "mot_de_passe": "demo-secretariat"}, **https)
    etat = client.get(f"/lots/{lot.id}/etat.json", **https).get_json()
    assert (etat["etat"], etat["faits"], etat["total"]) == ("termine", 30, 30)
    reponse = client.get(etat["zip"], **https)
    assert reponse.status_code == 200
    with zipfile.ZipFile(io.BytesIO(reponse.get_data())) as z:
        noms = z.namelist()
        assert len(noms) == 31  # 30 documents and the print-ready PDF
        assert sorted(n for n in noms if "impression" not in n) == sorted(
            ligne["fichier"] for ligne in lots._lignes(stockage, lot.id))
        assert z.read(noms[0]).startswith(b"%PDF-")
    assert client.post(f"/lots/{lot.id}/supprimer", **https).status_code == 302
    assert list(stockage.lister(lots.cle(lot.id))) == []
    with pytest.raises(lots.LotIntrouvable):
        lots.charger(stockage, lot.id)
    assert not list((tmp_path / "web").rglob("*.zip"))
    base.dispose()


def test_a_lot_begun_by_an_older_version_is_finished_with_its_documents(catalogue, tmp_path):
    """An older version wrote each document to documents/ and one fait/<n> per row: a lot it
    began is finished by this one, those rows kept as they are and not made again."""
    lot = lots.creer(tmp_path, catalogue, ID, lignes(catalogue, 30), format_="docx")
    dossier = (tmp_path / "lots") / lot.id
    (dossier / "fait").mkdir()
    (dossier / "documents").mkdir()
    fichiers = [json.loads(ligne)["fichier"] for ligne in (dossier / "lignes.jsonl").open()]
    for rang in (0, 1, 2):
        (dossier / "documents" / fichiers[rang]).write_bytes(f"ancien {rang}".encode())
        (dossier / "fait" / str(rang)).write_text("x")
    assert lots.faits(tmp_path, lot.id) == {0, 1, 2}
    assert lots.traiter_paquet(tmp_path, catalogue, lot.id, 0, 25) == 22
    assert lots.faits(tmp_path, lot.id) == set(range(25))
    assert str(lots.avancement(tmp_path, lot.id)).startswith("25/30 documents")
    assert lots.traiter_paquet(tmp_path, catalogue, lot.id, 25, 30) == 5
    with zipfile.ZipFile(lots.finir(tmp_path, lot.id)) as z:
        assert sorted(z.namelist()) == sorted(fichiers)
        assert z.read(fichiers[1]) == b"ancien 1"
        assert z.read(fichiers[3]).startswith(b"PK")


def test_on_s3_a_packet_is_a_few_requests_and_a_kept_document_four(catalogue, stockage_s3,
                                                                    moteur, sceau):
    """Each request to the object storage is a round trip and the server's work: a packet's
    documents are one archive, and a document kept where its author finds it costs its three
    files and the look for an earlier one — not a request more per row."""
    from types import SimpleNamespace

    from service.pdf.production import produire_pdfs

    requetes = []
    stockage_s3.client.meta.events.register(
        "before-send.s3", lambda request, **_: requetes.append(request.method))
    simple = lots.creer(stockage_s3, catalogue, ID, lignes(catalogue, 10), format_="docx")
    requetes.clear()
    assert lots.traiter_paquet(stockage_s3, catalogue, simple.id, 0, 10) == 10
    assert len(requetes) <= 8, requetes

    auteur = SimpleNamespace(id=1, identifiant="secretariat")
    garde = lots.creer(stockage_s3, catalogue, ID, lignes(catalogue, 10), format_="pdf",
                       auteur=auteur)
    requetes.clear()
    assert lots.traiter_paquet(stockage_s3, catalogue, garde.id, 0, 10,
                               lambda documents: produire_pdfs(documents, moteur, sceau)) == 10
    assert requetes.count("PUT") == 3 * 10 + 2  # docx, PDF, document.json; lot.json, archive
    assert len(requetes) <= 4 * 10 + 8, requetes
    numero = json.loads(stockage_s3.lire(lots.cle(garde.id, "lignes.jsonl")).splitlines()[0])["numero"]
    assert stockage_s3.lire(f"documents/{numero}/v1.pdf").startswith(b"%PDF-")
