"""The conversion engine: a pool of LibreOffice instances kept running.

Each instance is a worker process (``lo_worker.py`` under Debian's python3,
which has the UNO bridge) driving its own ``soffice`` with its own user
profile. Instances start once (cold start ~2 s) and then convert one document
at a time; the pool has one per core.

- Two lanes: a person waiting for one document (``voie="interactive"``) is
  served before any queued bulk work (``voie="lot"``), and one more instance
  (the "guichet") serves people only, so that nobody waits behind a bulk
  packet being converted.
- A time limit (60 s by default) counts conversion time only, not time spent
  waiting in the queue. A hung or crashed instance is killed with its whole
  process group and replaced; its document is retried once, then fails with a
  clear error. Nothing queued is lost.
- An instance is recycled after a number of conversions or above a memory
  ceiling (LibreOffice grows).
- Every input is checked and cleaned before LibreOffice sees it (see
  ``docx_sur``) and every output is checked after: LibreOffice exits 0 even
  when it produced nothing.
"""

from __future__ import annotations

import json
import logging
import os
import re
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from service.catalogue.docx_sur import DocxRefuse, nettoyer_docx

from .arriere_plan import commande

WORKER = Path(__file__).with_name("lo_worker.py")
PYTHON_SYSTEME = "/usr/bin/python3"
VOIES = ("interactive", "lot")
log = logging.getLogger("service.pdf")

# What tells a message written by a program (Java, UNO, Python) from one written for people.
_TECHNIQUE = re.compile(r"Exception|com\.sun|\bUNO\b|Traceback|Error\b|\bErrno\b|\bURP\b",
                        re.IGNORECASE)


def pour_les_personnes(message: str, *, sinon: str) -> str:
    """``message`` if a person can read it, else ``sinon`` (the technical text goes to the log).

    LibreOffice's and Python's own words (« com.sun.star.lang.DisposedException: Binary URP
    bridge already disposed ») are for whoever reads the log, never for the person waiting.
    """
    if _TECHNIQUE.search(message):
        log.warning("%s (dit : %s)", sinon, message)
        return sinon
    return message


class ConversionImpossible(Exception):
    """A document could not be converted; the message says why, in French."""


class _Blocage(Exception):
    """The instance hung or died: kill it, retry the document elsewhere."""


class _EchecLibreOffice(Exception):
    """LibreOffice answered, but with an error about this document."""


def verifier_pdf_produit(chemin: Path) -> None:
    """LibreOffice exits 0 even when it wrote nothing: check what it wrote."""
    if not chemin.exists() or chemin.stat().st_size < 200:
        raise _EchecLibreOffice("aucun PDF produit")
    with open(chemin, "rb") as f:
        debut = f.read(8)
        f.seek(max(0, chemin.stat().st_size - 1024))
        fin = f.read()
    if not debut.startswith(b"%PDF-") or b"%%EOF" not in fin:
        raise _EchecLibreOffice("le PDF produit est incomplet")


