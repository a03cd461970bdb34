"""Single sign-on through the university's identity provider (OpenID Connect): a thin caller of
service/personnes/oidc.py (the protocol) and sso.py (which account). Absent (404) unless
configured (INSPE_OIDC_*).

/connexion/sso sends the browser to the provider with a new request (state, nonce, PKCE), kept
in the signed session cookie and used once; /connexion/sso/retour checks the answer against it,
exchanges the code, validates the id_token, and signs in the account as a password does (the
same session, a new cookie id). The identity is only ever the validated id_token's: nothing
read from a form or the query string but the code and the state.

A signed-in account confirms its sign-in for the administration pages the same way
(``confirmer=1``): the provider must authenticate its user again (prompt=login, max_age=0),
and the answer must be about the person the account is linked to."""

from __future__ import annotations

import secrets
from dataclasses import asdict

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for

from service.personnes.comptes import confirmer_session
from service.personnes.oidc import RefusOidc, auth_time
from service.personnes.sso import RefusSso, compte_lie, compte_sso

from . import service
from .outils import adresse, adresse_du_client, base, noter, ouvrir_la_session, suivant_sur

bp = Blueprint("sso", __name__)
DEMANDE = "sso_demande"  # the pending request, in the session cookie
JETON = "sso_jeton"  # the last id_token, for the provider's logout (id_token_hint)


def _sso():
    reglages = service(current_app)["sso"]
    if reglages is None:
        abort(404)
    return reglages


def _retour() -> str:
    return adresse("sso.retour")  # INSPE_ADRESSE when set: a forged Host header changes nothing


def _refus(message: str, statut: int):
    """A page saying why, with the way back: to the sign-in page, or signed in, to the
    confirmation's."""
    retour = url_for("auth.confirmer") if g.compte is not None else url_for("auth.connexion")
    return render_template("connexion_sso_refusee.html", erreur=message, retour=retour), statut


@bp.get("/connexion/sso")
def connexion():
    fournisseur, _ = _sso()
    confirmer = g.compte is not None and request.args.get("confirmer") == "1"
    try:
        demande = fournisseur.demande(_retour(), reauthentifier=confirmer)
    except RefusOidc as exc:
        return _refus(str(exc), 503)
    session[DEMANDE] = {**asdict(demande), "url": None, "confirmer": confirmer,
                        "suivant": suivant_sur(request.args.get("suivant"))}
    return redirect(demande.url)


@bp.get("/connexion/sso/retour")
def retour():
    fournisseur, correspondance = _sso()
    demande = session.pop(DEMANDE, None)  # used once, whatever comes of it
    etat = request.args.get("state", "")
    if demande is None or not etat or not secrets.compare_digest(etat, demande["etat"]):
        return _refus("Cette réponse de l’université ne correspond à aucune connexion en cours "
                      "(elle a déjà servi, ou vient d’ailleurs) : recommencez.", 400)
    if request.args.get("error") or not request.args.get("code"):
        return _refus("L’université n’a pas confirmé votre identité (connexion annulée ou "
                      "refusée) : recommencez.", 401)
    if request.args.get("iss") and request.args["iss"] != fournisseur.reglages().get("issuer"):
        return _refus("Cette réponse ne vient pas du service d’authentification configuré : "
                      "connexion refusée.", 400)
    confirmer = demande["confirmer"] and g.compte is not None
    try:
        jetons = fournisseur.echanger(request.args["code"], _retour(), demande["verifieur"])
        revendications = fournisseur.identite(jetons, demande["nonce"],
                                              authentifie_depuis=demande["le"] if confirmer else None)
        if confirmer:
            return _confirmer(revendications, jetons, demande["suivant"])
        compte = compte_sso(base(), revendications, correspondance, adresse_du_client())
    except (RefusOidc, RefusSso) as exc:
        return _refus(str(exc), 403)
    ouvrir_la_session(compte.id, sso=True, authentifiee_le=auth_time(revendications))
    session[JETON] = jetons["id_token"]
    return redirect(demande["suivant"] or url_for("dossier.mes_documents"))


def _confirmer(revendications: dict, jetons: dict, suivant: str | None):
    if not compte_lie(g.compte, revendications):
        noter("confirmation_refusee", g.compte.identifiant, "connexion unique : une autre personne")
        raise RefusSso("L’université a authentifié une autre personne que celle de ce compte : "
                       "confirmation refusée.")
    confirmer_session(base(), session["sid"], auth_time(revendications))
    session[JETON] = jetons["id_token"]
    noter("connexion_confirmee", g.compte.identifiant, "connexion unique")
    return redirect(suivant or url_for("admin.index"))
