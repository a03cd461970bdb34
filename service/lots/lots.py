"""Bulk jobs (lots): one document per row, exactly once, resumable after any crash.

Everything about a lot is in the service's storage (service/stockage: the folder ``sorties/``
by default, or an S3 bucket), under keys of its own, so that any worker — the one ``serve``
starts, or ``python -m service worker`` on another machine with its own empty folders — can
pick it up where it stopped, and any web node shows how far it is::

    lots/<id>/
        lot.json         what to make, and its state (written atomically)
        lignes.jsonl     the validated rows, each with its document's identity and file name
        paquets/<a>-<b>.zip  rows a to b - 1's documents, one entry per row (named by its
                         number), written whole once the packet is made (and its documents
                         kept in their dossiers): the rows are done once it is there
        essais/<début>   how many times the packet failed (see ``reprise``, which decides what then)
        echec.txt        the technical detail of why the lot is « échoué » (its reason is in lot.json)
        documents/, fait/<n>  an older version's: one file per document, one marker per row
                         (a lot begun before an upgrade is finished from both)
        annule           present once the secretariat cancelled the lot
        ignorees.json    the spreadsheet's rows skipped (« générer quand même »): row, column, why
        refus/<n>        why row n's document could not join its stagiaire's dossier
        <nom>.zip        when every row is done (with « lignes non générées.txt » if rows were
                         skipped), built in the process's temporary folder, then written whole

The packet a worker is making is locked in the database every machine shares (``verrous``):
nobody else makes it meanwhile, and a dead worker's packet is taken over.

A lot launched by a person (``auteur``) in PDF puts each document where the online form
does: kept in ``documents/<numéro>/`` of the same storage (readable at /documents/<numéro> by
the stagiaire's trio) and, when its row names a roster stagiaire the author writes for
(service/dossier/depots.py), in that stagiaire's dossier, « en signature » — one
transaction per packet. A row whose stagiaire is not in the roster is made all the same.

Identities and file names are fixed when the lot is created, so that a row
made again after a crash gives the same file, never a second one. How a packet
that fails is tried again, and when a lot is « échoué », is decided in
``reprise`` alone.

Every function takes the storage; a folder given as a path is the local storage of that folder.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
import time
import uuid
import zipfile
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.archive import documents as dossiers
from service.catalogue.gabarits import Catalogue
from service.catalogue.generation import FUSEAU, rendre
from service.catalogue.nommage import NomsUniques, nom_de_fichier, nom_sur
from service.catalogue.validation import en_json, valider
from service.dossier import depots, suivi
from service.pdf.paquets import pdf_pour_impression
from service.personnes.acces import Trio
from service.personnes.effectifs import Stagiaire
from service.stockage import Absent, Dossier, Stockage

from . import verrous

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


RACINE = "lots"  # the lots' keys in the storage: lots/<id>/…
PERIME_RESTE_S = 86400  # a lot's keys without its lot.json this old: a deletion cut short


def stockage_de(ou: Stockage | Path) -> Stockage:
    """``ou`` when it is a storage; a folder (a path) as the local storage of that folder."""
    return Dossier(Path(ou)) if isinstance(ou, (str, Path)) else ou


def cle(lot_id: str, *parties: str) -> str:
    """The key of ``parties`` of lot ``lot_id`` (its folder's without): an id from a URL never
    leaves lots/."""
    if not lot_id or "/" in lot_id or "\\" in lot_id or lot_id.startswith("."):
        raise LotIntrouvable(f"aucun lot « {lot_id} »")
    return "/".join((RACINE, lot_id, *parties))


def _ecrire(stockage: Stockage, lot: Lot) -> None:
    stockage.ecrire(cle(lot.id, "lot.json"),
                    json.dumps(asdict(lot), ensure_ascii=False, indent=2).encode("utf-8"))


def enregistrer(ou, lot: Lot) -> None:
    """Writes the lot's state (atomically: a reader sees the old state or the new one)."""
    _ecrire(stockage_de(ou), lot)


def charger(ou, lot_id: str) -> Lot:
    try:
        return Lot(**json.loads(stockage_de(ou).lire(cle(lot_id, "lot.json"))))
    except Absent:
        raise LotIntrouvable(f"aucun lot « {lot_id} »") from None


def creer(ou, catalogue: Catalogue, gabarit_id: str, valeurs: Sequence[dict], *,
          format_: str = "pdf", impression: bool = False, version: int | None = None,
          base=None, auteur=None, numeros: Sequence[int] | None = None,
          ignorees: Sequence = ()) -> Lot:
    """Records a lot of already validated rows; nothing is generated yet.

    ``auteur`` (the account that launches it) and ``base``: each row's stagiaire is looked up
    in the roster now, with the author's rights (``depots.places``). ``numeros``: each row's
    number in the spreadsheet; ``ignorees``: the spreadsheet's problems (``ErreurCellule``) of
    the rows skipped, listed on the lot's page and in its ZIP. Its lot.json is written last:
    until then, the lot does not exist."""
    stockage = stockage_de(ou)
    gabarit = catalogue.gabarit(gabarit_id, version)
    places = (depots.places(base, gabarit.formulaire, list(valeurs), auteur)
              if base is not None and auteur is not None else [None] * len(valeurs))
    numeros = list(numeros) if numeros is not None else list(range(1, len(valeurs) + 1))
    maintenant = dt.datetime.now(FUSEAU)
    lot_id = f"{maintenant:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    if ignorees:
        stockage.ecrire(cle(lot_id, "ignorees.json"), json.dumps(
            [{"ligne": e.ligne, "colonne": e.colonne, "message": e.message} for e in ignorees],
            ensure_ascii=False).encode("utf-8"))
    nommer = NomsUniques()
    lignes = []
    for n, (ligne, place) in enumerate(zip(valeurs, places)):
        document_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"inspe-lot:{lot_id}:{n}"))
        numero = f"{maintenant:%Y%m%d}-{document_id[:6].upper()}"
        nom = nommer(nom_de_fichier(gabarit.formulaire.nom_fichier, ligne,
                                    date=maintenant.date(), numero=numero), f".{format_}")
        lignes.append(json.dumps({"document_id": document_id, "numero": numero, "fichier": nom,
                                  "valeurs": en_json(ligne), "ligne": numeros[n],
                                  **(asdict(place) if place else {})},
                                 ensure_ascii=False) + "\n")
    stockage.ecrire(cle(lot_id, "lignes.jsonl"), "".join(lignes).encode("utf-8"))
    lot = Lot(lot_id, gabarit.id, gabarit.version, format_, impression, len(valeurs),
              maintenant.isoformat(timespec="seconds"),
              nom_sur(f"{gabarit.titre} - {len(valeurs)} documents - {maintenant:%Y-%m-%d %Hh%M}"),
              auteur={"id": auteur.id, "identifiant": auteur.identifiant} if auteur else None)
    _ecrire(stockage, lot)
    return lot


