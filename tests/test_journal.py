"""The audit log: every read and write recorded, and any later tampering detected."""

from __future__ import annotations

import sqlite3

from service import journal
from service.comptes import base


def test_a_whole_chain_then_an_edited_and_a_deleted_entry(tmp_path):
    chemin = tmp_path / "j.sqlite3"
    moteur = base(f"sqlite:///{chemin}")
    for i in range(5):
        journal.noter(moteur, "tuteur (tuteur)", "consultation", f"2026-{i}")
    assert journal.verifier_journal(moteur) == []
    assert [e.document for e in journal.entrees(moteur)] == [f"2026-{i}" for i in range(5)]

    with sqlite3.connect(chemin) as brut:  # someone edits the database behind the service
        brut.execute("UPDATE journal SET qui = 'personne' WHERE id = 2")
    assert journal.verifier_journal(moteur) == ["entrée 2 : son contenu a été modifié"]
    with sqlite3.connect(chemin) as brut:
        brut.execute("DELETE FROM journal WHERE id = 4")
    problemes = journal.verifier_journal(moteur)
    assert "entrée 2 : son contenu a été modifié" in problemes
    assert "entrée 5 : l'entrée qui la précédait a été supprimée ou modifiée" in problemes

