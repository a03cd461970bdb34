"""The distributed topology on 127.0.0.1, for trying it, for the tests and for the benches.

    make distribue          (or: .venv/bin/python -m tests.distribue [--noeuds 2] [--workers 2])

PostgreSQL (tests/postgresql_local.py), Redis (tests/redis_local.py), a SeaweedFS S3 server
(tests/s3_local.py); the database brought up to date once, by one process (``migrer``), before
anything else starts; N ``serve --sans-worker`` behind Debian's nginx (round-robin, run as a
non-root process with its own configuration, pid and logs in a temporary folder), and M
``worker``. Every process of the service has its OWN EMPTY temporary folder (``INSPE_DONNEES``,
``INSPE_SORTIES``, ``TMPDIR``): they share only ``DATABASE_URL``, ``INSPE_FILE=redis://…`` and
``INSPE_STOCKAGE=s3://…``, so that anything that still needs a shared disk fails.

``topologie()`` is a context manager: it yields a ``Topologie`` and stops everything at the end
(nothing left running). nginx adds to each answer ``X-Noeud``, the node that served it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests import postgresql_local, redis_local, s3_local
from tests.outils import RACINE

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")

# What a process may leave in its temporary folder once stopped: caches rebuilt from the shared
# data (a document's page pictures), what LibreOffice and Python leave for themselves, and the
# scratch files of a conversion under way (only a killed process leaves them: its packet is made
# again elsewhere). Anything else « matters ».
ANODINS = ("__pycache__", ".cache", ".config", "lu", "libreoffice", "inspe-lo", "inspe-conversions",
           "pages-v")


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Processus:
    """One process of the service: its role and number, its own folder, its log."""

    nom: str  # noeud1, worker2…
    dossier: Path  # its own temporary folder: donnees/, sorties/, tmp/
    journal: Path  # outside ``dossier``: what it printed
    popen: subprocess.Popen | None = None
    port: int | None = None  # a web node's

    @property
    def environ(self) -> dict[str, str]:
        return {"INSPE_DONNEES": str(self.dossier / "donnees"),
                "INSPE_SORTIES": str(self.dossier / "sorties"), "TMPDIR": str(self.dossier / "tmp")}

    def vivant(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def arreter(self, sig: int = signal.SIGTERM, delai: float = 60) -> None:
        """Stops it and everything it started (its LibreOffice, its worker): SIGTERM as a
        system's service manager does, or SIGKILL (a machine that dies)."""
        if not self.vivant():
            return
        try:
            os.killpg(self.popen.pid, sig)
            self.popen.wait(timeout=delai)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()
        except ProcessLookupError:
            pass
        try:  # what it started in its group and that outlived it (LibreOffice)
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def restes(self) -> list[str]:
        """What is left in its folder (files, relative), but the caches and logs of ``ANODINS``."""
        return sorted(str(p.relative_to(self.dossier)) for p in self.dossier.rglob("*")
                      if p.is_file() and not any(part.startswith(ANODINS)
                                                 for part in p.relative_to(self.dossier).parts))