def paquets(lot: Lot, taille: int = DOCUMENTS_PAR_TACHE) -> list[tuple[int, int]]:
    return [(i, min(i + taille, lot.total)) for i in range(0, lot.total, taille)]


def faits(ou, lot_id: str) -> set[int]:
    """The rows done, from the names of the packets' archives alone (and of an older version's
    markers): a listing or two, whatever the lot's size."""
    stockage = stockage_de(ou)
    rangs = _faits_avant(stockage, lot_id)
    for debut, fin, _ in _paquets_faits(stockage, lot_id):
        rangs.update(range(debut, fin))
    return rangs


def _faits_avant(stockage: Stockage, lot_id: str) -> set[int]:
    """The rows an older version marked done, one fait/<n> each."""
    noms = (e.cle.rpartition("/")[2] for e in stockage.lister(cle(lot_id, "fait")))
    return {int(nom) for nom in noms if nom.isdigit()}


def _paquets_faits(stockage: Stockage, lot_id: str) -> list[tuple[int, int, str]]:
    """(début, fin, key) of each packet's archive, in the rows' order."""
    sortie = []
    for entree in stockage.lister(cle(lot_id, "paquets")):
        debut, _, fin = entree.cle.rpartition("/")[2].removesuffix(".zip").partition("-")
        if debut.isdigit() and fin.isdigit():
            sortie.append((int(debut), int(fin), entree.cle))
    return sorted(sortie)


