"""Accounts: who may sign in, with which role. Passwords are hashed (werkzeug's scrypt).

Also what signing in leaves in the database, so that every process of the service shares it:
the web sessions (``SessionWeb``: ended at logout, after an idle time and at an absolute age,
for good when the account is disabled), the failed sign-ins that throttle guessing (``Echec``),
and the API tokens (``Jeton``: an expiry, a revocation)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    String,
    bindparam,
    delete,
    false,
    func,
    select,
    true,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from service.bd.modele import Base

ROLES = {
    "secretariat": "Secrétariat",
    "tuteur": "Tuteur ou tutrice",
    "inspecteur": "Inspecteur (IA-IPR / IEN)",
    "stagiaire": "Stagiaire",
    "administrateur": "Administrateur",
}
JETON_JOURS = 90  # an API token's life by default
LONGUEUR_MINIMALE = 12  # ANSSI's recommendation for a password (« mot de passe » guide)
LIEN_DUREE = dt.timedelta(minutes=30)  # a link to choose a password is valid this long


def maintenant() -> dt.datetime:
    """Now, in UTC without a time zone: how every date of these tables is kept."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _sha256(texte: str) -> str:
    return hashlib.sha256(texte.encode()).hexdigest()


class Compte(Base):
    __tablename__ = "comptes"
    id: Mapped[int] = mapped_column(primary_key=True)
    identifiant: Mapped[str] = mapped_column(String(120), unique=True)
    nom: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    empreinte: Mapped[str] = mapped_column(String(300))
    courriel: Mapped[str] = mapped_column(String(200), default="", server_default="")
    actif: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # the account at the single sign-on's identity provider: « issuer sub » (personnes/sso.py)
    sso_sujet: Mapped[str | None] = mapped_column(String(400), unique=True, nullable=True)


def creer_compte(moteur, identifiant: str, nom: str, role: str, mot_de_passe: str,
                 courriel: str = "") -> Compte:
    if role not in ROLES:
        raise ValueError(f"rôle inconnu : {role}")
    with Session(moteur) as session:
        compte = Compte(identifiant=identifiant.strip().lower(), nom=nom, role=role,
                        empreinte=generate_password_hash(mot_de_passe), courriel=courriel)
        session.add(compte)
        session.commit()
        session.refresh(compte)
        return compte


_factice: list[str] = []


def _empreinte_factice() -> str:
    """A hash of no one's password, made with the same parameters as the accounts' (scrypt):
    checked against when the account is unknown, so that the answer takes as long."""
    if not _factice:
        _factice.append(generate_password_hash(secrets.token_urlsafe(16)))
    return _factice[0]


def authentifier(moteur, identifiant: str, mot_de_passe: str) -> Compte | None:
    """The account if this is its password. An unknown or disabled account costs the same
    work (one scrypt) as a known one: the time taken does not say which accounts exist."""
    with Session(moteur) as session:
        compte = session.scalar(select(Compte).where(Compte.identifiant == identifiant.strip().lower()))
    bon = check_password_hash(compte.empreinte if compte else _empreinte_factice(), mot_de_passe)
    return compte if bon and compte is not None and compte.actif else None


def changer_mot_de_passe(moteur, identifiant: str, mot_de_passe: str) -> None:
    """A new password; every session of the account ends (its owner signs in again)."""
    with Session(moteur) as session:
        compte = _par_identifiant(session, identifiant)
        compte.empreinte = generate_password_hash(mot_de_passe)
        _terminer_sessions(session, compte.id)
        session.commit()


def desactiver_compte(moteur, identifiant: str) -> None:
    """The account may no longer sign in: its sessions end, its API tokens are refused."""
    with Session(moteur) as session:
        compte = _par_identifiant(session, identifiant)
        compte.actif = False
        _terminer_sessions(session, compte.id)
        session.commit()


def supprimer_compte(session: Session, identifiant: str) -> Compte:
    """Deletes the disabled account and what is kept for it (sessions, password links, API
    tokens, failed sign-ins), within the caller's transaction (which writes the audit log's
    entry with it); returns it as it was. ValueError when it is unknown or still active. Whether
    a kept document still names it is the caller's to ask (service/dossier/suppression_compte.py)."""
    compte = _par_identifiant(session, identifiant)
    if compte.actif:
        raise ValueError(f"le compte « {compte.identifiant} » est actif : désactivez-le d’abord")
    session.execute(delete(SessionWeb).where(SessionWeb.compte_id == compte.id))
    session.execute(delete(LienMotDePasse).where(LienMotDePasse.compte_id == compte.id))
    session.execute(delete(Jeton).where(Jeton.compte_id == compte.id))
    session.execute(delete(Echec).where(Echec.cle == f"compte:{compte.identifiant}"[:200]))
    session.delete(compte)
    session.flush()
    return compte


