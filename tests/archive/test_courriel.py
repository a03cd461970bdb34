"""Reminders and distribution by e-mail, through a real SMTP server started by the test."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from service import creer_archives, creer_messagerie, journal
from service.archive.courriel import CourrielImpossible, Messagerie
from service.archive.relances import relancer
from service.catalogue.generation import generer
from service.config import Config
from service.personnes.comptes import creer_compte
from service.personnes.effectifs import Stagiaire


@pytest.fixture
def archives(base_de_donnees, catalogue, tmp_path):
    return creer_archives(Config(sorties=tmp_path / "s", donnees=tmp_path / "d"), catalogue,
                          base_de_donnees)


def test_each_tuteur_gets_one_reminder_listing_what_is_missing(archives, catalogue, serveur_smtp):
    port, recus = serveur_smtp
    base = archives.base
    creer_compte(base, "garnier", "Hélène Garnier", "tuteur", "x", "helene.garnier@clairval.example")
    creer_compte(base, "roussel", "Camille Roussel", "tuteur", "x", "")  # no address
    with Session(base) as session, session.begin():
        session.add(Stagiaire(nom="MOREAU", prenom="Léa", tuteur_terrain="garnier",
                              tuteur_inspe="roussel"))
        session.add(Stagiaire(nom="DUVAL", prenom="Hugo", tuteur_terrain="garnier"))
    formulaire = catalogue.gabarit("compte_rendu_sopa").formulaire
    archives.deposer(generer(catalogue, "compte_rendu_sopa", formulaire.exemple).docx,
                     "cr.docx", "garnier")  # MOREAU Léa's compte-rendu came back

    messagerie = Messagerie.depuis(f"smtp://127.0.0.1:{port}", "scolarite@clairval.example",
                                   "INSPÉ de Clairval")
    resultat = relancer(base, catalogue, messagerie, "2026-2027", "secretariat")
    assert resultat.envoyees == ["Hélène Garnier <helene.garnier@clairval.example>"]
    assert resultat.sans_adresse == ["Camille Roussel"] and resultat.echecs == []
    ((destinataires, message),) = recus
    assert destinataires == ["helene.garnier@clairval.example"]
    assert message["Subject"] == "Documents attendus — INSPÉ de l’académie de Clairval"
    corps = message.get_content()
    assert corps.startswith("Bonjour Hélène Garnier,\r\n\r\nLe secrétariat de l’INSPÉ de l’académie "
                            "de Clairval n'a pas encore reçu, pour l'année 2026-2027, ces documents")
    assert "- Compte-rendu du tuteur de stage SOPA (m1 MEEF1 mention 1er degré) : DUVAL Hugo" in corps
    assert "- Fiche de personnalisation de l’accompagnement d’un stagiaire (annexe 1) : MOREAU Léa" \
        in corps
    assert "mention 1er degré) : MOREAU" not in corps  # it came back
    assert [e.quoi for e in journal.entrees(base)][-1] == "relance"


def test_the_procedure_s_distribution_list_receives_the_archived_pdf(
        archives, catalogue, moteur, sceau, serveur_smtp):
    from service.archive.relances import diffuser

    port, recus = serveur_smtp
    gabarit = catalogue.gabarit("accompagnement_renforce_m2ca")
    depot = archives.deposer(generer(catalogue, gabarit.id, gabarit.formulaire.exemple).docx,
                             "ar.docx", "secretariat")
    messagerie = creer_messagerie(Config(smtp=f"smtp://127.0.0.1:{port}",
                                         courriel="scolarite@clairval.example"), catalogue)
    with pytest.raises(CourrielImpossible, match="pas encore archivé"):
        diffuser(archives, depot.numero, messagerie, "secretariat")
    archive = archives.archiver(depot.numero, 1, "secretariat", moteur, sceau)
    adresses = diffuser(archives, depot.numero, messagerie, "secretariat")
    assert adresses == ["inspe-direction-stagiaires@clairval.example",
                        "responsable-formation-m2@univ-clairval.example", "ce.eafc@ac-clairval.example"]
    ((destinataires, message),) = recus
    assert destinataires == adresses
    (piece,) = list(message.iter_attachments())
    assert piece.get_filename().endswith(f"{depot.numero}.pdf")
    assert piece.get_content() == archives.coffre.lire(archive.derniere.pdf_sha256)


def test_an_unreachable_server_is_said_in_french():
    messagerie = Messagerie.depuis("smtp://127.0.0.1:9", "scolarite@clairval.example")
    with pytest.raises(CourrielImpossible, match="n'a pas pu être envoyé"):
        messagerie.envoyer(["a@clairval.example"], "Essai", "Bonjour")
    with pytest.raises(ValueError, match="serveur de courriel invalide"):
        Messagerie.depuis("http://x", "a@b")
