"""A packet that keeps failing: tried again, then its lot « échoué » with the reason in French,
on its page and in the command line; relaunched, it makes what is missing, none twice."""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from service.catalogue.validation import valider
from service.config import Config
from service.lots import lots, reprise
from service.pdf.libreoffice import ConversionImpossible
from tests.outils import RACINE, rangs_des_paquets

ID = "compte_rendu_sopa"
TECHNIQUE = re.compile(r"Exception|com\.sun|UNO|Traceback|Error|Errno|\.docx|soffice", re.I)


def lignes(catalogue, n):
    formulaire = catalogue.gabarit(ID).formulaire
    return [valider(formulaire, dict(formulaire.exemple, stagiaire_nom=f"ÉLÈVE{i:03d}"))
            for i in range(n)]


def test_a_packet_is_tried_three_times_then_its_lot_is_echoue(catalogue, tmp_path):
    lot = lots.creer(tmp_path, catalogue, ID, lignes(catalogue, 30), format_="docx")
    lots.traiter_paquet(tmp_path, catalogue, lot.id, 0, 25)
    panne = ConversionImpossible("paquet0001.docx : LibreOffice a échoué deux fois "
                                 "(com.sun.star.lang.DisposedException: Binary URP bridge "
                                 "already disposed)")
    politique = reprise.Politique(essais=3, attente_s=7)
    assert reprise.apres_echec(tmp_path, lot.id, 25, 30, panne, politique) == 7
    assert reprise.apres_echec(tmp_path, lot.id, 25, 30, panne, politique) == 7
    assert lots.charger(tmp_path, lot.id).etat == "en_cours"
    assert reprise.apres_echec(tmp_path, lot.id, 25, 30, panne, politique) is None
    echoue = lots.charger(tmp_path, lot.id)
    assert echoue.etat == "echoue"
    assert echoue.message.startswith(
        "LibreOffice n'a pas pu convertir les documents 26 à 30 après 3 essais.")
    assert not TECHNIQUE.search(echoue.message)
    assert str(lots.avancement(tmp_path, lot.id)) == f"25/30 documents (échoué) : {echoue.message}"
    assert lots.inacheves(tmp_path) == []  # no worker resumes it by itself
    assert lots.traiter_paquet(tmp_path, catalogue, lot.id, 25, 30) == 0  # it stopped
    dossier = (tmp_path / "lots") / lot.id
    assert "DisposedException" in (dossier / "echec.txt").read_text()  # for whoever looks after it
    assert lots.faits(tmp_path, lot.id) == set(range(25))  # what was made stays

    assert reprise.reprendre(tmp_path, lot.id).etat == "en_cours"
    assert lots.inacheves(tmp_path) == [lot.id]
    assert reprise.apres_echec(tmp_path, lot.id, 25, 30, panne, politique) == 7  # counted anew
    assert lots.traiter_paquet(tmp_path, catalogue, lot.id, 25, 30) == 5
    with zipfile.ZipFile(lots.finir(tmp_path, lot.id)) as z:
        assert len(set(z.namelist())) == 30
    with pytest.raises(ValueError, match="seul un lot échoué se reprend"):
        reprise.reprendre(tmp_path, lot.id)


def test_a_full_disk_fails_the_lot_at_once_and_says_so(catalogue, tmp_path):
    lot = lots.creer(tmp_path, catalogue, ID, lignes(catalogue, 3), format_="docx")
    plein = OSError(errno.ENOSPC, "No space left on device")
    assert reprise.apres_echec(tmp_path, lot.id, 2, 3, plein, reprise.Politique()) is None
    assert lots.charger(tmp_path, lot.id).message == (
        "le disque du serveur est plein : le document 3 n'a pas pu être écrit. Les documents "
        "déjà faits sont gardés ; libérez de la place, puis reprenez le lot.")


