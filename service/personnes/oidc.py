"""OpenID Connect, the protocol half of the single sign-on: the provider's settings (discovery),
the authorization request, the code exchange and the id_token's validation. Nothing of Flask:
the web (service/web/sso.py) keeps ``Demande`` in its session and hands back what came back.

Authlib (its requests client) builds the authorization URL and exchanges the code: state, nonce
and PKCE (S256) are made for each request and checked on the way back. The id_token is then
checked here with joserfc, Authlib's JOSE library: its signature against the provider's keys
(JWKS, fetched again once when a key id is unknown: the provider rotated them), ``iss``, ``aud``
(and ``azp`` when there are several), ``exp``, ``iat``, ``nonce``, and ``auth_time`` when a fresh
authentication was asked for. The claims the userinfo endpoint adds are taken only for the same
``sub``. A provider's answer that fails any check is refused: ``RefusOidc``, a French sentence.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc6749.errors import OAuth2Error
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import KeySet

PORTEES = "openid profile email"
ALGORITHMES = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
               "EdDSA", "Ed25519"]  # never « none », never HS* (a key the client shares)
TOLERANCE = 60  # seconds of clock skew allowed on exp, iat and auth_time
DELAI = 10  # seconds allowed for each request to the provider


class RefusOidc(Exception):
    """The provider's answer is refused; the message, in French, says why to the person."""


@dataclass(frozen=True)
class Demande:
    """One authorization request: what the browser is sent to, and what the way back must
    match (kept by the web in its signed session, never shown elsewhere)."""
    url: str
    etat: str
    nonce: str
    verifieur: str
    le: int  # when it was made (seconds): a re-authentication must be later than this


