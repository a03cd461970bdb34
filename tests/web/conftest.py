"""The web's fixtures: one app per test module, a client, signing in as a demo account.

``app`` is module-scoped (its database, its LibreOffice pool and its workshop are started once
for a module's tests) with the demo accounts. A module that needs it otherwise overrides
``reglages`` (fields of Config, e.g. ``{"soffice": …}``) or ``app`` itself, taking this one:

    @pytest.fixture(scope="module")
    def app(app):
        effectifs.importer(service(app)["base"], …)
        return app
"""

from __future__ import annotations

import pytest

from service.config import Config
from service.personnes.demo import comptes_de_demo
from service.web import create_app, service
from tests.web.outils import Navigateur


@pytest.fixture(scope="module")
def reglages() -> dict:
    """What a module changes in the Config of its app (nothing by default)."""
    return {}


@pytest.fixture(scope="module")
def app(request, tmp_path_factory, reglages):
    """The service's app for this module, in a folder of its own, with the demo accounts."""
    dossier = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
    app = create_app(Config(donnees=dossier / "d", sorties=dossier / "s", **reglages))
    comptes_de_demo(service(app)["base"])
    yield app
    if "moteur" in service(app):
        service(app)["moteur"].fermer()
        service(app)["atelier"].fermer()


@pytest.fixture
def client(app):
    """Flask's test client, signed in as no one (the API's tests send a token)."""
    return app.test_client()


@pytest.fixture(scope="module")
def connecte(app):
    """``connecte("tuteur")``: a Navigateur signed in as that demo account (password demo-…)."""

    def connecter(identifiant: str, mot_de_passe: str | None = None) -> Navigateur:
        navigateur = Navigateur(app)
        assert navigateur.connexion(identifiant, mot_de_passe).status_code == 302
        return navigateur

    return connecter
