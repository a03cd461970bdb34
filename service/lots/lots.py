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
        ignorees.json    the spreadsheet's rows skipped (« générer quand même »): row, column, why
        refus/<n>        why row n's document could not join its stagiaire's dossier
        <nom>.zip        when every row is done (with « lignes non générées.txt » if rows were
                         skipped)

A lot launched by a person (``auteur``) in PDF puts each document where the online form
does: kept in ``sorties/documents/<numéro>/`` (readable at /documents/<numéro> by the
stagiaire's trio) and, when its row names a roster stagiaire the author writes for
(service/dossier/depots.py), in that stagiaire's dossier, « en signature » — one
transaction per packet. A row whose stagiaire is not in the roster is made all the same.

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

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.archive import documents as dossiers
from service.catalogue.ecriture import ecrire_atomique, temporaires
from service.catalogue.gabarits import Catalogue
from service.catalogue.generation import FUSEAU, rendre
from service.catalogue.nommage import NomsUniques, nom_de_fichier, nom_sur
from service.catalogue.validation import en_json, valider
from service.dossier import depots, suivi
from service.pdf.paquets import pdf_pour_impression
from service.personnes.acces import Trio
from service.personnes.effectifs import Stagiaire

DOCUMENTS_PAR_TACHE = 25  # rows of a lot in one queued task, made (and made again) together
ETATS = ("en_attente", "en_cours", "termine", "annule", "echoue")
LIBELLES = {"en_attente": "en attente", "en_cours": "en cours", "termine": "terminé",
            "annule": "annulé", "echoue": "échoué"}
NON_GENERES = "lignes non générées.txt"  # in the ZIP, when the spreadsheet's rows were skipped


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
    # who launched it ({"id", "identifiant"}): its documents go into the dossiers it writes for
    auteur: dict | None = None


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
          format_: str = "pdf", impression: bool = False, version: int | None = None,
          base=None, auteur=None, numeros: Sequence[int] | None = None,
          ignorees: Sequence = ()) -> Lot:
    """Records a lot of already validated rows; nothing is generated yet.

    ``auteur`` (the account that launches it) and ``base``: each row's stagiaire is looked up
    in the roster now, with the author's rights (``depots.places``). ``numeros``: each row's
    number in the spreadsheet; ``ignorees``: the spreadsheet's problems (``ErreurCellule``) of
    the rows skipped, listed on the lot's page and in its ZIP."""
    gabarit = catalogue.gabarit(gabarit_id, version)
    places = (depots.places(base, gabarit.formulaire, list(valeurs), auteur)
              if base is not None and auteur is not None else [None] * len(valeurs))
    numeros = list(numeros) if numeros is not None else list(range(1, len(valeurs) + 1))
    maintenant = dt.datetime.now(FUSEAU)
    lot_id = f"{maintenant:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    dossier = dossier_lots(sorties) / lot_id
    (dossier / "fait").mkdir(parents=True)
    (dossier / "documents").mkdir()
    if ignorees:
        ecrire_atomique(dossier / "ignorees.json", json.dumps(
            [{"ligne": e.ligne, "colonne": e.colonne, "message": e.message} for e in ignorees],
            ensure_ascii=False).encode("utf-8"))
    nommer = NomsUniques()
    with open(dossier / "lignes.jsonl", "w", encoding="utf-8") as f:
        for n, (ligne, place) in enumerate(zip(valeurs, places)):
            document_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"inspe-lot:{lot_id}:{n}"))
            numero = f"{maintenant:%Y%m%d}-{document_id[:6].upper()}"
            nom = nommer(nom_de_fichier(gabarit.formulaire.nom_fichier, ligne,
                                        date=maintenant.date(), numero=numero), f".{format_}")
            f.write(json.dumps({"document_id": document_id, "numero": numero, "fichier": nom,
                                "valeurs": en_json(ligne), "ligne": numeros[n],
                                **(asdict(place) if place else {})},
                               ensure_ascii=False) + "\n")
    lot = Lot(lot_id, gabarit.id, gabarit.version, format_, impression, len(valeurs),
              maintenant.isoformat(timespec="seconds"),
              nom_sur(f"{gabarit.titre} - {len(valeurs)} documents - {maintenant:%Y-%m-%d %Hh%M}"),
              auteur={"id": auteur.id, "identifiant": auteur.identifiant} if auteur else None)
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
                   fabriquer_pdfs=None, base=None, stockage=None) -> int:
    """Makes rows [debut, fin) that are not done yet; returns how many it made.

    ``fabriquer_pdfs(documents) -> list[bytes]`` turns documents into PDFs (the
    worker's LibreOffice pool); a row is marked done only after its file is in
    place (and, with ``base``, its document kept in ``stockage`` — service/stockage,
    by default the folder ``sorties`` — and in its dossier), so a crash at any point
    leaves it either done or to do.
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
            return _faire(sorties, catalogue, lot, debut, fin, fabriquer_pdfs, base,
                          sorties if stockage is None else stockage)
    finally:
        verrou.unlink(missing_ok=True)


def _faire(sorties: Path, catalogue: Catalogue, lot: Lot, debut: int, fin: int,
           fabriquer_pdfs, base, stockage) -> int:
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
    for (_, ligne), contenu in zip(a_faire, contenus):
        ecrire_atomique(dossier / "documents" / ligne["fichier"], contenu)
    if lot.auteur is not None and lot.format == "pdf":
        _garder(sorties, stockage, catalogue, base, lot, gabarit, a_faire, documents, contenus)
    for n, ligne in a_faire:
        ecrire_atomique(dossier / "fait" / str(n), ligne["document_id"].encode())
    return len(a_faire)


def _garder(sorties, stockage, catalogue, base, lot: Lot, gabarit, a_faire, documents, pdfs) -> None:
    """The packet's documents kept as the online form keeps one (document.json, with the
    trio of its roster stagiaire), then in their dossiers, in one transaction."""
    ids = {ligne.get("stagiaire_id") for _, ligne in a_faire} - {None}
    stagiaires = {}
    if ids and base is not None:
        with Session(base, expire_on_commit=False) as session:
            stagiaires = {s.id: s for s in session.scalars(
                select(Stagiaire).where(Stagiaire.id.in_(ids)))}
    crees, refus = [], {}
    for (_, ligne), document, pdf in zip(a_faire, documents, pdfs):
        stagiaire = stagiaires.get(ligne.get("stagiaire_id"))
        if not _garde(stockage, document, pdf, lot.auteur["id"], stagiaire):
            refus[document.numero] = "son numéro est déjà celui d'un autre document"
        elif stagiaire is not None:
            crees.append((stagiaire, document.numero))
    if crees:
        refus |= suivi.documents_crees(base, catalogue, gabarit, crees, lot.auteur["id"],
                                       f"{lot.auteur['identifiant']} (lot {lot.id})")
    rangs = {ligne["numero"]: n for n, ligne in a_faire}
    for numero, raison in refus.items():
        (_dossier(sorties, lot.id) / "refus").mkdir(exist_ok=True)
        ecrire_atomique(_dossier(sorties, lot.id) / "refus" / str(rangs[numero]),
                        raison.encode("utf-8"))


def _garde(stockage, document, pdf: bytes, auteur: int | None, stagiaire) -> bool:
    """Keeps a lot's document in documents/<numéro>/ (once: a packet made again after a crash
    finds it there); False if that numéro is another document's."""
    try:
        return dossiers.fiche(stockage, document.numero)["document_id"] == document.document_id
    except dossiers.DossierIntrouvable:
        dossiers.supprimer(stockage, document.numero)  # what a crash left before its document.json
    trio = Trio.de(stagiaire)
    dossiers.enregistrer(stockage, document, pdf, auteur=auteur,
                         trio=sorted(trio.membres) if trio else [],
                         postes=asdict(trio) if trio else None,
                         stagiaire_id=stagiaire.id if stagiaire else None)
    return True


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
            if (dossier / "ignorees.json").exists():
                z.writestr(NON_GENERES, rapport_non_generes(ignorees(sorties, lot_id)))
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


