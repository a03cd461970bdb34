"""How a lot is tried again, and when it has failed: the one place that decides.

A lot is made packet by packet (rows [début, fin), see ``lots``). Around it:

- a row is made at most once: its ``fait/<n>`` marker is written after its file
  (``lots``), so a packet made again makes only what is missing;
- a packet is made by one worker at a time, under its lock in the database
  (``verrous``), which its worker touches while it works; a dead worker's packet
  (its process gone on this machine, its lock untouched for ``verrous.PERIME_S``
  = 30 s on any) is queued again within ``VEILLE_S`` by any live worker
  (``file.Travaux.orphelins``), and taken over (``lots``);
- **a packet that fails** (an exception: LibreOffice that cannot convert or
  start, a disk full…) is tried ``Politique.essais`` times in all,
  ``Politique.attente_s`` seconds apart; after the last try, or at once when no
  retry can help (a disk full, a gabarit gone from the catalogue), **the lot is
  « échoué »**, with its reason in French in ``lot.json`` and the technical detail
  in the worker's log and in ``echec.txt`` (among the lot's keys in the storage).
  Decided here; ``file`` only schedules;
- an échoué lot stops: its other packets are not made, no worker resumes it,
  the documents already made stay; ``reprendre`` (web « Reprendre », CLI
  ``lot-reprendre``) makes the rest, none twice;
- a worker that starts queues every lot « en attente » or « en cours » again, and
  ``serve`` starts its worker again when it dies (``file``): a worker killed
  mid-packet is not a failed try, the packet is simply made again.

Below the lot, LibreOffice's own retry stays with the PDF: an instance that
hangs or dies is replaced and its document tried once more
(``service/pdf/libreoffice.py``); only what still fails reaches a packet here.
"""

from __future__ import annotations

import errno
import logging
import traceback
from dataclasses import dataclass

from service.catalogue.validation import DonneesInvalides
from service.config import Config
from service.pdf.libreoffice import ConversionImpossible

from . import lots

log = logging.getLogger("service.lots")

DISQUE_PLEIN = (errno.ENOSPC, errno.EDQUOT)
VEILLE_S = 10  # how often each worker looks for packets a dead worker left


@dataclass(frozen=True)
class Politique:
    essais: int = 3  # tries of one packet, the first included
    attente_s: float = 30  # between two tries: LibreOffice replaced, a disk freed meanwhile

    @classmethod
    def de(cls, config: Config) -> Politique:
        """The policy, with what INSPE_LOT_ESSAIS and INSPE_LOT_ATTENTE change of it."""
        defaut = cls()
        essais = defaut.essais if config.essais_paquet is None else config.essais_paquet
        attente = defaut.attente_s if config.attente_paquet is None else config.attente_paquet
        return cls(max(1, essais), max(0.0, attente))


def transitoire(exc: BaseException) -> bool:
    """Whether trying the packet again may succeed: not when the disk is full, the gabarit
    gone or the rows no longer valid (trying again would fail the same way)."""
    return not (_disque_plein(exc) or isinstance(exc, (KeyError, DonneesInvalides)))


def apres_echec(ou, lot_id: str, debut: int, fin: int, exc: BaseException,
                politique: Politique) -> float | None:
    """Records a failed try of packet [debut, fin): the delay before the next try, or None
    when the lot is now « échoué »."""
    essai = _compter_essai(ou, lot_id, debut)
    log.warning("lot %s, lignes %d à %d : essai %d sur %d échoué", lot_id, debut + 1, fin,
                essai, politique.essais, exc_info=exc)
    if transitoire(exc) and essai < politique.essais:
        return politique.attente_s
    echouer(ou, lot_id, raison_paquet(exc, debut, fin, essai), exc)
    return None


def apres_echec_du_zip(ou, lot_id: str, exc: BaseException) -> None:
    """Every document is made, but the ZIP could not be written: the lot is « échoué »
    (relaunched, it writes the ZIP again)."""
    log.warning("lot %s : le ZIP n'a pas pu être écrit", lot_id, exc_info=exc)
    if _disque_plein(exc):
        raison = ("le ZIP du lot n'a pas pu être écrit : le disque du serveur est plein. Les "
                  "documents sont faits ; libérez de la place, puis reprenez le lot.")
    else:
        raison = ("le ZIP du lot n'a pas pu être écrit, à cause d'une erreur interne (détaillée "
                  "dans le journal du worker). Les documents sont faits : reprenez le lot, ou "
                  "signalez-le si cela se reproduit.")
    echouer(ou, lot_id, raison, exc)


