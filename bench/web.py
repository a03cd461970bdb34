"""20 people at once, filling and downloading documents on loopback, for 60 s.

    .venv/bin/python bench/web.py [--personnes 20] [--duree 60] [--pause 0]

Starts the service (``python -m service serve``) on a free port of this
machine, then each simulated person, in a loop: opens the form, sends it with
a mistake (the error page), sends it right (the finished document is made:
render, LibreOffice, seal), confirms it and downloads its PDF; then signs a
compte-rendu (made for it through the API): the sign page, a drawn signature
sent, the signed version made (render, LibreOffice, seal); like a browser, it
keeps its connection to the service open from one request to the next, and by
default goes on at once, without the pause a person takes to read or type
(``--pause S`` adds one, of S seconds on average, before each request). Prints p50/p95
of page views and of the PDF-making steps, and the errors (target: no error,
page p95 < 200 ms, PDF p95 < 2 s).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import http.cookies
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]


class Personne:
    """One browser: its cookies, and one connection kept open from request to request."""

    def __init__(self, adresse: str, pause: float = 0):
        self.adresse, self.pause = adresse, pause
        hote, port = urllib.parse.urlsplit(adresse).netloc.split(":")
        self.connexion = http.client.HTTPConnection(hote, int(port), timeout=60)
        self.cookies: dict[str, str] = {}

    def requete(self, chemin, donnees=None, referer=None):
        corps = urllib.parse.urlencode(donnees, doseq=True).encode() if donnees else None
        entetes = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if corps:
            entetes["Content-Type"] = "application/x-www-form-urlencoded"
        if referer:
            entetes["Referer"] = self.adresse + referer
        # reading the page, typing (none by default): from half to one and a half times
        # ``pause``, so that twenty people do not move in step
        time.sleep(self.pause * random.uniform(0.5, 1.5))
        debut = time.perf_counter()
        for essai in (1, 2):  # the service may close a connection kept open: open another
            try:
                self.connexion.request("POST" if corps else "GET", chemin, corps, entetes)
                reponse = self.connexion.getresponse()
                contenu = reponse.read()
                break
            except (http.client.RemoteDisconnected, ConnectionError):
                self.connexion.close()
                if essai == 2:
                    raise
        duree = time.perf_counter() - debut
        for valeur in reponse.headers.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie()
            cookie.load(valeur)
            self.cookies.update({nom: morceau.value for nom, morceau in cookie.items()})
        return duree, reponse.status, contenu, reponse.headers.get("Location")

    def jeton(self, contenu: bytes) -> str:
        return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', contenu).group(1).decode()


# a signature drawn on the pad, as the page sends it (a small PNG as a data URL)
TRACE = ("data:image/png;base64,"
         "iVBORw0KGgoAAAANSUhEUgAAASwAAABkCAIAAACzY5qXAAACxElEQVR42u3cwU7rMBgFYdoXr3hys2NBUZpQ42P7/2"
         "ZxxfLGOZNpI8SttfYBIMfdEQAkBEgIgIQACQGQECAhABICJARAQoCEAEgIkBAACQESAiAhQEIAJJyD2+3z+1+AhBkD"
         "n38GOqzL35g5r98PWns4HyhhzEBJhBIm9ZNEKOFEBkoilHD0N0DfEkHC0QY+q8VDkDAQwHekBUjYJ4C97AVI2FkhSc"
         "TxPI6XUFfCvuZIIg6GQcJBwvAQB3s4erlQTcL//uhIRfw6AxIO1YOH9Lt096tIOP7dibc1DDx50/eXMNglSaTfmXu9"
         "uYQz5EgSBbCohFNVSBIFsJyEE8aHh2ZWRcLJt05FM9tcwiW+ffHQzPaUcLlle1tjZltJuOigJdHMdpBwgx1LopktLO"
         "E285XE4jNbUsL9VsvDyjdlPQk3/vxGxZozW0nCChvlYcFbsIyEpV5geFtT6uQXkLBmHCSxzoHPLmHxJkhihXOeV0Ip"
         "cA5FjndSCRWAh3VmNp2EBudkqh3mXBIKIA8LzmwWCc3Lo6rszKaQ0Ko8syrPLCyhMXl4mVlSQhvyFDOzmISm4zCdTF"
         "JCAaSimcUkNBTH6xySEgqgc3b5MQk9oaXAVSclFEBNcLExCQVQHFxjUkIBtFEBjEkogFR0RUkJBdBqBTAmoQCar0dJ"
         "UkIBlERPkJiEAiiJHhxJCQVQEj0vYhIKIA/995ISCiAVBTAmoQDyUACTEgpgWRVH3uKCMzsloQDycMC9Ljuz1xIKIB"
         "UH3PTKMzuSUAB5OODum9mLEj4fEP142HEGPmddlpCBVOy1BwG8/J2QfjzsKIwAXpaQgehljgD+RUKgl0ICSELEkiiA"
         "JEQyiQJIQsQ8FEASIqki/U5ydwR4h6tGMVAJEUsi/ZQQySQyUAkxOomtPfyulRIin0QGKiGghABICJAQAAkBEgIgIT"
         "ApX8qXFeRl83qLAAAAAElFTkSuQmCC")


def a_signer(adresse: str, jeton_api: str) -> str:
    """A compte-rendu SOPA the demo tuteur may sign (made through the API, outside the timing)."""
    import json

    entetes = {"Authorization": f"Bearer {jeton_api}", "Content-Type": "application/json"}
    exemple = urllib.request.urlopen(urllib.request.Request(
        f"{adresse}/api/gabarits/compte_rendu_sopa/exemple", headers=entetes), timeout=120).read()
    corps = json.dumps({"gabarit": "compte_rendu_sopa", "donnees": json.loads(exemple)}).encode()
    reponse = urllib.request.urlopen(urllib.request.Request(
        f"{adresse}/api/documents", corps, entetes), timeout=120)
    return json.loads(reponse.read())["numero"]


def parcours(adresse, pause, fin, pages, pdfs, etapes, erreurs, verrou, jeton_api):
    p = Personne(adresse, pause)
    _, _, page, _ = p.requete("/connexion")
    duree, statut, _, _ = p.requete("/connexion", {"csrf_token": p.jeton(page),
                                                   "identifiant": "tuteur",
                                                   "mot_de_passe": "demo-tuteur"}, "/connexion")
    while time.monotonic() < fin:
        mesures = []
        try:
            duree, statut, page, _ = p.requete("/formulaires/fiche_personnalisation")
            mesures.append(("page", "formulaire", duree, statut, statut == 200))
            jeton = p.jeton(page)
            donnees = {"csrf_token": jeton, "action": "apercu", "pole_formation": "Clairval-Nord",
                       "date_reunion": "2026-10-15", "stagiaire_nom": "MOREAU",
                       "stagiaire_prenom": "Léa", "tuteur_en": "Hélène Garnier",
                       "tuteur_inspe": "Julien Perrin", "lieu_exercice": "École Jules-Ferry",
                       "date_fiche": "pas une date", "securite_heures": "1"}
            duree, statut, _, _ = p.requete("/formulaires/fiche_personnalisation", donnees,
                                            "/formulaires/fiche_personnalisation")
            mesures.append(("page", "erreur de saisie", duree, statut, statut == 400))
            donnees["date_fiche"] = "2026-10-19"
            duree, statut, _, recap = p.requete("/formulaires/fiche_personnalisation", donnees,
                                                "/formulaires/fiche_personnalisation")
            mesures.append(("pdf", "aperçu (fabrication)", duree, statut, statut == 302))
            duree, statut, page, _ = p.requete(recap)
            mesures.append(("page", "récapitulatif", duree, statut, statut == 200))
            duree, statut, _, document = p.requete(f"{recap}/valider",
                                                   {"csrf_token": p.jeton(page)}, recap)
            mesures.append(("page", "validation", duree, statut, statut == 302))
            duree, statut, contenu, _ = p.requete(f"{document}/v1.pdf")
            mesures.append(("pdf", "téléchargement", duree, statut,
                            statut == 200 and contenu.startswith(b"%PDF-")))
            numero = a_signer(adresse, jeton_api)
            duree, statut, page, _ = p.requete(f"/documents/{numero}/signer")
            mesures.append(("page", "page de signature", duree, statut, statut == 200))
            duree, statut, _, _ = p.requete(f"/documents/{numero}/signer", {
                "csrf_token": p.jeton(page), "champ": "signature_tuteur", "trace": TRACE},
                f"/documents/{numero}/signer")
            mesures.append(("pdf", "signature (fabrication)", duree, statut, statut == 302))
        except Exception as exc:  # counted, the load goes on
            mesures.append(("erreur", f"exception {exc!r}", 0, None, False))
        with verrou:
            for genre, etape, duree, statut, ok in mesures:
                if not ok:
                    erreurs.append(f"{etape} (HTTP {statut})")
                if genre != "erreur":
                    (pages if genre == "page" else pdfs).append(duree)
                    etapes.setdefault(etape, []).append(duree)


@contextlib.contextmanager
def service_de_demo(queue_du_journal: int = 3000):
    """``serve --demo`` on a free port with empty folders of its own, started as `make run`
    starts it: yields (its address, a tuteur's API token, a list where the caller notes its
    errors); stopped at the end, printing the end of its log when errors were noted."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        journal = open(f"{tmp}/serveur.log", "wb")
        env = dict(os.environ, PORT=str(port), INSPE_SORTIES=f"{tmp}/s", INSPE_DONNEES=f"{tmp}/d")
        serveur = subprocess.Popen([sys.executable, "-m", "service", "serve", "--demo"], cwd=RACINE,
                                   env=env, stdout=subprocess.DEVNULL, stderr=journal,
                                   start_new_session=True)
        adresse, erreurs = f"http://127.0.0.1:{port}", []
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{adresse}/sante", timeout=30)
                    break
                except OSError:
                    time.sleep(0.3)
            jeton_api = subprocess.run(
                [sys.executable, "-m", "service", "jeton", "tuteur"], cwd=RACINE, env=env,
                check=True, capture_output=True, text=True).stdout.strip()
            yield adresse, jeton_api, erreurs
        finally:
            os.killpg(serveur.pid, signal.SIGTERM)
            serveur.wait(timeout=60)
            journal.close()
            if erreurs:  # what the service said about them
                print(Path(f"{tmp}/serveur.log").read_text(errors="replace")[-queue_du_journal:])


