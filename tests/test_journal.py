"""The audit log: every read and write recorded, and any later tampering detected (SQLite, PostgreSQL)."""

from __future__ import annotations

import multiprocessing
import threading

import pytest
from sqlalchemy import create_engine, text

from service import journal


def _en_douce(url: str, requete: str) -> None:
    """Someone edits the database behind the service, through a connection of their own."""
    autre = create_engine(url)
    with autre.begin() as connexion:
        connexion.execute(text(requete))
    autre.dispose()


def test_a_whole_chain_then_an_edited_and_a_deleted_entry(base_de_donnees, url_base):
    moteur = base_de_donnees
    for i in range(5):
        journal.noter(moteur, "tuteur (tuteur)", "consultation", f"2026-{i}")
    assert journal.verifier_journal(moteur) == []
    assert [e.document for e in journal.entrees(moteur)] == [f"2026-{i}" for i in range(5)]
    assert [e.id for e in journal.entrees(moteur)] == [1, 2, 3, 4, 5]

    _en_douce(url_base, "UPDATE journal SET qui = 'personne' WHERE id = 2")
    assert journal.verifier_journal(moteur) == ["entrée 2 : son contenu a été modifié"]
    _en_douce(url_base, "DELETE FROM journal WHERE id = 4")
    problemes = journal.verifier_journal(moteur)
    assert "entrée 2 : son contenu a été modifié" in problemes
    assert "entrée 5 : l'entrée qui la précédait a été supprimée ou modifiée" in problemes


def test_entries_of_one_document_in_order(base_de_donnees):
    for document in ("a", "b", "a"):
        journal.noter(base_de_donnees, "secretariat (secretariat)", "création", document, "détail é")
    assert [(e.document, e.detail) for e in journal.entrees(base_de_donnees, "a")] == [
        ("a", "détail é"), ("a", "détail é")]
    assert journal.verifier_journal(base_de_donnees) == []


def _ecrire(url: str, depart, n: int) -> None:
    moteur = create_engine(url)
    depart.wait(60)  # all processes write at the same time
    for _ in range(n):
        journal.noter(moteur, "tuteur (tuteur)", "consultation", "course")
    moteur.dispose()


# A row lock (FOR UPDATE) on the last entry would hand a waiting process the old end of the chain.
@pytest.mark.parametrize("url_base", ["sqlite", "postgresql"], indirect=True)
def test_several_processes_writing_at_once_keep_one_chain(base_de_donnees, url_base):
    contexte = multiprocessing.get_context("spawn")
    depart = contexte.Barrier(3)
    processus = [contexte.Process(target=_ecrire, args=(url_base, depart, 20)) for _ in range(3)]
    for p in processus:
        p.start()
    for p in processus:
        p.join(120)
    assert [p.exitcode for p in processus] == [0, 0, 0]
    assert len(journal.entrees(base_de_donnees)) == 60
    assert journal.verifier_journal(base_de_donnees) == []


def test_many_people_at_once_each_find_their_entry_written_when_noter_returns(base_de_donnees):
    absentes = []

    def consulter(personne: int):
        for n in range(10):
            document = f"p{personne}-{n}"
            journal.noter(base_de_donnees, f"tuteur{personne} (tuteur)", "consultation", document)
            if [e.qui for e in journal.entrees(base_de_donnees, document)] != [
                    f"tuteur{personne} (tuteur)"]:
                absentes.append(document)

    personnes = [threading.Thread(target=consulter, args=(p,)) for p in range(20)]
    for personne in personnes:
        personne.start()
    for personne in personnes:
        personne.join(60)
    assert absentes == []
    assert len(journal.entrees(base_de_donnees)) == 200
    assert journal.verifier_journal(base_de_donnees) == []


def test_an_entry_that_cannot_be_written_is_an_error_not_a_silence(tmp_path):
    moteur = create_engine(f"sqlite:///{tmp_path}/sans-journal.sqlite")  # no table: never migrated
    for _ in range(2):  # and a failed write leaves nothing behind that blocks the next one
        with pytest.raises(Exception, match="journal"):
            journal.noter(moteur, "tuteur (tuteur)", "consultation", "x")


def test_a_page_reading_does_not_hold_up_a_write_of_the_log(tmp_path):
    """SQLite in write-ahead-log mode: while a long read is open, the log is still written at once.

    In SQLite's default mode the writer waited for every reader to finish (5 s,
    then "database is locked"); under load that made downloads wait.
    """
    import sqlite3

    from service.bd import ouvrir

    moteur = ouvrir(f"sqlite:///{tmp_path}/instance.sqlite3")
    journal.noter(moteur, "tuteur (tuteur)", "consultation", "avant")
    lecteur = sqlite3.connect(tmp_path / "instance.sqlite3", timeout=0.2)
    lecteur.execute("BEGIN")
    assert lecteur.execute("SELECT count(*) FROM journal").fetchone() == (1,)  # a read in progress
    journal.noter(moteur, "tuteur (tuteur)", "téléchargement", "pendant")
    # the reader keeps the state it started reading; the next read sees the new entry
    assert lecteur.execute("SELECT count(*) FROM journal").fetchone() == (1,)
    lecteur.execute("COMMIT")
    assert lecteur.execute("SELECT count(*) FROM journal").fetchone() == (2,)
    lecteur.close()
    assert journal.verifier_journal(moteur) == []


def test_only_what_must_survive_a_power_cut_waits_for_the_disk(tmp_path):
    """SQLite: ordinary commits are not flushed; a ``durable`` one (the archive's) is, and only it."""
    from sqlalchemy.orm import Session

    from service.bd import ouvrir
    from service.bd.modele import durable

    moteur = ouvrir(f"sqlite:///{tmp_path}/instance.sqlite3")
    niveau = text("PRAGMA synchronous")
    normal, full = 1, 2
    with Session(moteur) as session, session.begin():
        assert session.scalar(niveau) == normal
        durable(session)
        journal.ajouter(session, "secretariat (secretariat)", "archivage", "A-2026-000001")
        assert session.scalar(niveau) == full
    with Session(moteur) as session:  # the connection comes back from the pool as it was
        assert session.scalar(niveau) == normal
        assert session.scalar(text("PRAGMA journal_mode")) == "wal"
    assert [e.document for e in journal.entrees(moteur)] == ["A-2026-000001"]