def annule(ou, lot_id: str) -> bool:
    return stockage_de(ou).existe(cle(lot_id, "annule"))


def annuler(ou, lot_id: str) -> Lot:
    stockage = stockage_de(ou)
    charger(stockage, lot_id)  # LotIntrouvable
    stockage.ecrire(cle(lot_id, "annule"), b"")
    lot = charger(stockage, lot_id)
    if lot.etat in ("en_attente", "en_cours"):
        lot.etat, lot.message = "annule", "annulé à la demande"
        _ecrire(stockage, lot)
    return lot


def pris(base, lot_id: str, debut: int) -> bool:
    """Whether a live worker is making this packet now (never, without a database)."""
    return base is not None and verrous.pris(base, lot_id, debut)


def traiter_paquet(ou, catalogue: Catalogue, lot_id: str, debut: int, fin: int,
                   fabriquer_pdfs=None, base=None) -> int:
    """Makes rows [debut, fin) that are not done yet; returns how many it made.

    ``fabriquer_pdfs(documents) -> list[bytes]`` turns documents into PDFs (the
    worker's LibreOffice pool); a row is marked done only after its file is in
    place (and, with ``base``, its document kept in ``documents/`` of the storage and in
    its dossier), so a crash at any point leaves it either done or to do.

    With ``base``, the packet is made under its lock (``verrous``): by one worker at a time,
    whatever machine it runs on. Without (a test, one process), no lock is taken.
    """
    stockage = stockage_de(ou)
    lot = charger(stockage, lot_id)
    if annule(stockage, lot_id) or lot.etat in ("termine", "annule", "echoue"):
        return 0  # an échoué lot goes on only when relaunched (see reprise)
    if lot.etat == "en_attente":
        lot.etat = "en_cours"
        _ecrire(stockage, lot)
    if base is None:
        return _faire(stockage, catalogue, lot, debut, fin, fabriquer_pdfs, base)
    moi = verrous.prendre(base, lot_id, debut)
    if moi is None:
        return 0  # another worker is making it
    with verrous.entretenu(base, lot_id, debut, moi):
        return _faire(stockage, catalogue, lot, debut, fin, fabriquer_pdfs, base)


def _faire(stockage: Stockage, catalogue: Catalogue, lot: Lot, debut: int, fin: int,
           fabriquer_pdfs, base) -> int:
    """Rows [debut, fin) not done yet, made under the packet's lock: how many."""
    gabarit = catalogue.gabarit(lot.gabarit_id, lot.gabarit_version)
    deja = faits(stockage, lot.id)
    lignes = _lignes(stockage, lot.id)[debut:fin]
    a_faire = [(n, ligne) for n, ligne in enumerate(lignes, debut) if n not in deja]
    if not a_faire:
        return 0
    documents = [rendre(catalogue, gabarit, valider(gabarit.formulaire, ligne["valeurs"]),
                        identite=(ligne["document_id"], ligne["numero"]))
                 for _, ligne in a_faire]
    contenus = ([d.docx for d in documents] if lot.format == "docx"
                else fabriquer_pdfs(documents))
    if lot.auteur is not None and lot.format == "pdf":
        _garder(stockage, catalogue, base, lot, gabarit, a_faire, documents, contenus)
    # last, the packet's documents in one archive: its rows are done once it is there. One
    # write per packet, not one per document (on S3, each is a request); a packet cut short is
    # made again whole, and its documents kept in their dossiers are found there (``_garde``)
    stockage.ecrire(cle(lot.id, "paquets", f"{debut}-{fin}.zip"),
                    _archive_du_paquet([n for n, _ in a_faire], contenus))
    return len(a_faire)


