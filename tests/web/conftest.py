"""The web's fixtures: one app per test module and a client (``connecte``, signing in as a demo
account, is in tests/conftest.py: modules elsewhere with an ``app`` of their own use it too).

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
