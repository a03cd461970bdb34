"""``fsck``: whether the archive is whole — every record's files there and intact, the log unbroken.

Problems (a record pointing at a missing or altered file, a broken audit-log
chain) are errors: they need a person. Leftovers of a crash (a file no record
names, a half-written temporary file) are harmless and ``reparer`` removes them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.journal import verifier_journal

from .coffre import Coffre
from .depot import Archive, VersionArchivee

DELAI_ORPHELIN_S = 3600  # a file this young may belong to an upload under way


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


def verifier(base, coffre: Coffre, *, reparer: bool = False, delai_orphelin: float = DELAI_ORPHELIN_S
             ) -> Rapport:
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
    for empreinte in coffre.objets():
        rapport.fichiers += 1
        if empreinte in references:
            continue
        age = maintenant - coffre.chemin(empreinte).stat().st_mtime
        if age < delai_orphelin:
            continue
        if reparer:
            coffre.supprimer(empreinte)
            rapport.repares.append(f"fichier orphelin {empreinte[:12]}… supprimé")
        else:
            rapport.restes.append(f"fichier orphelin {empreinte[:12]}… (aucune fiche ne le cite)")
    for temporaire in coffre.temporaires():
        if maintenant - temporaire.stat().st_mtime < delai_orphelin:
            continue
        if reparer:
            temporaire.unlink(missing_ok=True)
            rapport.repares.append(f"fichier temporaire {temporaire.name} supprimé")
        else:
            rapport.restes.append(f"fichier temporaire {temporaire.name} (écriture interrompue)")
    return rapport
