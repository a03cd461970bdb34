"""Bulk jobs (lots): one document per row, exactly once, resumable after any crash.

A lot lives in a folder of its own; everything about it is on disk, so that
any worker — a thread of the service, or ``python -m service worker`` on
another machine sharing the folder — can pick it up where it stopped::

    sorties/lots/<id>/
        lot.json         what to make, and its state (written atomically)
        lignes.jsonl     the validated rows, each with its document's identity and file name
        fait/<n>         written once row n's document is in documents/ (atomically, after it)
        verrous/<début>  the packet a worker is making (host, pid): nobody else makes it meanwhile
        essais/<début>   how many times the packet failed (see ``reprise``, which decides what then)
        echec.txt        the technical detail of why the lot is « échoué » (its reason is in lot.json)
        documents/       the documents, named from the declaration's pattern
        annule           present once the secretariat cancelled the lot
        <nom>.zip        when every row is done

Identities and file names are fixed when the lot is created, so that a row
made again after a crash gives the same file, never a second one. How a packet
that fails is tried again, and when a lot is « échoué », is decided in
``reprise`` alone.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import threading
import time
import uuid
import zipfile
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from service.catalogue.ecriture import ecrire_atomique, temporaires
from service.catalogue.gabarits import Catalogue
from service.catalogue.generation import FUSEAU, rendre
from service.catalogue.nommage import NomsUniques, nom_de_fichier, nom_sur
from service.catalogue.validation import en_json, valider
from service.pdf.paquets import pdf_pour_impression

DOCUMENTS_PAR_TACHE = 25  # rows of a lot in one queued task, made (and made again) together
ETATS = ("en_attente", "en_cours", "termine", "annule", "echoue")
LIBELLES = {"en_attente": "en attente", "en_cours": "en cours", "termine": "terminé",
            "annule": "annulé", "echoue": "échoué"}


class LotIntrouvable(Exception):
    pass


@dataclass
class Lot:
    id: str
    gabarit_id: str
    gabarit_version: int
    format: str
    impression: bool
    total: int
    cree_le: str
    nom: str
    etat: str = "en_attente"
    message: str = ""


def dossier_lots(sorties: Path) -> Path:
    return Path(sorties) / "lots"


def _dossier(sorties: Path, lot_id: str) -> Path:
    dossier = dossier_lots(sorties) / Path(lot_id).name
    if not (dossier / "lot.json").exists():
        raise LotIntrouvable(f"aucun lot « {lot_id} »")
    return dossier


def _ecrire(dossier: Path, lot: Lot) -> None:
    ecrire_atomique(dossier / "lot.json",
                    json.dumps(asdict(lot), ensure_ascii=False, indent=2).encode("utf-8"))


def dossier_du_lot(sorties: Path, lot_id: str) -> Path:
    return _dossier(sorties, lot_id)


def enregistrer(sorties: Path, lot: Lot) -> None:
    """Writes the lot's state (atomically: a reader sees the old state or the new one)."""
    _ecrire(_dossier(sorties, lot.id), lot)


def charger(sorties: Path, lot_id: str) -> Lot:
    return Lot(**json.loads((_dossier(sorties, lot_id) / "lot.json").read_text(encoding="utf-8")))


def creer(sorties: Path, catalogue: Catalogue, gabarit_id: str, valeurs: Sequence[dict], *,
          format_: str = "pdf", impression: bool = False, version: int | None = None) -> Lot:
    """Records a lot of already validated rows; nothing is generated yet."""
    gabarit = catalogue.gabarit(gabarit_id, version)
    maintenant = dt.datetime.now(FUSEAU)
    lot_id = f"{maintenant:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    dossier = dossier_lots(sorties) / lot_id
    (dossier / "fait").mkdir(parents=True)
    (dossier / "documents").mkdir()
    nommer = NomsUniques()
    with open(dossier / "lignes.jsonl", "w", encoding="utf-8") as f:
        for n, ligne in enumerate(valeurs):
            document_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"inspe-lot:{lot_id}:{n}"))
            numero = f"{maintenant:%Y%m%d}-{document_id[:6].upper()}"
            nom = nommer(nom_de_fichier(gabarit.formulaire.nom_fichier, ligne,
                                        date=maintenant.date(), numero=numero), f".{format_}")
            f.write(json.dumps({"document_id": document_id, "numero": numero, "fichier": nom,
                                "valeurs": en_json(ligne)}, ensure_ascii=False) + "\n")
    lot = Lot(lot_id, gabarit.id, gabarit.version, format_, impression, len(valeurs),
              maintenant.isoformat(timespec="seconds"),
              nom_sur(f"{gabarit.id} - lot de {len(valeurs)} - {maintenant:%Y-%m-%d %Hh%M}"))
    _ecrire(dossier, lot)
    return lot


def paquets(lot: Lot, taille: int = DOCUMENTS_PAR_TACHE) -> list[tuple[int, int]]:
    return [(i, min(i + taille, lot.total)) for i in range(0, lot.total, taille)]


