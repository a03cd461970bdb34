"""The tables' base class, and what a transaction may ask of the database.

Imports nothing of the service: every package's models build on it, and it on none of them.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import DeclarativeBase, Session


class Base(DeclarativeBase):
    pass


def durable(session: Session) -> None:
    """The transaction under way is on disk when its commit returns, power cut or not."""
    if session.bind.dialect.name == "sqlite":
        session.execute(text("PRAGMA synchronous=FULL"))
        session.connection().info["durable"] = True
