"""``fsck``: whether the archive is whole — every record's files there and intact, the log unbroken.

Problems (a record pointing at a missing or altered file, a broken audit-log
chain) are errors: they need a person. Leftovers of a crash (a file no record
names, a half-written temporary file) are harmless and ``reparer`` removes them.

With the output folder (``sorties``), the leftovers of any interrupted write are found
too (a full disk, a killed process): every ``*.partiel`` file under it (``ecrire_atomique``'s,
a lot's ZIP being written) and every document folder without its ``document.json``.
Only those older than a few minutes: a younger one may be a write under way.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.journal import verifier_journal
from service.stockage.dossier import temporaires

from .coffre import Coffre
from .depot import Archive, VersionArchivee
from .documents import racine as racine_des_documents

DELAI_ORPHELIN_S = 3600  # a file this young may belong to an upload under way
DELAI_RESTE_S = 300  # a half-written file this young may still be being written


@dataclass
class Rapport:
    erreurs: list[str] = field(default_factory=list)
    restes: list[str] = field(default_factory=list)
    repares: list[str] = field(default_factory=list)
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
    if sorties is not None:
        _restes_des_sorties(Path(sorties), coffre, rapport, reparer, maintenant - delai_reste)
    return rapport


def _ecrit_le(chemin: Path) -> float:
    """When ``chemin`` (a file, or a folder and everything in it) was last written."""
    dates = [chemin.stat().st_mtime]
    if chemin.is_dir():
        dates += [f.stat().st_mtime for f in chemin.rglob("*")]
    return max(dates)


def _restes_des_sorties(sorties: Path, coffre: Coffre, rapport: Rapport, reparer: bool,
                        avant: float) -> None:
    """Half-written files anywhere under ``sorties``, document folders without their record."""
    for partiel in temporaires(sorties, recursif=True):
        if coffre.dossier_local and partiel.is_relative_to(coffre.dossier_local):
            continue  # the archive's own, seen above (with the archive's delay)
        try:
            if not partiel.is_file() or _ecrit_le(partiel) > avant:
                continue
        except FileNotFoundError:  # renamed into place meanwhile
            continue
        nom = partiel.relative_to(sorties)
        if reparer:
            partiel.unlink(missing_ok=True)
            rapport.repares.append(f"fichier à moitié écrit {nom} supprimé")
        else:
            rapport.restes.append(f"fichier à moitié écrit {nom} (écriture interrompue)")
    documents = racine_des_documents(sorties)
    if not documents.is_dir():
        return
    for dossier in sorted(documents.iterdir()):
        try:
            if not dossier.is_dir() or (dossier / "document.json").exists() or _ecrit_le(dossier) > avant:
                continue
        except FileNotFoundError:
            continue
        nom = dossier.relative_to(sorties)
        if reparer:
            shutil.rmtree(dossier, ignore_errors=True)
            rapport.repares.append(f"dossier de document sans document.json {nom} supprimé")
        else:
            rapport.restes.append(f"dossier de document sans document.json {nom} "
                                  "(écriture interrompue)")
