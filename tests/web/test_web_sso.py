"""Single sign-on against a real OpenID Connect provider (oidc-provider, tests/oidc/): the account
created with its mapped role or linked to the one with the same identifiant, the refusals (a
disabled account, no role, a state that is not ours, a forged or expired id_token), the
administration's confirmation through the provider, the logout; and the sign-in page without it."""

from __future__ import annotations

import base64
import datetime as dt
import json
import socket
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.config import Config
from service.journal import Entree
from service.personnes.comptes import Compte, SessionWeb, creer_compte, desactiver_compte, maintenant
from service.personnes.oidc import Fournisseur, RefusOidc
from service.web import create_app, service
from tests.outils import CLIENT_OIDC, par_le_fournisseur
from tests.web.outils import HTTPS, Navigateur, texte

RETOUR = f"{HTTPS}/connexion/sso/retour"


@pytest.fixture(scope="module")
def reglages(fournisseur_oidc):
    return {"oidc_emetteur": fournisseur_oidc, **CLIENT_OIDC}


def _base(app):
    return service(app)["base"]


def _compte(app, identifiant):
    with Session(_base(app)) as session:
        return session.scalar(select(Compte).where(Compte.identifiant == identifiant))


def _sso(navigateur, login, chemin="/connexion/sso", fournisseur=None):
    """Through the provider as ``login``, from ``chemin``: the service's answer at its return."""
    depart = navigateur.get(chemin)
    assert depart.status_code == 302
    retour = par_le_fournisseur(depart.headers["Location"], login, fournisseur)
    assert retour.startswith(RETOUR)
    return navigateur.get(retour.removeprefix(HTTPS))


def _journal(app, quoi):
    with Session(_base(app)) as session:
        return [(e.qui, e.document, e.detail) for e in session.scalars(
            select(Entree).where(Entree.quoi == quoi))]


def test_the_sign_in_page_offers_the_university_then_the_form(app):
    page = texte(Navigateur(app).get("/connexion"))
    assert "Se connecter avec l’université" in page
    assert 'href="/connexion/sso"' in page and 'name="mot_de_passe"' in page


def test_a_first_sign_in_creates_the_account_with_its_mapped_role(app, fournisseur_oidc):
    navigateur = Navigateur(app)
    reponse = _sso(navigateur, "m.curie")
    assert reponse.status_code == 302 and reponse.headers["Location"] == "/"
    compte = _compte(app, "m.curie")
    assert (compte.role, compte.nom, compte.courriel) == ("secretariat", "Marie Curie",
                                                          "marie.curie@univ.example")
    assert compte.sso_sujet == f"{fournisseur_oidc} m.curie"
    assert "Marie Curie" in texte(navigateur.get("/"))
    assert "(cette session)" in texte(navigateur.get("/compte/sessions"))  # « Mes sessions »
    assert _journal(app, "compte_cree") == [("m.curie (secretariat)", "m.curie",
                                             "rôle secretariat (connexion unique)")]
    # the second time, the same account, found by its sub: none created, none linked
    assert _sso(Navigateur(app), "m.curie").status_code == 302
    assert len(_journal(app, "compte_cree")) == 1 and len(_journal(app, "connexion")) == 2


