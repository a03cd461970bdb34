"""A gabarit's work in the storage (both backends): made whole or not at all, removed after
``ABANDON`` untouched; what a crash left found by fsck."""

from __future__ import annotations

import time

from service.archive.coffre import Coffre
from service.archive.integrite import verifier as fsck
from service.bd import ouvrir
from service.conception import travaux
from tests.outils import ecriture_interrompue


def test_a_work_untouched_for_the_abandon_delay_is_removed(stockage):
    travail = travaux.creer(stockage, b"PK televerse", b"PK gabarit", {"titre": "Essai"}, id="essai")
    travail.ecrire_apercu(b"%PDF-", [b"\xff\xd8 1", b"\xff\xd8 2"])
    travail.ecrire_apercu(b"%PDF-", [b"\xff\xd8 1"])  # a shorter preview: no page 2 left
    assert travail.pages() == 1 and travaux.ouvrir(stockage, travail.jeton).meta["id"] == "essai"
    assert travaux.oublier(stockage) == []
    plus_tard = time.time() + travaux.ABANDON.total_seconds() + 60
    assert travaux.oublier(stockage, maintenant=plus_tard) == [travail.jeton]
    assert list(stockage.lister(travaux.RACINE)) == []


def test_fsck_finds_what_a_crash_left_of_the_web_s_files(stockage, tmp_path):
    base = ouvrir(f"sqlite:///{tmp_path / 'inspe.sqlite3'}")
    stockage.ecrire("brouillons/7/entier/document.pdf", b"%PDF-")
    stockage.ecrire("brouillons/7/entier/meta.json", b"{}")
    stockage.ecrire("brouillons/7/inacheve/document.pdf", b"%PDF-")  # then the process died
    stockage.ecrire("travaux/inacheve/televerse.docx", b"PK")
    temporaire = ecriture_interrompue(stockage, "saisies/7/abc.json")
    sorties = tmp_path / "sorties"
    assert fsck(base, Coffre(stockage), sorties=sorties).restes == []  # a write under way
    time.sleep(1.1)  # S3 dates are to the second
    rapport = fsck(base, Coffre(stockage), sorties=sorties, delai_reste=0, reparer=True)
    assert sorted(rapport.repares) == [
        "dossier sans meta.json brouillons/7/inacheve supprimé",
        "dossier sans meta.json travaux/inacheve supprimé",
        f"fichier à moitié écrit {temporaire} supprimé"]
    assert [e.cle for e in stockage.lister("")] == ["brouillons/7/entier/document.pdf",
                                                    "brouillons/7/entier/meta.json"]


def test_what_an_older_version_kept_in_the_instance_s_folder_moves_to_the_storage(stockage,
                                                                                  tmp_path):
    from service.web.outils import reprendre_les_fichiers_locaux

    donnees = tmp_path / "instance"
    for chemin, contenu in (("saisies/7/abc.json", b"{}"), ("brouillons/7/def/meta.json", b"{}"),
                            ("brouillons/7/def/page-1.jpg", b"\xff\xd8"),
                            ("catalogue/travaux/ghi/meta.json", b"{}"),
                            ("catalogue/travaux/ghi/verification/gabarits/x/v2.docx", b"PK")):
        (donnees / chemin).parent.mkdir(parents=True, exist_ok=True)
        (donnees / chemin).write_bytes(contenu)
    assert reprendre_les_fichiers_locaux(donnees, stockage) == 4
    assert [e.cle for e in stockage.lister("")] == [
        "brouillons/7/def/meta.json", "brouillons/7/def/page-1.jpg", "saisies/7/abc.json",
        "travaux/ghi/meta.json"]
    assert sorted(p.name for p in donnees.iterdir()) == ["catalogue"]
    assert list((donnees / "catalogue").iterdir()) == []
