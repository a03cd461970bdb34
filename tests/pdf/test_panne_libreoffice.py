"""A LibreOffice killed under load: the people waiting get their documents, not Java's words."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time

from service.catalogue.generation import generer
from service.pdf.libreoffice import ConversionImpossible, Moteur
from service.pdf.regroupement import Regroupement
from service.pdf.sceau import verifier

PERSONNES = 12
DOCUMENTS_CHACUNE = 3
TECHNIQUE = ("Exception", "com.sun", "UNO", "Traceback", "URP")


def _soffice_bin(moteur: Moteur) -> int:
    """The pid of a soffice.bin of the pool (in its worker's process group)."""
    for pid in moteur.pids():
        trouves = subprocess.run(["pgrep", "-g", str(pid), "-x", "soffice.bin"],
                                 capture_output=True, text=True).stdout.split()
        if trouves:
            return int(trouves[0])
    raise AssertionError("aucun soffice.bin parmi les processus du moteur")


def test_people_waiting_see_no_error_when_an_instance_dies_under_them(catalogue, sceau):
    exemple = catalogue.gabarit("compte_rendu_sopa").formulaire.exemple
    documents = [[generer(catalogue, "compte_rendu_sopa",
                          dict(exemple, stagiaire_nom=f"PERSONNE{i}", stagiaire_prenom=f"Doc{j}"))
                  for j in range(DOCUMENTS_CHACUNE)] for i in range(PERSONNES)]
    obtenus: dict[tuple[int, int], bytes] = {}
    erreurs: list[str] = []
    premier = threading.Event()

    with Moteur(2, guichet=False) as moteur:
        moteur.demarrer()
        regroupement = Regroupement(moteur, sceau)

        def demander(i: int) -> None:
            for j, document in enumerate(documents[i]):
                try:
                    obtenus[i, j] = regroupement.produire(document).pdf
                except ConversionImpossible as exc:
                    erreurs.append(str(exc))
                premier.set()

        personnes = [threading.Thread(target=demander, args=(i,)) for i in range(PERSONNES)]
        for personne in personnes:
            personne.start()
        assert premier.wait(120)
        # both instances are busy with the queue of people: one of them dies mid-conversion
        time.sleep(0.2)
        os.kill(_soffice_bin(moteur), signal.SIGKILL)
        for personne in personnes:
            personne.join(timeout=300)
        recyclages = moteur.recyclages

    assert not [m for m in erreurs if any(mot in m for mot in TECHNIQUE)], erreurs
    assert erreurs == [], "des personnes ont reçu une erreur au lieu de leur document"
    assert len(obtenus) == PERSONNES * DOCUMENTS_CHACUNE
    assert recyclages >= 1, "l'instance tuée n'a pas été remplacée"
    for (i, j), pdf in obtenus.items():
        verification = verifier(pdf, sceau)
        assert verification.intact, verification.message
        assert verification.identite["document_id"] == documents[i][j].document_id
