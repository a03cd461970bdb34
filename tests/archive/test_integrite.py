"""``fsck`` finds every half-written thing under the output folder; ``--reparer`` removes the
old ones, never a write that may still be under way."""

from __future__ import annotations

import errno
import os
import time

import pytest

from service.catalogue.ecriture import ecrire_atomique


def _vieux(*chemins) -> None:
    il_y_a_dix_minutes = time.time() - 600
    for chemin in chemins:
        os.utime(chemin, (il_y_a_dix_minutes, il_y_a_dix_minutes))


def test_a_write_that_fails_on_a_full_disk_leaves_nothing(tmp_path, monkeypatch):
    ecrire = os.write

    def write(fd, donnees):
        ecrire(fd, bytes(donnees)[:10])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", write)
    with pytest.raises(OSError) as exc:
        ecrire_atomique(tmp_path / "a.pdf", b"%PDF-" + b"x" * 10_000)
    monkeypatch.undo()
    assert exc.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []


def test_fsck_finds_and_repairs_every_half_written_thing(tmp_path, capsys):
    from service.cli import main

    sorties = tmp_path / "s"
    environ = {"INSPE_SORTIES": str(sorties), "INSPE_DONNEES": str(tmp_path / "d")}
    lot = sorties / "lots" / "a1b2c3"
    lot.mkdir(parents=True)
    zip_partiel = lot / ".inspe-lot.zip.1a2b3c4d.partiel"
    zip_partiel.write_bytes(b"PK" * 1000)
    entier = sorties / "documents" / "2026-000001"
    entier.mkdir(parents=True)
    (entier / "document.json").write_text("{}")
    (entier / "v1.pdf").write_bytes(b"%PDF-")
    pdf_partiel = entier / ".v2.pdf.5e6f7a8b.partiel"
    pdf_partiel.write_bytes(b"%PDF-")
    inacheve = sorties / "documents" / "2026-000002"
    (inacheve / "signatures").mkdir(parents=True)
    (inacheve / "v1.docx").write_bytes(b"PK")
    _vieux(zip_partiel, pdf_partiel, inacheve, inacheve / "signatures", inacheve / "v1.docx")
    # a write under way: young, left alone
    en_cours = sorties / "documents" / "2026-000003"
    en_cours.mkdir()
    (en_cours / ".v1.docx.0a0b0c0d.partiel").write_bytes(b"PK")
    jeune = lot / ".autre.zip.9f9f9f9f.partiel"
    jeune.write_bytes(b"PK")

    assert main(["fsck"], environ=environ) == 0
    sortie = capsys.readouterr().out
    assert "lots/a1b2c3/.inspe-lot.zip.1a2b3c4d.partiel" in sortie
    assert "documents/2026-000001/.v2.pdf.5e6f7a8b.partiel" in sortie
    assert "documents/2026-000002" in sortie and "sans document.json" in sortie
    assert "2026-000003" not in sortie and ".autre.zip" not in sortie

    assert main(["fsck", "--reparer"], environ=environ) == 0
    sortie = capsys.readouterr().out
    assert sortie.count("réparé : ") == 3, sortie
    assert not zip_partiel.exists() and not pdf_partiel.exists() and not inacheve.exists()
    assert (entier / "v1.pdf").exists() and (entier / "document.json").exists()
    assert jeune.exists() and en_cours.exists()

    assert main(["fsck"], environ=environ) == 0
    assert "reste" not in capsys.readouterr().out
