"""Signing in and out as the wrong person would: a cookie replayed after logout, an idle or
too old session, guesses from one address or from many, a revoked or expired API token."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.personnes.comptes import (
    Compte,
    Jeton,
    SessionWeb,
    changer_mot_de_passe,
    creer_compte,
    creer_jeton,
    desactiver_compte,
    echecs_recents,
    revoquer_jetons,
)
from service.web import service
from service.web.auth import adresse_du_client
from tests.web.outils import Navigateur, entetes, texte

TROP = "Trop de tentatives"


def _depuis(navigateur: Navigateur, adresse: str) -> Navigateur:
    """The browser's requests now come from ``adresse``."""
    navigateur.client.environ_base["REMOTE_ADDR"] = adresse
    return navigateur


def _cookie(reponse) -> str:
    return re.search(r"session=([^;]+)", reponse.headers["Set-Cookie"]).group(1)


def _avec_cookie(app, valeur: str) -> Navigateur:
    """Another browser, holding a copy of a session cookie."""
    navigateur = Navigateur(app)
    navigateur.client.set_cookie("session", valeur, domain="localhost")
    return navigateur


def _nouveau(app, identifiant: str, role: str = "tuteur") -> str:
    creer_compte(service(app)["base"], identifiant, identifiant.title(), role, f"demo-{identifiant}")
    return identifiant


def _sessions(app, identifiant: str, **valeurs) -> None:
    """Changes the dates of the account's sessions in the database (time passing)."""
    base = service(app)["base"]
    with Session(base) as session:
        compte_id = session.query(Compte.id).filter_by(identifiant=identifiant).scalar()
        session.execute(update(SessionWeb).where(SessionWeb.compte_id == compte_id).values(**valeurs))
        session.commit()


# Sessions --------------------------------------------------------------------------------

def test_a_cookie_replayed_after_logout_gets_the_sign_in_page_and_no_download(app, client, catalogue):
    jeton = creer_jeton(service(app)["base"], "tuteur")
    reponse = client.post("/api/documents", headers=entetes(jeton), json={
        "gabarit": "fiche_personnalisation",
        "donnees": catalogue.gabarit("fiche_personnalisation").formulaire.exemple})
    assert reponse.status_code == 201
    pdf = f"/documents/{reponse.json['numero']}/v1.pdf"

    navigateur = Navigateur(app)
    cookie = _cookie(navigateur.connexion("tuteur"))
    copie = _avec_cookie(app, cookie)
    assert copie.get("/").status_code == 200  # the copy works while the session lives
    assert copie.get(pdf).data.startswith(b"%PDF-")

    navigateur.post("/deconnexion", {}, page="/")
    rejoue = _avec_cookie(app, cookie)
    for url in ("/", pdf, "/formulaires/compte_rendu_sopa"):
        reponse = rejoue.get(url)
        assert reponse.status_code == 302 and reponse.headers["Location"] == "/connexion", url
    assert navigateur.get("/").headers["Location"] == "/connexion"


def test_the_session_id_changes_at_each_sign_in_and_the_former_one_ends(app):
    navigateur = Navigateur(app)
    premier = _cookie(navigateur.connexion("inspecteur"))
    second = _cookie(navigateur.connexion("inspecteur"))
    assert premier != second
    assert navigateur.get("/").status_code == 200
    assert _avec_cookie(app, premier).get("/").headers["Location"] == "/connexion"


def test_a_cookie_carrying_an_account_rather_than_a_session_signs_no_one_in(app):
    """What the cookie held before: the account's id, signed. It is no longer enough."""
    ancien = app.session_interface.get_signing_serializer(app).dumps({"compte": 1})
    reponse = _avec_cookie(app, ancien).get("/")
    assert reponse.status_code == 302 and reponse.headers["Location"] == "/connexion"