def _archive_du_paquet(rangs: list[int], contenus: list[bytes]) -> bytes:
    """A packet's documents, stored as they are (the lot's ZIP compresses), named by row."""
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_STORED) as z:
        for rang, contenu in zip(rangs, contenus, strict=True):
            z.writestr(str(rang), contenu)
    return tampon.getvalue()


def documents_faits(ou, lot_id: str) -> Iterator[tuple[int, bytes]]:
    """(row, document) of every row done: from the packets' archives, in the rows' order (read
    three ahead: on S3 each is a round trip), then from an older version's documents/ the rows
    none holds. A row in two archives (a packet's bounds changed between two runs) comes once."""
    stockage = stockage_de(ou)
    paquets = _paquets_faits(stockage, lot_id)
    archives = _dans_l_ordre(stockage, [c for _, _, c in paquets], fenetre=3)  # ~4 Mo each
    vus: set[int] = set()
    for archive in archives:
        with zipfile.ZipFile(io.BytesIO(archive)) as z:
            for nom in z.namelist():
                if nom.isdigit() and int(nom) not in vus:
                    vus.add(int(nom))
                    yield int(nom), z.read(nom)
    anciens = sorted(_faits_avant(stockage, lot_id) - vus)
    if anciens:
        lignes = _lignes(stockage, lot_id)
        cles = [cle(lot_id, "documents", lignes[n]["fichier"]) for n in anciens]
        yield from zip(anciens, _dans_l_ordre(stockage, cles), strict=True)


def _en_parallele(fonction, elements: list, fenetre: int = 8) -> list:
    """``fonction`` over ``elements``, ``fenetre`` at a time, results in order. A packet's files
    are independent of one another; on S3 each write is a round trip, and one after the other
    they left LibreOffice idle while the worker waited on the server."""
    if len(elements) <= 1:
        return [fonction(e) for e in elements]
    with ThreadPoolExecutor(min(fenetre, len(elements))) as pool:
        return list(pool.map(fonction, elements))


def _garder(stockage, catalogue, base, lot: Lot, gabarit, a_faire, documents, pdfs) -> None:
    """The packet's documents kept as the online form keeps one (document.json, with the
    trio of its roster stagiaire), then in their dossiers, in one transaction."""
    ids = {ligne.get("stagiaire_id") for _, ligne in a_faire} - {None}
    stagiaires = {}
    if ids and base is not None:
        with Session(base, expire_on_commit=False) as session:
            stagiaires = {s.id: s for s in session.scalars(
                select(Stagiaire).where(Stagiaire.id.in_(ids)))}
    crees, refus = [], {}
    lignes = [(document, pdf, stagiaires.get(ligne.get("stagiaire_id")))
              for (_, ligne), document, pdf in zip(a_faire, documents, pdfs)]
    gardes = _en_parallele(lambda x: _garde(stockage, x[0], x[1], lot.auteur["id"], x[2]), lignes)
    for (document, _, stagiaire), garde in zip(lignes, gardes, strict=True):
        if not garde:
            refus[document.numero] = "son numéro est déjà celui d'un autre document"
        elif stagiaire is not None:
            crees.append((stagiaire, document.numero))
    if crees:
        refus |= suivi.documents_crees(base, catalogue, gabarit, crees, lot.auteur["id"],
                                       f"{lot.auteur['identifiant']} (lot {lot.id})")
    rangs = {ligne["numero"]: n for n, ligne in a_faire}
    for numero, raison in refus.items():
        stockage.ecrire(cle(lot.id, "refus", str(rangs[numero])), raison.encode("utf-8"))


