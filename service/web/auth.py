"""Signing in and out; every other page needs a signed-in account."""

from __future__ import annotations

import time
from collections import defaultdict, deque

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
from service.personnes.comptes import ROLES, authentifier, compte

from . import service
from .outils import peut

bp = Blueprint("auth", __name__)
ESSAIS_MAX, FENETRE_S = 5, 600
_echecs: dict[str, deque] = defaultdict(deque)


class Connexion(FlaskForm):
    identifiant = StringField("Identifiant", render_kw={"autocomplete": "username",
                                                         "aria-required": "true"})
    mot_de_passe = PasswordField("Mot de passe", render_kw={"autocomplete": "current-password",
                                                            "aria-required": "true"})


def _trop_d_essais(adresse: str) -> bool:
    essais, maintenant = _echecs[adresse], time.monotonic()
    while essais and maintenant - essais[0] > FENETRE_S:
        essais.popleft()
    return len(essais) >= ESSAIS_MAX


@bp.route("/connexion", methods=["GET", "POST"])
def connexion():
    formulaire = Connexion()
    if formulaire.validate_on_submit():
        adresse = request.remote_addr or "?"
        if _trop_d_essais(adresse):
            return render_template("connexion.html", formulaire=formulaire, erreur=(
                "Trop de tentatives : réessayez dans quelques minutes.")), 429
        qui = authentifier(service(current_app)["base"], formulaire.identifiant.data or "",
                           formulaire.mot_de_passe.data or "")
        if qui is None:
            _echecs[adresse].append(time.monotonic())
            return render_template("connexion.html", formulaire=formulaire, erreur=(
                "Identifiant ou mot de passe incorrect.")), 401
        session.clear()
        session["compte"] = qui.id
        return redirect(url_for("documents.accueil"))
    return render_template("connexion.html", formulaire=formulaire, erreur=None)


@bp.post("/deconnexion")
def deconnexion():
    session.clear()
    flash("Vous êtes déconnecté.")
    return redirect(url_for("auth.connexion"))


@bp.before_app_request
def charger_compte():
    identifiant = session.get("compte")
    g.compte = compte(service(current_app)["base"], identifiant) if identifiant else None
    g.roles = ROLES


@bp.app_context_processor
def droits():
    """``peut(action, objet)`` in the templates, to show only the actions one may do."""
    return {"peut": peut, "LOT": acces.LOT, "EFFECTIFS": acces.EFFECTIFS,
            "Formulaire": acces.Formulaire, "Export": acces.Export}
