"""Background work: the bulk jobs' queue (huey), embedded in SQLite or on Redis.

By default the queue is a SQLite file in the instance's data folder and needs
no server; with ``INSPE_FILE=redis://…`` it is on Redis, and any number of
``python -m service worker`` on any machines sharing the storage (``INSPE_STOCKAGE``,
an S3 bucket) and the database (packets' locks) take the work, each with its own
empty folders. The same code runs both. Huey carries only "make rows a–b of lot X";
everything else is in the storage (see ``lots.lots``), so a worker that starts again
resumes every unfinished lot, and a row is never made twice. What happens when
a packet fails (tried again, or the lot « échoué ») is decided by ``reprise``:
this module only schedules the next try it asks for.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import sqlite3
import subprocess
import sys
import threading
import time

from huey import RedisHuey, SqliteHuey
from redis.exceptions import RedisError

from service import creer_catalogue, creer_moteur, creer_sceau, creer_stockage
from service.bd import ouvrir
from service.catalogue import rapports
from service.config import Config
from service.pdf.arriere_plan import commande
from service.pdf.production import produire_pdfs

from . import lots, reprise

ARCHIVAGE_APRES_S = 300  # a document « signé » this long is archived by the worker


class FileInjoignable(Exception):
    """The queue could not be reached: the lot was not launched (and is not kept)."""


def creer_file(config: Config):
    if config.file_travaux.startswith("redis://"):
        return RedisHuey("inspe-docs", url=config.file_travaux)
    config.donnees.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("inspe-docs", filename=str(config.donnees / "travaux.db"))


class Travaux:
    """The queue and its tasks, for one configuration."""

    def __init__(self, config: Config):
        self.config = config
        self.file = creer_file(config)
        self.politique = reprise.Politique.de(config)
        self._catalogue = self._moteur = self._sceau = self._base = self._stockage = None
        self._verrou = threading.Lock()  # the consumer's threads share one pool and one seal
        self.lancer = self.file.task(name="lancer")(self._lancer)
        # no retries of huey's own: a failed packet is scheduled again by reprise's policy,
        # counted on disk, so that a worker that starts again does not start the count again
        self.traiter = self.file.task(name="traiter")(self._traiter)

    @property
    def catalogue(self):
        with self._verrou:
            if self._catalogue is None:
                self._catalogue = creer_catalogue(self.config)
            return self._catalogue

    @property
    def stockage(self):
        """Where the lots and their documents are kept (service/stockage), opened once."""
        with self._verrou:
            if self._stockage is None:
                self._stockage = creer_stockage(self.config)
            return self._stockage

    @property
    def base(self):
        """The database: the packets' locks; a lot's documents go into the stagiaires' dossiers."""
        with self._verrou:
            if self._base is None:
                self._base = ouvrir(self.config.base_de_donnees)
            return self._base

    def _pdfs(self, documents):
        catalogue = self.catalogue
        with self._verrou:
            if self._moteur is None:
                self._sceau = creer_sceau(self.config, catalogue)
                self._moteur = creer_moteur(self.config, guichet=False)
                atexit.register(self._moteur.fermer)
        return produire_pdfs(documents, self._moteur, self._sceau, voie="lot")

    def _en_file(self) -> set[tuple]:
        """What is queued already, or scheduled for a later try: ("lancer", lot) and
        ("traiter", lot, début, fin)."""
        return {(t.name, *t.args) for t in self.file.pending() + self.file.scheduled()
                if t.name in ("lancer", "traiter")}

    def _lancer(self, lot_id: str) -> None:
        """Queues each packet of the lot that has rows left to make and is not queued yet."""
        lot = lots.charger(self.stockage, lot_id)
        if lot.etat not in ("en_attente", "en_cours") or lots.annule(self.stockage, lot_id):
            return
        faits, en_file = lots.faits(self.stockage, lot_id), self._en_file()
        for debut, fin in lots.paquets(lot):
            if (set(range(debut, fin)) - faits and ("traiter", lot_id, debut, fin) not in en_file
                    and not lots.pris(self.base, lot_id, debut)):
                self.traiter(lot_id, debut, fin)
        self._finir(lot_id)  # a lot whose rows were all made already

    def _traiter(self, lot_id: str, debut: int, fin: int) -> None:
        try:
            lots.traiter_paquet(self.stockage, self.catalogue, lot_id, debut, fin,
                                self._pdfs, self.base)
        except Exception as exc:
            attente = reprise.apres_echec(self.stockage, lot_id, debut, fin, exc,
                                          self.politique)
            if attente is not None:
                self.traiter.schedule((lot_id, debut, fin), delay=attente)
            return
        if self._finir(lot_id) is None and not self._en_file():
            # nothing queued, rows left: a packet was lost with a worker that died
            self._lancer(lot_id)

    def _finir(self, lot_id: str):
        try:
            return lots.finir(self.stockage, lot_id)
        except Exception as exc:
            reprise.apres_echec_du_zip(self.stockage, lot_id, exc)
            return None

    def lancer_nouveau(self, lot_id: str) -> None:
        """Queues a lot just created; if the queue cannot be reached (Redis down), the lot is
        removed rather than left « en attente » with nobody to make it."""
        try:
            self.lancer(lot_id)
        except (RedisError, sqlite3.Error, OSError) as exc:
            reprise.log.warning("lot %s non lancé : file injoignable", lot_id, exc_info=exc)
            lots.annuler(self.stockage, lot_id)
            lots.supprimer(self.stockage, lot_id)
            raise FileInjoignable(
                "la file des lots est injoignable pour le moment : le lot n'est pas lancé, "
                "rien n'est gardé. Réessayez dans quelques minutes ; si cela dure, signalez-le "
                "à l'administrateur du service.") from None

    def reprendre(self, lot_id: str) -> lots.Lot:
        """An échoué lot made resumable, and queued: it makes what is missing."""
        lot = reprise.reprendre(self.stockage, lot_id)
        try:
            self.lancer(lot_id)
        except (RedisError, sqlite3.Error, OSError) as exc:
            reprise.log.warning("lot %s repris, mais file injoignable", lot_id, exc_info=exc)
            raise FileInjoignable(
                "la file des lots est injoignable pour le moment : le lot est repris, et sera "
                "repris dès qu'elle répondra.") from None
        return lot

    def reprendre_inacheves(self) -> list[str]:
        """Queues again every unfinished lot, and deletes lots past their retention period (and
        the highlighted spreadsheets a day old): what a (re)starting worker does first."""
        self.purger()
        inacheves, en_file = lots.inacheves(self.stockage), self._en_file()
        for lot_id in inacheves:
            if ("lancer", lot_id) not in en_file:
                self.lancer(lot_id)
        return inacheves

    def purger(self) -> None:
        lots.purger(self.stockage, self.config.retention_lots_jours, self.base)
        rapports.purger(self.stockage)

    def orphelins(self) -> None:
        """Queues again the packets nobody makes: their worker died with them (killed, out of
        memory, its machine gone) and the others, idle, would not notice."""
        en_file = self._en_file()
        for lot_id in lots.inacheves(self.stockage):
            if ("lancer", lot_id) not in en_file:
                self._lancer(lot_id)

    def archiver_les_signes(self) -> list[tuple[str, str, bool]]:
        """Archives the dossier's documents left « signé » for five minutes or more: a lot's
        documents that have no slot to sign, a complete document whose archiving failed
        (LibreOffice stopped). What ``fsck --reparer`` does, done by every worker by itself so
        that nothing stays unarchived; a younger one may be being archived by the page that
        signed it."""
        from service import creer_archives
        from service.dossier import circuit

        if not circuit.restes(self.base):
            return []
        self._pdfs([])  # the pool and the seal, started once
        outils = circuit.Outils(self.base, self.catalogue, self.stockage,
                                creer_archives(self.config, self.catalogue, self.base, self.stockage),
                                self._moteur, self._sceau)
        avant = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=ARCHIVAGE_APRES_S)
        return circuit.reprendre(outils, avant)

    def _veiller(self) -> None:
        tours = 0
        while True:
            time.sleep(reprise.VEILLE_S)
            try:
                self.orphelins()
            except Exception:  # the queue unreachable for a moment: look again later
                reprise.log.warning("recherche des paquets orphelins impossible", exc_info=True)
            tours += 1
            if tours % 360 == 0:  # about once an hour: what a worker running for weeks keeps
                try:
                    self.purger()
                except Exception:  # the storage unreachable for a moment: in an hour
                    reprise.log.warning("purge des lots et des tableurs surlignés impossible",
                                        exc_info=True)
            if tours % 6 == 0:  # about once a minute
                try:
                    self.archiver_les_signes()
                except Exception:  # the database or LibreOffice down for a moment: later
                    reprise.log.warning("archivage des documents signés impossible", exc_info=True)

    def travailler(self, fils: int | None = None) -> None:
        """Runs a consumer until stopped (SIGTERM or Ctrl-C).

        One thread per LibreOffice instance by default, so that packets convert side by side.
        """
        self.reprendre_inacheves()
        threading.Thread(target=self._veiller, daemon=True, name="paquets-orphelins").start()
        fils = fils or (self.config.instances_libreoffice or os.cpu_count() or 1) + 1
        self.file.create_consumer(workers=fils, worker_type="thread").run()


class TravailleurDuService:
    """The embedded queue's worker, started by ``serve``: a process of its own, at the lowest
    priority, that ends with the service (even killed) and is started again if it dies.

    Made by threads of the service, a lot of three hundred fiches (rendering, sealing:
    Python) held the interpreter's lock every page view needs.
    """

    REDEMARRAGE_S = 5

    def __init__(self, environ):
        self._environ = dict(environ)
        self._arret = threading.Event()
        self.processus = self._lancer()
        threading.Thread(target=self._veiller, daemon=True, name="travailleur").start()

    def _lancer(self) -> subprocess.Popen:
        return subprocess.Popen(commande(sys.executable, "-m", "service", "worker",
                                         "--avec-le-service", str(os.getpid())), env=self._environ)

    def _veiller(self) -> None:
        while True:
            code = self.processus.wait()
            if self._arret.wait(self.REDEMARRAGE_S):  # stopped by the service
                return
            # killed (out of memory, by hand): the lot's packet under way is made again
            print(f"Le worker des lots s'est arrêté (code {code}) : il est redémarré.",
                  file=sys.stderr, flush=True)
            self.processus = self._lancer()

    def arreter(self) -> None:
        self._arret.set()
        self.processus.terminate()
        self.processus.wait()