def faits(sorties: Path, lot_id: str) -> set[int]:
    return {int(p.name) for p in (_dossier(sorties, lot_id) / "fait").iterdir()
            if p.name.isdigit()}


def annule(sorties: Path, lot_id: str) -> bool:
    return (_dossier(sorties, lot_id) / "annule").exists()


def annuler(sorties: Path, lot_id: str) -> Lot:
    dossier = _dossier(sorties, lot_id)
    (dossier / "annule").touch()
    lot = charger(sorties, lot_id)
    if lot.etat in ("en_attente", "en_cours"):
        lot.etat, lot.message = "annule", "annulé à la demande"
        _ecrire(dossier, lot)
    return lot


# A worker making a packet touches its lock every VERROU_PERIME_S / 3 seconds; a lock of another
# machine left untouched for VERROU_PERIME_S belongs to a worker that is gone: taken over.
VERROU_PERIME_S = 30


def _verrou(dossier: Path, debut: int) -> Path:
    return dossier / "verrous" / str(debut)


def _proprietaire_vivant(verrou: Path) -> bool:
    """Whether the worker that claimed a packet still runs (checked by pid on this machine)."""
    try:
        hote, pid, depuis = verrou.read_text().split()
    except (OSError, ValueError):
        return False
    if hote == socket.gethostname():
        try:
            os.kill(int(pid), 0)
            return True
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
    try:
        return time.time() - verrou.stat().st_mtime < VERROU_PERIME_S
    except OSError:
        return False


@contextmanager
def _entretenu(verrou: Path):
    """While its packet is being made, the lock is touched now and then: alive, for the
    workers of other machines (which cannot see this process)."""
    fin = threading.Event()

    def toucher():
        while not fin.wait(VERROU_PERIME_S / 3):
            try:
                os.utime(verrou)
            except OSError:
                return

    fil = threading.Thread(target=toucher, daemon=True, name="verrou-de-paquet")
    fil.start()
    try:
        yield
    finally:
        fin.set()


def pris(sorties: Path, lot_id: str, debut: int) -> bool:
    """Whether a live worker is making this packet now."""
    verrou = _verrou(_dossier(sorties, lot_id), debut)
    return verrou.exists() and _proprietaire_vivant(verrou)


def _prendre(dossier: Path, debut: int) -> Path | None:
    verrou = _verrou(dossier, debut)
    verrou.parent.mkdir(exist_ok=True)
    signature = f"{socket.gethostname()} {os.getpid()} {time.time()}"
    for _ in range(2):
        try:
            with open(verrou, "x") as f:
                f.write(signature)
            return verrou
        except FileExistsError:
            if _proprietaire_vivant(verrou):
                return None
            verrou.unlink(missing_ok=True)  # its worker died: take the packet over
    return None


def traiter_paquet(sorties: Path, catalogue: Catalogue, lot_id: str, debut: int, fin: int,
                   fabriquer_pdfs=None) -> int:
    """Makes rows [debut, fin) that are not done yet; returns how many it made.

    ``fabriquer_pdfs(documents) -> list[bytes]`` turns documents into PDFs (the
    worker's LibreOffice pool); a row is marked done only after its file is in
    place, so a crash at any point leaves it either done or to do.
    """
    dossier = _dossier(sorties, lot_id)
    lot = charger(sorties, lot_id)
    if annule(sorties, lot_id) or lot.etat in ("termine", "annule", "echoue"):
        return 0  # an échoué lot goes on only when relaunched (see reprise)
    if lot.etat == "en_attente":
        lot.etat = "en_cours"
        _ecrire(dossier, lot)
    verrou = _prendre(dossier, debut)
    if verrou is None:
        return 0  # another worker is making it
    try:
        with _entretenu(verrou):
            return _faire(sorties, catalogue, lot, debut, fin, fabriquer_pdfs)
    finally:
        verrou.unlink(missing_ok=True)


def _faire(sorties: Path, catalogue: Catalogue, lot: Lot, debut: int, fin: int,
           fabriquer_pdfs) -> int:
    """Rows [debut, fin) not done yet, made under the packet's lock: how many."""
    dossier = _dossier(sorties, lot.id)
    gabarit = catalogue.gabarit(lot.gabarit_id, lot.gabarit_version)
    deja = faits(sorties, lot.id)
    lignes = _lignes(dossier)[debut:fin]
    a_faire = [(n, ligne) for n, ligne in enumerate(lignes, debut) if n not in deja]
    if not a_faire:
        return 0
    documents = [rendre(catalogue, gabarit, valider(gabarit.formulaire, ligne["valeurs"]),
                        identite=(ligne["document_id"], ligne["numero"]))
                 for _, ligne in a_faire]
    contenus = ([d.docx for d in documents] if lot.format == "docx"
                else fabriquer_pdfs(documents))
    for (n, ligne), contenu in zip(a_faire, contenus):
        ecrire_atomique(dossier / "documents" / ligne["fichier"], contenu)
        ecrire_atomique(dossier / "fait" / str(n), ligne["document_id"].encode())
    return len(a_faire)


