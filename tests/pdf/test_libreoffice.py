"""The LibreOffice pool survives hangs and crashes, loses nothing, and serves people first."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from service.pdf.arriere_plan import PRIORITE
from service.pdf.libreoffice import ConversionImpossible, Moteur
from tests.outils import RACINE


@pytest.fixture(scope="module")
def docx(exemples, tmp_path_factory) -> list:
    dossier = tmp_path_factory.mktemp("docx")
    chemins = []
    for id_, document in sorted(exemples.items()):
        chemin = dossier / f"{id_}.docx"
        chemin.write_bytes(document.docx)
        chemins.append(chemin)
    return chemins


def _est_un_pdf(chemin) -> bool:
    donnees = chemin.read_bytes()
    return donnees.startswith(b"%PDF-") and b"%%EOF" in donnees[-1024:]


def test_a_killed_instance_mid_batch_loses_no_document(docx, tmp_path):
    with Moteur(2, guichet=False) as moteur:
        travaux = [moteur.soumettre(d, tmp_path / f"{i:02d}.pdf", voie="lot")
                   for i, d in enumerate(docx * 2)]
        travaux[0].result(timeout=120)
        os.killpg(moteur.pids()[0], signal.SIGKILL)  # LibreOffice and its worker die
        resultats = [t.result(timeout=120) for t in travaux]
        assert moteur.recyclages >= 1
    assert len(resultats) == 16 and all(_est_un_pdf(p) for p in resultats)


def test_a_hung_instance_is_killed_and_its_document_retried(docx, tmp_path):
    with Moteur(1, guichet=False, delai=4) as moteur:
        moteur.demarrer()
        os.killpg(moteur.pids()[0], signal.SIGSTOP)  # LibreOffice stops answering
        debut = time.monotonic()
        pdf = moteur.convertir(docx[0], tmp_path / "a.pdf")
        assert _est_un_pdf(pdf)
        assert moteur.recyclages == 1 and time.monotonic() - debut >= 4


def test_a_document_that_fails_twice_gets_a_clear_error(docx, tmp_path):
    with Moteur(1, guichet=False, delai=0.001) as moteur:
        with pytest.raises(ConversionImpossible) as exc:
            moteur.convertir(docx[0], tmp_path / "a.pdf")
    assert "LibreOffice a échoué deux fois" in str(exc.value)
    assert docx[0].name in str(exc.value)
    assert not (tmp_path / "a.pdf").exists()


def test_a_person_waiting_is_served_before_queued_bulk_work(docx, tmp_path):
    fini = []
    verrou = threading.Lock()

    def noter(nom):
        def rappel(_):
            with verrou:
                fini.append(nom)
        return rappel

    with Moteur(1, guichet=False) as moteur:
        moteur.demarrer()
        for i, d in enumerate(docx + docx):
            moteur.soumettre(d, tmp_path / f"lot{i}.pdf", voie="lot").add_done_callback(
                noter(f"lot{i}"))
        personne = moteur.soumettre(docx[0], tmp_path / "personne.pdf", voie="interactive")
        personne.add_done_callback(noter("personne"))
        personne.result(timeout=60)
        while len(fini) < 17:
            time.sleep(0.05)
    assert fini.index("personne") <= 2, fini


def test_an_instance_is_recycled_after_its_quota_of_conversions(docx, tmp_path):
    with Moteur(1, guichet=False, conversions_max=3) as moteur:
        resultats = moteur.convertir_tous([(d, tmp_path / f"{i}.pdf") for i, d in enumerate(docx)])
        assert moteur.recyclages == 2
    assert all(_est_un_pdf(p) for p in resultats)


@pytest.mark.parametrize("contenu, message", [
    (b"Bonjour, ceci est du texte.", "ce n’est pas un document Word .docx"),
    (b"%PDF-1.7\n1 0 obj\n", "c’est un PDF, pas un document Word"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "ancien document Word (.doc)"),
])
def test_junk_never_reaches_libreoffice(moteur, tmp_path, contenu, message):
    entree = tmp_path / "piege.docx"
    entree.write_bytes(contenu)
    with pytest.raises(ConversionImpossible, match=re.escape(message)):
        moteur.convertir(entree, tmp_path / "piege.pdf")
    assert not (tmp_path / "piege.pdf").exists()


def test_the_pool_stays_under_one_gibibyte(moteur, docx, tmp_path):
    moteur.convertir_tous([(d, tmp_path / f"{i}.pdf") for i, d in enumerate(docx)])
    assert 0 < moteur.memoire() < 2**30


def test_the_guichet_serves_a_person_while_bulk_packets_keep_the_others_busy(docx, tmp_path):
    with Moteur(1) as moteur:  # one instance for everything, one for people only
        moteur.demarrer()
        lot = [moteur.soumettre(d, tmp_path / f"lot{i}.pdf", voie="lot")
               for i, d in enumerate(docx * 6)]
        time.sleep(0.3)
        personne = moteur.soumettre(docx[1], tmp_path / "personne.pdf")
        personne.result(timeout=60)
        restants = sum(not t.done() for t in lot)
        assert restants >= len(lot) // 2, "la personne n'a pas attendu la fin du lot"
        for t in lot:
            t.result(timeout=120)


def _priorite(pid: int) -> int:
    champs = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(champs[16])  # nice, the 19th field of the line


def test_libreoffice_yields_the_cores_to_the_web_pages(moteur, docx, tmp_path):
    moteur.convertir(docx[0], tmp_path / "a.pdf")
    groupes = set(moteur.pids())
    soffice = [int(pid) for pid in os.listdir("/proc") if pid.isdigit()
               and os.getpgid(int(pid)) in groupes
               and b"soffice" in open(f"/proc/{pid}/cmdline", "rb").read()]
    assert soffice, "aucun soffice trouvé dans les groupes du moteur"
    assert all(_priorite(pid) == PRIORITE for pid in soffice)


def test_a_recycled_instance_is_replaced_before_anyone_waits_for_it(docx, tmp_path):
    with Moteur(1, guichet=False, conversions_max=2) as moteur:
        moteur.demarrer()
        (premiere,) = moteur.pids()
        moteur.convertir_tous([(d, tmp_path / f"{i}.pdf") for i, d in enumerate(docx[:2])])
        fin = time.monotonic() + 60
        while moteur.pids() in ([], [premiere]) and time.monotonic() < fin:
            time.sleep(0.2)  # no conversion asked for: the pool starts the successor itself
        assert moteur.recyclages == 1
        assert moteur.pids() and moteur.pids() != [premiere]


_SERVICE_QUI_MEURT = """
import os, sys, time
from pathlib import Path
from service.pdf.libreoffice import Moteur
moteur = Moteur(1, guichet=False)
moteur.demarrer()
print(moteur._instances[0].profil, flush=True)
travail = moteur.soumettre(Path(sys.argv[1]), Path(sys.argv[2]))
while not travail.running():
    time.sleep(0.01)
time.sleep(0.15)  # LibreOffice is converting...
os._exit(1)  # ...when the service dies
"""


def test_libreoffice_does_not_outlive_a_service_that_died_mid_conversion(docx, tmp_path):
    sortie = subprocess.run([sys.executable, "-c", _SERVICE_QUI_MEURT, str(docx[0]),
                             str(tmp_path / "a.pdf")], capture_output=True, text=True, timeout=120,
                            cwd=RACINE)
    profil = sortie.stdout.strip()
    assert "inspe-lo-profil" in profil, sortie.stderr
    fin = time.monotonic() + 60
    while time.monotonic() < fin and _processus_du_profil(profil):
        time.sleep(0.5)
    assert _processus_du_profil(profil) == []


def _processus_du_profil(profil: str) -> list[str]:
    return subprocess.run(["pgrep", "-f", f"soffice.bin.*{profil}"], capture_output=True,
                          text=True).stdout.split()
