"""Single sign-on, the accounts half: which account a person the identity provider vouches for
signs in as. Only the claims of a validated id_token (service/personnes/oidc.py) come here,
never a form field nor a query string.

1. An account already linked to the provider's ``sub`` (``Compte.sso_sujet``: issuer and sub,
   as a provider's sub is unique only within its issuer) is that person's.
2. Else the account whose identifiant is the configured claim (``preferred_username`` by
   default) is linked to it at this first sign-in, keeping its role — unless it is linked
   already to another sub.
3. Else an account is created, with the role the first matching rule gives (``INSPE_OIDC_ROLES``,
   « groups:scolarite=secretariat »); when no rule matches, nothing is created and the person
   reads why.

A disabled account is refused whichever way it was found. Each sign-in, link and creation goes
to the audit log."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from service import journal

from .comptes import ROLES, Compte


class RefusSso(Exception):
    """This person may not sign in through the provider; the message, in French, says why."""


@dataclass(frozen=True)
class Regle:
    """« revendication:valeur=role »: a person whose claim holds this value gets this role."""
    revendication: str
    valeur: str
    role: str


@dataclass(frozen=True)
class Correspondance:
    """Which claims say who the person is, and which role an account created for them gets."""
    identifiant: str = "preferred_username"
    courriel: str = "email"
    regles: tuple[Regle, ...] = ()


def regles(texte: str) -> tuple[Regle, ...]:
    """The rules of ``INSPE_OIDC_ROLES``, in order; a malformed one or an unknown role stops
    the start with a sentence naming it."""
    lues = []
    for morceau in (m.strip() for m in texte.split(",")):
        if not morceau:
            continue
        gauche, egal, role = morceau.rpartition("=")
        revendication, deux_points, valeur = gauche.partition(":")
        if not egal or not deux_points or not revendication.strip() or not valeur.strip():
            raise ValueError(f"INSPE_OIDC_ROLES : « {morceau} » n’est pas de la forme "
                             "revendication:valeur=rôle (par exemple groups:scolarite=secretariat)")
        if role.strip() not in ROLES:
            raise ValueError(f"INSPE_OIDC_ROLES : rôle inconnu « {role.strip()} » dans « {morceau} » "
                             f"(rôles : {', '.join(ROLES)})")
        lues.append(Regle(revendication.strip(), valeur.strip(), role.strip()))
    return tuple(lues)


def role_de(revendications: dict, regles: tuple[Regle, ...]) -> str | None:
    """The role of the first rule the claims match (a claim may be a list: groups), or None."""
    for regle in regles:
        valeur = revendications.get(regle.revendication)
        valeurs = valeur if isinstance(valeur, list) else [valeur]
        if regle.valeur in [str(v) for v in valeurs if v is not None]:
            return regle.role
    return None


def sujet(emetteur: str, sub: str) -> str:
    return f"{emetteur} {sub}"


def _nom(revendications: dict, identifiant: str) -> str:
    if isinstance(revendications.get("name"), str) and revendications["name"].strip():
        return revendications["name"].strip()[:200]
    parties = [revendications.get(c) for c in ("given_name", "family_name")]
    return " ".join(p.strip() for p in parties if isinstance(p, str) and p.strip())[:200] or identifiant


def _identifiant(revendications: dict, correspondance: Correspondance) -> str:
    valeur = revendications.get(correspondance.identifiant)
    if not isinstance(valeur, str) or not valeur.strip() or len(valeur.strip()) > 120:
        raise RefusSso("L’université n’a pas transmis votre identifiant : connexion impossible. "
                       "Prévenez l’administrateur du service.")
    return valeur.strip().lower()


def compte_sso(moteur, revendications: dict, correspondance: Correspondance,
               adresse: str = "") -> Compte:
    """The account of the person these validated claims describe (iss, sub and the others),
    found, linked or created as the module says; ``RefusSso`` if they may not sign in."""
    lien = sujet(revendications["iss"], revendications["sub"])
    with Session(moteur, expire_on_commit=False) as session:
        compte = session.scalar(select(Compte).where(Compte.sso_sujet == lien))
        quoi = None
        if compte is None:
            identifiant = _identifiant(revendications, correspondance)
            compte = session.scalar(select(Compte).where(Compte.identifiant == identifiant))
            if compte is not None and compte.sso_sujet is not None:
                raise RefusSso(f"Le compte « {identifiant} » est déjà lié à une autre personne de "
                               "l’université : connexion refusée. Prévenez l’administrateur du service.")
            if compte is None:
                compte = _nouveau(revendications, correspondance, identifiant, lien)
                session.add(compte)
                quoi = ("compte_cree", f"rôle {compte.role} (connexion unique)")
            elif compte.actif:
                compte.sso_sujet = lien
                quoi = ("compte_lie", f"connexion unique : {lien}"[:500])
        if not compte.actif:
            journal.noter(moteur, f"{compte.identifiant} ({compte.role})", "connexion_refusee",
                          compte.identifiant, "connexion unique : compte désactivé")
            raise RefusSso("Ce compte est désactivé : connexion refusée. Adressez-vous au "
                           "secrétariat de l’INSPÉ.")
        try:
            session.commit()
        except IntegrityError as exc:  # the same person signing in twice at once
            raise RefusSso("Connexion en cours ailleurs : réessayez dans un instant.") from exc
    qui = f"{compte.identifiant} ({compte.role})"
    if quoi:
        journal.noter(moteur, qui, quoi[0], compte.identifiant, quoi[1])
    journal.noter(moteur, qui, "connexion", compte.identifiant,
                  f"connexion unique{f' depuis {adresse}' if adresse else ''}")
    return compte


def _nouveau(revendications: dict, correspondance: Correspondance, identifiant: str,
             lien: str) -> Compte:
    role = role_de(revendications, correspondance.regles)
    if role is None:
        raise RefusSso("Votre compte de l’université ne donne accès à aucun rôle de ce service : "
                       "aucun compte n’a été créé. Si vous devez l’utiliser, demandez au "
                       "secrétariat de l’INSPÉ de vous ouvrir un compte.")
    courriel = revendications.get(correspondance.courriel)
    return Compte(identifiant=identifiant, nom=_nom(revendications, identifiant), role=role,
                  # no password anyone knows: this account signs in through the provider
                  empreinte=generate_password_hash(secrets.token_urlsafe(32)),
                  courriel=courriel.strip()[:200] if isinstance(courriel, str) else "",
                  sso_sujet=lien, actif=True)


def compte_lie(compte: Compte, revendications: dict) -> bool:
    """Are these validated claims those of the person ``compte`` is linked to? (a confirmation
    through the provider must be the same person's)"""
    return compte.sso_sujet is not None and compte.sso_sujet == sujet(revendications["iss"],
                                                                     revendications["sub"])
