"""When an account may be deleted: not while a document kept names it (archived record read or
deposited, slot signed, document made, poste in the roster), and from which day — on SQLite
and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from service import journal
from service.archive.depot import Archive
from service.dossier import suppression_compte
from service.dossier.modele import DocumentDuDossier
from service.personnes.comptes import Compte, creer_compte, desactiver_compte


def test_an_account_is_deleted_only_once_nothing_kept_names_it(base_de_donnees, catalogue):
    base = base_de_donnees
    creer_compte(base, "ancien", "Jean Ancien", "tuteur", "x" * 12)
    with Session(base) as session, session.begin():
        session.add(Archive(numero="A-2026-000001", cle="a1", gabarit_id="compte_rendu_sopa",
                            titre="Compte-rendu", stagiaire="MOREAU Léa", annee="2025-2026",
                            statut="archive", lecteurs="|ancien|lea|", cree_le="2020-06-30",
                            modifie_le="2020-06-30", conserver_jusqu_au="2030-06-30"))
        session.add(DocumentDuDossier(stagiaire_id=1, annee="2019-2020", gabarit_id="lettre_mission_sopa",
                                      etat="signe", numero="D-1", modifie_le="2020-01-10T10:00:00"))
    journal.noter(base, "ancien (tuteur)", "signature", "D-1", "signature_tuteur, version 2")
    with pytest.raises(ValueError, match="désactivez-le d’abord"):
        suppression_compte.supprimer(base, catalogue, "ancien", "admin", dt.date(2031, 1, 1))
    desactiver_compte(base, "ancien")

    obstacles = suppression_compte.obstacles(base, catalogue, "ancien", dt.date(2024, 6, 1))
    assert [o.jusqu_au for o in obstacles] == [dt.date(2030, 6, 30), dt.date(2025, 1, 10)]
    assert "A-2026-000001" in obstacles[0].raison and "il l’a signé" in obstacles[1].raison
    with pytest.raises(suppression_compte.SuppressionImpossible,
                       match="à partir du 01/07/2030, à la fin de la durée de conservation"):
        suppression_compte.supprimer(base, catalogue, "ancien", "admin", dt.date(2024, 6, 1))
    # the signed letter's 5 years are over, the archived record's 10 not yet
    assert len(suppression_compte.obstacles(base, catalogue, "ancien", dt.date(2026, 1, 1))) == 1

    suppression_compte.supprimer(base, catalogue, "ancien", "admin (administrateur)",
                                 dt.date(2030, 7, 1))
    with Session(base) as session:
        assert session.scalar(select(Compte).where(Compte.identifiant == "ancien")) is None
    quoi = [(e.qui, e.quoi, e.document) for e in journal.entrees(base)]
    assert ("ancien (tuteur)", "signature", "D-1") in quoi  # its entries stay
    assert ("admin (administrateur)", "compte_supprime", "ancien") in quoi
    assert journal.verifier_journal(base) == []
