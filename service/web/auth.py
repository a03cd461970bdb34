"""Signing in and out; every other page needs a signed-in account.

The cookie carries only the id of a session kept in the database (``comptes.SessionWeb``):
logout, the idle and absolute timeouts and a disabled account end it for good, whatever
cookie is replayed. Failed sign-ins are kept in the database too, so that every process
throttles alike: per account and per address, so that one person's typos never lock out
the others behind the same address (a school, a rectorat), and a lock lasts minutes, said
as such, never longer than the window.

A page opened signed out sends to this one with ``suivant`` (its path): signed in, one lands
where one was going. Only a path of this site is followed there, never an address elsewhere
(an open redirect would lend this site's name to a phishing link)."""

from __future__ import annotations

import datetime as dt

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

from service.catalogue.contexte import date_fr
from service.personnes import acces
from service.personnes.comptes import (
    ROLES,
    authentifier,
    cle_de_session,
    compte_de_session,
    confirmer_session,
    noter_echec,
    oublier_echecs,
    session_sso,
    sessions_ouvertes,
    terminer_session,
    terminer_sessions_du_compte,
)

from . import service
from .outils import (
    adresse,
    bloc_du_client,
    connecte,
    durees,
    limite_atteinte,
    noter,
    ouvrir_la_session,
    peut,
    suivant_sur,
)

bp = Blueprint("auth", __name__)
FENETRE = dt.timedelta(minutes=10)  # a lock lasts at most this long after a failure
ECHECS_PAR_COMPTE = 10  # in FENETRE, against one account, from anywhere: that account waits
# in FENETRE, from one address, against any accounts: that address waits. High, as a whole
# school or rectorat signs in from one address, typos included; guessing one password is
# stopped by the account's limit, this one stops trying a few passwords on many accounts.
ECHECS_PAR_ADRESSE = 100


class Confirmation(FlaskForm):
    mot_de_passe = PasswordField("Mot de passe", render_kw={"autocomplete": "current-password",
                                                            "aria-required": "true"})


class Connexion(FlaskForm):
    identifiant = StringField("Identifiant", render_kw={"autocomplete": "username",
                                                         "aria-required": "true"})
    mot_de_passe = PasswordField("Mot de passe", render_kw={"autocomplete": "current-password",
                                                            "aria-required": "true"})


def _bloque(base, cles: list[str]) -> str | None:
    """Why this sign-in waits, and for how long; None if it may be tried now. The account's
    limit first: it is the one its owner can do something about (ask for a new password)."""
    atteinte = limite_atteinte(base, ((cles[0], ECHECS_PAR_COMPTE, "sur ce compte"),
                                      (cles[1], ECHECS_PAR_ADRESSE, "depuis votre réseau")), FENETRE)
    if atteinte is None:
        return None
    return (f"Trop de tentatives {atteinte[0]} : réessayez dans {atteinte[1]} "
            "(par sécurité, même le bon mot de passe est refusé d’ici là).")


@bp.route("/connexion", methods=["GET", "POST"])
def connexion():
    formulaire = Connexion()
    suivant = suivant_sur(request.args.get("suivant"))
    if formulaire.validate_on_submit():
        base = service(current_app)["base"]
        identifiant = (formulaire.identifiant.data or "").strip().lower()
        cles = [f"compte:{identifiant}", f"adresse:{bloc_du_client()}"]
        bloque = _bloque(base, cles)
        if bloque:
            return render_template("connexion.html", formulaire=formulaire, erreur=bloque,
                                   suivant=suivant), 429
        qui = authentifier(base, identifiant, formulaire.mot_de_passe.data or "")
        if qui is None:
            noter_echec(base, cles, FENETRE)
            return render_template("connexion.html", formulaire=formulaire, suivant=suivant,
                                   erreur="Identifiant ou mot de passe incorrect."), 401
        oublier_echecs(base, cles[0])  # the account's owner is back: its count starts again
        ouvrir_la_session(qui.id)
        return redirect(suivant or url_for("dossier.mes_documents"))
    return render_template("connexion.html", formulaire=formulaire, erreur=None, suivant=suivant)


@bp.context_processor
def connexion_unique():
    """``sso``: the single sign-on button's label, or None when it is not configured."""
    config = service(current_app)["config"]
    return {"sso": config.oidc_libelle if service(current_app)["sso"] else None}