def _lignes(dossier: Path) -> list[dict]:
    with open(dossier / "lignes.jsonl", encoding="utf-8") as f:
        return [json.loads(ligne) for ligne in f]


def finir(sorties: Path, lot_id: str) -> Path | None:
    """Once every row is done: the ZIP (and the print-ready PDF); None while rows remain."""
    dossier = _dossier(sorties, lot_id)
    lot = charger(sorties, lot_id)
    if lot.etat == "termine":
        return dossier / f"{lot.nom}.zip"
    if len(faits(sorties, lot_id)) < lot.total or annule(sorties, lot_id):
        return None
    # a worker killed while writing a file left its temporary copy: every row is done, it goes
    for reste in temporaires(dossier / "documents") + temporaires(dossier / "fait"):
        reste.unlink(missing_ok=True)
    fichiers = [dossier / "documents" / ligne["fichier"] for ligne in _lignes(dossier)]
    archive = dossier / f"{lot.nom}.zip"
    # a name of its own: two workers finishing the lot at once never write into one file
    partiel = archive.with_name(f".{archive.name}.{uuid.uuid4().hex[:8]}.partiel")
    try:
        with zipfile.ZipFile(partiel, "w", zipfile.ZIP_DEFLATED) as z:
            for fichier in fichiers:
                z.write(fichier, fichier.name)
            if lot.impression and lot.format == "pdf":
                z.writestr(f"{lot.nom} - impression.pdf", pdf_pour_impression(
                    [f"{f.stem} (n° {ligne['numero']})"
                     for f, ligne in zip(fichiers, _lignes(dossier))],
                    [f.read_bytes() for f in fichiers]))
        partiel.replace(archive)
    except BaseException:
        partiel.unlink(missing_ok=True)  # a disk full leaves no half-written ZIP behind
        raise
    lot.etat, lot.message = "termine", f"{lot.total} document(s)"
    _ecrire(dossier, lot)
    return archive


@dataclass(frozen=True)
class Avancement:
    faits: int
    total: int
    etat: str
    restant_s: float | None  # estimated seconds left
    raison: str = ""  # why an échoué lot stopped, in French

    @property
    def resume(self) -> str:
        """How far, without the reason (a page shows that apart)."""
        reste = f", environ {self.restant_s:.0f} s restantes" if self.restant_s else ""
        return f"{self.faits}/{self.total} documents ({LIBELLES[self.etat]}{reste})"

    def __str__(self) -> str:
        return self.resume + (f" : {self.raison}" if self.raison else "")


def avancement(sorties: Path, lot_id: str) -> Avancement:
    lot = charger(sorties, lot_id)
    fait = len(faits(sorties, lot_id))
    restant = None
    if 0 < fait < lot.total and lot.etat == "en_cours":
        ecoule = time.time() - dt.datetime.fromisoformat(lot.cree_le).timestamp()
        restant = ecoule / fait * (lot.total - fait)
    return Avancement(fait, lot.total, lot.etat, restant,
                      lot.message if lot.etat == "echoue" else "")


def inacheves(sorties: Path) -> list[str]:
    """Lots that a worker (re)starting must resume (not an échoué one: it waits to be relaunched)."""
    racine = dossier_lots(sorties)
    if not racine.exists():
        return []
    return sorted(d.name for d in racine.iterdir() if (d / "lot.json").exists()
                  and charger(sorties, d.name).etat in ("en_attente", "en_cours")
                  and not (d / "annule").exists())


def supprimer(sorties: Path, lot_id: str) -> None:
    """Deletes a finished or cancelled lot and its documents (the secretariat's decision)."""
    dossier = _dossier(sorties, lot_id)
    if charger(sorties, lot_id).etat in ("en_attente", "en_cours") and not annule(sorties, lot_id):
        raise ValueError("un lot en cours se supprime après l'avoir annulé")
    corbeille = dossier.with_name(f".{dossier.name}.supprime")
    dossier.rename(corbeille)  # gone at once for every reader, then removed
    shutil.rmtree(corbeille)


def tous(sorties: Path) -> list[Lot]:
    """Every lot, newest first."""
    racine = dossier_lots(sorties)
    if not racine.exists():
        return []
    return [charger(sorties, d.name) for d in sorted(racine.iterdir(), reverse=True)
            if (d / "lot.json").exists()]


def purger(sorties: Path, jours: int) -> list[str]:
    """Deletes the finished or cancelled lots older than the retention period; returns their ids."""
    limite = dt.datetime.now(FUSEAU) - dt.timedelta(days=jours)
    supprimes = []
    for lot in tous(sorties):
        if (lot.etat in ("termine", "annule", "echoue")
                and dt.datetime.fromisoformat(lot.cree_le) < limite):
            supprimer(sorties, lot.id)
            supprimes.append(lot.id)
    return supprimes
