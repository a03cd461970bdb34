"""A pre-filled .docx sent back with no value changed is « inchangé »: stored, said, not counted
as received, archived only when asked; the same .docx with one value changed is received.
On SQLite and on PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import creer_archives, journal
from service.archive.depot import INCHANGE, PREREMPLI, Archive, DocumentInchange
from service.archive.recherche import Filtres, Lecteur, manquants, rechercher
from service.bd import ouvrir
from service.catalogue.generation import generer, rendre
from service.catalogue.validation import valider
from service.config import Config
from service.personnes import effectifs
from service.personnes.effectifs import Stagiaire
from tests.outils import Word


@pytest.fixture
def archives(base_de_donnees, catalogue, tmp_path):
    config = Config(sorties=tmp_path / "sorties", donnees=tmp_path / "donnees")
    return creer_archives(config, catalogue, base_de_donnees)


def _inscrire(base) -> Stagiaire:
    with Session(base, expire_on_commit=False) as session, session.begin():
        lea = Stagiaire(nom="MOREAU", prenom="Léa", tuteur_terrain="tuteur", tuteur_inspe="",
                        compte_stagiaire="stagiaire")
        session.add(lea)
    return lea


def pre_rempli(base, catalogue, stagiaire, gabarit_id="compte_rendu_sopa") -> bytes:
    """The .docx « Mes stagiaires » hands out (service/web/effectifs.py, docx_prerempli): what the
    roster knows, rendered, and the audit-log entry that says it was handed out."""
    gabarit = catalogue.gabarit(gabarit_id)
    valeurs = valider(gabarit.formulaire,
                      effectifs.preremplissage(base, stagiaire, gabarit.formulaire), partiel=True)
    document = rendre(catalogue, gabarit, valeurs)
    journal.noter(base, "tuteur (tuteur)", PREREMPLI, document.numero,
                  f"{gabarit_id}, stagiaire {stagiaire.id}")
    return document.docx


def _attendus(archives, catalogue) -> set[tuple[str, str]]:
    return {(m.stagiaire.nom, m.gabarit_id) for m in manquants(archives.base, catalogue, "2026-2027")}


def _compter(archives) -> tuple[int, int]:
    with Session(archives.base) as session:
        return (session.scalar(select(func.count()).select_from(Archive)),
                len(list(archives.coffre.objets())))


def test_an_untouched_pre_filled_docx_is_inchange_and_still_expected(archives, catalogue, moteur,
                                                                     sceau):
    lea = _inscrire(archives.base)
    avant = _attendus(archives, catalogue)
    assert ("MOREAU", "compte_rendu_sopa") in avant
    docx = pre_rempli(archives.base, catalogue, lea)
    # opened in Word and saved without typing anything: another file, the same values
    resauve = Word(docx).enregistrer()
    assert resauve != docx

    depot = archives.deposer(resauve, "compte-rendu.docx", "tuteur")
    assert depot.inchange and not depot.deja_archive
    archive = archives.une(depot.numero)
    assert archive.statut == "recu" and archive.derniere.inchange
    assert archive.libelle_statut == "Reçu (inchangé)"
    assert _attendus(archives, catalogue) == avant  # not received
    _, trouves = rechercher(archives.base, Filtres(), Lecteur("secretariat", "secretariat"))
    assert [a.libelle_statut for a in trouves] == ["Reçu (inchangé)"]
    assert "inchangée depuis le pré-remplissage" in journal.entrees(
        archives.base, depot.numero)[-1].detail
    # the same file again is the same record, still « inchangé »
    assert archives.deposer(resauve, "copie.docx", "tuteur").inchange

    # archived because a person asked for it (and typed what it lacked on the check page):
    # then it is a document received
    exemple = catalogue.gabarit("compte_rendu_sopa").formulaire.exemple
    archives.archiver(depot.numero, depot.version, "secretariat", moteur, sceau,
                      exemple | {"stagiaire_nom": "MOREAU", "stagiaire_prenom": "Léa"})
    assert archives.une(depot.numero).libelle_statut == "Archivé"
    assert _attendus(archives, catalogue) == avant - {("MOREAU", "compte_rendu_sopa")}


def test_a_caller_that_cannot_ask_refuses_it_and_stores_nothing(archives, catalogue):
    lea = _inscrire(archives.base)
    docx = pre_rempli(archives.base, catalogue, lea, "fiche_personnalisation")
    with pytest.raises(DocumentInchange) as exc:
        archives.deposer(docx, "fiche.docx", "tuteur", exiger_valide=True, refuser_inchange=True)
    assert str(exc.value) == INCHANGE
    assert _compter(archives) == (0, 0)


def test_one_value_changed_is_received_as_before(archives, catalogue):
    lea = _inscrire(archives.base)
    avant = _attendus(archives, catalogue)
    word = Word(pre_rempli(archives.base, catalogue, lea))
    word.saisir(word.controles("lieu_stage")[0], "École Paul-Bert, Clairval")
    depot = archives.deposer(word.enregistrer(), "compte-rendu.docx", "tuteur",
                             refuser_inchange=True)
    archive = archives.une(depot.numero)
    assert not depot.inchange and not archive.derniere.inchange
    assert archive.libelle_statut == "Reçu"
    assert json.loads(archive.derniere.valeurs_lues)["lieu_stage"] == "École Paul-Bert, Clairval"
    assert _attendus(archives, catalogue) == avant - {("MOREAU", "compte_rendu_sopa")}


def test_a_document_made_from_complete_values_and_sent_back_as_is_is_received(archives, catalogue):
    """Generated (online form, lot, command line), not handed out pre-filled: a real document."""
    _inscrire(archives.base)
    formulaire = catalogue.gabarit("compte_rendu_sopa").formulaire
    docx = generer(catalogue, "compte_rendu_sopa", formulaire.exemple | {
        "stagiaire_nom": "MOREAU", "stagiaire_prenom": "Léa"}).docx
    depot = archives.deposer(docx, "cr.docx", "tuteur", refuser_inchange=True)
    assert not depot.inchange
    assert ("MOREAU", "compte_rendu_sopa") not in _attendus(archives, catalogue)


def test_archiver_refuses_it_unless_inchange_accepte(url_base, catalogue, tmp_path, capsys):
    from service.cli import main

    environ = {"DATABASE_URL": url_base, "INSPE_SORTIES": str(tmp_path / "s"),
               "INSPE_DONNEES": str(tmp_path / "d")}
    base = ouvrir(url_base)
    lea = _inscrire(base)
    (tmp_path / "cr.docx").write_bytes(pre_rempli(base, catalogue, lea))

    assert main(["archiver", str(tmp_path / "cr.docx")], environ=environ) == 2
    erreur = capsys.readouterr().err
    assert erreur.startswith(f"cr.docx : {INCHANGE}") and "--inchange-accepte" in erreur
    with Session(base) as session:
        assert session.scalar(select(func.count()).select_from(Archive)) == 0  # nothing kept

    # accepted, it goes on to the values' check: a form left untouched lacks what the
    # tuteur was to write, and the command line cannot ask for it
    assert main(["archiver", str(tmp_path / "cr.docx"), "--inchange-accepte"],
                environ=environ) == 2
    erreur = capsys.readouterr().err
    assert INCHANGE not in erreur and "cr.docx : lieu_stage : champ obligatoire non rempli" in erreur
    with Session(base) as session:
        assert session.scalar(select(func.count()).select_from(Archive)) == 0


def test_archiver_archives_it_with_inchange_accepte(url_base, catalogue, tmp_path, capsys):
    """A form the roster fills entirely (every required field known) can be archived as is."""
    from service.cli import main

    environ = {"DATABASE_URL": url_base, "INSPE_SORTIES": str(tmp_path / "s"),
               "INSPE_DONNEES": str(tmp_path / "d")}
    base = ouvrir(url_base)
    gabarit = catalogue.gabarit("compte_rendu_sopa")
    requis = {c.nom: gabarit.formulaire.exemple[c.nom] for c in gabarit.formulaire.champs
              if c.requis}
    document = rendre(catalogue, gabarit, valider(gabarit.formulaire, requis, partiel=True))
    journal.noter(base, "tuteur (tuteur)", PREREMPLI, document.numero, "compte_rendu_sopa")
    (tmp_path / "cr.docx").write_bytes(document.docx)
    assert main(["archiver", str(tmp_path / "cr.docx")], environ=environ) == 2
    assert INCHANGE in capsys.readouterr().err
    assert main(["archiver", str(tmp_path / "cr.docx"), "--inchange-accepte"],
                environ=environ) == 0
    assert "\tArchivé\t" in capsys.readouterr().out
    with Session(base) as session:
        (archive,) = session.scalars(select(Archive))
        assert archive.statut == "archive" and archive.versions[0].inchange
