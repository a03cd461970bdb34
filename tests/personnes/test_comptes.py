"""Accounts and API tokens as a stranger would try them: how long an unknown account takes,
who may read the database file, a token past its expiry or revoked from the command line."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import statistics
import time

from alembic import command
from sqlalchemy import create_engine, func, select, text

from service.bd import ouvrir
from service.bd.migrations import configuration
from service.cli import main
from service.config import Config
from service.personnes.comptes import (
    Jeton,
    SessionWeb,
    authentifier,
    compte_de_session,
    compte_du_jeton,
    creer_compte,
    creer_jeton,
    desactiver_compte,
    echecs_recents,
    noter_echec,
    ouvrir_session,
    revoquer_jetons,
    terminer_session,
)
from service.web import create_app


def test_an_unknown_account_takes_as_long_as_a_known_one(tmp_path):
    """Same work whether the account exists or not (one scrypt): the median time of a wrong
    password for an unknown account is within a factor two of a known account's."""
    moteur = ouvrir(f"sqlite:///{tmp_path / 'inspe.sqlite3'}")
    creer_compte(moteur, "existant", "Claire Besson", "secretariat", "le-bon-mot-de-passe")
    authentifier(moteur, "existant", "chauffe")  # the first call makes the dummy hash
    authentifier(moteur, "personne", "chauffe")
    durees = {"existant": [], "personne": []}
    for _ in range(30):  # interleaved: the machine's ups and downs fall on both alike
        for qui, temps in durees.items():
            debut = time.perf_counter()
            assert authentifier(moteur, qui, "mauvais") is None
            temps.append(time.perf_counter() - debut)
    rapport = statistics.median(durees["personne"]) / statistics.median(durees["existant"])
    assert 0.5 < rapport < 2, f"inconnu / existant : {rapport:.2f}"
    moteur.dispose()


def _mode(chemin) -> int:
    return os.stat(chemin).st_mode & 0o777


def test_the_database_file_is_the_services_user_only(tmp_path):
    """Password and token hashes: the SQLite file 0600, the instance's folder 0700."""
    moteur = ouvrir(f"sqlite:///{tmp_path / 'nouvelle' / 'inspe.sqlite3'}")
    creer_compte(moteur, "a", "A", "tuteur", "x" * 12)
    assert _mode(tmp_path / "nouvelle") == 0o700
    assert _mode(tmp_path / "nouvelle" / "inspe.sqlite3") == 0o600
    for annexe in ("inspe.sqlite3-wal", "inspe.sqlite3-shm"):
        if (tmp_path / "nouvelle" / annexe).exists():
            assert _mode(tmp_path / "nouvelle" / annexe) == 0o600
    moteur.dispose()

    app = create_app(Config(donnees=tmp_path / "instance", sorties=tmp_path / "sorties"))
    app.extensions["inspe"]["base"].dispose()
    assert _mode(tmp_path / "instance") == 0o700
    assert _mode(tmp_path / "instance" / "inspe.sqlite3") == 0o600

    ouverte = tmp_path / "ancienne-instance"  # an instance's folder from before: made 0755
    ouverte.mkdir(mode=0o755)
    ouverte.chmod(0o755)
    create_app(Config(donnees=ouverte, sorties=tmp_path / "sorties")).extensions["inspe"]["base"].dispose()
    assert _mode(ouverte) == 0o700

    ancienne = tmp_path / "ancienne.sqlite3"  # an instance's file from before: made 0644
    ancienne.touch(mode=0o644)
    ancienne.chmod(0o644)
    ouvrir(f"sqlite:///{ancienne}").dispose()
    assert _mode(ancienne) == 0o600


def test_a_token_past_its_expiry_is_refused(tmp_path):
    moteur = ouvrir(f"sqlite:///{tmp_path / 'inspe.sqlite3'}")
    creer_compte(moteur, "tuteur", "Hélène Garnier", "tuteur", "x" * 12)
    jeton = creer_jeton(moteur, "tuteur")
    assert compte_du_jeton(moteur, jeton).identifiant == "tuteur"
    with moteur.begin() as connexion:
        expire = connexion.execute(select(Jeton.expire_le)).scalar_one()
        assert abs(expire - dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=90)) \
            < dt.timedelta(minutes=1)
        connexion.execute(Jeton.__table__.update().values(
            expire_le=dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=1)))
    assert compte_du_jeton(moteur, jeton) is None
    moteur.dispose()