def changer_role(moteur, identifiant: str, role: str) -> None:
    """A new role; the account's sessions end, so that no page opened under the old role
    keeps its rights."""
    if role not in ROLES:
        raise ValueError(f"rôle inconnu : {role}")
    with Session(moteur) as session:
        compte = _par_identifiant(session, identifiant)
        compte.role = role
        _terminer_sessions(session, compte.id)
        session.commit()


def chercher_comptes(moteur, recherche: str = "") -> list[Compte]:
    """Every account, by name; ``recherche``: a part of the name, identifiant or e-mail."""
    requete = select(Compte).order_by(Compte.actif.desc(), Compte.nom, Compte.identifiant)
    if recherche.strip():
        motif = f"%{recherche.strip().lower()}%"
        requete = requete.where(func.lower(Compte.nom).like(motif)
                                | func.lower(Compte.identifiant).like(motif)
                                | func.lower(Compte.courriel).like(motif))
    with Session(moteur, expire_on_commit=False) as session:
        return list(session.scalars(requete))


def _par_identifiant(session: Session, identifiant: str) -> Compte:
    compte = session.scalar(select(Compte).where(Compte.identifiant == identifiant.strip().lower()))
    if compte is None:
        raise ValueError(f"aucun compte « {identifiant} »")
    return compte


_PAR_ID = select(Compte.__table__).where(Compte.__table__.c.id == bindparam("id"))


def compte(moteur, compte_id: int) -> Compte | None:
    """The account by its id, with a plain SELECT (no ORM session)."""
    with moteur.connect() as connexion:
        ligne = connexion.execute(_PAR_ID, {"id": compte_id}).one_or_none()
    return Compte(**ligne._mapping) if ligne else None


# Web sessions ----------------------------------------------------------------------------

class SessionWeb(Base):
    """A signed-in browser: the cookie carries a random id, only its sha256 is kept here."""
    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's id
    compte_id: Mapped[int] = mapped_column(ForeignKey("comptes.id"), index=True)
    creee_le: Mapped[dt.datetime] = mapped_column(DateTime)
    vue_le: Mapped[dt.datetime] = mapped_column(DateTime)
    terminee_le: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # the last time its owner typed the password again (the administration pages ask for it)
    confirmee_le: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # the address the sign-in came from (« Mes sessions » shows it); None before 0010
    adresse: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # signed in through the identity provider: only confirmee_le (when the provider last saw
    # its user authenticate, its auth_time) counts as a recent sign-in, not creee_le
    sso: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


@dataclass(frozen=True)
class Durees:
    """How long a session lasts: without a request (``inactivite``) and at most (``maximum``)."""
    inactivite: dt.timedelta = dt.timedelta(hours=2)
    maximum: dt.timedelta = dt.timedelta(hours=12)


VUE_TOUTES_LES = dt.timedelta(minutes=1)  # « last seen » is written at most this often

_COMPTES, _SESSIONS = Compte.__table__, SessionWeb.__table__
_SESSION = (select(_COMPTES, _SESSIONS.c.creee_le, _SESSIONS.c.vue_le)
            .join(_SESSIONS, _SESSIONS.c.compte_id == _COMPTES.c.id)
            .where(_SESSIONS.c.id == bindparam("id"), _SESSIONS.c.terminee_le.is_(None),
                   _COMPTES.c.actif.is_(True)))
_COLONNES = [c.key for c in _COMPTES.columns]


def ouvrir_session(moteur, compte_id: int, durees: Durees = Durees(), adresse: str | None = None,
                   sso: bool = False, authentifiee_le: dt.datetime | None = None) -> str:
    """A new session of the account: the id the cookie carries (shown nowhere else).
    The sessions that are over by their age anyway are forgotten. Signed in through the
    identity provider (``sso``): ``authentifiee_le`` is when the provider last saw its user
    authenticate (None: unknown, the administration pages will ask)."""
    identifiant, quand = secrets.token_urlsafe(32), maintenant()
    with Session(moteur) as session:
        session.execute(delete(SessionWeb).where(SessionWeb.creee_le < quand - durees.maximum))
        session.add(SessionWeb(id=_sha256(identifiant), compte_id=compte_id, creee_le=quand,
                               vue_le=quand, adresse=(adresse or None) and adresse[:64], sso=sso,
                               confirmee_le=authentifiee_le if sso else None))
        session.commit()
    return identifiant