def _garde(stockage, document, pdf: bytes, auteur: int | None, stagiaire) -> bool:
    """Keeps a lot's document in documents/<numéro>/ (once: a packet made again after a crash
    finds it there); False if that numéro is another document's."""
    try:
        return dossiers.fiche(stockage, document.numero)["document_id"] == document.document_id
    except dossiers.DossierIntrouvable:
        pass  # what a crash left before its document.json has the same names: written over
    trio = Trio.de(stagiaire)
    dossiers.enregistrer(stockage, document, pdf, nouveau=True, auteur=auteur,
                         trio=sorted(trio.membres) if trio else [],
                         postes=asdict(trio) if trio else None,
                         stagiaire_id=stagiaire.id if stagiaire else None)
    return True


def _lignes(stockage: Stockage, lot_id: str) -> list[dict]:
    texte = stockage.lire(cle(lot_id, "lignes.jsonl")).decode("utf-8")
    return [json.loads(ligne) for ligne in texte.splitlines() if ligne]


def cle_du_zip(lot: Lot) -> str:
    return cle(lot.id, f"{lot.nom}.zip")


def _dans_l_ordre(stockage, cles: list[str], fenetre: int = 8) -> Iterator[bytes]:
    """The files under ``cles``, in order, read ``fenetre`` at a time: on S3 each read is a round
    trip to the server, and a ZIP waited for each of them one after the other."""
    with ThreadPoolExecutor(fenetre) as pool:
        en_cours: deque = deque()
        for c in cles:
            en_cours.append(pool.submit(stockage.lire, c))
            if len(en_cours) >= fenetre:
                yield en_cours.popleft().result()
        while en_cours:
            yield en_cours.popleft().result()


def finir(ou, lot_id: str) -> str | None:
    """Once every row is done: the ZIP (and the print-ready PDF), where a person finds it
    (``Stockage.adresse``); None while rows remain.

    The ZIP is built from the storage's documents in a file of this process's temporary
    folder, then written to the storage whole (``ecrire``): a reader never sees half of one.
    """
    stockage = stockage_de(ou)
    lot = charger(stockage, lot_id)
    if lot.etat == "termine":
        return stockage.adresse(cle_du_zip(lot))
    if len(faits(stockage, lot_id)) < lot.total or annule(stockage, lot_id):
        return None
    # a worker killed while writing a file left its temporary copy: every row is done, it goes
    for dossier in ("paquets", "documents", "fait"):
        for reste in list(stockage.temporaires(cle(lot_id, dossier))):
            stockage.supprimer(reste.cle)
    lignes = _lignes(stockage, lot_id)
    pour_impression = lot.impression and lot.format == "pdf"
    with tempfile.TemporaryFile() as tampon:  # a disk full leaves no half-written ZIP behind
        with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as z:
            pdfs = {}
            for rang, contenu in documents_faits(stockage, lot_id):
                z.writestr(lignes[rang]["fichier"], contenu)
                if pour_impression:
                    pdfs[rang] = contenu
            if pour_impression:
                z.writestr(f"{lot.nom} - impression.pdf", pdf_pour_impression(
                    [f"{Path(ligne['fichier']).stem} (n° {ligne['numero']})" for ligne in lignes],
                    [pdfs[rang] for rang in range(len(lignes))]))
            problemes = ignorees(stockage, lot_id)
            if problemes:
                z.writestr(NON_GENERES, rapport_non_generes(problemes))
        tampon.seek(0)
        stockage.ecrire(cle_du_zip(lot), tampon.read())
    lot.etat, lot.message = "termine", f"{lot.total} document(s)"
    _ecrire(stockage, lot)
    return stockage.adresse(cle_du_zip(lot))


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


def ignorees(ou, lot_id: str) -> list[dict]:
    """The spreadsheet's problems of the rows the lot skipped: {ligne, colonne, message}."""
    try:
        return json.loads(stockage_de(ou).lire(cle(lot_id, "ignorees.json")))
    except Absent:
        return []


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


