"""The packets' locks: which worker makes which packet of a lot, in the database that every
machine shares (no shared disk needed)."""

from __future__ import annotations

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from service.bd.modele import Base


class VerrouDePaquet(Base):
    """Packet [``debut``, …) of lot ``lot`` is being made by ``proprietaire`` (host:pid:uuid),
    who touches ``touche_le`` (the database's clock, seconds since 1970) while it works."""
    __tablename__ = "verrous_de_paquets"
    lot: Mapped[str] = mapped_column(String(40), primary_key=True)
    debut: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    proprietaire: Mapped[str] = mapped_column(String(200))
    touche_le: Mapped[float] = mapped_column(Float)
