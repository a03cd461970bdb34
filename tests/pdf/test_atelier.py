"""Sealing in processes beside the service's: the same PDFs, at low priority, never left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from io import BytesIO

import pytest
from pypdf import PdfReader

from service.pdf.arriere_plan import PRIORITE
from service.pdf.atelier import Atelier, ScellementImpossible
from service.pdf.images import images_des_pages
from service.pdf.sceau import Sceau, verifier


def _vivant(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _converti(moteur, document, dossier) -> bytes:
    """``document``'s PDF as LibreOffice makes it, not sealed yet."""
    (dossier / "document.docx").write_bytes(document.docx)
    return moteur.convertir(dossier / "document.docx", dossier / "document.pdf").read_bytes()


def test_the_workshop_runs_at_the_lowest_priority_and_ends_with_the_service(sceau):
    # a service that starts its workshop, says the processes' ids, and is then killed outright
    service = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from service.pdf.atelier import Atelier
        from service.pdf.sceau import Sceau
        atelier = Atelier(Sceau(Path({str(sceau.dossier.parent)!r}), {sceau.nom!r}), 2)
        print(*atelier.demarrer(), flush=True)
        time.sleep(600)
        """)], stdout=subprocess.PIPE, text=True, cwd=os.getcwd())
    try:
        pids = [int(p) for p in service.stdout.readline().split()]
        assert len(pids) == 2
        for pid in pids:
            with open(f"/proc/{pid}/stat") as f:
                assert int(f.read().rsplit(")", 1)[1].split()[16]) == PRIORITE  # its nice value
    finally:
        service.send_signal(signal.SIGKILL)
        service.wait()
    fin = time.monotonic() + 30
    while any(_vivant(pid) for pid in pids) and time.monotonic() < fin:
        time.sleep(0.2)
    assert not any(_vivant(pid) for pid in pids), "un processus de l'atelier a survécu au service"


def test_a_workshop_process_killed_costs_no_one_their_document(sceau, moteur, exemples, tmp_path):
    document = exemples["fiche_personnalisation"]
    pdf = _converti(moteur, document, tmp_path)
    atelier = Atelier(sceau, 2)
    try:
        victime = atelier.demarrer()[0]
        os.kill(victime, signal.SIGKILL)
        fin = time.monotonic() + 10
        while _vivant(victime) and time.monotonic() < fin:
            time.sleep(0.1)
        for _ in range(3):  # the first is sealed by new processes, and the next ones too
            verification = verifier(atelier.sceller(pdf, document.proprietes), sceau)
            assert verification.intact, verification.message
            assert verification.identite["document_id"] == document.document_id
        assert victime not in atelier.demarrer()
    finally:
        atelier.fermer()


def test_the_workshop_draws_the_pages_of_what_it_sealed(sceau, moteur, exemples, tmp_path):
    document = exemples["compte_rendu_sopa"]
    pdf = _converti(moteur, document, tmp_path)
    atelier = Atelier(sceau, 1)
    try:
        scelle = atelier.finir(pdf, document.proprietes, images=True)
        assert verifier(scelle.pdf, sceau).intact
        # one picture a page, of the sealed PDF, as this process would draw it
        assert len(scelle.images) == len(PdfReader(BytesIO(scelle.pdf)).pages) > 1
        assert scelle.images == images_des_pages(scelle.pdf)
        assert atelier.images(scelle.pdf) == scelle.images
        assert atelier.finir(pdf, document.proprietes).images == []  # only when asked for
    finally:
        atelier.fermer()


def test_a_workshop_that_cannot_start_says_so_in_french(moteur, exemples, tmp_path):
    propre = Sceau(tmp_path / "donnees", "INSPÉ de l'académie de Clairval")
    propre.pem = ("pas une clé".encode(), propre.pem[1])  # what its processes will load
    document = exemples["fiche_personnalisation"]
    pdf = _converti(moteur, document, tmp_path)
    atelier = Atelier(propre, 1)
    try:
        with pytest.raises(ScellementImpossible, match="le sceau n'a pas pu être apposé"):
            atelier.sceller(pdf, document.proprietes)
    finally:
        atelier.fermer()