@dataclass
class Topologie:
    racine: Path  # every process's folder and log, under one temporary folder
    commun: dict[str, str]  # what every process shares: database, queue, storage
    s3: s3_local.ServeurS3
    adresse: str = ""  # nginx's
    noeuds: list[Processus] = field(default_factory=list)
    workers: list[Processus] = field(default_factory=list)
    autres: list[Processus] = field(default_factory=list)  # one-off commands (migrer, lot, fsck)
    nginx: Path | None = None  # its folder: configuration, pid, logs

    def _nom(self, role: str) -> str:
        """noeud1, noeud2…: a new one each time, never a folder used before."""
        n = 1
        while (self.racine / f"{role}{n}").exists():
            n += 1
        return f"{role}{n}"

    def _processus(self, nom: str) -> Processus:
        dossier = self.racine / nom
        for sous in ("donnees", "sorties", "tmp"):
            (dossier / sous).mkdir(parents=True, exist_ok=True)
        (self.racine / "journaux").mkdir(exist_ok=True)
        return Processus(nom, dossier, self.racine / "journaux" / f"{nom}.log")

    def environ(self, p: Processus, **plus: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("INSPE_", "AWS_"))}
        env.pop("DATABASE_URL", None)
        return {**env, **self.commun, **p.environ, **plus}

    def lancer(self, nom: str, *arguments: str, cpu: int | None = None, **plus: str) -> Processus:
        """``python -m service ARGUMENTS`` in a folder of its own, in the background."""
        p = self._processus(nom)
        commande = [sys.executable, "-m", "service", *arguments]
        if cpu is not None:  # pinned to one core
            commande = ["taskset", "-c", str(cpu), *commande]
        with open(p.journal, "ab") as journal:
            p.popen = subprocess.Popen(commande, cwd=RACINE, env=self.environ(p, **plus),
                                       stdout=journal, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        return p

    def commande(self, *arguments: str, nom: str | None = None,
                 verifier: bool = True) -> subprocess.CompletedProcess:
        """``python -m service ARGUMENTS``, once, in a new empty folder of its own (another
        machine's operator): its output."""
        p = self._processus(nom or self._nom("commande"))
        self.autres.append(p)
        resultat = subprocess.run([sys.executable, "-m", "service", *arguments], cwd=RACINE,
                                  env=self.environ(p), capture_output=True, text=True, timeout=600)
        p.journal.write_text(resultat.stdout + resultat.stderr)
        if verifier and resultat.returncode != 0:
            raise RuntimeError(f"{' '.join(arguments)} : code {resultat.returncode}\n"
                               f"{resultat.stdout}{resultat.stderr}")
        return resultat

    def noeud(self, demo: bool = False, **plus: str) -> Processus:
        """A web node, ready (``/sante`` answers)."""
        port = port_libre()
        p = self.lancer(self._nom("noeud"), "serve", "--sans-worker",
                        *(["--demo"] if demo else []), PORT=str(port), **plus)
        p.port = port
        self.noeuds.append(p)
        attendre_sante(f"http://127.0.0.1:{port}", p)
        return p

    def worker(self, cpu: int | None = None, **plus: str) -> Processus:
        p = self.lancer(self._nom("worker"), "worker", cpu=cpu, **plus)
        self.workers.append(p)
        return p

    def processus(self) -> list[Processus]:
        return [*self.noeuds, *self.workers, *self.autres]

    def servi_par(self) -> dict[str, int]:
        """How many requests each node served, from nginx's access log (its upstream address)."""
        comptes: dict[str, int] = {}
        for ligne in (self.nginx / "acces.log").read_text().splitlines():
            noeud = ligne.rsplit(" ", 1)[-1]
            comptes[noeud] = comptes.get(noeud, 0) + 1
        return comptes

    def arreter(self) -> None:
        for p in [*self.noeuds, *self.workers]:
            p.arreter()


def attendre_sante(adresse: str, p: Processus | None = None, delai: float = 180) -> None:
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if p is not None and not p.vivant():
            break
        try:
            urllib.request.urlopen(f"{adresse}/sante", timeout=30)
            return
        except urllib.error.HTTPError:  # it answers: /sante says what is wrong (LibreOffice…)
            return
        except OSError:
            time.sleep(0.3)
    journal = p.journal.read_text(errors="replace")[-3000:] if p else ""
    raise RuntimeError(f"{adresse} ne répond pas :\n{journal}")


CONFIGURATION_NGINX = """\
worker_processes 1;
daemon off;
pid {dossier}/nginx.pid;
error_log {dossier}/erreurs.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {dossier}/temp/corps;
    proxy_temp_path {dossier}/temp/proxy;
    fastcgi_temp_path {dossier}/temp/fastcgi;
    uwsgi_temp_path {dossier}/temp/uwsgi;
    scgi_temp_path {dossier}/temp/scgi;
    log_format noeud '$remote_addr "$request" $status $request_time $upstream_addr';
    access_log {dossier}/acces.log noeud;
    client_max_body_size 50m;
    upstream inspe {{
{serveurs}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://inspe;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 300s;
            proxy_next_upstream error timeout;
            add_header X-Noeud $upstream_addr always;
        }}
    }}
}}
"""


@contextmanager
def nginx(ports: list[int], dossier: Path, port: int):
    """Debian's nginx in front of ``ports`` (round-robin), on ``port``: yields its address.
    Its configuration, pid, logs and buffers are in ``dossier``; as root, it runs as www-data."""
    if NGINX is None:
        raise RuntimeError("nginx absent : make install l'installe")
    (dossier / "temp").mkdir(parents=True, exist_ok=True)
    serveurs = "\n".join(f"        server 127.0.0.1:{p};" for p in ports)
    (dossier / "nginx.conf").write_text(CONFIGURATION_NGINX.format(dossier=dossier, port=port,
                                                                   serveurs=serveurs))
    comme = []
    if os.geteuid() == 0:  # never as root: as the user Debian's package made for it
        utilisateur = pwd.getpwnam("www-data")
        for chemin in (dossier, *dossier.rglob("*")):
            os.chown(chemin, utilisateur.pw_uid, utilisateur.pw_gid)
        comme = ["runuser", "-u", "www-data", "--"]
    commande = [*comme, NGINX, "-p", str(dossier), "-e", str(dossier / "erreurs.log"),
                "-c", str(dossier / "nginx.conf")]
    processus = subprocess.Popen(commande, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                 start_new_session=True)
    try:
        adresse = f"http://127.0.0.1:{port}"
        attendre_sante(adresse, Processus("nginx", dossier, dossier / "erreurs.log", processus))
        yield adresse
    finally:
        if processus.poll() is None:
            os.killpg(processus.pid, signal.SIGQUIT)  # graceful: finishes what it serves
            try:
                processus.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(processus.pid, signal.SIGKILL)
                processus.wait()


@contextmanager
def topologie(noeuds: int = 2, workers: int = 2, demo: bool = True, s3: bool = True,
              libreoffice: int = 1, cpus: list[int] | None = None, garder: bool = False):
    """Starts it all, yields the ``Topologie``, stops it all. ``s3=False``: the files on a
    folder every process shares (for the benches' comparison only). ``cpus``: the workers'
    cores (taskset), one each. ``garder``: the folders are left for the caller to read."""
    racine = Path(tempfile.mkdtemp(prefix="inspe-distribue-"))
    racine.chmod(0o755)  # nginx (www-data) goes through it to its own folder
    try:
        with ExitStack() as pile:
            base = pile.enter_context(postgresql_local.cluster())
            file = pile.enter_context(redis_local.serveur())
            serveur = pile.enter_context(s3_local.serveur())
            stockage = (serveur.environ("inspe") if s3
                        else {"INSPE_STOCKAGE": str(racine / "partage")})
            port = port_libre()  # nginx's: the public address the nodes write in e-mails
            commun = {"DATABASE_URL": base, "INSPE_FILE": file, "INSPE_LIBREOFFICE": str(libreoffice),
                      "INSPE_PROXYS": "127.0.0.1", "INSPE_ADRESSE": f"http://127.0.0.1:{port}",
                      # the seal's key encrypted in the database, as a production would have it
                      "INSPE_PHRASE_SCEAU": "phrase de passe de la topologie", **stockage}
            t = Topologie(racine, commun, serveur)
            pile.callback(t.arreter)
            t.commande("migrer", nom="migrer")  # once, by one process, before anything else
            t.noeud(demo=demo)  # the demo accounts and dossiers: made once, by the first node
            for _ in range(noeuds - 1):
                t.noeud()
            t.nginx = racine / "nginx"
            t.adresse = pile.enter_context(nginx([n.port for n in t.noeuds], t.nginx, port))
            for n in range(workers):
                t.worker(cpu=cpus[n] if cpus else None)
            yield t
    finally:
        if not garder:
            shutil.rmtree(racine, ignore_errors=True)