def test_a_zip_that_cannot_be_written_fails_the_lot_and_leaves_nothing_half_written(
        catalogue, tmp_path, monkeypatch):
    from service.lots.file import Travaux

    config = Config(sorties=tmp_path / "s", donnees=tmp_path / "d")
    travaux = Travaux(config)
    travaux.file.immediate = True  # tasks run at once, in this process
    lot = lots.creer(config.sorties, catalogue, ID, lignes(catalogue, 3), format_="docx")
    lots.traiter_paquet(config.sorties, catalogue, lot.id, 0, 3)

    def disque_plein(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(zipfile.ZipFile, "writestr", disque_plein)  # the disk fills up while zipping
        travaux.lancer(lot.id)
    echoue = lots.charger(config.sorties, lot.id)
    assert (echoue.etat, echoue.message) == ("echoue", (
        "le ZIP du lot n'a pas pu être écrit : le disque du serveur est plein. Les documents "
        "sont faits ; libérez de la place, puis reprenez le lot."))
    dossier = (config.sorties / "lots") / lot.id
    assert not list(dossier.glob("*.zip")) and not list(dossier.glob(".*.partiel"))
    travaux.reprendre(lot.id)  # room made
    assert lots.charger(config.sorties, lot.id).etat == "termine"
    with zipfile.ZipFile(next(dossier.glob("*.zip"))) as z:
        assert len(z.namelist()) == 3


def test_a_cancelled_lot_stays_cancelled_whatever_fails(catalogue, tmp_path):
    lot = lots.creer(tmp_path, catalogue, ID, lignes(catalogue, 3), format_="docx")
    lots.annuler(tmp_path, lot.id)
    reprise.apres_echec(tmp_path, lot.id, 0, 3, RuntimeError("x"), reprise.Politique(essais=1))
    assert lots.charger(tmp_path, lot.id).etat == "annule"


# --- LibreOffice gone for good in the middle of a lot, with the real worker -------------------

SOFFICE_UNE_FOIS = """#!/bin/sh
# LibreOffice once: the test kills it, and from then on it cannot start (until « repare »)
if [ -e "{dossier}/deja" ] && [ ! -e "{dossier}/repare" ]; then
    echo "LibreOffice est cassé" >&2
    exit 1
fi
touch "{dossier}/deja"
ps -o pgid= -p $$ | tr -d ' ' > "{dossier}/groupe"
exec soffice "$@"
"""


def _attendre(condition, delai=120, pas=0.05):
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        if condition():
            return
        time.sleep(pas)
    raise AssertionError("délai dépassé")


def test_libreoffice_dead_for_good_mid_lot_makes_the_lot_echoue_then_relaunch_finishes_it(
        catalogue, tmp_path, capsys):
    from service.cli import main
    from service.lots.file import Travaux
    from service.personnes.demo import comptes_de_demo
    from service.web import create_app, service

    outil = tmp_path / "lo"
    outil.mkdir()
    soffice = outil / "soffice"
    soffice.write_text(SOFFICE_UNE_FOIS.format(dossier=outil))
    soffice.chmod(0o755)
    environ = {"INSPE_SORTIES": str(tmp_path / "s"), "INSPE_DONNEES": str(tmp_path / "d"),
               "INSPE_LIBREOFFICE": "1", "INSPE_SOFFICE": str(soffice),
               "INSPE_LOT_ESSAIS": "3", "INSPE_LOT_ATTENTE": "1"}
    config = Config.depuis(environ)
    sorties = config.sorties
    lot = lots.creer(sorties, catalogue, ID, lignes(catalogue, 50), format_="pdf")
    Travaux(config).lancer(lot.id)
    worker = subprocess.Popen([sys.executable, "-m", "service", "worker", "--fils", "1"],
                              cwd=RACINE, env=dict(os.environ, **environ), start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        # the first packet made, LibreOffice dies and will not start again
        _attendre(lambda: len(lots.faits(sorties, lot.id)) >= 25)
        os.killpg(int((outil / "groupe").read_text()), signal.SIGKILL)
        _attendre(lambda: lots.charger(sorties, lot.id).etat != "en_cours", delai=90, pas=0.2)

        echoue = lots.charger(sorties, lot.id)
        assert echoue.etat == "echoue"
        raison = ("LibreOffice n'a pas pu convertir les documents 26 à 50 après 3 essais. Les "
                  "documents déjà faits sont gardés : reprenez le lot ; si cela se reproduit, "
                  "signalez-le (le détail technique est dans le journal du worker).")
        assert echoue.message == raison
        faits = dict(lots.documents_faits(sorties, lot.id))
        assert sorted(faits) == list(range(25)) and all(d.startswith(b"%PDF-") for d in faits.values())
        assert not list(((sorties / "lots") / lot.id).glob("*.zip"))

        # the command line says it, with the reason
        assert main(["lot-etat", lot.id], environ=environ) == 0
        assert capsys.readouterr().out.strip() == f"25/50 documents (échoué) : {raison}"
        assert main(["lots"], environ=environ) == 0
        assert capsys.readouterr().out.strip() == f"{lot.id}\t25/50 documents (échoué) : {raison}"

        # so does its page: the bar stopped, the reason instead of « en cours », « Reprendre »
        app = create_app(config, {"WTF_CSRF_ENABLED": False})
        comptes_de_demo(service(app)["base"])
        client = app.test_client()
        https = {"base_url": "https://localhost"}
        client.post("/connexion", data={"identifiant": "secretariat",
                                        "mot_de_passe": "demo-secretariat"}, **https)
        page = client.get(f"/lots/{lot.id}", **https).get_data(as_text=True)
        assert raison.replace("'", "&#39;") in page
        assert '<progress id="avancement" max="50" value="25">' in page
        assert "25/50 documents (échoué)</p>" in page and "en cours" not in page
        assert "Reprendre le lot" in page and "Annuler le lot" not in page
        etat = client.get(f"/lots/{lot.id}/etat.json", **https).get_json()
        assert (etat["etat"], etat["faits"], etat["raison"]) == ("echoue", 25, raison)
        assert "(échoué)" in client.get("/lots", **https).get_data(as_text=True)

        # LibreOffice repaired, « Reprendre »: the 25 missing documents, none twice
        (outil / "repare").touch()
        reponse = client.post(f"/lots/{lot.id}/reprendre", **https)
        assert reponse.status_code == 302
        _attendre(lambda: lots.charger(sorties, lot.id).etat == "termine", delai=120, pas=0.2)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        _, journal = worker.communicate(timeout=60)
    assert rangs_des_paquets(sorties, lot.id) == list(range(50))  # none made twice
    with zipfile.ZipFile(next(((sorties / "lots") / lot.id).glob("*.zip"))) as z:
        assert len(z.namelist()) == 50 == len(set(z.namelist()))
    # the technical detail went to the worker's log, not to the person
    assert b"essai 3 sur 3" in journal and b"ConversionImpossible" in journal


def test_a_lot_launched_while_redis_is_down_is_refused_in_french_and_not_kept(catalogue, tmp_path,
                                                                             capsys):
    import io
    import socket

    import openpyxl

    from service.catalogue.tableur import modele_import
    from service.cli import main
    from service.personnes.demo import comptes_de_demo
    from service.web import create_app, service

    with socket.socket() as s:  # a port where no Redis listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    environ = {"INSPE_SORTIES": str(tmp_path / "s"), "INSPE_DONNEES": str(tmp_path / "d"),
               "INSPE_FILE": f"redis://127.0.0.1:{port}/0"}
    message = ("la file des lots est injoignable pour le moment : le lot n'est pas lancé, rien "
               "n'est gardé. Réessayez dans quelques minutes ; si cela dure, signalez-le à "
               "l'administrateur du service.")

    main(["exemple", ID], environ={})
    (tmp_path / "x.json").write_text(f"[{capsys.readouterr().out}]", encoding="utf-8")
    assert main(["lot", ID, "--donnees", str(tmp_path / "x.json")], environ=environ) == 1
    assert capsys.readouterr().err.strip() == message
    assert lots.tous(tmp_path / "s") == []  # no lot left « en attente » with nobody to make it

    formulaire = catalogue.gabarit(ID).formulaire
    classeur = openpyxl.load_workbook(io.BytesIO(modele_import(formulaire)))
    assert classeur[classeur.sheetnames[1]].max_row >= 2  # its example row, as if filled in
    tableur = io.BytesIO()
    classeur.save(tableur)
    app = create_app(Config.depuis(environ), {"WTF_CSRF_ENABLED": False})
    comptes_de_demo(service(app)["base"])
    client = app.test_client()
    https = {"base_url": "https://localhost"}
    client.post("/connexion", data={"identifiant": "secretariat",
                                    "mot_de_passe": "demo-secretariat"}, **https)
    reponse = client.post("/lots", data={"gabarit": ID, "format": "docx",
                                         "tableur": (io.BytesIO(tableur.getvalue()), "x.xlsx")},
                          content_type="multipart/form-data", **https)
    assert reponse.status_code == 503
    assert ("L" + message[1:]).replace("'", "&#39;") in reponse.get_data(as_text=True)
    assert lots.tous(tmp_path / "s") == []
