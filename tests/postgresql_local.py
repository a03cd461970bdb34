"""A throwaway PostgreSQL cluster on 127.0.0.1 (trust, fsync off), for the tests and the benches.

initdb refuses root: as root, the cluster is run by the `postgres` user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text


class PostgresqlAbsent(Exception):
    pass


def binaires() -> Path:
    """The newest PostgreSQL's binaries (Debian: /usr/lib/postgresql/<version>/bin)."""
    def version(pg_ctl: str) -> int:
        nom = Path(pg_ctl).parent.parent.name
        return int(nom) if nom.isdigit() else 0

    trouves = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=version)
    if not trouves:
        raise PostgresqlAbsent("PostgreSQL absent (pas de /usr/lib/postgresql/*/bin/pg_ctl) : "
                               "make install l'installe")
    return Path(trouves[-1]).parent


@contextmanager
def cluster(base: str = "inspe"):
    """Starts a cluster, creates database ``base``, yields its SQLAlchemy URL, then removes it all."""
    bin_ = binaires()
    comme = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    dossier = Path(tempfile.mkdtemp(prefix="inspe-pg-"))  # in /tmp, reachable by postgres
    if comme:
        shutil.chown(dossier, "postgres", "postgres")
    donnees = dossier / "donnees"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def lancer(*commande):
        subprocess.run([*comme, *commande], cwd=dossier, check=True, capture_output=True, text=True)

    try:
        lancer(bin_ / "initdb", "-D", donnees, "-U", "postgres", "-A", "trust", "-E", "UTF8",
               "--no-locale", "-N")
        lancer(bin_ / "pg_ctl", "-D", donnees, "-l", dossier / "journal.log", "-w", "-t", "60",
               "-o", f"-F -h 127.0.0.1 -p {port} -k {dossier} -c full_page_writes=off "
                     "-c synchronous_commit=off", "start")
    except subprocess.CalledProcessError as erreur:
        journal = dossier / "journal.log"
        message = f"{erreur.stderr}\n{journal.read_text() if journal.exists() else ''}"
        shutil.rmtree(dossier, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL n'a pas démarré : {message}") from None
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    try:
        with create_engine(f"{url}/postgres", isolation_level="AUTOCOMMIT").connect() as admin:
            admin.execute(text(f"CREATE DATABASE {base}"))
        yield f"{url}/{base}"
    finally:
        subprocess.run([*comme, bin_ / "pg_ctl", "-D", donnees, "-m", "immediate", "stop"],
                       cwd=dossier, capture_output=True)
        shutil.rmtree(dossier, ignore_errors=True)


@contextmanager
def base_neuve(url_du_cluster: str, nom: str):
    """A new, empty database ``nom`` in the cluster of ``url_du_cluster``: its URL, dropped after."""
    serveur = url_du_cluster.rsplit("/", 1)[0]
    admin = create_engine(f"{serveur}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connexion:
        connexion.execute(text(f"CREATE DATABASE {nom}"))
    try:
        yield f"{serveur}/{nom}"
    finally:
        with admin.connect() as connexion:
            connexion.execute(text(f"DROP DATABASE {nom} WITH (FORCE)"))
        admin.dispose()
