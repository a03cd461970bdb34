"""Every browser test runs in the same browser: Debian's Chromium, headless, in French.

A French person's browser: its own widgets in French (chromium-l10n, LANGUAGE=fr, --lang=fr-FR),
pages asked for in French (locale fr-FR, Accept-Language), dates JJ/MM/AAAA. It is launched once
for the browser tests (package scope); each module gets its own page, in a fresh context, on its
own app (tests/web/conftest.py) served over HTTP on a free port of the loopback.
"""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from tests.outils import RACINE
from tests.web.outils import CHROMIUM, chromium_francais

CAPTURES = RACINE / "sorties" / "captures"


@pytest.fixture(scope="package")
def chromium():
    """Debian's Chromium, through Playwright, launched once (skipped where it is absent)."""
    if CHROMIUM is None:
        pytest.skip("chromium absent : make test l'installe")
    with chromium_francais() as navigateur:
        yield navigateur


@pytest.fixture(scope="module")
def adresse(app):
    """The module's app, served by a real HTTP server in a thread: its base URL."""
    serveur = make_server("127.0.0.1", 0, app, threaded=True)
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    yield f"http://127.0.0.1:{serveur.server_port}"
    serveur.shutdown()


@pytest.fixture(scope="module")
def page(chromium, adresse):
    """A page of a fresh French context (cookies of this module only), downloads accepted."""
    contexte = chromium.new_context(locale="fr-FR", accept_downloads=True,
                                    extra_http_headers={"Accept-Language": "fr-FR,fr;q=0.9"},
                                    viewport={"width": 1100, "height": 900})
    yield contexte.new_page()
    contexte.close()


@pytest.fixture(scope="session")
def captures():
    """Where the browser tests leave their screenshots, to be looked at: sorties/captures/."""
    CAPTURES.mkdir(parents=True, exist_ok=True)
    return CAPTURES