def test_an_existing_account_is_linked_and_confirms_through_the_provider(app, fournisseur_oidc):
    navigateur, fournisseur = Navigateur(app), requests.Session()
    assert _sso(navigateur, "admin", fournisseur=fournisseur).status_code == 302
    compte = _compte(app, "admin")
    assert compte.role == "administrateur" and compte.sso_sujet == f"{fournisseur_oidc} admin"
    assert _journal(app, "compte_lie")[0][:2] == ("admin (administrateur)", "admin")

    # the provider authenticated the person 20 minutes ago: the administration asks again
    with Session(_base(app)) as session:
        session.execute(update(SessionWeb).where(SessionWeb.compte_id == compte.id).values(
            confirmee_le=maintenant() - dt.timedelta(minutes=20)))
        session.commit()
    assert navigateur.get("/admin").headers["Location"] == "/admin/confirmer?suivant=/admin"
    page = texte(navigateur.get("/admin/confirmer?suivant=/admin"))
    assert "Confirmer avec l’université" in page and 'name="mot_de_passe"' not in page
    depart = navigateur.get("/connexion/sso?confirmer=1&suivant=/admin")
    demande = parse_qs(urlsplit(depart.headers["Location"]).query)
    assert demande["prompt"] == ["login"] and demande["max_age"] == ["0"]
    assert demande["code_challenge_method"] == ["S256"]

    # another person of the university cannot confirm in its stead
    refus = navigateur.get(par_le_fournisseur(depart.headers["Location"], "p.langevin",
                                              fournisseur).removeprefix(HTTPS))
    assert refus.status_code == 403 and "une autre personne" in texte(refus)
    assert navigateur.get("/admin").status_code == 302

    reponse = _sso(navigateur, "admin", "/connexion/sso?confirmer=1&suivant=/admin", fournisseur)
    assert reponse.headers["Location"] == "/admin"
    assert navigateur.get("/admin").status_code == 200
    # the accounts' page says which are linked to the university
    comptes = texte(navigateur.get("/admin/comptes"))
    assert 'admin<span class="discret"> (lié à l’université)</span>' in comptes


def test_a_disabled_account_is_refused(app):
    creer_compte(_base(app), "e.noether", "Emmy Noether", "tuteur", "un-mot-de-passe-long")
    desactiver_compte(_base(app), "e.noether")
    navigateur = Navigateur(app)
    reponse = _sso(navigateur, "e.noether")
    assert reponse.status_code == 403 and "Ce compte est désactivé" in texte(reponse)
    assert _compte(app, "e.noether").sso_sujet is None  # not linked either
    assert navigateur.get("/").status_code == 302  # not signed in


def test_claims_that_map_to_no_role_are_refused_and_nothing_is_created(app):
    reponse = _sso(Navigateur(app), "invite")
    assert reponse.status_code == 403
    assert "ne donne accès à aucun rôle de ce service : aucun compte n’a été créé" in texte(reponse)
    assert _compte(app, "invite") is None


def test_an_answer_to_no_request_of_ours_is_refused(app):
    navigateur = Navigateur(app)
    depart = navigateur.get("/connexion/sso")
    retour = par_le_fournisseur(depart.headers["Location"], "p.langevin").removeprefix(HTTPS)
    autre = retour.replace("state=", "state=x")
    assert navigateur.get(autre).status_code == 400  # a state that is not the one sent
    assert navigateur.get(retour).status_code == 400  # the request is used up, even so
    assert Navigateur(app).get(retour).status_code == 400  # another browser's request
    # the person cancelled at the provider; an answer from another issuer (RFC 9207)
    for reponse, statut in (("error=access_denied", 401), ("code=abc&iss=http://ailleurs.example", 400)):
        etat = parse_qs(urlsplit(navigateur.get("/connexion/sso").headers["Location"]).query)["state"][0]
        refus = navigateur.get(f"/connexion/sso/retour?state={etat}&{reponse}")
        assert refus.status_code == statut and "Connexion refusée" in texte(refus)
    assert _compte(app, "p.langevin") is None


def _rejoue(app, cookie):
    """Another browser, with this cookie: does it open a page?"""
    autre = Navigateur(app)
    autre.client.set_cookie("session", cookie, domain="localhost")
    return autre.get("/").status_code == 200


def test_logout_ends_the_session_and_goes_on_to_the_provider(app, fournisseur_oidc):
    navigateur = Navigateur(app)
    navigateur.connexion("stagiaire")
    avant = navigateur.client.get_cookie("session").value
    _sso(navigateur, "p.langevin")  # signed in anew: a new session id, the one before ended
    assert not _rejoue(app, avant)
    cookie = navigateur.client.get_cookie("session").value
    assert _rejoue(app, cookie)
    reponse = navigateur.post("/deconnexion", {}, page="/")
    fin = urlsplit(reponse.headers["Location"])
    assert f"{fin.scheme}://{fin.netloc}{fin.path}" == f"{fournisseur_oidc}/session/end"
    parametres = parse_qs(fin.query)
    assert parametres["post_logout_redirect_uri"] == [f"{HTTPS}/connexion"]
    assert parametres["id_token_hint"][0].count(".") == 2
    assert not _rejoue(app, cookie)  # the old cookie opens nothing


