"""Signing in and out; every other page needs a signed-in account.

The cookie carries only the id of a session kept in the database (``comptes.SessionWeb``):
logout, the idle and absolute timeouts and a disabled account end it for good, whatever
cookie is replayed. Failed sign-ins are kept in the database too, so that every process
throttles alike: per account and per address, so that one person's typos never lock out
the others behind the same address."""

from __future__ import annotations

import datetime as dt
import ipaddress

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField

from service.personnes import acces
from service.personnes.comptes import (
    ROLES,
    Durees,
    authentifier,
    compte_de_session,
    echecs_recents,
    noter_echec,
    oublier_echecs,
    ouvrir_session,
    terminer_session,
)

from . import service
from .outils import peut

bp = Blueprint("auth", __name__)
FENETRE = dt.timedelta(minutes=10)
ECHECS_PAR_COMPTE = 10  # in FENETRE, against one account, from anywhere: that account waits
ECHECS_PAR_ADRESSE = 50  # in FENETRE, from one address, against any accounts: that address waits


class Connexion(FlaskForm):
    identifiant = StringField("Identifiant", render_kw={"autocomplete": "username",
                                                         "aria-required": "true"})
    mot_de_passe = PasswordField("Mot de passe", render_kw={"autocomplete": "current-password",
                                                            "aria-required": "true"})


def _reseaux(proxys: tuple[str, ...]) -> list:
    return [ipaddress.ip_network(p, strict=False) for p in proxys]


def _de_confiance(adresse: str, reseaux: list) -> bool:
    try:
        ip = ipaddress.ip_address(adresse)
    except ValueError:
        return False
    return any(ip in reseau for reseau in reseaux)


def adresse_du_client() -> str:
    """The address signing in: the peer's, unless the peer is a configured proxy
    (``INSPE_PROXYS``); then the last address of X-Forwarded-For that no configured proxy
    added. Anyone else's X-Forwarded-For is ignored: it is written by the client."""
    adresse = request.remote_addr or "?"
    reseaux = _reseaux(service(current_app)["config"].proxys)
    if not reseaux or not _de_confiance(adresse, reseaux):
        return adresse
    chaine = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
    while chaine and _de_confiance(chaine[-1], reseaux):
        adresse = chaine.pop()
    return chaine[-1] if chaine else adresse


def _bloc(adresse: str) -> str:
    """What one client holds: its IPv4 address, or its IPv6 /64 (one home or school has a
    whole /64, and would otherwise get round the limit by changing address)."""
    try:
        ip = ipaddress.ip_address(adresse)
    except ValueError:
        return adresse
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)


def _durees() -> Durees:
    config = service(current_app)["config"]
    return Durees(inactivite=dt.timedelta(minutes=config.session_inactivite_min),
                  maximum=dt.timedelta(minutes=config.session_max_min))


@bp.route("/connexion", methods=["GET", "POST"])
def connexion():
    formulaire = Connexion()
    if formulaire.validate_on_submit():
        base = service(current_app)["base"]
        identifiant = (formulaire.identifiant.data or "").strip().lower()
        cles = [f"compte:{identifiant}", f"adresse:{_bloc(adresse_du_client())}"]
        recents = echecs_recents(base, cles, FENETRE)
        if recents[cles[0]] >= ECHECS_PAR_COMPTE or recents[cles[1]] >= ECHECS_PAR_ADRESSE:
            return render_template("connexion.html", formulaire=formulaire, erreur=(
                "Trop de tentatives : réessayez dans quelques minutes.")), 429
        qui = authentifier(base, identifiant, formulaire.mot_de_passe.data or "")
        if qui is None:
            noter_echec(base, cles, FENETRE)
            return render_template("connexion.html", formulaire=formulaire, erreur=(
                "Identifiant ou mot de passe incorrect.")), 401
        oublier_echecs(base, cles[0])  # the account's owner is back: its count starts again
        if session.get("sid"):
            terminer_session(base, session["sid"])
        session.clear()  # a new id at each sign-in: a cookie known before is worth nothing
        session["sid"] = ouvrir_session(base, qui.id, _durees())
        return redirect(url_for("dossier.mes_documents"))
    return render_template("connexion.html", formulaire=formulaire, erreur=None)


@bp.post("/deconnexion")
def deconnexion():
    if session.get("sid"):
        terminer_session(service(current_app)["base"], session["sid"])
    session.clear()
    flash("Vous êtes déconnecté.")
    return redirect(url_for("auth.connexion"))


@bp.before_app_request
def charger_compte():
    identifiant = session.get("sid")
    g.compte = compte_de_session(service(current_app)["base"], identifiant, _durees()) \
        if identifiant else None
    if identifiant and g.compte is None:
        session.pop("sid")  # ended, idle or too old: the cookie is emptied
    g.roles = ROLES


@bp.app_context_processor
def droits():
    """``peut(action, objet)`` in the templates, to show only the actions one may do."""
    return {"peut": peut, "LOT": acces.LOT, "EFFECTIFS": acces.EFFECTIFS,
            "CAMPAGNE": acces.CAMPAGNE,
            "Formulaire": acces.Formulaire, "Export": acces.Export}