def session_sso(moteur, identifiant: str) -> bool:
    """Was this session opened through the identity provider?"""
    with moteur.connect() as connexion:
        return bool(connexion.scalar(select(_SESSIONS.c.sso).where(_SESSIONS.c.id == _sha256(identifiant))))


def compte_de_session(moteur, identifiant: str, durees: Durees = Durees()) -> Compte | None:
    """The account of a live session, read with the session in one plain SELECT (this runs
    for every request); None if the session is unknown, ended, idle or too old, or its
    account disabled. « Last seen » is written at most once a minute."""
    cle, quand = _sha256(identifiant), maintenant()
    with moteur.connect() as connexion:
        ligne = connexion.execute(_SESSION, {"id": cle}).one_or_none()
        if ligne is None:
            return None
        valeurs = ligne._mapping
        if quand - valeurs["vue_le"] > durees.inactivite or quand - valeurs["creee_le"] > durees.maximum:
            connexion.execute(update(SessionWeb).where(SessionWeb.id == cle).values(terminee_le=quand))
            connexion.commit()
            return None
        if quand - valeurs["vue_le"] >= VUE_TOUTES_LES:
            connexion.execute(update(SessionWeb).where(SessionWeb.id == cle).values(vue_le=quand))
            connexion.commit()
    return Compte(**{c: valeurs[c] for c in _COLONNES})


def authentifiee_le(moteur, identifiant: str) -> dt.datetime | None:
    """When the session's owner last typed the password: at sign-in, or since to confirm it.
    Signed in through the identity provider: when the provider last authenticated its user."""
    with moteur.connect() as connexion:
        ligne = connexion.execute(select(_SESSIONS.c.creee_le, _SESSIONS.c.confirmee_le,
                                         _SESSIONS.c.sso)
                                  .where(_SESSIONS.c.id == _sha256(identifiant))).one_or_none()
    if ligne is None:
        return None
    creee, confirmee, sso = ligne
    return confirmee if sso else max(x for x in (creee, confirmee) if x is not None)


def confirmer_session(moteur, identifiant: str, quand: dt.datetime | None = None) -> None:
    """The owner typed the password again (or authenticated again at the identity provider,
    ``quand``): what needs a recent sign-in is open for a while."""
    with Session(moteur) as session:
        session.execute(update(SessionWeb).where(SessionWeb.id == _sha256(identifiant))
                        .values(confirmee_le=quand or maintenant()))
        session.commit()


def terminer_session(moteur, identifiant: str) -> None:
    with Session(moteur) as session:
        session.execute(update(SessionWeb).where(SessionWeb.id == _sha256(identifiant),
                                                 SessionWeb.terminee_le.is_(None))
                        .values(terminee_le=maintenant()))
        session.commit()


def sessions_ouvertes(moteur, compte_id: int, durees: Durees = Durees()) -> list[SessionWeb]:
    """The account's live sessions, the latest seen first (« Mes sessions »); those over by
    their idle time or age are left out, as the next request would refuse them anyway."""
    quand = maintenant()
    with Session(moteur, expire_on_commit=False) as session:
        return list(session.scalars(
            select(SessionWeb).where(SessionWeb.compte_id == compte_id,
                                     SessionWeb.terminee_le.is_(None),
                                     SessionWeb.vue_le >= quand - durees.inactivite,
                                     SessionWeb.creee_le >= quand - durees.maximum)
            .order_by(SessionWeb.vue_le.desc())))


def terminer_sessions_du_compte(moteur, compte_id: int, cles: list[str]) -> int:
    """Ends the account's sessions kept under these keys (their sha256, as listed): only the
    account's own, whatever key a form posts. How many ended."""
    if not cles:
        return 0
    with Session(moteur) as session:
        fait = session.execute(update(SessionWeb).where(SessionWeb.compte_id == compte_id,
                                                        SessionWeb.id.in_(cles),
                                                        SessionWeb.terminee_le.is_(None))
                               .values(terminee_le=maintenant()))
        session.commit()
    return fait.rowcount


