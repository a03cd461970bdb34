"""The database's schema, brought up to date by Alembic migrations (``versions/``).

Alembic is configured here, without an alembic.ini: ``configuration`` points it at
this folder and hands env.py an open connection. It imports no model: the
models' tables are gathered by ``service.schema``, above every package. It imports no model: the
models' tables are gathered by ``service.schema``, above every package. See README beside this file for
how to write a new revision.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

DOSSIER = Path(__file__).parent
INITIALE = "0001"  # the schema as create_all made it before migrations existed
TABLES_INITIALES = {"comptes", "jetons", "journal", "stagiaires"}


def configuration(connexion=None, metadonnees=None) -> Config:
    """Alembic's configuration; ``metadonnees`` (the models' tables, ``service.schema``) only
    when a new revision is compared with the models: bringing a database up to date needs none."""
    cfg = Config()
    cfg.set_main_option("script_location", str(DOSSIER))
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    cfg.attributes["connection"] = connexion
    cfg.attributes["metadonnees"] = metadonnees
    return cfg


def tete() -> str:
    return ScriptDirectory.from_config(configuration()).get_current_head()


def mettre_a_jour(moteur) -> None:
    """Brings the database to the latest revision. A database made by create_all before
    migrations (tables, no alembic_version) is stamped at the initial revision first."""
    with moteur.begin() as connexion:
        if connexion.dialect.name == "postgresql":  # one process migrates, the others wait
            connexion.execute(text("SELECT pg_advisory_xact_lock(4815162342)"))
        tables = set(inspect(connexion).get_table_names())
        cfg = configuration(connexion)
        if "alembic_version" not in tables and TABLES_INITIALES <= tables:
            command.stamp(cfg, INITIALE)
        # An older database still, with some of these tables only: the initial revision
        # creates the missing ones and leaves the others as they are.
        command.upgrade(cfg, "head")
