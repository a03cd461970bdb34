"""Alembic migrations: the migrated schema is the models', and an older database is brought up to date."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from werkzeug.security import generate_password_hash

from service.bd import ouvrir
from service.bd.migrations import INITIALE, TABLES_INITIALES, configuration, tete
from service.personnes import comptes
from service.schema import metadonnees


def _differences(moteur) -> list:
    with moteur.connect() as connexion:
        contexte = MigrationContext.configure(connexion, opts={"compare_type": True})
        return compare_metadata(contexte, metadonnees())


def _revision(moteur) -> str | None:
    with moteur.connect() as connexion:
        return MigrationContext.configure(connexion).get_current_revision()


def test_the_migrated_schema_is_exactly_the_models(base_de_donnees):
    assert _differences(base_de_donnees) == []
    assert _revision(base_de_donnees) == tete()
    assert set(inspect(base_de_donnees).get_table_names()) == {*metadonnees().tables, "alembic_version"}


def _comme_avant_les_migrations(url: str, garder: set[str]):
    """A database as create_all made it before migrations: the initial schema (revision 0001,
    create_all's at the time) without alembic_version, with only the tables in ``garder``,
    and one account written in the columns of that time."""
    moteur = create_engine(url)
    with moteur.begin() as connexion:
        command.upgrade(configuration(connexion), INITIALE)
        for table in ["alembic_version", *sorted(TABLES_INITIALES - garder)]:
            connexion.execute(text(f"DROP TABLE {table}"))
        connexion.execute(text("INSERT INTO comptes (identifiant, nom, role, empreinte) "
                               "VALUES ('ancien', 'Claire Besson', 'secretariat', :e)"),
                          {"e": generate_password_hash("secret")})
    moteur.dispose()


def test_the_initial_revision_makes_the_tables_create_all_made(url_base):
    moteur = create_engine(url_base)
    with moteur.begin() as connexion:
        command.upgrade(configuration(connexion), INITIALE)
    assert set(inspect(moteur).get_table_names()) == TABLES_INITIALES | {"alembic_version"}
    assert TABLES_INITIALES <= set(metadonnees().tables)
    moteur.dispose()


def test_migrating_twice_then_down_and_up_again(url_base):
    moteur = ouvrir(url_base)
    comptes.creer_compte(moteur, "tuteur", "Hélène Garnier", "tuteur", "secret")
    moteur.dispose()
    moteur = ouvrir(url_base)  # already at head: nothing to do, nothing lost
    assert comptes.authentifier(moteur, "tuteur", "secret").nom == "Hélène Garnier"
    with moteur.begin() as connexion:
        command.downgrade(configuration(connexion), "base")
    assert set(inspect(moteur).get_table_names()) <= {"alembic_version"}
    moteur.dispose()
    moteur = ouvrir(url_base)
    assert _differences(moteur) == [] and _revision(moteur) == tete()
    moteur.dispose()


def test_a_database_made_by_create_all_is_stamped_then_upgraded_without_loss(url_base):
    _comme_avant_les_migrations(url_base, TABLES_INITIALES)
    moteur = ouvrir(url_base)
    assert comptes.authentifier(moteur, "ancien", "secret").nom == "Claire Besson"
    assert _revision(moteur) == tete()
    assert _differences(moteur) == []
    moteur.dispose()


def test_an_older_database_with_some_tables_only_gets_the_missing_ones(url_base):
    _comme_avant_les_migrations(url_base, {"comptes"})  # before the log, the tokens, the roster
    moteur = ouvrir(url_base)
    assert comptes.authentifier(moteur, "ancien", "secret").nom == "Claire Besson"
    assert _revision(moteur) == tete()
    assert _differences(moteur) == []
    moteur.dispose()

