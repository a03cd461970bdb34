"""The SMTP client and the distribution of an archived PDF, through a real SMTP server started
by the test (the grouped reminders are tested in tests/dossier/test_campagne.py)."""

from __future__ import annotations

import pytest

from service import creer_archives, creer_messagerie
from service.archive.courriel import CourrielImpossible, Messagerie
from service.catalogue.generation import generer
from service.config import Config


@pytest.fixture
def archives(base_de_donnees, catalogue, tmp_path):
    return creer_archives(Config(sorties=tmp_path / "s", donnees=tmp_path / "d"), catalogue,
                          base_de_donnees)


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
