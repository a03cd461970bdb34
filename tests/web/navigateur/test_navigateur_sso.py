"""Single sign-on in Chromium against a real OpenID Connect provider (oidc-provider, tests/oidc/):
from the sign-in page's button to the provider's form and back signed in, then out of both (the
logout's form goes on to the provider: the CSP's form-action must let it). The pages it adds
pass axe-core."""

from __future__ import annotations

import re
import socket
import threading

import pytest
from werkzeug.serving import make_server

from tests.outils import CLIENT_OIDC
from tests.web.navigateur.axe import violations


@pytest.fixture(scope="module")
def port_web() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def retours_oidc(port_web):
    return [f"http://127.0.0.1:{port_web}/connexion/sso/retour"]


@pytest.fixture(scope="module")
def reglages(fournisseur_oidc):
    return {"oidc_emetteur": fournisseur_oidc, **CLIENT_OIDC}


@pytest.fixture(scope="module")
def adresse(app, port_web):
    """The app served on the port the provider knows it by (its redirect URI)."""
    serveur = make_server("127.0.0.1", port_web, app, threaded=True)
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    yield f"http://127.0.0.1:{port_web}"
    serveur.shutdown()


def _fournisseur(page, login: str) -> None:
    """oidc-provider's sign-in form (its development interaction: any password)."""
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("x")
    page.locator("button[type=submit]").click()


def test_signing_in_and_out_through_the_university(page, adresse, fournisseur_oidc, captures):
    page.goto(f"{adresse}/connexion")
    page.screenshot(path=str(captures / "connexion-sso.png"), full_page=True)
    page.get_by_role("link", name="Se connecter avec l’université").click()
    page.wait_for_url(re.compile(re.escape(fournisseur_oidc)))
    _fournisseur(page, "p.langevin")
    page.wait_for_url(f"{adresse}/")
    assert "Paul Langevin" in page.inner_text("header")
    page.screenshot(path=str(captures / "connexion-sso-accueil.png"), full_page=True)

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(re.escape(f"{fournisseur_oidc}/session/end")))
    page.locator("button[name=logout][value=yes]").click()  # the provider asks: sign out there too
    page.wait_for_url(f"{adresse}/connexion")
    assert page.get_by_text("Vous êtes déconnecté.").is_visible()
    page.goto(f"{adresse}/")
    page.wait_for_url(re.compile(r"/connexion"))


def test_the_single_sign_on_pages_pass_axe(chromium, adresse, fournisseur_oidc):
    contexte = chromium.new_context(locale="fr-FR", bypass_csp=True)  # axe's script let in
    page, fautes = contexte.new_page(), []
    try:
        page.goto(f"{adresse}/connexion")
        pages = {"connexion": None, "refus": lambda: (
            page.get_by_role("link", name="Se connecter avec l’université").click(),
            _fournisseur(page, "invite"), page.wait_for_url(re.compile(r"/connexion/sso/retour")))}
        for nom, aller in pages.items():
            if aller:
                aller()
            fautes += [f"{nom} : {v}" for v in violations(page)]
        assert page.get_by_role("heading", level=1).inner_text() == "Connexion refusée"
    finally:
        contexte.close()
    assert fautes == []