def hors_dossier(ou, lot_id: str) -> list[HorsDossier]:
    """The rows of a lot launched by a person whose document is in no stagiaire's dossier."""
    stockage = stockage_de(ou)
    lot = charger(stockage, lot_id)
    if lot.auteur is None:
        return []
    refus = {e.cle.rpartition("/")[2] for e in stockage.lister(cle(lot_id, "refus"))}
    sortie = []
    for n, ligne in enumerate(_lignes(stockage, lot_id)):
        raison = ligne.get("raison") or ""
        if not raison and str(n) in refus:
            raison = stockage.lire(cle(lot_id, "refus", str(n))).decode("utf-8")
        if raison:
            sortie.append(HorsDossier(ligne.get("ligne", n + 1), ligne.get("stagiaire", ""), raison))
    return sortie


def avancement(ou, lot_id: str) -> Avancement:
    stockage = stockage_de(ou)
    lot = charger(stockage, lot_id)
    fait = len(faits(stockage, lot_id))
    restant = None
    if 0 < fait < lot.total and lot.etat == "en_cours":
        ecoule = time.time() - dt.datetime.fromisoformat(lot.cree_le).timestamp()
        restant = ecoule / fait * (lot.total - fait)
    return Avancement(fait, lot.total, lot.etat, restant,
                      lot.message if lot.etat == "echoue" else "")


def inacheves(ou) -> list[str]:
    """Lots that a worker (re)starting must resume (not an échoué one: it waits to be relaunched)."""
    stockage = stockage_de(ou)
    return sorted(lot.id for lot in tous(stockage) if lot.etat in ("en_attente", "en_cours")
                  and not annule(stockage, lot.id))


def supprimer(ou, lot_id: str, base=None) -> None:
    """Deletes a finished or cancelled lot and its documents (the secretariat's decision).

    Its lot.json goes first: the lot is gone at once for every reader; then the rest (what a
    deletion cut short leaves, ``purger`` removes)."""
    stockage = stockage_de(ou)
    if charger(stockage, lot_id).etat in ("en_attente", "en_cours") and not annule(stockage, lot_id):
        raise ValueError("un lot en cours se supprime après l'avoir annulé")
    stockage.supprimer(cle(lot_id, "lot.json"))
    _effacer(stockage, lot_id)
    if base is not None:
        verrous.oublier(base, lot_id)


def _effacer(stockage: Stockage, lot_id: str) -> None:
    for entree in [*stockage.lister(cle(lot_id)), *stockage.temporaires(cle(lot_id))]:
        stockage.supprimer(entree.cle)


def tous(ou) -> list[Lot]:
    """Every lot, newest first."""
    stockage = stockage_de(ou)
    sortie = []
    for nom in sorted(stockage.sous_dossiers(RACINE), reverse=True):
        try:
            sortie.append(charger(stockage, nom))
        except LotIntrouvable:  # being created, or a deletion cut short
            continue
    return sortie


def purger(ou, jours: int, base=None) -> list[str]:
    """Deletes the finished or cancelled lots older than the retention period, and what a
    deletion cut short left (a day later); returns their ids."""
    stockage = stockage_de(ou)
    limite = dt.datetime.now(FUSEAU) - dt.timedelta(days=jours)
    supprimes = []
    connus = set()
    for lot in tous(stockage):
        connus.add(lot.id)
        if (lot.etat in ("termine", "annule", "echoue")
                and dt.datetime.fromisoformat(lot.cree_le) < limite):
            supprimer(stockage, lot.id, base)
            supprimes.append(lot.id)
    avant = time.time() - PERIME_RESTE_S
    for nom in set(stockage.sous_dossiers(RACINE)) - connus:
        try:
            dates = [e.modifie_le for e in stockage.lister(cle(nom))]
        except LotIntrouvable:  # not a lot's name (an old deletion's « .<id>.supprime »)
            continue
        if dates and max(dates) < avant and not stockage.existe(cle(nom, "lot.json")):
            _effacer(stockage, nom)
            supprimes.append(nom)
    return supprimes
