"""Retention and personal data: records deleted when their period ends, and all held about one person.

Each gabarit has its retention period in the institution's settings
(``archives: conservation_ans:``). Past it, a record, its versions and its files
go; what remains is a line saying that record n° … of that gabarit was deleted,
when and why, and the audit-log entry — no personal data.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service import journal
from service.catalogue.nommage import nom_sur
from service.catalogue.personnes import DU_STAGIAIRE
from service.catalogue.validation import cle_de_comparaison
from service.personnes import acces
from service.personnes.effectifs import Stagiaire

from .coffre import Coffre
from .depot import LIBRE, Archive, ArchiveSupprimee, MotArchive, VersionArchivee, maintenant


def purger(base, coffre: Coffre, aujourd_hui: dt.date | None = None, par: str = "conservation"
           ) -> list[str]:
    """Deletes every record past its retention period; returns their numbers."""
    aujourd_hui = aujourd_hui or maintenant().date()
    supprimes, fichiers = [], set()
    with journal.VERROU, Session(base) as session, session.begin():
        for archive in session.scalars(select(Archive).where(
                Archive.conserver_jusqu_au < aujourd_hui.isoformat())):
            for version in archive.versions:
                fichiers |= {version.docx_sha256, version.pdf_sha256} - {None}
            session.add(ArchiveSupprimee(
                numero=archive.numero, gabarit_id=archive.gabarit_id, cree_le=archive.cree_le,
                supprime_le=maintenant().isoformat(),
                motif=f"fin de la durée de conservation ({archive.conserver_jusqu_au})"))
            journal.ajouter(session, par, "suppression", archive.numero,
                            "fin de la durée de conservation")
            session.execute(delete(MotArchive).where(MotArchive.archive_id == archive.id))
            session.delete(archive)
            supprimes.append(archive.numero)
    # Files go once their rows are gone; a file still named by another record stays.
    with Session(base) as session:
        for empreinte in fichiers:
            if not session.scalar(select(VersionArchivee.id).where(
                    (VersionArchivee.docx_sha256 == empreinte)
                    | (VersionArchivee.pdf_sha256 == empreinte)).limit(1)):
                coffre.supprimer(empreinte)
    return supprimes


def exporter_personne(base, coffre: Coffre, nom: str, par: str,
                      stagiaire: Stagiaire | None = None) -> bytes:
    """A ZIP of everything held about the person named ``nom`` ("NOM Prénom", matched exactly,
    accents and case aside): the roster's entry, every archived document (values, Word file
    and PDF of each version) and the audit-log entries about them. With ``stagiaire`` (a roster
    entry), only that person's: their entry and the records bound to their trio, not a
    namesake's (acces.filtre_dossier)."""
    cle = cle_de_comparaison(nom)
    sortie = io.BytesIO()
    with Session(base) as session, zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as z:
        if stagiaire is not None:
            inscrits = [stagiaire]
            archives = list(session.scalars(acces.filtre_dossier(
                select(Archive).where(Archive.stagiaire_cle == cle), stagiaire, Archive.lecteurs)))
        else:
            inscrits = [s for s in session.scalars(select(Stagiaire))
                        if cle_de_comparaison(f"{s.nom} {s.prenom}") == cle]
            archives = [a for a in session.scalars(select(Archive))  # no pattern: exact names
                        if cle and cle in (a.stagiaire_cle, cle_de_comparaison(a.tuteur))]
        fiche = {
            "personne": nom, "exporte_le": maintenant().isoformat(timespec="seconds"),
            "effectifs": [{c: getattr(s, c) for c in DU_STAGIAIRE} for s in inscrits],
            "documents": [],
        }
        numeros = set()
        for archive in archives:
            numeros.add(archive.numero)
            dossier = nom_sur(f"{archive.numero} {archive.titre}")
            versions = []
            for v in archive.versions:
                z.writestr(f"{dossier}/v{v.version}.docx", coffre.lire(v.docx_sha256))
                if v.pdf_sha256:
                    z.writestr(f"{dossier}/v{v.version}.pdf", coffre.lire(v.pdf_sha256))
                versions.append({"version": v.version, "fichier": v.nom_fichier,
                                 "depose_le": v.depose_le, "archive_le": v.archive_le,
                                 "valeurs": json.loads(v.valeurs)})
            fiche["documents"].append({
                "numero": archive.numero, "document": archive.titre,
                "gabarit": archive.gabarit_id if archive.gabarit_id != LIBRE else "document libre",
                "stagiaire": archive.stagiaire, "tuteur": archive.tuteur, "annee": archive.annee,
                "conserve_jusqu_au": archive.conserver_jusqu_au, "versions": versions})
        fiche["journal"] = [{"quand": e.quand, "qui": e.qui, "quoi": e.quoi,
                             "document": e.document, "detail": e.detail}
                            for e in journal.entrees(base) if e.document in numeros]
        z.writestr("donnees.json", json.dumps(fiche, ensure_ascii=False, indent=2))
    journal.noter(base, par, "export-personne", "", f"données de {nom} exportées")
    return sortie.getvalue()