def cle_de_session(identifiant: str) -> str:
    """The key a session is kept under, from the id its cookie carries."""
    return _sha256(identifiant)


def _terminer_sessions(session: Session, compte_id: int) -> None:
    session.execute(update(SessionWeb).where(SessionWeb.compte_id == compte_id,
                                             SessionWeb.terminee_le.is_(None))
                    .values(terminee_le=maintenant()))


# Failed sign-ins -------------------------------------------------------------------------

GARDE = dt.timedelta(hours=1)  # failures are kept at least this long (« mot de passe oublié »: 30 min)


class Echec(Base):
    """A failed sign-in, under each key it counts against (``compte:…``, ``adresse:…``)."""
    __tablename__ = "echecs_de_connexion"
    id: Mapped[int] = mapped_column(primary_key=True)
    cle: Mapped[str] = mapped_column(String(200), index=True)
    le: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


def echecs_recents(moteur, cles: list[str], fenetre: dt.timedelta) -> dict[str, int]:
    """How many failures each key had within the last ``fenetre``."""
    requete = (select(Echec.cle, func.count()).where(Echec.cle.in_(cles),
                                                     Echec.le > maintenant() - fenetre)
               .group_by(Echec.cle))
    with moteur.connect() as connexion:
        comptes = dict(connexion.execute(requete).all())
    return {cle: comptes.get(cle, 0) for cle in cles}


def attente(moteur, cle: str, limite: int, fenetre: dt.timedelta) -> dt.timedelta | None:
    """How long ``cle`` still waits, having had ``limite`` failures within ``fenetre``: until the
    oldest of its last ``limite`` failures is older than the window (a refused attempt is no
    failure, so the wait never grows); None when it may try now."""
    quand = maintenant()
    requete = (select(Echec.le).where(Echec.cle == cle[:200], Echec.le > quand - fenetre)
               .order_by(Echec.le.desc()).offset(limite - 1).limit(1))
    with moteur.connect() as connexion:
        le = connexion.scalar(requete)
    return None if le is None else le + fenetre - quand


def noter_echec(moteur, cles: list[str], fenetre: dt.timedelta) -> None:
    """One failure more for each key; those older than the window (and than ``GARDE``, the
    longest window any caller counts in) are forgotten."""
    quand = maintenant()
    with Session(moteur) as session:
        session.execute(delete(Echec).where(Echec.le <= quand - max(fenetre, GARDE)))
        session.add_all(Echec(cle=cle[:200], le=quand) for cle in cles)
        session.commit()


def oublier_echecs(moteur, cle: str) -> None:
    with Session(moteur) as session:
        session.execute(delete(Echec).where(Echec.cle == cle[:200]))
        session.commit()


# API tokens ------------------------------------------------------------------------------

class Jeton(Base):
    """An API token: only its sha256 is kept; the token itself is shown once, at creation."""
    __tablename__ = "jetons"
    id: Mapped[int] = mapped_column(primary_key=True)
    compte_id: Mapped[int] = mapped_column()
    empreinte: Mapped[str] = mapped_column(String(64), unique=True)
    cree_le: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    expire_le: Mapped[dt.datetime] = mapped_column(DateTime)
    revoque_le: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


@dataclass(frozen=True)
class NouveauJeton:
    jeton: str
    expire_le: dt.datetime


def creer_jeton(moteur, identifiant: str, jours: int = JETON_JOURS) -> str:
    """A new API token of the account (shown once), valid ``jours`` days."""
    return nouveau_jeton(moteur, identifiant, jours).jeton


def nouveau_jeton(moteur, identifiant: str, jours: int = JETON_JOURS) -> NouveauJeton:
    if jours < 1:
        raise ValueError("un jeton vaut au moins un jour")
    with Session(moteur) as session:
        qui = _par_identifiant(session, identifiant)
        jeton, quand = secrets.token_urlsafe(32), maintenant()
        expire = quand + dt.timedelta(days=jours)
        session.add(Jeton(compte_id=qui.id, empreinte=_sha256(jeton), cree_le=quand,
                          expire_le=expire))
        session.commit()
        return NouveauJeton(jeton, expire)