def test_tokens_from_the_command_line_expire_and_are_revoked(tmp_path, capsys):
    environ = {"INSPE_DONNEES": str(tmp_path)}
    moteur = ouvrir(Config.depuis(environ).base_de_donnees)
    creer_compte(moteur, "tuteur", "Hélène Garnier", "tuteur", "x" * 12)
    creer_compte(moteur, "autre", "Paul Autre", "tuteur", "x" * 12)
    autre = creer_jeton(moteur, "autre")

    assert main(["jeton", "tuteur", "--jours", "7"], environ) == 0
    sortie = capsys.readouterr()
    jeton = sortie.out.strip()
    dans_7_jours = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).strftime("%d/%m/%Y")
    assert f"valable jusqu'au {dans_7_jours}" in sortie.err
    assert main(["jeton", "tuteur"], environ) == 0
    second = capsys.readouterr().out.strip()
    assert compte_du_jeton(moteur, jeton).identifiant == "tuteur"

    assert main(["jeton-revoquer", "tuteur"], environ) == 0
    sortie = capsys.readouterr().out
    assert len(re.findall(r"jeton n° \d+ révoqué \(créé le \d\d/\d\d/\d{4}", sortie)) == 2
    assert "tuteur : 2 jeton(s) révoqué(s)" in sortie
    assert compte_du_jeton(moteur, jeton) is None and compte_du_jeton(moteur, second) is None
    assert compte_du_jeton(moteur, autre).identifiant == "autre"  # another account's: untouched

    assert main(["jeton-revoquer", "inconnu"], environ) == 2
    assert "aucun compte « inconnu »" in capsys.readouterr().err
    assert main(["jeton", "tuteur", "--jours", "0"], environ) == 2
    assert "un jeton vaut au moins un jour" in capsys.readouterr().err
    moteur.dispose()


def test_a_token_made_before_expiry_existed_now_lasts_ninety_days(url_base):
    moteur = create_engine(url_base)
    with moteur.begin() as connexion:
        command.upgrade(configuration(connexion), "0003")
        connexion.execute(text("INSERT INTO comptes (identifiant, nom, role, empreinte) "
                               "VALUES ('ancien', 'Claire Besson', 'secretariat', 'x')"))
        connexion.execute(text("INSERT INTO jetons (compte_id, empreinte) VALUES "
                               "((SELECT id FROM comptes), :e)"),
                          {"e": hashlib.sha256(b"ancien-jeton").hexdigest()})
    moteur.dispose()
    moteur = ouvrir(url_base)
    assert compte_du_jeton(moteur, "ancien-jeton").identifiant == "ancien"
    with moteur.connect() as connexion:
        expire = connexion.execute(select(Jeton.expire_le)).scalar_one()
    assert expire - dt.datetime.now(dt.UTC).replace(tzinfo=None) > dt.timedelta(days=89)
    moteur.dispose()


def test_the_session_durations_and_proxies_come_from_the_environment():
    config = Config.depuis({"INSPE_SESSION_INACTIVITE": "30", "INSPE_SESSION_MAX": "480",
                            "INSPE_PROXYS": "10.0.0.1, 10.1.0.0/16"})
    assert (config.session_inactivite_min, config.session_max_min) == (30, 480)
    assert config.proxys == ("10.0.0.1", "10.1.0.0/16")
    defaut = Config.depuis({})
    assert (defaut.session_inactivite_min, defaut.session_max_min, defaut.proxys) == (120, 720, ())


def test_sessions_over_by_their_age_are_forgotten(tmp_path):
    moteur = ouvrir(f"sqlite:///{tmp_path / 'inspe.sqlite3'}")
    compte = creer_compte(moteur, "tuteur", "Hélène Garnier", "tuteur", "x" * 12)
    vieille = ouvrir_session(moteur, compte.id)
    with moteur.begin() as connexion:
        connexion.execute(SessionWeb.__table__.update().values(
            creee_le=dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=13)))
    nouvelle = ouvrir_session(moteur, compte.id)
    with moteur.connect() as connexion:
        assert connexion.execute(select(func.count()).select_from(SessionWeb)).scalar_one() == 1
    assert compte_de_session(moteur, vieille) is None
    assert compte_de_session(moteur, nouvelle).identifiant == "tuteur"
    moteur.dispose()


def test_sessions_failures_and_tokens_on_sqlite_and_postgresql(base_de_donnees):
    moteur = base_de_donnees
    compte = creer_compte(moteur, "tuteur", "Hélène Garnier", "tuteur", "x" * 12)
    creer_compte(moteur, "autre", "Paul Autre", "tuteur", "x" * 12)
    session = ouvrir_session(moteur, compte.id)
    assert compte_de_session(moteur, session).identifiant == "tuteur"
    terminer_session(moteur, session)
    assert compte_de_session(moteur, session) is None

    fenetre = dt.timedelta(minutes=10)
    noter_echec(moteur, ["compte:tuteur", "adresse:192.0.2.1"], fenetre)
    noter_echec(moteur, ["compte:autre", "adresse:192.0.2.1"], fenetre)
    assert echecs_recents(moteur, ["compte:tuteur", "adresse:192.0.2.1", "compte:x"], fenetre) == {
        "compte:tuteur": 1, "adresse:192.0.2.1": 2, "compte:x": 0}

    jeton, autre = creer_jeton(moteur, "tuteur"), creer_jeton(moteur, "autre")
    session = ouvrir_session(moteur, compte.id)
    assert compte_du_jeton(moteur, jeton).identifiant == "tuteur"
    assert [j.compte_id for j in revoquer_jetons(moteur, "tuteur")] == [compte.id]
    assert compte_du_jeton(moteur, jeton) is None
    desactiver_compte(moteur, "autre")
    assert compte_du_jeton(moteur, autre) is None  # a disabled account's token: refused
    assert authentifier(moteur, "autre", "x" * 12) is None
    assert compte_de_session(moteur, session).identifiant == "tuteur"