def charge(adresse: str, jeton_api: str, personnes: int, duree: float, pause: float, erreurs: list):
    """``personnes`` people going through ``parcours`` at ``adresse`` for ``duree`` seconds:
    (page durations, PDF durations, durations by step); their errors noted in ``erreurs``."""
    pages, pdfs, etapes, verrou = [], [], {}, threading.Lock()
    fin = time.monotonic() + duree
    fils = [threading.Thread(target=parcours, args=(adresse, pause, fin, pages, pdfs, etapes,
                                                    erreurs, verrou, jeton_api))
            for _ in range(personnes)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    return pages, pdfs, etapes


def centiles(valeurs):
    q = statistics.quantiles(valeurs, n=20)
    return f"p50 {statistics.median(valeurs) * 1000:6.0f} ms, p95 {q[-1] * 1000:6.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--personnes", type=int, default=20)
    parser.add_argument("--duree", type=float, default=60)
    parser.add_argument("--pause", type=float, default=0,
                        help="secondes entre deux pages d'une même personne (0 : aucune)")
    args = parser.parse_args()
    with service_de_demo() as (adresse, jeton_api, erreurs):
        pages, pdfs, etapes = charge(adresse, jeton_api, args.personnes, args.duree, args.pause,
                                     erreurs)

    print(f"{args.personnes} personnes, {args.duree:.0f} s, pause {args.pause:g} s, serveur waitress, "
          f"{os.cpu_count()} cœurs")
    print(f"pages : {len(pages)} vues, {centiles(pages)}  (objectif p95 < 200 ms)")
    print(f"PDF (fabrication et téléchargement) : {len(pdfs)}, {centiles(pdfs)}  (objectif p95 < 2 s)")
    for etape, durees in etapes.items():
        if len(durees) >= 2:
            print(f"  {etape:<22} {len(durees):5d}, {centiles(durees)}")
    print(f"erreurs : {len(erreurs)}  {sorted(set(erreurs))[:5]}")


if __name__ == "__main__":
    main()
