"""``fsck``: whether the archive is whole — every record's files there and intact, the log unbroken.

Problems (a record pointing at a missing or altered file, a broken audit-log
chain) are errors: they need a person. Leftovers of a crash (a file no record
names, a half-written temporary file) are harmless and ``reparer`` removes them.

With the output folder (``sorties``), the leftovers of any interrupted write are found
too (a full disk, a killed process): every ``*.partiel`` file under it (``ecrire_atomique``'s)
or under documents/ and lots/ in the storage (a document, a lot's file or ZIP being written),
and every document folder without its ``document.json``; the same of what the web keeps in the
storage (saved drafts, recaps, highlighted spreadsheets, gabarit work: ``WEB``), and a recap or a
gabarit work whose meta.json, written last, never came. Only those older than a few minutes: a
younger one may be a write under way.
On S3, the ``*.partiel`` files are those of this machine's folder only (the report says
so). The versions published from Word are checked too (catalogue/ in the storage).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.catalogue.publications import Publication, Publiees
from service.journal import verifier_journal
from service.stockage import Absent, Dossier
from service.stockage.dossier import temporaires

from . import documents as dossiers
from .coffre import Coffre
from .depot import Archive, VersionArchivee

DELAI_ORPHELIN_S = 3600  # a file this young may belong to an upload under way
DELAI_RESTE_S = 300  # a half-written file this young may still be being written
DANS_LE_STOCKAGE = ("documents", "lots")  # the storage's folders whose temporaries are looked for
WEB = ("saisies", "brouillons", "rapports", "travaux")  # the web's keys (service/web/outils.py)
AVEC_META = {"brouillons": 2, "travaux": 1}  # folders (this deep) that exist once meta.json does


@dataclass
class Rapport:
    erreurs: list[str] = field(default_factory=list)
    restes: list[str] = field(default_factory=list)
    repares: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what this check could not see
    fichiers: int = 0
    versions: int = 0

    @property
    def sain(self) -> bool:
        return not self.erreurs


def verifier(base, coffre: Coffre, *, reparer: bool = False, delai_orphelin: float = DELAI_ORPHELIN_S,
             sorties: Path | None = None, delai_reste: float = DELAI_RESTE_S) -> Rapport:
    rapport = Rapport()
    references: set[str] = set()
    with Session(base) as session:
        # two queries in all, however many records (no lazy loading per row)
        for numero in session.scalars(select(Archive.numero).where(~Archive.versions.any())):
            rapport.erreurs.append(f"{numero} : aucune version")
        for version, numero_archive in session.execute(
                select(VersionArchivee, Archive.numero).join(Archive)):
            rapport.versions += 1
            numero = f"{numero_archive} version {version.version}"
            for nature, empreinte in (("document Word", version.docx_sha256),
                                      ("PDF", version.pdf_sha256)):
                if empreinte is None:
                    if nature == "PDF" and version.archive_le:
                        rapport.erreurs.append(f"{numero} : archivé sans PDF")
                    continue
                references.add(empreinte)
                if not coffre.existe(empreinte):
                    rapport.erreurs.append(f"{numero} : le {nature} ({empreinte[:12]}…) manque")
                elif not coffre.intact(empreinte):
                    rapport.erreurs.append(f"{numero} : le {nature} ({empreinte[:12]}…) a été altéré")
    rapport.erreurs += [f"journal : {p}" for p in verifier_journal(base)]
    maintenant = time.time()
    for empreinte, ecrit_le in coffre.objets():
        rapport.fichiers += 1
        if empreinte in references or maintenant - ecrit_le < delai_orphelin:
            continue
        if reparer:
            coffre.supprimer(empreinte)
            rapport.repares.append(f"fichier orphelin {empreinte[:12]}… supprimé")
        else:
            rapport.restes.append(f"fichier orphelin {empreinte[:12]}… (aucune fiche ne le cite)")
    for temporaire in coffre.temporaires():
        if maintenant - temporaire.modifie_le < delai_orphelin:
            continue
        nom = temporaire.cle.rpartition("/")[2]
        if reparer:
            coffre.stockage.supprimer(temporaire.cle)
            rapport.repares.append(f"fichier temporaire {nom} supprimé")
        else:
            rapport.restes.append(f"fichier temporaire {nom} (écriture interrompue)")
    _publications(base, coffre.stockage, rapport, reparer, maintenant - delai_reste)
    if sorties is not None:
        _restes_des_sorties(Path(sorties), coffre, rapport, reparer, maintenant - delai_reste)
        if not isinstance(coffre.stockage, Dossier):
            rapport.notes.append(
                f"les fichiers *.partiel ne sont cherchés que dans le dossier {sorties} de cette "
                f"machine ; ceux du stockage ({coffre.stockage!r}) y sont cherchés à part, ceux "
                "des autres machines ne le sont pas")
    return rapport


def _publications(base, stockage, rapport: Rapport, reparer: bool, avant: float) -> None:
    """Every version published from Word whole in the storage (its two files, as published),
    and what an interrupted publication left under catalogue/."""
    with Session(base) as session:
        lignes = session.execute(select(Publication.gabarit_id, Publication.version,
                                        Publication.sha256_gabarit,
                                        Publication.sha256_formulaire)).all()
    for id_, version, *empreintes in lignes:
        for cle, empreinte in zip(Publiees.cles(id_, version), empreintes, strict=True):
            try:
                contenu = stockage.lire(cle)
            except Absent:
                rapport.erreurs.append(f"version {version} publiée de « {id_} » : {cle} manque")
                continue
            if hashlib.sha256(contenu).hexdigest() != empreinte:
                rapport.erreurs.append(f"version {version} publiée de « {id_} » : {cle} a été "
                                       "altéré")
    for temporaire in stockage.temporaires("catalogue"):
        if temporaire.modifie_le <= avant:
            _reste(rapport, reparer, f"fichier à moitié écrit {temporaire.cle}",
                   stockage.supprimer, temporaire.cle)


def _restes_des_sorties(sorties: Path, coffre: Coffre, rapport: Rapport, reparer: bool,
                        avant: float) -> None:
    """Half-written files anywhere under ``sorties`` or under documents/ and lots/ in the
    storage, and document folders without their record."""
    stockage = coffre.stockage
    racines = (*DANS_LE_STOCKAGE, *WEB)
    locaux = ([stockage.chemin(r) for r in (*racines, "catalogue")]
              if isinstance(stockage, Dossier) else [])
    for partiel in temporaires(sorties, recursif=True):
        if coffre.dossier_local and partiel.is_relative_to(coffre.dossier_local):
            continue  # the archive's own, seen above (with the archive's delay)
        if any(partiel.is_relative_to(local) for local in locaux):
            continue  # the storage's own, seen below
        try:
            if not partiel.is_file() or partiel.stat().st_mtime > avant:
                continue
        except FileNotFoundError:  # renamed into place meanwhile
            continue
        _reste(rapport, reparer, f"fichier à moitié écrit {partiel.relative_to(sorties)}",
               partiel.unlink, True)
    for temporaire in (t for r in racines for t in stockage.temporaires(r)):
        if temporaire.modifie_le <= avant:
            _reste(rapport, reparer, f"fichier à moitié écrit {temporaire.cle}",
                   stockage.supprimer, temporaire.cle)
    for racine, profondeur in AVEC_META.items():
        dossiers_web: dict[str, list] = {}
        for entree in stockage.lister(racine):
            parties = entree.cle.split("/")
            if len(parties) > profondeur + 1:
                dossiers_web.setdefault("/".join(parties[:profondeur + 1]), []).append(entree)
        for dossier, entrees in sorted(dossiers_web.items()):
            if all(not e.cle.endswith("/meta.json") for e in entrees) and \
                    max(e.modifie_le for e in entrees) <= avant:
                _reste(rapport, reparer, f"dossier sans meta.json {dossier}", _supprimer_tout,
                       stockage, [e.cle for e in entrees])
    fiches, ecrits_le = set(), {}
    for entree in stockage.lister("documents"):
        parties = entree.cle.split("/", 2)
        if len(parties) < 3:
            continue  # not in a document's folder
        _, numero, nom = parties
        if nom == dossiers.FICHE:
            fiches.add(numero)
        ecrits_le[numero] = max(ecrits_le.get(numero, 0.0), entree.modifie_le)
    for numero, ecrit_le in sorted(ecrits_le.items()):
        if numero not in fiches and ecrit_le <= avant:
            _reste(rapport, reparer, f"dossier de document sans document.json documents/{numero}",
                   dossiers.supprimer, stockage, numero)


def _supprimer_tout(stockage, cles: list[str]) -> None:
    for cle in cles:
        stockage.supprimer(cle)


def _reste(rapport: Rapport, reparer: bool, quoi: str, supprimer, *quoi_supprimer) -> None:
    """``quoi`` said as a leftover, or removed (``supprimer(*quoi_supprimer)``) and said so."""
    if reparer:
        supprimer(*quoi_supprimer)
        rapport.repares.append(f"{quoi} supprimé")
    else:
        rapport.restes.append(f"{quoi} (écriture interrompue)")