def test_an_idle_session_ends_after_two_hours(app):
    identifiant = _nouveau(app, "inactif")
    navigateur = Navigateur(app)
    navigateur.connexion(identifiant)
    _sessions(app, identifiant, vue_le=dt.datetime.now(dt.UTC).replace(tzinfo=None)
              - dt.timedelta(minutes=119))
    assert navigateur.get("/").status_code == 200  # 1 h 59 without a request: still there
    _sessions(app, identifiant, vue_le=dt.datetime.now(dt.UTC).replace(tzinfo=None)
              - dt.timedelta(minutes=121))
    assert navigateur.get("/").headers["Location"] == "/connexion"
    assert navigateur.get("/").headers["Location"] == "/connexion"  # ended for good


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(app):
    identifiant = _nouveau(app, "assidu")
    navigateur = Navigateur(app)
    navigateur.connexion(identifiant)
    _sessions(app, identifiant, creee_le=dt.datetime.now(dt.UTC).replace(tzinfo=None)
              - dt.timedelta(hours=12, minutes=1))
    assert navigateur.get("/").headers["Location"] == "/connexion"


def test_last_seen_is_written_at_most_once_a_minute(app):
    identifiant = _nouveau(app, "vu")
    navigateur = Navigateur(app)
    navigateur.connexion(identifiant)
    base = service(app)["base"]

    def vue_le():
        with Session(base) as session:
            return session.scalar(select(SessionWeb.vue_le).join(
                Compte, SessionWeb.compte_id == Compte.id).where(Compte.identifiant == identifiant))

    avant = vue_le()
    navigateur.get("/")
    navigateur.get("/")
    assert vue_le() == avant
    il_y_a_deux_minutes = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=2)
    _sessions(app, identifiant, vue_le=il_y_a_deux_minutes)
    navigateur.get("/")
    assert vue_le() > il_y_a_deux_minutes + dt.timedelta(minutes=1)


def test_a_disabled_account_or_a_new_password_ends_its_sessions(app):
    base = service(app)["base"]
    identifiant = _nouveau(app, "partant")
    navigateur = Navigateur(app)
    navigateur.connexion(identifiant)
    desactiver_compte(base, identifiant)
    assert navigateur.get("/").headers["Location"] == "/connexion"
    reponse = navigateur.connexion(identifiant)
    assert reponse.status_code == 401 and "Identifiant ou mot de passe incorrect." in texte(reponse)

    identifiant = _nouveau(app, "oublieux")
    navigateur = Navigateur(app)
    navigateur.connexion(identifiant)
    changer_mot_de_passe(base, identifiant, "nouveau-mot-de-passe")
    assert navigateur.get("/").headers["Location"] == "/connexion"
    assert navigateur.connexion(identifiant, "nouveau-mot-de-passe").status_code == 302


# Throttling ------------------------------------------------------------------------------

def test_ten_wrong_passwords_lock_that_account_and_only_it(app):
    _nouveau(app, "distrait")
    _nouveau(app, "collegue")
    ecole = _depuis(Navigateur(app), "203.0.113.10")
    reponse = ecole.connexion("distrait", "mauvais")
    assert reponse.status_code == 401 and "Identifiant ou mot de passe incorrect." in texte(reponse)
    for _ in range(9):
        assert ecole.connexion("distrait", "mauvais").status_code == 401
    reponse = ecole.connexion("distrait")  # even the right password, now
    assert reponse.status_code == 429 and TROP in texte(reponse)
    # someone else, behind the same address, with the right password: gets in
    voisin = _depuis(Navigateur(app), "203.0.113.10")
    assert voisin.connexion("collegue").status_code == 302
    assert voisin.get("/").status_code == 200


def test_guesses_from_many_addresses_still_lock_the_account(app):
    _nouveau(app, "cible", "administrateur")
    for i in range(10):
        _depuis(Navigateur(app), f"198.51.100.{i + 1}").connexion("cible", f"essai-{i}")
    reponse = _depuis(Navigateur(app), "198.51.100.99").connexion("cible")
    assert reponse.status_code == 429 and TROP in texte(reponse)