class Fournisseur:
    """The identity provider at ``emetteur``, this service being its client ``client``."""

    def __init__(self, emetteur: str, client: str, secret: str, portees: str = PORTEES,
                 delai: float = DELAI):
        self.emetteur, self.client, self.secret = emetteur.rstrip("/"), client, secret
        # « openid » always: without it, no id_token
        self.portees = " ".join(dict.fromkeys(["openid", *portees.split()]))
        self.delai = delai
        self._reglages: dict | None = None
        self._cles: KeySet | None = None
        self._cles_le = 0.0
        self._verrou = threading.Lock()

    def _json(self, url: str) -> dict:
        try:
            reponse = requests.get(url, timeout=self.delai, headers={"Accept": "application/json"})
            reponse.raise_for_status()
            return reponse.json()
        except (requests.RequestException, ValueError) as exc:
            raise RefusOidc("Le service d’authentification de l’université ne répond pas : "
                            "réessayez dans un instant.") from exc

    def reglages(self) -> dict:
        """The provider's settings (/.well-known/openid-configuration), read once; its
        ``issuer`` must be the one configured, as discovery requires."""
        with self._verrou:
            if self._reglages is None:
                reglages = self._json(f"{self.emetteur}/.well-known/openid-configuration")
                if reglages.get("issuer", "").rstrip("/") != self.emetteur:
                    raise RefusOidc("Le service d’authentification annonce un autre émetteur que "
                                    "celui configuré (INSPE_OIDC_EMETTEUR).")
                if not all(reglages.get(c) for c in ("authorization_endpoint", "token_endpoint",
                                                     "jwks_uri")):
                    raise RefusOidc("Le service d’authentification ne publie pas ses adresses "
                                    "(authorization_endpoint, token_endpoint, jwks_uri).")
                self._reglages = reglages
            return self._reglages

    def _cles_du_fournisseur(self, renouveler: bool = False) -> KeySet:
        """The provider's public keys; fetched again when ``renouveler``, at most once a
        minute (a forged token must not make this service hammer the provider)."""
        with self._verrou:
            cles, lues_le = self._cles, self._cles_le
        if cles is None or (renouveler and time.monotonic() - lues_le > 60):
            try:
                cles = KeySet.import_key_set(self._json(self.reglages()["jwks_uri"]))
            except (JoseError, ValueError, TypeError) as exc:
                raise RefusOidc("Les clés du service d’authentification sont illisibles : "
                                "connexion refusée.") from exc
            with self._verrou:
                self._cles, self._cles_le = cles, time.monotonic()
        return cles

    def _session(self, retour: str) -> OAuth2Session:
        return OAuth2Session(self.client, self.secret, scope=self.portees, redirect_uri=retour,
                             code_challenge_method="S256", default_timeout=self.delai)

    def demande(self, retour: str, reauthentifier: bool = False) -> Demande:
        """A new authorization request, coming back to ``retour``. ``reauthentifier``: the
        provider must authenticate its user again now (prompt=login, max_age=0)."""
        etat, nonce, verifieur = generate_token(32), generate_token(32), generate_token(64)
        extra = {"prompt": "login", "max_age": 0} if reauthentifier else {}
        url, _ = self._session(retour).create_authorization_url(
            self.reglages()["authorization_endpoint"], state=etat, nonce=nonce,
            code_verifier=verifieur, **extra)
        return Demande(url=url, etat=etat, nonce=nonce, verifieur=verifieur, le=int(time.time()))

    def echanger(self, code: str, retour: str, verifieur: str) -> dict:
        """The tokens for ``code`` (the token endpoint, authenticated with the client secret)."""
        try:
            return dict(self._session(retour).fetch_token(
                self.reglages()["token_endpoint"], grant_type="authorization_code", code=code,
                code_verifier=verifieur))
        except (OAuth2Error, requests.RequestException, ValueError) as exc:
            raise RefusOidc("L’université n’a pas confirmé cette connexion : recommencez.") from exc

    def valider(self, id_token: str, nonce: str, maintenant: Callable[[], int] | None = None,
                authentifie_depuis: int | None = None) -> dict:
        """The id_token's claims, once every check has passed (see the module's docstring);
        ``authentifie_depuis``: its auth_time must not be earlier (a re-authentication)."""
        try:
            try:
                jeton = jwt.decode(id_token, self._cles_du_fournisseur(), algorithms=ALGORITHMES)
            except (JoseError, ValueError):  # an unknown key id: the keys may have been rotated
                jeton = jwt.decode(id_token, self._cles_du_fournisseur(renouveler=True),
                                   algorithms=ALGORITHMES)
            jwt.JWTClaimsRegistry(
                now=maintenant, leeway=TOLERANCE,
                iss={"essential": True, "value": self.reglages()["issuer"]},
                sub={"essential": True}, exp={"essential": True}, iat={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(jeton.claims)
        except ExpiredTokenError as exc:
            raise RefusOidc("La connexion de l’université a expiré : recommencez.") from exc
        except (JoseError, ValueError) as exc:
            raise RefusOidc("La réponse de l’université n’a pas pu être vérifiée : connexion "
                            "refusée.") from exc
        revendications = jeton.claims
        audience = revendications.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.client not in audiences or (len(audiences) > 1 and revendications.get("azp") != self.client):
            raise RefusOidc("La réponse de l’université n’était pas destinée à ce service : "
                            "connexion refusée.")
        if authentifie_depuis is not None and not (
                isinstance(revendications.get("auth_time"), int | float)
                and revendications["auth_time"] + TOLERANCE >= authentifie_depuis):
            raise RefusOidc("L’université n’a pas demandé votre mot de passe de nouveau : "
                            "confirmation refusée.")
        return revendications

    def identite(self, jetons: dict, nonce: str, authentifie_depuis: int | None = None) -> dict:
        """The person's claims: the validated id_token's, and those of the userinfo endpoint
        when it answers for the same ``sub`` (its other claims are ignored)."""
        if not jetons.get("id_token"):
            raise RefusOidc("L’université n’a pas fourni d’identité : connexion refusée.")
        revendications = self.valider(jetons["id_token"], nonce, authentifie_depuis=authentifie_depuis)
        point = self.reglages().get("userinfo_endpoint")
        if point and jetons.get("access_token"):
            try:
                reponse = requests.get(point, timeout=self.delai,
                                       headers={"Authorization": f"Bearer {jetons['access_token']}"})
                reponse.raise_for_status()
                infos = reponse.json()
            except (requests.RequestException, ValueError) as exc:
                raise RefusOidc("Le service d’authentification de l’université ne répond pas : "
                                "réessayez dans un instant.") from exc
            if isinstance(infos, dict) and infos.get("sub") == revendications["sub"]:
                revendications = {**infos, **revendications}
        return revendications

    def fin_de_session(self, id_token: str, retour: str) -> str | None:
        """Where to send the browser to end the provider's session too (RP-initiated logout),
        if it advertises an end_session_endpoint; None otherwise."""
        try:
            point = self.reglages().get("end_session_endpoint")
        except RefusOidc:
            return None
        if not point:
            return None
        parametres = {"id_token_hint": id_token, "post_logout_redirect_uri": retour,
                      "client_id": self.client}
        return f"{point}{'&' if '?' in point else '?'}{urlencode(parametres)}"


def auth_time(revendications: dict) -> dt.datetime | None:
    """When the provider authenticated the person (UTC, no zone: as the tables keep dates)."""
    quand = revendications.get("auth_time")
    if not isinstance(quand, int | float):
        return None
    return dt.datetime.fromtimestamp(quand, dt.UTC).replace(tzinfo=None)
