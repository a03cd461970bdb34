"""A clamd of the tests' own: in the foreground, in a temp dir, knowing one signature written here.

No freshclam and no official database: the signature matches MARQUEUR anywhere in a file
(and so inside a .docx's zip entries, which clamd opens by default).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from service.archive.antivirus import Antivirus

SIGNATURE = "Inspe.Test.Signature"
MARQUEUR = b"INSPE-DOCUMENT-PIEGE-POUR-LES-TESTS-ANTIVIRUS"
LIMITE_FLUX_MO = 4  # clamd's StreamMaxLength here, so the tests can exceed it cheaply


def trouver_clamd() -> str | None:
    """clamd's path: it lives in /usr/sbin, often missing from a non-root PATH."""
    return shutil.which("clamd") or shutil.which("clamd", path="/usr/sbin:/usr/local/sbin")


class ClamdLocal:
    """``with ClamdLocal() as c:`` c.adresse (unix socket) and c.adresse_tcp answer until the end."""

    def __init__(self, delai: float = 30):
        self.delai = delai
        self.dossier: Path | None = None
        self.processus: subprocess.Popen | None = None
        self.duree_demarrage: float | None = None

    def __enter__(self) -> ClamdLocal:
        clamd = trouver_clamd()
        if clamd is None:
            raise FileNotFoundError("clamd absent : make test installe clamav-daemon")
        # A short path of its own: a unix socket's path is limited to 107 bytes
        self.dossier = Path(tempfile.mkdtemp(prefix="clamd-"))
        base = self.dossier / "base"
        base.mkdir()
        # .ndb body signature: Name:TargetType(0 = any file):Offset(* = anywhere):hex
        (base / "inspe-tests.ndb").write_text(f"{SIGNATURE}:0:*:{MARQUEUR.hex()}\n")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.adresse = str(self.dossier / "clamd.sock")
        self.adresse_tcp = f"tcp://127.0.0.1:{port}"
        self.journal = self.dossier / "clamd.log"
        # No User: clamd keeps whoever starts it (root or not); "User clamav" would make it drop
        # to a user that can't read this 0700 temp dir.
        conf = self.dossier / "clamd.conf"
        conf.write_text(f"""\
Foreground yes
DatabaseDirectory {base}
LocalSocket {self.adresse}
TCPSocket {port}
TCPAddr 127.0.0.1
TemporaryDirectory {self.dossier}
LogFile {self.journal}
LogTime yes
StreamMaxLength {LIMITE_FLUX_MO}M
MaxThreads 4
""")
        debut = time.monotonic()
        with open(self.dossier / "sortie.log", "wb") as sortie:
            self.processus = subprocess.Popen([clamd, "--foreground", "-c", str(conf)],
                                              stdin=subprocess.DEVNULL, stdout=sortie,
                                              stderr=subprocess.STDOUT)
        try:
            self._attendre(debut)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.duree_demarrage = time.monotonic() - debut
        return self

    def _attendre(self, debut: float):
        client = Antivirus(self.adresse, delai=2)
        while not client.ping():
            if self.processus.poll() is not None:
                raise RuntimeError(f"clamd s'est arrêté (code {self.processus.returncode})\n"
                                   + self._journaux())
            if time.monotonic() - debut > self.delai:
                raise RuntimeError(f"clamd ne répond pas PONG après {self.delai} s\n" + self._journaux())
            time.sleep(0.05)

    def _journaux(self) -> str:
        textes = []
        for nom in ("clamd.log", "sortie.log"):
            chemin = self.dossier / nom
            if chemin.exists():
                textes.append(f"--- {nom}\n" + chemin.read_text(errors="replace")[-4000:])
        return "\n".join(textes)

    def __exit__(self, *exc):
        if self.processus is not None and self.processus.poll() is None:
            self.processus.terminate()
            try:
                self.processus.wait(10)
            except subprocess.TimeoutExpired:
                self.processus.kill()
                self.processus.wait()
        if self.dossier is not None:
            shutil.rmtree(self.dossier, ignore_errors=True)