class Instance:
    """One worker process and its soffice, in a process group of their own."""

    def __init__(self, soffice: str, python: str, demarrage: float = 60):
        if shutil.which(soffice) is None:
            raise ConversionImpossible(
                f"LibreOffice (« {soffice} ») est introuvable : lancez « make install » ou "
                "indiquez son chemin dans INSPE_SOFFICE")
        if shutil.which(python) is None:
            raise ConversionImpossible(f"{python} (avec python3-uno) est introuvable : lancez "
                                       "« make install »")
        self.profil = Path(tempfile.mkdtemp(prefix="inspe-lo-profil-"))
        self.conversions = 0
        self._journal = open(self.profil / "worker.log", "wb")
        self.processus = subprocess.Popen(
            commande(python, str(WORKER), soffice, str(self.profil / "lo"),
                     f"inspe{os.getpid()}_{id(self)}"),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._journal,
            start_new_session=True)
        self._tampon = b""
        self._selecteur = selectors.DefaultSelector()
        self._selecteur.register(self.processus.stdout, selectors.EVENT_READ)
        try:
            message = self._lire(demarrage)
        except _Blocage as exc:
            self._echec_au_demarrage(str(exc))
        if not message.get("pret"):
            self._echec_au_demarrage("réponse inattendue", message)

    def _echec_au_demarrage(self, raison: str, reponse: dict | None = None) -> NoReturn:
        # what the worker said (a Python traceback, often) is for the log, read before the
        # profile it lies in is removed
        log.error("LibreOffice ne démarre pas (%s) : %s %s", raison, reponse or "",
                  self._fin_du_journal())
        self.tuer()
        raise ConversionImpossible(f"LibreOffice ne démarre pas ({raison}) : le journal du service "
                                   "dit pourquoi")

    def _fin_du_journal(self) -> str:
        try:
            return (self.profil / "worker.log").read_text(errors="replace")[-500:].strip()
        except OSError:
            return ""

    def _lire(self, delai: float) -> dict:
        limite = time.monotonic() + delai
        while b"\n" not in self._tampon:
            reste = limite - time.monotonic()
            if reste <= 0:
                raise _Blocage(f"pas de réponse en {delai:.0f} s")
            if not self._selecteur.select(reste):
                continue
            morceau = os.read(self.processus.stdout.fileno(), 65536)
            if not morceau:
                raise _Blocage("l'instance s'est arrêtée")
            self._tampon += morceau
        ligne, self._tampon = self._tampon.split(b"\n", 1)
        return json.loads(ligne)

    def convertir(self, entree: Path, sortie: Path, pdfa: bool, delai: float) -> None:
        demande = json.dumps({"entree": str(entree), "sortie": str(sortie), "pdfa": pdfa})
        try:
            self.processus.stdin.write(demande.encode() + b"\n")
            self.processus.stdin.flush()
        except (BrokenPipeError, OSError):
            raise _Blocage("l'instance s'est arrêtée") from None
        reponse = self._lire(delai)
        self.conversions += 1
        if reponse.get("mort"):  # soffice died under this document: not the document's fault
            log.warning("LibreOffice s'est arrêté pendant une conversion : %s", reponse.get("erreur"))
            raise _Blocage("LibreOffice s'est arrêté pendant la conversion")
        if not reponse.get("ok"):
            raise _EchecLibreOffice(reponse.get("erreur", "erreur inconnue"))

    def memoire(self) -> int:
        """Resident memory (bytes) of every process of the instance."""
        total = 0
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                if os.getpgid(int(pid)) != self.processus.pid:
                    continue
                with open(f"/proc/{pid}/statm") as f:
                    total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, ValueError):
                continue
        return total

    def arreter(self) -> None:
        """Asks the instance to quit, then makes sure it did."""
        try:
            self.processus.stdin.write(b'{"quitter": true}\n')
            self.processus.stdin.flush()
            self.processus.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.tuer()

    def tuer(self) -> None:
        try:
            os.killpg(self.processus.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.processus.wait()
        self._selecteur.close()
        self._journal.close()
        shutil.rmtree(self.profil, ignore_errors=True)


@dataclass
class _Travail:
    voie: str
    entree: Path
    sortie: Path
    pdfa: bool
    resultat: Future = field(default_factory=Future)
    essais: int = 0


class Moteur:
    """The pool. ``convertir`` blocks; ``soumettre`` returns a Future.

    ``taille`` instances (one per core by default) take interactive work first,
    then bulk work; with ``guichet``, one more instance takes interactive work
    only, so that a person never waits for a bulk packet to finish.
    """

    def __init__(self, taille: int | None = None, *, guichet: bool = True,
                 soffice: str = "soffice", python: str = PYTHON_SYSTEME, delai: float = 60,
                 conversions_max: int = 200, memoire_max: int = 320 * 2**20):
        self.taille = (taille or os.cpu_count() or 1) + (1 if guichet else 0)
        self.soffice, self.python = soffice, python
        self.delai, self.conversions_max, self.memoire_max = delai, conversions_max, memoire_max
        self._files: dict[str, deque[_Travail]] = {voie: deque() for voie in VOIES}
        self._condition = threading.Condition()
        self._ferme = False
        self._instances: list[Instance | None] = [None] * self.taille
        self._travail = Path(tempfile.mkdtemp(prefix="inspe-conversions-"))
        self.recyclages = 0
        self._fils = [threading.Thread(target=self._boucle, daemon=True, name=f"libreoffice-{i}",
                                       args=(i, not (guichet and i == self.taille - 1)))
                      for i in range(self.taille)]
        for fil in self._fils:
            fil.start()

    # --- public ---------------------------------------------------------------

    def soumettre(self, entree: Path, sortie: Path, *, pdfa: bool = True,
                  voie: str = "interactive") -> Future:
        """Queues the conversion of ``entree`` (.docx) to ``sortie`` (PDF)."""
        if voie not in VOIES:
            raise ValueError(f"voie inconnue : {voie}")
        travail = _Travail(voie, Path(entree), Path(sortie), pdfa)
        with self._condition:
            self._files[voie].append(travail)
            self._condition.notify_all()
        return travail.resultat

    def convertir(self, entree: Path, sortie: Path, *, pdfa: bool = True,
                  voie: str = "interactive") -> Path:
        return self.soumettre(entree, sortie, pdfa=pdfa, voie=voie).result()

    def convertir_tous(self, paires, *, pdfa: bool = True, voie: str = "lot") -> list[Path]:
        futures = [self.soumettre(e, s, pdfa=pdfa, voie=voie) for e, s in paires]
        return [f.result() for f in futures]

    def pids(self) -> list[int]:
        """The worker processes' ids (each leads the process group of its soffice)."""
        return [i.processus.pid for i in self._instances if i is not None]

    def memoire(self) -> int:
        return sum(i.memoire() for i in self._instances if i is not None)

    def demarrer(self) -> None:
        """Starts every instance now, side by side, rather than at the first conversion.

        Called before any conversion is asked for (the service, at its start: the
        first people do not wait for LibreOffice's cold start, about 2 s each).
        """
        erreurs: list[Exception] = []

        def lancer(i: int) -> None:
            try:
                self._instances[i] = Instance(self.soffice, self.python)
            except Exception as exc:
                erreurs.append(exc)

        fils = [threading.Thread(target=lancer, args=(i,)) for i in range(self.taille)
                if self._instances[i] is None]
        for fil in fils:
            fil.start()
        for fil in fils:
            fil.join()
        if erreurs:
            raise erreurs[0]

    def fermer(self) -> None:
        with self._condition:
            self._ferme = True
            self._condition.notify_all()
        for fil in self._fils:
            fil.join(timeout=30)
        for instance in self._instances:
            if instance is not None:
                instance.arreter()
        self._instances = [None] * self.taille
        shutil.rmtree(self._travail, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fermer()

    # --- the worker threads ---------------------------------------------------

    def _prendre(self, lot_permis: bool) -> _Travail | None:
        """The next job: interactive first, then bulk if this instance takes bulk work."""
        with self._condition:
            while not self._ferme:
                if self._files["interactive"]:
                    return self._files["interactive"].popleft()
                if lot_permis and self._files["lot"]:
                    return self._files["lot"].popleft()
                self._condition.wait()
            return None

    def _boucle(self, numero: int, lot_permis: bool) -> None:
        while (travail := self._prendre(lot_permis)) is not None:
            # A retried job is already running for its caller; a cancelled one is dropped.
            if travail.essais or travail.resultat.set_running_or_notify_cancel():
                self._traiter(numero, travail)

    def _traiter(self, numero: int, travail: _Travail) -> None:
        nom = travail.entree.name
        dossier = Path(tempfile.mkdtemp(dir=self._travail))
        try:
            propre = dossier / "document.docx"
            propre.write_bytes(nettoyer_docx(travail.entree.read_bytes()))
            pdf = dossier / "document.pdf"
            instance = self._instances[numero]
            if instance is None:
                instance = self._instances[numero] = Instance(self.soffice, self.python)
            instance.convertir(propre, pdf, travail.pdfa, self.delai)
            verifier_pdf_produit(pdf)
            travail.sortie.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(pdf, travail.sortie)
            travail.resultat.set_result(travail.sortie)
        except _Blocage as exc:
            self._remplacer(numero)
            if travail.essais == 0:
                travail.essais = 1
                with self._condition:
                    self._files[travail.voie].appendleft(travail)  # keeps its place in its lane
                    self._condition.notify_all()
            else:
                travail.resultat.set_exception(ConversionImpossible(
                    f"{nom} : LibreOffice a échoué deux fois ({exc}) ; le document n'est pas "
                    "converti, rien n'est perdu : réessayez ou signalez-le"))
        except (_EchecLibreOffice, DocxRefuse) as exc:
            travail.resultat.set_exception(ConversionImpossible(f"{nom} : " + pour_les_personnes(
                str(exc), sinon="LibreOffice n'a pas pu convertir le document")))
        except ConversionImpossible as exc:
            travail.resultat.set_exception(exc)
        except Exception:  # never leave a caller waiting forever
            log.exception("conversion de %s", nom)
            travail.resultat.set_exception(ConversionImpossible(
                f"{nom} : erreur interne de la conversion (le journal du service dit laquelle)"))
        finally:
            shutil.rmtree(dossier, ignore_errors=True)
        self._recycler_si_besoin(numero)

    def _remplacer(self, numero: int) -> None:
        instance, self._instances[numero] = self._instances[numero], None
        if instance is not None:
            instance.tuer()
        self.recyclages += 1

    def _recycler_si_besoin(self, numero: int) -> None:
        instance = self._instances[numero]
        if instance is None:
            return
        # Reading the memory walks /proc: every tenth conversion is often enough.
        if (instance.conversions >= self.conversions_max
                or (instance.conversions % 10 == 0 and instance.memoire() > self.memoire_max)):
            self._instances[numero] = None
            instance.arreter()
            self.recyclages += 1
            # its successor starts now, not when a person's document is already waiting for it
            if not self._ferme:
                try:
                    self._instances[numero] = Instance(self.soffice, self.python)
                except ConversionImpossible:
                    pass  # the next conversion starts one, or says why it cannot

