"""The dossier's documents kept in the storage, on a local folder and on a real S3 server: each
version whole, its signatures read back, never a version rewritten, and what a crash leaves
found by fsck."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from service.archive import documents as dossiers
from service.archive.coffre import Coffre
from service.archive.integrite import verifier as fsck
from service.bd import ouvrir
from service.catalogue.generation import generer, signer
from service.catalogue.signature import preparer_signature
from service.catalogue.signature_document import Signataire
from tests.outils import ecriture_interrompue
from tests.web.outils import trace_de_signature

PDF = b"%PDF-1.7 un PDF d'essai"


def _image() -> bytes:
    import base64

    return base64.b64decode(trace_de_signature().split(",", 1)[1])


def test_each_version_and_its_signature_are_kept_and_read_back(stockage, catalogue):
    v1 = generer(catalogue, "compte_rendu_sopa", catalogue.gabarit("compte_rendu_sopa").formulaire.exemple)
    assert dossiers.enregistrer(stockage, v1, PDF, trio=["tuteur"]) == f"documents/{v1.numero}/v1.pdf"
    image = preparer_signature(_image())
    v2 = signer(catalogue, dossiers.charger(stockage, v1.numero, catalogue),
                Signataire("signature_tuteur", "Hélène Garnier", "tuteur", dt.date(2026, 12, 4), image))
    dossiers.enregistrer(stockage, v2, PDF + b" v2")

    fiche = dossiers.fiche(stockage, v1.numero)
    assert [v["version"] for v in fiche["versions"]] == [1, 2] and fiche["trio"] == ["tuteur"]
    assert dossiers.lire(stockage, v1.numero, "v2.pdf") == PDF + b" v2"
    relu = dossiers.charger(stockage, v1.numero, catalogue)
    assert relu.version == 2 and relu.docx == v2.docx
    assert [s.image.png for s in relu.signataires] == [image.png]
    with pytest.raises(FileExistsError):
        dossiers.enregistrer(stockage, v2, PDF)
    with pytest.raises(dossiers.DossierIntrouvable):
        dossiers.fiche(stockage, "20990101-XXXXXX")
    with pytest.raises(dossiers.DossierIntrouvable):
        dossiers.fiche(stockage, "..")


def test_fsck_finds_a_document_folder_a_crash_left_without_its_record(stockage, tmp_path):
    base = ouvrir(f"sqlite:///{tmp_path / 'inspe.sqlite3'}")
    coffre = Coffre(stockage)
    stockage.ecrire("documents/20261204-AAAAAA/document.json", b"{}")
    stockage.ecrire("documents/20261204-AAAAAA/v1.pdf", PDF)
    stockage.ecrire("documents/20261204-BBBBBB/v1.docx", b"PK")  # then the process died
    ecriture_interrompue(stockage, "documents/20261204-AAAAAA/v2.pdf")
    zip_ = ecriture_interrompue(stockage, "lots/20261204-120000-abcdef/Lot - 2 documents.zip")
    sorties = tmp_path / "sorties"
    assert fsck(base, coffre, sorties=sorties).restes == []  # younger than a write under way
    time.sleep(1.1)  # S3 dates are to the second
    rapport = fsck(base, coffre, sorties=sorties, delai_reste=0)
    assert sorted(rapport.restes) == [
        "dossier de document sans document.json documents/20261204-BBBBBB (écriture interrompue)",
        f"fichier à moitié écrit {next(stockage.temporaires('documents')).cle} (écriture interrompue)",
        f"fichier à moitié écrit {zip_} (écriture interrompue)"]  # a lot's ZIP, its writer killed
    fsck(base, coffre, sorties=sorties, delai_reste=0, reparer=True)
    assert [e.cle for e in stockage.lister("documents")] == ["documents/20261204-AAAAAA/document.json",
                                                            "documents/20261204-AAAAAA/v1.pdf"]
    assert list(stockage.temporaires("")) == []
    base.dispose()