def revoquer_jetons(moteur, identifiant: str) -> list[Jeton]:
    """Revokes every live token of the account; gives those revoked (creation, expiry)."""
    with Session(moteur, expire_on_commit=False) as session:
        qui = _par_identifiant(session, identifiant)
        quand = maintenant()
        vivants = list(session.scalars(select(Jeton).where(
            Jeton.compte_id == qui.id, Jeton.revoque_le.is_(None), Jeton.expire_le > quand)
            .order_by(Jeton.id)))
        for jeton in vivants:
            jeton.revoque_le = quand
        session.commit()
        return vivants


_JETONS = Jeton.__table__
_PAR_JETON = (select(_COMPTES).join(_JETONS, _JETONS.c.compte_id == _COMPTES.c.id)
              .where(_JETONS.c.empreinte == bindparam("empreinte"), _JETONS.c.revoque_le.is_(None),
                     _JETONS.c.expire_le > bindparam("maintenant"), _COMPTES.c.actif.is_(True)))


def compte_du_jeton(moteur, jeton: str) -> Compte | None:
    """The account of a live token: None if it is unknown, expired or revoked, or its
    account disabled."""
    with moteur.connect() as connexion:
        ligne = connexion.execute(_PAR_JETON, {"empreinte": _sha256(jeton),
                                               "maintenant": maintenant()}).one_or_none()
    return Compte(**ligne._mapping) if ligne else None


# Links to choose a password ---------------------------------------------------------------

class LienMotDePasse(Base):
    """A link sent by e-mail to choose a password (a new account, a forgotten password):
    single use, valid ``LIEN_DUREE``; only the sha256 of its token is kept."""
    __tablename__ = "liens_mot_de_passe"
    id: Mapped[int] = mapped_column(primary_key=True)
    compte_id: Mapped[int] = mapped_column(ForeignKey("comptes.id"), index=True)
    empreinte: Mapped[str] = mapped_column(String(64), unique=True)
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime)
    expire_le: Mapped[dt.datetime] = mapped_column(DateTime)
    utilise_le: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


def lien_mot_de_passe(moteur, compte_id: int, duree: dt.timedelta = LIEN_DUREE) -> str:
    """A new link's token (sent by e-mail, shown nowhere else); the account's earlier links
    no longer work: only the last one sent does."""
    jeton, quand = secrets.token_urlsafe(32), maintenant()
    with Session(moteur) as session:
        session.execute(update(LienMotDePasse).where(LienMotDePasse.compte_id == compte_id,
                                                     LienMotDePasse.utilise_le.is_(None))
                        .values(utilise_le=quand))
        session.add(LienMotDePasse(compte_id=compte_id, empreinte=_sha256(jeton), cree_le=quand,
                                   expire_le=quand + duree))
        session.commit()
    return jeton


def _lien(session: Session, jeton: str) -> LienMotDePasse | None:
    return session.scalar(select(LienMotDePasse).where(
        LienMotDePasse.empreinte == _sha256(jeton), LienMotDePasse.utilise_le.is_(None),
        LienMotDePasse.expire_le > maintenant()))


def compte_du_lien(moteur, jeton: str) -> Compte | None:
    """The active account of a link still valid (not used, not expired), else None."""
    with Session(moteur, expire_on_commit=False) as session:
        lien = _lien(session, jeton)
        qui = session.get(Compte, lien.compte_id) if lien else None
        return qui if qui is not None and qui.actif else None


def utiliser_lien(moteur, jeton: str, mot_de_passe: str) -> Compte | None:
    """Sets the password through a valid link, which is then used up; the account's sessions
    end. None (nothing changed) if the link is unknown, used, expired, or its account disabled."""
    if len(mot_de_passe) < LONGUEUR_MINIMALE:
        raise ValueError(f"au moins {LONGUEUR_MINIMALE} caractères")
    with Session(moteur, expire_on_commit=False) as session:
        lien = _lien(session, jeton)
        qui = session.get(Compte, lien.compte_id) if lien else None
        if qui is None or not qui.actif:
            return None
        lien.utilise_le = maintenant()
        qui.empreinte = generate_password_hash(mot_de_passe)
        _terminer_sessions(session, qui.id)
        session.commit()
        return qui


def compte_par_courriel(moteur, courriel: str) -> Compte | None:
    """The active account with this e-mail address (case ignored), if exactly one has it."""
    with Session(moteur, expire_on_commit=False) as session:
        trouves = list(session.scalars(select(Compte).where(
            func.lower(Compte.courriel) == courriel.strip().lower(), Compte.actif.is_(True))))
    return trouves[0] if len(trouves) == 1 and courriel.strip() else None