@bp.route("/admin/confirmer", methods=["GET", "POST"])
@connecte
def confirmer():
    """The password again, for the pages that need a recent sign-in (outils.exiger_connexion_
    recente); throttled as the sign-in is, then back to ``suivant`` (a path of this site)."""
    formulaire = Confirmation()
    suivant = suivant_sur(request.args.get("suivant"))
    erreur, statut = None, 200
    # signed in through the identity provider: confirmed there again, not with a password
    par_sso = service(current_app)["sso"] is not None and session_sso(
        service(current_app)["base"], session["sid"])
    if par_sso:
        return render_template("confirmer.html", formulaire=None, erreur=None, suivant=suivant)
    if formulaire.validate_on_submit():
        base = service(current_app)["base"]
        identifiant = g.compte.identifiant
        cles = [f"compte:{identifiant}", f"adresse:{bloc_du_client()}"]
        erreur = _bloque(base, cles)
        if erreur:
            statut = 429
        elif authentifier(base, identifiant, formulaire.mot_de_passe.data or "") is None:
            noter_echec(base, cles, FENETRE)
            erreur, statut = "Mot de passe incorrect.", 401
        else:
            oublier_echecs(base, cles[0])
            confirmer_session(base, session["sid"])
            return redirect(suivant or url_for("admin.index"))
    return render_template("confirmer.html", formulaire=formulaire, erreur=erreur,
                           suivant=suivant), statut


@bp.post("/deconnexion")
def deconnexion():
    """Ends the session here; signed in through the identity provider, then goes on to end
    the provider's session too, when it says where (end_session_endpoint)."""
    if session.get("sid"):
        terminer_session(service(current_app)["base"], session["sid"])
    jeton, sso = session.get("sso_jeton"), service(current_app)["sso"]
    session.clear()
    flash("Vous êtes déconnecté.")
    ailleurs = sso[0].fin_de_session(jeton, adresse("auth.connexion")) if jeton and sso else None
    return redirect(ailleurs or url_for("auth.connexion"))


# « Mes sessions »: every signed-in account sees where it is signed in and may end any of it
# (a forgotten computer at school); the account is g.compte's, never a form's.

def _en_utc(quand: dt.datetime) -> dt.datetime:
    return quand.replace(tzinfo=dt.UTC)  # kept in UTC without a zone: date_fr says it in Paris


@bp.get("/compte/sessions")
@connecte
def mes_sessions():
    base = service(current_app)["base"]
    ouvertes = sessions_ouvertes(base, g.compte.id, durees())
    return render_template("compte_sessions.html", sessions=ouvertes, date_fr=date_fr,
                           en_utc=_en_utc, actuelle=cle_de_session(session["sid"]))


@bp.post("/compte/sessions/terminer")
@connecte
def terminer_mes_sessions():
    """Ends the posted session (``cle``), or every other one (``autres``); never this one
    through ``autres``, so that the button does not sign its user out. CSRFProtect checks
    the form's token, as on every POST."""
    base, actuelle = service(current_app)["base"], cle_de_session(session["sid"])
    if request.form.get("autres"):
        cles = [s.id for s in sessions_ouvertes(base, g.compte.id, durees()) if s.id != actuelle]
    else:
        cles = [request.form.get("cle", "")]
    nombre = terminer_sessions_du_compte(base, g.compte.id, cles)
    if nombre:
        noter("sessions_terminees", g.compte.identifiant, f"{nombre} session(s)")
    if actuelle in cles and nombre:
        session.clear()
        flash("Cette session est terminée : reconnectez-vous pour continuer.")
        return redirect(url_for("auth.connexion"))
    flash("Aucune session terminée." if not nombre else
          "1 session terminée." if nombre == 1 else f"{nombre} sessions terminées.")
    return redirect(url_for("auth.mes_sessions"))


@bp.before_app_request
def charger_compte():
    identifiant = session.get("sid")
    g.compte = compte_de_session(service(current_app)["base"], identifiant, durees()) \
        if identifiant else None
    if identifiant and g.compte is None:
        session.pop("sid")  # ended, idle or too old: the cookie is emptied
    g.roles = ROLES


@bp.app_context_processor
def droits():
    """``peut(action, objet)`` in the templates, to show only the actions one may do."""
    return {"peut": peut, "LOT": acces.LOT, "EFFECTIFS": acces.EFFECTIFS,
            "CAMPAGNE": acces.CAMPAGNE, "ADMINISTRATION": acces.ADMINISTRATION, "COMPTES": acces.COMPTES,
            "Formulaire": acces.Formulaire, "Export": acces.Export}