# The id_token's checks, on tokens the real provider issued --------------------------------

def _jetons(emetteur, login="p.langevin"):
    fournisseur = Fournisseur(emetteur, CLIENT_OIDC["oidc_client"], CLIENT_OIDC["oidc_secret"])
    demande = fournisseur.demande(RETOUR)
    code = parse_qs(urlsplit(par_le_fournisseur(demande.url, login)).query)["code"][0]
    return fournisseur, demande, fournisseur.echanger(code, RETOUR, demande.verifieur)


def _b64(donnees: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(donnees).encode()).rstrip(b"=").decode()


def test_forged_expired_or_foreign_id_tokens_are_refused(fournisseur_oidc):
    fournisseur, demande, jetons = _jetons(fournisseur_oidc)
    id_token = jetons["id_token"]
    assert fournisseur.valider(id_token, demande.nonce)["sub"] == "p.langevin"
    entete, charge, signature = id_token.split(".")
    revendications = json.loads(base64.urlsafe_b64decode(charge + "=" * (-len(charge) % 4)))
    autre_cle = RSAKey.generate_key(2048, parameters={"kid": json.loads(
        base64.urlsafe_b64decode(entete + "==="))["kid"]})
    alteree = signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")
    faux = {
        "signature altérée": f"{entete}.{charge}.{alteree}",
        "contenu changé": f"{entete}.{_b64({**revendications, 'sub': 'admin'})}.{signature}",
        "autre clé": jwt.encode({"alg": "RS256", "kid": autre_cle.kid}, revendications, autre_cle),
        "sans signature": f"{_b64({'alg': 'none'})}.{charge}.",
    }
    for raison, jeton in faux.items():
        with pytest.raises(RefusOidc, match="n’a pas pu être vérifiée"):
            fournisseur.valider(jeton, demande.nonce)
            pytest.fail(raison)
    with pytest.raises(RefusOidc, match="a expiré"):  # an hour after it expired
        fournisseur.valider(id_token, demande.nonce, maintenant=lambda: revendications["exp"] + 3600)
    with pytest.raises(RefusOidc, match="n’a pas pu être vérifiée"):  # not this request's nonce
        fournisseur.valider(id_token, "un-autre-nonce")
    autre_client = Fournisseur(fournisseur_oidc, "un-autre-client", "x")
    with pytest.raises(RefusOidc, match="n’était pas destinée à ce service"):
        autre_client.valider(id_token, demande.nonce)
    with pytest.raises(RefusOidc, match="pas demandé votre mot de passe de nouveau"):
        fournisseur.valider(id_token, demande.nonce, authentifie_depuis=int(time.time()) + 3600)


def test_without_single_sign_on_the_sign_in_page_is_unchanged(tmp_path):
    sans = create_app(Config(donnees=tmp_path / "d", sorties=tmp_path / "s"))
    navigateur = Navigateur(sans)
    page = navigateur.get("/connexion")
    assert "université" not in texte(page) and "/connexion/sso" not in texte(page)
    assert "form-action 'self';" in page.headers["Content-Security-Policy"]
    assert navigateur.get("/connexion/sso").status_code == 404
    assert navigateur.get("/connexion/sso/retour?code=x&state=y").status_code == 404


def test_a_provider_that_does_not_answer_is_said_so(tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        ferme = s.getsockname()[1]
    muet = create_app(Config(donnees=tmp_path / "d", sorties=tmp_path / "s",
                             oidc_emetteur=f"http://127.0.0.1:{ferme}", **CLIENT_OIDC))
    reponse = Navigateur(muet).get("/connexion/sso")
    assert reponse.status_code == 503
    assert "Le service d’authentification de l’université ne répond pas" in texte(reponse)
