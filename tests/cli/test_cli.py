"""The command line as a secretariat or a script uses it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from service.cli import main
from tests.outils import IDS, RACINE, pdf_texte, texte_docx


def lancer(capsys, *args, sorties=None):
    environ = {"INSPE_SORTIES": str(sorties)} if sorties else {}
    code = main(list(args), environ=environ)
    sortie = capsys.readouterr()
    return code, sortie.out, sortie.err


def test_gabarits_json_lists_the_eight_with_their_fields(capsys):
    code, out, _ = lancer(capsys, "gabarits", "--json")
    assert code == 0
    gabarits = {g["id"]: g for g in json.loads(out)}
    assert set(gabarits) == IDS
    compte_rendu = gabarits["compte_rendu_sopa"]
    assert compte_rendu["version"] >= 1 and compte_rendu["titre"]
    c7 = next(c for c in compte_rendu["champs"] if c["nom"] == "c7")
    assert c7["type"] == "choix" and "En cours d’acquisition" in c7["choix"]


def test_gabarits_lists_them_for_a_person(capsys):
    code, out, _ = lancer(capsys, "gabarits")
    assert code == 0 and len(out.strip().splitlines()) == 8
    assert "compte_rendu_sopa" in out and "champs" in out


def test_exemple_then_generer_writes_the_document(capsys, tmp_path):
    code, out, _ = lancer(capsys, "exemple", "compte_rendu_sopa")
    assert code == 0
    donnees = tmp_path / "x.json"
    donnees.write_text(out, encoding="utf-8")
    code, out, err = lancer(capsys, "generer", "compte_rendu_sopa", "--donnees", str(donnees),
                            "--format", "docx", "--sortie", str(tmp_path / "out"))
    assert code == 0, err
    chemin = tmp_path / "out" / "MOREAU Léa - compte-rendu SOPA - 2026-10-05.docx"
    assert out.strip() == str(chemin)
    assert "Titulaire de la classe : GARNIER Hélène" in texte_docx(chemin.read_bytes())


def test_the_same_name_twice_is_numbered_not_overwritten(capsys, tmp_path):
    _, out, _ = lancer(capsys, "exemple", "compte_rendu_sopa")
    donnees = tmp_path / "x.json"
    donnees.write_text(f"[{out}, {out}]", encoding="utf-8")
    code, out, _ = lancer(capsys, "generer", "compte_rendu_sopa", "--donnees", str(donnees),
                          "--sortie", str(tmp_path / "out"))
    assert code == 0
    noms = [os.path.basename(x) for x in out.split("\n") if x]
    assert noms == ["MOREAU Léa - compte-rendu SOPA - 2026-10-05.docx",
                    "MOREAU Léa - compte-rendu SOPA - 2026-10-05-2.docx"]
    lancer(capsys, "generer", "compte_rendu_sopa", "--donnees", str(donnees),
           "--sortie", str(tmp_path / "out"))
    assert len(list((tmp_path / "out").iterdir())) == 4


def test_invalid_data_exit_2_one_french_line_per_problem_nothing_written(capsys, tmp_path):
    _, out, _ = lancer(capsys, "exemple", "compte_rendu_sopa")
    exemple = json.loads(out)
    mauvais = dict(exemple, periode_debut="31/02/2026", demi_journees_absence="deux",
                   c1="Peut-être", telephone="0601020304")
    del mauvais["stagiaire_nom"]
    donnees = tmp_path / "x.json"
    donnees.write_text(json.dumps([exemple, mauvais], ensure_ascii=False), encoding="utf-8")
    sortie = tmp_path / "out"
    code, out, err = lancer(capsys, "generer", "compte_rendu_sopa", "--donnees", str(donnees),
                            "--sortie", str(sortie))
    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        "document 2 : telephone : champ inconnu de ce formulaire",
        "document 2 : stagiaire_nom : champ obligatoire non rempli",
        "document 2 : demi_journees_absence : « deux » n’est pas un nombre entier",
        "document 2 : periode_debut : « 31/02/2026 » n’est pas une date valide (JJ/MM/AAAA)",
        "document 2 : c1 : « Peut-être » n’est pas une valeur permise "
        "(Non acquis, En cours d’acquisition, Acquis)",
    ]
    assert not sortie.exists() or not any(sortie.iterdir())


def test_one_invalid_object_alone_has_no_document_prefix(capsys, tmp_path):
    donnees = tmp_path / "x.json"
    donnees.write_text(json.dumps({"date_debut": "x"}), encoding="utf-8")
    code, _, err = lancer(capsys, "generer", "fiche_personnalisation", "--donnees", str(donnees),
                          "--sortie", str(tmp_path))
    assert code == 2
    assert "date_debut : champ inconnu de ce formulaire" in err.splitlines()


def test_iso_dates_are_accepted_and_printed_jj_mm_aaaa(capsys, tmp_path):
    _, out, _ = lancer(capsys, "exemple", "compte_rendu_sopa")
    exemple = dict(json.loads(out), periode_debut="2026-11-23", periode_fin="2026-12-04")
    donnees = tmp_path / "x.json"
    donnees.write_text(json.dumps(exemple), encoding="utf-8")
    code, out, _ = lancer(capsys, "generer", "compte_rendu_sopa", "--donnees", str(donnees),
                          "--sortie", str(tmp_path / "out"))
    assert code == 0
    texte = texte_docx(open(out.strip(), "rb").read())
    assert "du 23/11/2026 au 04/12/2026" in texte
    assert "2026-11-23" in out  # the file name sorts by date


@pytest.mark.parametrize("contenu, message", [
    ("{ pas du json", "JSON invalide ligne 1"),
    ("[]", "la liste ne contient aucun document"),
    ("42", "les données d’un document doivent être un objet JSON"),
])
def test_unreadable_input_is_explained(capsys, tmp_path, contenu, message):
    donnees = tmp_path / "x.json"
    donnees.write_text(contenu, encoding="utf-8")
    code, _, err = lancer(capsys, "generer", "compte_rendu_sopa", "--donnees", str(donnees),
                          "--sortie", str(tmp_path / "out"))
    assert code == 2 and message in err


def test_an_unknown_gabarit_is_named(capsys):
    code, _, err = lancer(capsys, "exemple", "compte_rendu")
    assert code == 2 and "gabarit « compte_rendu » inconnu" in err


def test_the_real_entry_point_generates_a_pdf(tmp_path):
    """python -m service, as a person types it, down to a PDF made by LibreOffice."""
    env = dict(os.environ, INSPE_SORTIES=str(tmp_path))
    exemple = subprocess.run([sys.executable, "-m", "service", "exemple", "fiche_synthese_collectif"],
                             capture_output=True, text=True, check=True, cwd=RACINE, env=env).stdout
    (tmp_path / "x.json").write_text(exemple, encoding="utf-8")
    fait = subprocess.run([sys.executable, "-m", "service", "generer", "fiche_synthese_collectif",
                           "--donnees", str(tmp_path / "x.json"), "--format", "pdf"],
                          capture_output=True, text=True, cwd=RACINE, env=env)
    assert fait.returncode == 0, fait.stderr
    pdf = fait.stdout.strip()
    assert pdf.endswith(".pdf") and os.path.dirname(pdf) == str(tmp_path)
    valeurs = json.loads(exemple)
    texte = pdf_texte(pdf)
    assert "Fiche synthèse" in texte
    premier_texte = next(v for v in valeurs.values() if isinstance(v, str) and len(v) > 6)
    assert premier_texte[:20] in " ".join(texte.split())


def _servir(tmp_path, **environ):
    """``python -m service serve --demo`` on a free port; the process and its address."""
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PORT=str(port), INSPE_SORTIES=str(tmp_path / "s"),
               INSPE_DONNEES=str(tmp_path / "d"), **environ)
    processus = subprocess.Popen([sys.executable, "-m", "service", "serve", "--demo"], cwd=RACINE,
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 start_new_session=True)
    for ligne in processus.stdout:  # the address is printed once the service is set up
        if ligne.startswith("Service sur"):
            break
    else:
        raise AssertionError(processus.stderr.read())
    for _ in range(300):  # then waitress opens its port
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return processus, f"http://127.0.0.1:{port}"
        time.sleep(0.1)
    raise AssertionError("le service n'ouvre pas son port")


def _arreter(processus) -> str:
    import signal

    os.killpg(processus.pid, signal.SIGTERM)
    processus.wait(timeout=60)
    return processus.stderr.read()


def _descendants(racine: int) -> dict[int, bytes]:
    """The command line of every process started, directly or not, by process ``racine``."""
    parents, commandes = {}, {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            parents[int(pid)] = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
            commandes[int(pid)] = open(f"/proc/{pid}/cmdline", "rb").read()
        except (OSError, ValueError):
            pass

    def descend(pid):
        while pid > 1:
            pid = parents.get(pid, 0)
            if pid == racine:
                return True
        return False

    return {pid: commandes[pid] for pid in parents if descend(pid)}


def test_serve_has_libreoffice_running_before_the_first_request(tmp_path):
    processus, _ = _servir(tmp_path)
    try:
        soffice = [c for c in _descendants(processus.pid).values() if b"soffice.bin" in c]
        assert len(soffice) == (os.cpu_count() or 1) + 1  # one per core, and the guichet
    finally:
        _arreter(processus)


def test_serve_makes_bulk_lots_in_a_process_of_its_own_that_ends_with_it(catalogue, tmp_path):
    import contextlib
    import signal
    import time

    from service.catalogue.validation import valider
    from service.config import Config
    from service.lots import lots
    from service.lots.file import Travaux
    from service.pdf.arriere_plan import PRIORITE

    config = Config.depuis({"INSPE_SORTIES": str(tmp_path / "s"), "INSPE_DONNEES": str(tmp_path / "d")})
    formulaire = catalogue.gabarit("compte_rendu_sopa").formulaire

    def travailleurs() -> list[int]:
        return [pid for pid, c in _descendants(processus.pid).items() if b"service\0worker" in c]

    def attendre(condition, message, secondes=120):
        fin = time.monotonic() + secondes
        while not condition():
            assert time.monotonic() < fin, message()
            time.sleep(0.2)

    def faire_un_lot():
        # queued as the secretariat's page queues it, the service's process having no consumer
        lot = lots.creer(config.sorties, catalogue, "compte_rendu_sopa",
                         [valider(formulaire, formulaire.exemple)] * 3, format_="docx")
        Travaux(config).lancer(lot.id)
        attendre(lambda: "terminé" in str(lots.avancement(config.sorties, lot.id)),
                 lambda: str(lots.avancement(config.sorties, lot.id)))

    processus, _ = _servir(tmp_path)
    try:
        try:
            [premier] = travailleurs()
            with open(f"/proc/{premier}/stat") as f:
                assert int(f.read().rsplit(")", 1)[1].split()[16]) == PRIORITE  # its nice value
            faire_un_lot()
            # killed (say, out of memory): another takes its place, and lots go on
            os.kill(premier, signal.SIGKILL)
            vus = []

            def remplace() -> bool:  # read once: a worker may be seen starting, then gone
                vus[:] = travailleurs()
                return len(vus) == 1 and premier not in vus

            attendre(remplace, lambda: f"pas de nouveau worker : {vus}", 30)
            [second] = vus
            faire_un_lot()
        finally:
            processus.send_signal(signal.SIGKILL)  # the service alone, killed outright
            processus.wait()
        attendre(lambda: not os.path.exists(f"/proc/{second}"),
                 lambda: "le worker a survécu au service", 15)
    finally:
        with contextlib.suppress(ProcessLookupError):  # whatever a failure above left running
            os.killpg(processus.pid, signal.SIGKILL)


def test_serve_without_libreoffice_still_serves_its_pages_and_says_why(tmp_path):
    import urllib.error
    import urllib.request

    processus, adresse = _servir(tmp_path, INSPE_SOFFICE=str(tmp_path / "pas-de-soffice"))
    try:
        with urllib.request.urlopen(f"{adresse}/connexion", timeout=30) as reponse:
            assert reponse.status == 200
        with pytest.raises(urllib.error.HTTPError) as sante:
            urllib.request.urlopen(f"{adresse}/sante", timeout=30)
        assert sante.value.code == 503
    finally:
        erreurs = _arreter(processus)
    assert "LibreOffice" in erreurs and "introuvable" in erreurs


def test_serve_with_a_role_rule_it_cannot_read_says_which_and_stops(tmp_path, capsys):
    code = main(["serve"], environ={"INSPE_DONNEES": str(tmp_path), "INSPE_OIDC_CLIENT": "inspe",
                                    "INSPE_OIDC_EMETTEUR": "https://idp.example", "INSPE_OIDC_SECRET": "s",
                                    "INSPE_OIDC_ROLES": "groups:enseignants=tuteur_inspe"})
    assert code == 2
    assert "INSPE_OIDC_ROLES : rôle inconnu « tuteur_inspe »" in capsys.readouterr().err
