"""Rendering any template with a wall-clock limit and a memory limit.

``rendre_avec_limites`` renders a gabarit in a render process of its own: its address space is
capped (``resource.setrlimit(RLIMIT_AS)``, ``MEMOIRE_MAX``) and the caller waits at most
``DUREE_MAX`` seconds. A template that loops is killed and reported in French
(``RenduInterrompu``), a template that allocates too much stops on its memory limit; the web
process and its threads never spin, and the next render gets a fresh process.

The render processes are few (``PROCESSUS``, and one while renders come one at a time) and
persistent: each is a fresh interpreter running
this module (``python -m``, never a copy of a web process and its threads, sockets and memory),
keeps the templates it compiled (by sha256 of the .docx and of the logo), and is replaced only
when it was killed. A render then costs the one in process plus sending the context and
receiving the .docx through a pipe: ``bench/render.py --bac`` prints the ratio.

Every render goes through here: a published gabarit's (``generation.rendre``: the web, the API,
the CLI and the lot workers alike), the preview of an uploaded template and the example rendered
before publishing. ``marques.verifier_marques`` already refuses, at publication, what could loop
(``range``, arithmetic, calls but ``coche``, a loop inside a loop over anything but the current
item); yet a template that prints a whole group inside a loop over that group still grows as the
square of the data, and a check is a promise where a limit is a fact. Measured on the shipped
gabarits (``bench/render.py --bac``), a render under limits costs about 0.3 ms more than the
same render in process (1.3 to 1.5×: about 1 ms a document, where its PDF conversion takes
about 100 ms of a core).
"""

from __future__ import annotations

import functools
import hashlib
import os
import queue
import resource
import signal
import subprocess
import sys
import threading
from collections import OrderedDict
from io import BytesIO
from multiprocessing.connection import Connection
from pathlib import Path

from .rendu import GabaritCompile, GabaritInvalide, Logo

DUREE_MAX = 10.0  # seconds a render may take, compiling included
MEMOIRE_MAX = 512 * 2**20  # bytes of address space of a render process
PROCESSUS = 2  # render processes at most (one per core)
COMPILES_GARDES = 8  # compiled templates each render process keeps
_RACINE = Path(__file__).resolve().parents[2]  # ``python -m`` imports ``service`` from there


class RenduInterrompu(GabaritInvalide):
    """The render of a template was stopped (too long, too much memory); French message."""


# --- the render process ------------------------------------------------------------------