def ignorees(sorties: Path, lot_id: str) -> list[dict]:
    """The spreadsheet's problems of the rows the lot skipped: {ligne, colonne, message}."""
    chemin = _dossier(sorties, lot_id) / "ignorees.json"
    return json.loads(chemin.read_text(encoding="utf-8")) if chemin.exists() else []


def rapport_non_generes(problemes: list[dict]) -> str:
    """« lignes non générées.txt »: each skipped row, its column and what is wrong."""
    lignes = sorted({p["ligne"] for p in problemes})
    texte = [f"{len(lignes)} ligne(s) du tableur non générée(s) : corrigez-les et importez-les "
             "dans un nouveau lot.", ""]
    for p in problemes:
        ou = f"ligne {p['ligne']}" + (f", colonne « {p['colonne']} »" if p["colonne"] else "")
        texte.append(f"{ou} : {p['message']}")
    return "\r\n".join(texte) + "\r\n"


@dataclass(frozen=True)
class HorsDossier:
    """A row whose document joins no dossier, and why (« hors effectifs »…)."""
    ligne: int
    stagiaire: str
    raison: str


def hors_dossier(sorties: Path, lot_id: str) -> list[HorsDossier]:
    """The rows of a lot launched by a person whose document is in no stagiaire's dossier."""
    dossier = _dossier(sorties, lot_id)
    lot = charger(sorties, lot_id)
    if lot.auteur is None:
        return []
    refus = dossier / "refus"
    sortie = []
    for n, ligne in enumerate(_lignes(dossier)):
        raison = ligne.get("raison") or ""
        if not raison and (refus / str(n)).exists():
            raison = (refus / str(n)).read_text(encoding="utf-8")
        if raison:
            sortie.append(HorsDossier(ligne.get("ligne", n + 1), ligne.get("stagiaire", ""), raison))
    return sortie


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
