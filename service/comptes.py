"""Accounts: who may sign in, with which role. Passwords are hashed (werkzeug's scrypt)."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from sqlalchemy import String, bindparam, create_engine, event, make_url, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

ROLES = {
    "secretariat": "Secrétariat",
    "tuteur": "Tuteur ou tutrice",
    "inspecteur": "Inspecteur (IA-IPR / IEN)",
    "stagiaire": "Stagiaire",
    "administrateur": "Administrateur",
}


class Base(DeclarativeBase):
    pass


class Compte(Base):
    __tablename__ = "comptes"
    id: Mapped[int] = mapped_column(primary_key=True)
    identifiant: Mapped[str] = mapped_column(String(120), unique=True)
    nom: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    empreinte: Mapped[str] = mapped_column(String(300))
    courriel: Mapped[str] = mapped_column(String(200), default="", server_default="")


def base(url: str):
    """The database (SQLite by default, PostgreSQL by its URL), migrated to the latest revision."""
    from .migrations import mettre_a_jour

    adresse = make_url(url)
    if adresse.get_backend_name() == "sqlite" and adresse.database not in (None, "", ":memory:"):
        Path(adresse.database).parent.mkdir(parents=True, exist_ok=True)  # a new instance's folder
    moteur = create_engine(url)
    if adresse.get_backend_name() == "sqlite":
        event.listen(moteur, "connect", _sqlite_en_wal)
        event.listen(moteur, "checkin", _sqlite_ordinaire_a_nouveau)
    mettre_a_jour(moteur)
    return moteur


def _sqlite_en_wal(connexion, _):
    """Readers and the one writer no longer wait for each other (write-ahead log).

    In SQLite's default mode a page that reads waited, in sleeps of up to 100 ms,
    for any write of the audit log to end.

    An ordinary commit is not flushed to disk (``synchronous=NORMAL``): a power cut
    may undo the last few, never half of one. Under load, twenty people's audit-log
    entries queued behind one flush each (a download took 500 ms). What must
    survive a power cut says so: ``durable``.
    """
    connexion.execute("PRAGMA journal_mode=WAL")
    connexion.execute("PRAGMA synchronous=NORMAL")


def durable(session: Session) -> None:
    """The transaction under way is on disk when its commit returns, power cut or not."""
    if session.bind.dialect.name == "sqlite":
        session.execute(text("PRAGMA synchronous=FULL"))
        session.connection().info["durable"] = True


def _sqlite_ordinaire_a_nouveau(connexion, enregistrement):
    # back in the pool after a durable transaction: ordinary again (set here rather than at
    # every checkout, a statement more for every request)
    if enregistrement.info.pop("durable", False):
        connexion.execute("PRAGMA synchronous=NORMAL")


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


def authentifier(moteur, identifiant: str, mot_de_passe: str) -> Compte | None:
    with Session(moteur) as session:
        compte = session.scalar(select(Compte).where(Compte.identifiant == identifiant.strip().lower()))
        if compte and check_password_hash(compte.empreinte, mot_de_passe):
            return compte
    return None


_PAR_ID = select(Compte.__table__).where(Compte.__table__.c.id == bindparam("id"))


def compte(moteur, compte_id: int) -> Compte | None:
    """The account, read for each request: without the ORM's session, it costs 110 µs rather
    than 270, and under load it had been an eighth of the service's time."""
    with moteur.connect() as connexion:
        ligne = connexion.execute(_PAR_ID, {"id": compte_id}).one_or_none()
    return Compte(**ligne._mapping) if ligne else None


# Invented people, for a newcomer to try everything on `make run`.
DEMO = [
    ("secretariat", "Claire Besson", "secretariat", "demo-secretariat"),
    ("tuteur", "Hélène Garnier", "tuteur", "demo-tuteur"),
    ("inspecteur", "Sylvie Dumont", "inspecteur", "demo-inspecteur"),
    ("stagiaire", "Léa Moreau", "stagiaire", "demo-stagiaire"),
    ("admin", "Bruno Vasseur", "administrateur", "demo-admin"),
]
COURRIELS_DEMO = {identifiant: f"{identifiant}@clairval.example" for identifiant, *_ in DEMO}


class Jeton(Base):
    """An API token: only its sha256 is kept; the token itself is shown once, at creation."""
    __tablename__ = "jetons"
    id: Mapped[int] = mapped_column(primary_key=True)
    compte_id: Mapped[int] = mapped_column()
    empreinte: Mapped[str] = mapped_column(String(64), unique=True)


def creer_jeton(moteur, identifiant: str) -> str:
    with Session(moteur) as session:
        qui = session.scalar(select(Compte).where(Compte.identifiant == identifiant.strip().lower()))
        if qui is None:
            raise ValueError(f"aucun compte « {identifiant} »")
        jeton = secrets.token_urlsafe(32)
        session.add(Jeton(compte_id=qui.id, empreinte=hashlib.sha256(jeton.encode()).hexdigest()))
        session.commit()
        return jeton


def compte_du_jeton(moteur, jeton: str) -> Compte | None:
    with Session(moteur) as session:
        trouve = session.scalar(select(Jeton).where(
            Jeton.empreinte == hashlib.sha256(jeton.encode()).hexdigest()))
        return session.get(Compte, trouve.compte_id) if trouve else None


def comptes_de_demo(moteur) -> list[tuple[str, str, str, str]]:
    """Creates the demo accounts that do not exist yet; returns them all."""
    with Session(moteur) as session:
        existants = set(session.scalars(select(Compte.identifiant)))
    for identifiant, nom, role, mot_de_passe in DEMO:
        if identifiant not in existants:
            creer_compte(moteur, identifiant, nom, role, mot_de_passe, COURRIELS_DEMO[identifiant])
    return DEMO
