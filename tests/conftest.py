"""What every level of the tests shares, for the whole session: the configuration, the catalogue
and its examples, the LibreOffice pool and the seal, a database on SQLite and PostgreSQL, an SMTP
server, an S3 server. What one level alone needs is in its own conftest (tests/web, tests/web/navigateur,
tests/pdf, tests/archive); plain helpers are in tests/outils.py.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest

from service import creer_catalogue, creer_moteur, creer_sceau
from service.bd import ouvrir
from service.catalogue.generation import generer
from service.config import Config
from tests import postgresql_local, s3_local
from tests.outils import RACINE
from tests.web.outils import Navigateur


@pytest.fixture(scope="session")
def config(tmp_path_factory) -> Config:
    return Config(sorties=tmp_path_factory.mktemp("sorties"),
                  donnees=tmp_path_factory.mktemp("donnees"))


@pytest.fixture(scope="session")
def catalogue(config):
    return creer_catalogue(config)


@pytest.fixture(scope="session")
def exemples(catalogue) -> dict:
    """Each current gabarit rendered with its declaration's example."""
    return {g.id: generer(catalogue, g.id, g.formulaire.exemple) for g in catalogue.courants()}


@pytest.fixture(scope="session")
def moteur(config):
    """The LibreOffice pool, really started, shared by the whole session."""
    with creer_moteur(config) as moteur:
        yield moteur


@pytest.fixture(scope="session")
def sceau(config, catalogue):
    return creer_sceau(config, catalogue)


@pytest.fixture
def copie_catalogue(tmp_path) -> Config:
    """A private copy of gabarits/ and formulaires/ that a test may break."""
    for dossier in ("gabarits", "formulaires"):
        shutil.copytree(RACINE / dossier, tmp_path / dossier)
    return Config(gabarits=tmp_path / "gabarits", formulaires=tmp_path / "formulaires",
                  sorties=tmp_path / "sorties", donnees=tmp_path / "donnees")


@pytest.fixture(scope="session")
def postgresql_url():
    """A throwaway PostgreSQL cluster for the whole session (tests/postgresql_local.py)."""
    try:
        with postgresql_local.cluster() as url:
            yield url
    except (postgresql_local.PostgresqlAbsent, RuntimeError) as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def serveur_s3():
    """A real S3 server (SeaweedFS, tests/s3_local.py) for the whole session, with its bucket."""
    try:
        with s3_local.serveur() as serveur:
            yield serveur
    except (s3_local.SeaweedfsAbsent, RuntimeError) as exc:
        pytest.fail(str(exc))


_numeros = itertools.count(1)


@pytest.fixture
def stockage_s3(serveur_s3):
    """An empty storage of its own on the session's S3 server (a new prefix of its bucket)."""
    from service.stockage import ouvrir

    return ouvrir(f"s3://{serveur_s3.bucket}/essai-{next(_numeros)}", point_d_acces=serveur_s3.point_d_acces,
                  cle=serveur_s3.cle, secret=serveur_s3.secret)


@pytest.fixture(params=["dossier", "s3"])
def stockage(request, tmp_path):
    """The service's storage on both backends: an empty local folder, an empty S3 prefix."""
    if request.param == "dossier":
        from service.stockage import Dossier

        return Dossier(tmp_path / "stockage")
    return request.getfixturevalue("stockage_s3")


@pytest.fixture(params=["sqlite", "postgresql"])
def url_base(request, tmp_path):
    """An empty database's URL: a new SQLite file, or a new database in the session's cluster."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'inspe.sqlite3'}"
        return
    with postgresql_local.base_neuve(request.getfixturevalue("postgresql_url"),
                                     f"essai_{next(_numeros)}") as url:
        yield url


@pytest.fixture
def base_de_donnees(url_base):
    """The service's database on both SQLite and PostgreSQL, migrated (bd.ouvrir)."""
    moteur = ouvrir(url_base)
    yield moteur
    moteur.dispose()


@contextlib.contextmanager
def _serveur_smtp():
    import email
    import email.policy

    from aiosmtpd.controller import Controller

    class Boite:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, enveloppe):
            message = email.message_from_bytes(enveloppe.content, policy=email.policy.default)
            self.messages.append((list(enveloppe.rcpt_tos), message))
            return "250 Message accepted for delivery"

    boite = Boite()
    with socket.socket() as s:  # a free port (aiosmtpd checks it is up by connecting to it)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controleur = Controller(boite, hostname="127.0.0.1", port=port)
    controleur.start()
    try:
        yield port, boite.messages
    finally:
        controleur.stop()


@pytest.fixture
def serveur_smtp():
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives: (port, messages)."""
    with _serveur_smtp() as serveur:
        yield serveur


@pytest.fixture(scope="module")
def serveur_smtp_du_module():
    """The same, for a whole module: for an app (module-scoped) configured with it."""
    with _serveur_smtp() as serveur:
        yield serveur


@pytest.fixture(scope="module")
def connecte(app):
    """``connecte("tuteur")``: a Navigateur signed in as that demo account (password demo-…), on
    the module's ``app`` (tests/web/conftest.py's, or the module's own)."""

    def connecter(identifiant: str, mot_de_passe: str | None = None) -> Navigateur:
        navigateur = Navigateur(app)
        assert navigateur.connexion(identifiant, mot_de_passe).status_code == 302
        return navigateur

    return connecter


# A real OpenID Connect provider: panva's oidc-provider under node (tests/oidc/, installed by make).
OIDC = RACINE / "tests" / "oidc"


@pytest.fixture(scope="module")
def retours_oidc() -> list[str]:
    """The service's addresses the provider sends back to: the test client's by default."""
    return ["https://localhost/connexion/sso/retour"]


@pytest.fixture(scope="module")
def fournisseur_oidc(retours_oidc, tmp_path_factory):
    """tests/oidc/fournisseur.mjs on a free port of 127.0.0.1, for a module: its issuer URL,
    once its discovery document answers; stopped at the end."""
    node = shutil.which("node")
    if node is None or not (OIDC / "node_modules" / "oidc-provider").is_dir():
        pytest.skip("node ou oidc-provider absent : make test les installe")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    apres = [r.removesuffix("/sso/retour") for r in retours_oidc]  # back to the sign-in page
    journal = tmp_path_factory.mktemp("oidc") / "fournisseur.log"
    with open(journal, "w") as sortie:
        processus = subprocess.Popen([node, "fournisseur.mjs", str(port), ",".join(retours_oidc),
                                      ",".join(apres)], cwd=OIDC, stdout=sortie, stderr=subprocess.STDOUT)
    emetteur = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{emetteur}/.well-known/openid-configuration", timeout=1).close()
                break
            except OSError:
                if processus.poll() is not None:
                    raise AssertionError(journal.read_text()) from None
                time.sleep(0.05)
        yield emetteur
    finally:
        processus.terminate()
        processus.wait(10)