def test_fifty_failures_from_one_address_lock_that_address_only(app):
    _nouveau(app, "ailleurs")
    robot = _depuis(Navigateur(app), "192.0.2.66")
    for i in range(50):  # five guesses on each of ten names: no account reaches its limit
        assert robot.connexion(f"inconnu{i % 10}", "mauvais").status_code == 401
    reponse = _depuis(Navigateur(app), "192.0.2.66").connexion("ailleurs")
    assert reponse.status_code == 429 and TROP in texte(reponse)
    assert _depuis(Navigateur(app), "192.0.2.67").connexion("ailleurs").status_code == 302


def test_x_forwarded_for_is_believed_from_the_configured_proxies_only(app, monkeypatch):
    outils = service(app)
    monkeypatch.setitem(outils, "config", dataclasses.replace(
        outils["config"], proxys=("10.0.0.1", "10.1.0.0/16")))

    def adresse(pair, transmis):
        with app.test_request_context("/connexion", environ_base={"REMOTE_ADDR": pair},
                                      headers={"X-Forwarded-For": transmis}):
            return adresse_du_client()

    assert adresse("192.0.2.5", "1.2.3.4") == "192.0.2.5"  # not a proxy: its header is its own
    assert adresse("10.0.0.1", "1.2.3.4") == "1.2.3.4"
    # what the client wrote itself comes first; the proxies add the rest
    assert adresse("10.0.0.1", "6.6.6.6, 1.2.3.4, 10.1.2.3") == "1.2.3.4"
    assert adresse("10.0.0.1", "") == "10.0.0.1"

    derriere = _depuis(Navigateur(app), "10.0.0.1")
    derriere.client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.77"
    derriere.connexion("inconnu-du-proxy", "mauvais")
    recents = echecs_recents(outils["base"], ["adresse:203.0.113.77", "adresse:10.0.0.1"],
                             dt.timedelta(minutes=10))
    assert recents == {"adresse:203.0.113.77": 1, "adresse:10.0.0.1": 0}


# API tokens ------------------------------------------------------------------------------

def test_a_revoked_token_is_refused(app, client):
    base = service(app)["base"]
    jeton = creer_jeton(base, "secretariat")
    assert client.get("/api/gabarits", headers=entetes(jeton)).status_code == 200
    assert len(revoquer_jetons(base, "secretariat")) >= 1
    reponse = client.get("/api/gabarits", headers=entetes(jeton))
    assert reponse.status_code == 401
    assert reponse.json["erreurs"][0]["message"] == "jeton d'accès absent ou invalide"


def test_an_expired_token_is_refused(app, client):
    base = service(app)["base"]
    jeton = creer_jeton(base, "stagiaire", jours=1)
    assert client.get("/api/gabarits", headers=entetes(jeton)).status_code == 200
    hier = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=1)
    with Session(base) as session:
        session.execute(update(Jeton).where(
            Jeton.empreinte == hashlib.sha256(jeton.encode()).hexdigest()).values(expire_le=hier))
        session.commit()
    reponse = client.get("/api/gabarits", headers=entetes(jeton))
    assert reponse.status_code == 401
    assert reponse.json["erreurs"][0]["message"] == "jeton d'accès absent ou invalide"



def test_the_addresses_of_one_ipv6_block_count_as_one(app):
    """A home or a school holds a whole IPv6 /64: changing address in it does not reset the count."""
    for adresse in ("2001:db8:5:7::1", "2001:db8:5:7::2"):
        _depuis(Navigateur(app), adresse).connexion("inconnu-v6", "mauvais")
    recents = echecs_recents(service(app)["base"], ["adresse:2001:db8:5:7::/64"],
                             dt.timedelta(minutes=10))
    assert recents == {"adresse:2001:db8:5:7::/64": 2}
