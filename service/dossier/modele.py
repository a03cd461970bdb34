"""The dossier's table: one row per stagiaire × année universitaire × gabarit that applies."""

from __future__ import annotations

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.bd.modele import Base


class DocumentDuDossier(Base):
    """An expected document of a stagiaire's dossier, and where it stands.

    ``numero`` is the generated document (sorties/documents/<numero>: its versions, its
    signatures), ``archive_numero`` the archive's record (an uploaded .docx, or the sealed
    document once complete): the same document, whichever channel it came through.
    """
    __tablename__ = "dossier_documents"
    __table_args__ = (UniqueConstraint("stagiaire_id", "annee", "gabarit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    stagiaire_id: Mapped[int] = mapped_column(Integer, index=True)
    annee: Mapped[str] = mapped_column(String(9))
    gabarit_id: Mapped[str] = mapped_column(String(80))
    etat: Mapped[str] = mapped_column(String(12))
    echeance: Mapped[str] = mapped_column(String(10), default="")  # ISO date, "" when none
    numero: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    archive_numero: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    gabarit_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    signes: Mapped[str] = mapped_column(String(400), default="")  # slots signed: "a,b"
    motif: Mapped[str] = mapped_column(Text, default="")  # why renvoyé or retiré
    auteur: Mapped[int | None] = mapped_column(Integer, nullable=True)  # account that made it
    modifie_le: Mapped[str] = mapped_column(String(32), default="")

    @property
    def cases_signees(self) -> set[str]:
        return {c for c in self.signes.split(",") if c}


class Relance(Base):
    """The last day a person was sent the grouped reminder: one message a day at most."""
    __tablename__ = "dossier_relances"
    identifiant: Mapped[str] = mapped_column(String(120), primary_key=True)
    jour: Mapped[str] = mapped_column(String(10))


Index("ix_dossier_campagne", DocumentDuDossier.annee, DocumentDuDossier.gabarit_id,
      DocumentDuDossier.etat)
