"""The storage's promises, on a local folder and on a real S3 server (SeaweedFS): what is written
is read back whole, listed with its date, never seen half-written, and no key leaves its place."""

from __future__ import annotations

import time

import pytest

from service import creer_stockage
from service.config import Config
from service.stockage import Absent, Dossier, ouvrir
from service.stockage.s3 import S3
from tests.outils import ecriture_interrompue


def test_what_is_written_is_read_back_listed_and_removed(stockage):
    avant = time.time()
    stockage.ecrire("lots/12/documents/Léa MOREAU.pdf", b"%PDF-" + bytes(range(256)) * 100)
    stockage.ecrire("lots/12/lot.json", b"{}")
    stockage.ecrire("lots/120/lot.json", b"[]")  # not under lots/12/
    stockage.ecrire("lots/12/lot.json", b'{"etat": "fini"}')  # replaced whole

    assert stockage.lire("lots/12/documents/Léa MOREAU.pdf") == b"%PDF-" + bytes(range(256)) * 100
    assert stockage.lire("lots/12/lot.json") == b'{"etat": "fini"}'
    assert stockage.existe("lots/12/lot.json") and not stockage.existe("lots/12/autre.json")
    assert not stockage.existe("lots/12")  # a folder is no file
    assert stockage.sous_dossiers("lots") == ["12", "120"] and stockage.sous_dossiers("lots/12") == [
        "documents"] and stockage.sous_dossiers("rien") == []
    with stockage.flux("lots/12/documents/Léa MOREAU.pdf") as flux:  # read in pieces, as sent
        assert flux.read(5) == b"%PDF-" and len(flux.read()) == 25_600
    with pytest.raises(Absent):
        stockage.flux("lots/12/autre.json")
    entrees = sorted(stockage.lister("lots/12"), key=lambda e: e.cle)
    assert [(e.cle, e.taille) for e in entrees] == [("lots/12/documents/Léa MOREAU.pdf", 25_605),
                                                    ("lots/12/lot.json", 16)]
    assert all(avant - 2 <= e.modifie_le <= time.time() + 2 for e in entrees)

    stockage.supprimer("lots/12/lot.json")
    stockage.supprimer("lots/12/lot.json")  # already gone: no error
    with pytest.raises(Absent):
        stockage.lire("lots/12/lot.json")
    assert [e.cle for e in stockage.lister("lots/12/")] == ["lots/12/documents/Léa MOREAU.pdf"]
    assert list(stockage.lister("rien/ici")) == []


def test_a_write_cut_short_is_never_listed_only_its_temporary_is(stockage):
    stockage.ecrire("archive/objets/ab/fichier", b"entier")
    temporaire = ecriture_interrompue(stockage, "archive/objets/ab/autre")
    assert [e.cle for e in stockage.lister("archive")] == ["archive/objets/ab/fichier"]
    assert [e.cle for e in stockage.temporaires("archive")] == [temporaire]
    assert not stockage.existe("archive/objets/ab/autre")
    stockage.supprimer(temporaire)
    assert list(stockage.temporaires("archive")) == []


@pytest.mark.parametrize("cle", ["../dehors", "a/../../b", "/absolu", "a//b", "", "a\\b", "a/./b"])
def test_no_key_leaves_the_storage(stockage, cle):
    with pytest.raises(ValueError, match="clé de stockage invalide"):
        stockage.ecrire(cle, b"x")


def test_the_configuration_chooses_the_storage(tmp_path, serveur_s3):
    local = creer_stockage(Config(sorties=tmp_path / "sorties"))
    assert isinstance(local, Dossier) and local.racine == tmp_path / "sorties"

    config = Config.depuis(serveur_s3.environ("depuis-config") | {"INSPE_SORTIES": str(tmp_path)})
    distant = creer_stockage(config)
    assert isinstance(distant, S3) and distant.prefixe == "depuis-config/"
    distant.ecrire("essai", b"par la configuration")
    assert serveur_s3.client().get_object(Bucket=serveur_s3.bucket, Key="depuis-config/essai")[
        "Body"].read() == b"par la configuration"

    with pytest.raises(ValueError, match="ni un dossier ni une adresse s3"):
        ouvrir("https://ailleurs/bucket")


def test_on_s3_a_write_the_server_does_not_hold_whole_is_not_put_in_place(stockage_s3, monkeypatch):
    """The upload is cut on its way (a proxy that truncates it): the SHA-256 sent with it makes
    the real server refuse it, and nothing is at the key."""
    from botocore.exceptions import ClientError

    envoyer = stockage_s3.client.put_object

    def tronquee(**parametres):
        return envoyer(**parametres | {"Body": parametres["Body"][:-1]})

    monkeypatch.setattr(stockage_s3.client, "put_object", tronquee)
    with pytest.raises(ClientError):
        stockage_s3.ecrire("archive/objets/ab/entier", b"tout ou rien")
    monkeypatch.undo()
    assert not stockage_s3.existe("archive/objets/ab/entier")
    assert list(stockage_s3.temporaires("")) == [] and list(stockage_s3.lister("")) == []