def _servir(reception: Connection, envoi: Connection, memoire: int) -> None:
    """The loop of a render process: a request in, the .docx (or a refusal) out."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the service's Ctrl-C stops it by its pipe
    resource.setrlimit(resource.RLIMIT_AS, (memoire, memoire))
    compiles: OrderedDict[str, GabaritCompile] = OrderedDict()
    while True:
        try:
            demande = reception.recv()
        except EOFError:
            return
        cle, nom, docx, logo, contexte, proprietes, principales, images = demande
        compile_ = None
        try:
            compile_ = compiles.get(cle)
            if compile_ is None:
                flux = BytesIO(docx)
                try:
                    compile_ = GabaritCompile(flux, logo=logo)
                except GabaritInvalide as exc:
                    raise GabaritInvalide(str(exc).replace(str(flux), nom)) from None
                compiles[cle] = compile_
                while len(compiles) > COMPILES_GARDES:
                    compiles.popitem(last=False)
            compiles.move_to_end(cle)
            reponse = ("ok", compile_.rendre(contexte, proprietes, principales, images))
        except MemoryError:
            compiles.clear()
            reponse = ("memoire", "")
        except GabaritInvalide as exc:
            reponse = ("invalide", str(exc).replace(str(compile_.chemin), nom)
                       if compile_ else str(exc))
        except Exception as exc:  # noqa: BLE001 — any failure of a template is reported, not fatal
            reponse = ("invalide", f"le modèle ne se rend pas : {type(exc).__name__} : {exc}")
        try:
            envoi.send(reponse)
        except MemoryError:
            return


class _Processus:
    """One render process (a fresh interpreter running this module) and the pipes to it."""

    def __init__(self, memoire: int):
        lecture_enfant, ecriture_parent = os.pipe()
        lecture_parent, ecriture_enfant = os.pipe()
        self.processus = subprocess.Popen(
            [sys.executable, "-m", __name__, str(lecture_enfant), str(ecriture_enfant),
             str(memoire)], pass_fds=(lecture_enfant, ecriture_enfant), cwd=_RACINE,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        os.close(lecture_enfant)
        os.close(ecriture_enfant)
        self.envoi = Connection(ecriture_parent, readable=False)
        self.reception = Connection(lecture_parent, writable=False)

    def arreter(self) -> None:
        self.processus.kill()
        self.processus.wait(5)
        self.envoi.close()
        self.reception.close()


class Bac:
    """A few render processes, each used by one caller at a time, replaced when killed."""

    def __init__(self, processus: int = PROCESSUS, memoire: int = MEMOIRE_MAX):
        self.memoire = memoire
        self._libres: queue.LifoQueue[_Processus] = queue.LifoQueue()
        self._places = threading.BoundedSemaphore(processus)
        self._verrou = threading.Lock()
        self._tous: list[_Processus] = []

    def rendre(self, nom: str, docx: bytes, contexte: dict, proprietes: dict[str, str],
               principales: dict[str, str] | None, images: dict[str, bytes] | None,
               logo: Logo | None, duree: float) -> bytes:
        cle = hashlib.sha256(docx).hexdigest() + (
            hashlib.sha256(logo.png).hexdigest() if logo else "")
        with self._places:
            try:
                processus = self._libres.get_nowait()
            except queue.Empty:
                processus = _Processus(self.memoire)
                with self._verrou:
                    self._tous.append(processus)
            garder = False
            try:
                try:
                    processus.envoi.send((cle, nom, docx, logo, contexte, proprietes,
                                          principales, images))
                except OSError:
                    raise RenduInterrompu("le processus de rendu s’est arrêté avant de recevoir "
                                          "le modèle") from None
                if not processus.reception.poll(duree):
                    raise RenduInterrompu(
                        f"le rendu du modèle a dépassé {duree:g} s : il a été arrêté. Une boucle "
                        "du modèle ne s’arrête pas ou produit un document démesuré")
                try:
                    etat, resultat = processus.reception.recv()
                except (EOFError, OSError):
                    raise RenduInterrompu(self._memoire()) from None
                if etat == "memoire":
                    raise RenduInterrompu(self._memoire())
                garder = True
                if etat != "ok":
                    raise GabaritInvalide(resultat)
                return resultat
            finally:
                if garder:
                    self._libres.put(processus)
                else:
                    self._oublier(processus)

    def _memoire(self) -> str:
        return (f"le rendu du modèle a dépassé la mémoire permise ({self.memoire // 2**20} Mo) : "
                "il a été arrêté")

    def _oublier(self, processus: _Processus) -> None:
        processus.arreter()
        with self._verrou:
            if processus in self._tous:
                self._tous.remove(processus)

    def fermer(self) -> None:
        with self._verrou:
            tous, self._tous = self._tous, []
        for processus in tous:
            processus.arreter()
        while not self._libres.empty():
            self._libres.get_nowait()


_bac: Bac | None = None
_proprietaire = 0
_verrou_bac = threading.Lock()


def bac() -> Bac:
    """The process's render processes (new ones in a forked child: pipes are not shared)."""
    global _bac, _proprietaire
    with _verrou_bac:
        if _bac is None or _proprietaire != os.getpid():
            _bac, _proprietaire = Bac(), os.getpid()
        return _bac


def rendre_avec_limites(gabarit: bytes | Path, contexte: dict,
                        proprietes: dict[str, str] | None = None,
                        principales: dict[str, str] | None = None,
                        images: dict[str, bytes] | None = None, logo: Logo | None = None,
                        duree: float = DUREE_MAX) -> bytes:
    """The .docx of ``gabarit`` (its bytes or its path) filled with ``contexte``, rendered as
    ``GabaritCompile.rendre`` does, in a render process limited to ``duree`` seconds and
    ``MEMOIRE_MAX`` bytes. RenduInterrompu when a limit stopped it, GabaritInvalide when the
    template does not render (both with a French message naming the file, or « le modèle »)."""
    if isinstance(gabarit, Path):
        etat = gabarit.stat()
        nom, docx = str(gabarit), _lire(gabarit, etat.st_mtime_ns, etat.st_size)
    else:
        nom, docx = "le modèle", gabarit
    return bac().rendre(nom, docx, contexte, proprietes or {}, principales, images, logo, duree)


@functools.lru_cache(maxsize=64)
def _lire(chemin: Path, _mtime: int, _taille: int) -> bytes:
    """A published version's bytes, read once (a version is immutable; the date says if not)."""
    return chemin.read_bytes()


if __name__ == "__main__":
    _servir(Connection(int(sys.argv[1]), writable=False),
            Connection(int(sys.argv[2]), readable=False), int(sys.argv[3]))
