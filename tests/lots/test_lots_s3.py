"""Lots without a shared disk: two workers, each with its own empty folders, share only Redis,
S3 and the database (the packets' locks); one is killed with its packet, the other makes the
whole lot, every document once, and a web node with folders of its own shows it and sends its
ZIP from S3."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import uuid
import zipfile

import pytest
from sqlalchemy import create_engine, text

from service.config import Config
from service.lots import lots
from service.stockage import ouvrir
from tests.lots.test_lots import SOFFICE_LENT, _attendre, _proprietaire, lignes, redis_url  # noqa: F401
from tests.outils import RACINE

ID = "compte_rendu_sopa"


@pytest.fixture
def url_postgresql(postgresql_url):
    """A new database of the session's PostgreSQL cluster: what every machine shares."""
    serveur = postgresql_url.rsplit("/", 1)[0]
    nom = f"lots_s3_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{serveur}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connexion:
        connexion.execute(text(f"CREATE DATABASE {nom}"))
    yield f"{serveur}/{nom}"
    with admin.connect() as connexion:
        connexion.execute(text(f"DROP DATABASE {nom} WITH (FORCE)"))
    admin.dispose()


def _machine(tmp_path, nom: str, partage: dict) -> dict:
    """A machine's variables: its own empty folders (data, output, temporary), the rest shared."""
    for dossier in ("d", "s", "t"):
        (tmp_path / nom / dossier).mkdir(parents=True)
    return dict(partage, INSPE_DONNEES=str(tmp_path / nom / "d"),
                INSPE_SORTIES=str(tmp_path / nom / "s"), TMPDIR=str(tmp_path / nom / "t"))


def _worker(environ) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "service", "worker", "--fils", "1"], cwd=RACINE,
                            env=dict(os.environ, **environ), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_two_workers_without_a_shared_disk_one_killed_make_each_document_once(
        catalogue, tmp_path, serveur_s3, redis_url, url_postgresql):  # noqa: F811
    from service.bd import ouvrir as ouvrir_base
    from service.lots.file import Travaux
    from service.personnes.demo import comptes_de_demo
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
    premier = _worker(dict(a, INSPE_SOFFICE=str(lent / "soffice")))
    second = None
    try:
        _attendre(lambda: _proprietaire(base, lot.id, 0) is not None, 60)
        second = _worker(b)  # makes rows 26 to 30, then takes over the dead machine's packet
        _attendre(lambda: stockage.existe(lots.cle(lot.id, "fait", "29")), 90)
        assert _proprietaire(base, lot.id, 0) and not stockage.existe(lots.cle(lot.id, "fait", "0"))
        os.killpg(premier.pid, signal.SIGKILL)  # dies with its packet
        premier.wait()
        _attendre(lambda: lots.charger(stockage, lot.id).etat == "termine", 120)
    finally:
        for processus in (premier, second):
            if processus is not None and processus.poll() is None:
                os.killpg(processus.pid, signal.SIGTERM)
                processus.wait(timeout=60)
        try:
            os.killpg(int((lent / "groupe").read_text()), signal.SIGKILL)
        except (OSError, ValueError):
            pass

    documents = [e.cle for e in stockage.lister(lots.cle(lot.id, "documents"))]
    assert len(documents) == 30 == len(set(documents))
    assert sorted(lots.faits(stockage, lot.id)) == list(range(30))
    assert list(stockage.temporaires("lots")) == [] and _proprietaire(base, lot.id, 0) is None
    for machine in ("a", "b"):  # nothing of the lot on the workers' own disks
        assert not list((tmp_path / machine).rglob("*.pdf")) and not list((tmp_path / machine).rglob("*.zip"))

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
            d.rpartition("/")[2] for d in documents)
        assert z.read(noms[0]).startswith(b"%PDF-")
    assert client.post(f"/lots/{lot.id}/supprimer", **https).status_code == 302
    assert list(stockage.lister(lots.cle(lot.id))) == []
    with pytest.raises(lots.LotIntrouvable):
        lots.charger(stockage, lot.id)
    assert not list((tmp_path / "web").rglob("*.zip"))
    base.dispose()