def raison_paquet(exc: BaseException, debut: int, fin: int, essais: int) -> str:
    """Why a packet could not be made, for the person who launched the lot: what, after how
    many tries, what to do; never the text of a Java, UNO or Python exception."""
    if fin - debut == 1:
        documents, verbe, s, valide = f"le document {debut + 1}", "a", "", "n'est plus valide"
    else:
        documents, verbe, s = f"les documents {debut + 1} à {fin}", "ont", "s"
        valide = "ne sont plus valides"
    garde = "Les documents déjà faits sont gardés"
    tentatives = f"après {essais} essai{'s' if essais > 1 else ''}"
    if _disque_plein(exc):
        return (f"le disque du serveur est plein : {documents} n'{verbe} pas pu être écrit{s}. "
                f"{garde} ; libérez de la place, puis reprenez le lot.")
    if isinstance(exc, ConversionImpossible):
        return (f"LibreOffice n'a pas pu convertir {documents} {tentatives}. {garde} : "
                "reprenez le lot ; si cela se reproduit, signalez-le (le détail technique est "
                "dans le journal du worker).")
    if isinstance(exc, KeyError):
        return (f"la version du gabarit de ce lot n'est plus dans le catalogue : {documents} "
                f"n'{verbe} pas pu être fait{s}. {garde}.")
    if isinstance(exc, DonneesInvalides):
        return f"{documents} {valide} pour la version du gabarit de ce lot. {garde}."
    return (f"{documents} n'{verbe} pas pu être fait{s} {tentatives}, à cause d'une erreur "
            f"interne (détaillée dans le journal du worker). {garde} : reprenez le lot, ou "
            "signalez-le si cela se reproduit.")


def echouer(ou, lot_id: str, raison: str, exc: BaseException | None = None) -> lots.Lot:
    """Marks the lot « échoué » with ``raison`` (French, for people) — the only place that does.

    A lot already finished or cancelled keeps its state. The technical detail goes to
    ``echec.txt`` in the lot's keys, for whoever looks after the service.
    """
    stockage = lots.stockage_de(ou)
    lot = lots.charger(stockage, lot_id)
    if lot.etat not in ("en_attente", "en_cours") or lots.annule(stockage, lot_id):
        return lot
    if exc is not None:
        detail = "".join(traceback.format_exception(exc))
        try:
            stockage.ecrire(lots.cle(lot_id, "echec.txt"), f"{raison}\n\n{detail}".encode())
        except OSError:
            pass  # a full disk: the worker's log has it
    lot.etat, lot.message = "echoue", raison
    lots.enregistrer(stockage, lot)
    return lot


def reprendre(ou, lot_id: str) -> lots.Lot:
    """Makes an échoué lot resumable: its tries start again from zero. The caller then queues
    it (``Travaux.reprendre``); the rows already made are not made again."""
    stockage = lots.stockage_de(ou)
    lot = lots.charger(stockage, lot_id)
    if lot.etat != "echoue":
        raise ValueError("seul un lot échoué se reprend")
    for essai in list(stockage.lister(lots.cle(lot_id, "essais"))):
        stockage.supprimer(essai.cle)
    stockage.supprimer(lots.cle(lot_id, "echec.txt"))
    lot.etat = "en_cours" if lots.faits(stockage, lot_id) else "en_attente"
    lot.message = ""
    lots.enregistrer(stockage, lot)
    return lot


def _disque_plein(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in DISQUE_PLEIN:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _compter_essai(ou, lot_id: str, debut: int) -> int:
    """One more failed try of the packet starting at ``debut``; how many so far."""
    stockage = lots.stockage_de(ou)
    cle = lots.cle(lot_id, "essais", str(debut))
    try:
        essai = int(stockage.lire(cle)) + 1
    except (OSError, ValueError):
        essai = 1
    try:
        stockage.ecrire(cle, str(essai).encode())
    except OSError:
        pass  # a full disk: the lot is échoué at once anyway
    return essai
