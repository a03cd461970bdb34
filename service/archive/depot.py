"""The archive: completed Word documents sent back, recognised, checked, converted and kept.

Two steps, so that a person sees what was read before it becomes a record:

``deposer``   the upload is checked (structure, antivirus), recognised, its values
              read; the original is stored and the record is "reçu". The same file
              sent again is recognised, not stored twice; a new file of the same
              document becomes its next version.
``archiver``  the values, corrected or not, are validated by the declaration; the
              document becomes a sealed PDF/A stamped "Archivé le … — n° …" (with, for
              a document signed online, a last page « Certificat de signature »: its
              ``annexe``); the record is "archivé".

A pre-filled .docx sent back with no value changed is stored but flagged « inchangé »
(``VersionArchivee.inchange``, see ``Archives._inchange``): it does not count as received
and is archived only when a person confirms it.

Files live in the content-addressed ``Coffre``; the index (records, versions,
search words) in the database. Each step writes its files first, then the rows
and the audit-log entry in one transaction: a crash leaves at most a file that
no record names (``fsck`` finds and removes it), never a record without its file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import ForeignKey, Index, Integer, String, Text, delete, exists, false, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from service import journal
from service.bd.modele import Base, durable
from service.catalogue import personnes as catalogue_personnes
from service.catalogue.declaration import Formulaire
from service.catalogue.docx_sur import DocxRefuse, nettoyer_docx
from service.catalogue.extraction import DocumentNonReconnu, Extraction, extraire, signatures_presentes
from service.catalogue.gabarits import Catalogue
from service.catalogue.generation import FUSEAU
from service.catalogue.televersement import nom_televerse
from service.catalogue.validation import (
    DonneesInvalides,
    Erreur,
    cle_de_comparaison,
    en_json,
    valider,
)
from service.catalogue.validation import empreinte as empreinte_valeurs
from service.personnes import acces

from .coffre import Coffre
from .tampon import tamponner

LIBRE = "libre"
STATUTS = {"attendu": "Attendu", "recu": "Reçu", "signe": "Signé", "archive": "Archivé"}
# what « Mes stagiaires » writes in the audit log when it hands out a pre-filled .docx
# (service/web/effectifs.py, docx_prerempli): the document's numéro is the entry's document
PREREMPLI = "téléchargement pré-rempli"
INCHANGE = ("Ce document est revenu tel qu'il a été pré-rempli : aucune valeur n'a été changée. "
            "Il n'est pas compté comme reçu.")


class ArchiveIntrouvable(Exception):
    pass


class DocumentInchange(Exception):
    """A pre-filled document sent back untouched, refused by a caller that asked for it."""

    def __init__(self):
        super().__init__(INCHANGE)


class Archive(Base):
    """One document of the archive, with all the versions received."""
    __tablename__ = "archives"
    id: Mapped[int] = mapped_column(primary_key=True)
    numero: Mapped[str] = mapped_column(String(20), unique=True, default="")
    # what makes two uploads the same document: its id (made by the service) or its first file
    cle: Mapped[str] = mapped_column(String(80), unique=True)
    gabarit_id: Mapped[str] = mapped_column(String(80), index=True)
    titre: Mapped[str] = mapped_column(String(300))
    stagiaire: Mapped[str] = mapped_column(String(200), default="")
    stagiaire_cle: Mapped[str] = mapped_column(String(200), default="", index=True)
    tuteur: Mapped[str] = mapped_column(String(200), default="")
    annee: Mapped[str] = mapped_column(String(9), index=True)
    statut: Mapped[str] = mapped_column(String(10), index=True)
    # accounts that may read it beyond the secretariat: "|id|id|" (the trio and the depositor)
    lecteurs: Mapped[str] = mapped_column(String(400), default="|")
    cree_le: Mapped[str] = mapped_column(String(32))
    modifie_le: Mapped[str] = mapped_column(String(32), index=True)
    conserver_jusqu_au: Mapped[str] = mapped_column(String(10), index=True)
    versions: Mapped[list[VersionArchivee]] = relationship(
        back_populates="archive", order_by="VersionArchivee.version", cascade="all, delete-orphan")

    @property
    def derniere(self) -> VersionArchivee:
        return self.versions[-1]

    @property
    def inchange(self) -> bool:
        """Received, but only as the pre-filled form it was handed out as (no archived version,
        the latest one « inchangé »): not a document received."""
        return (self.statut == "recu" and self.derniere.inchange
                and not any(v.archive_le for v in self.versions))

    @property
    def libelle_statut(self) -> str:
        return "Reçu (inchangé)" if self.inchange else STATUTS[self.statut]


class VersionArchivee(Base):
    """One file received for a document; never rewritten once archived."""
    __tablename__ = "archives_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    archive_id: Mapped[int] = mapped_column(ForeignKey("archives.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    nom_fichier: Mapped[str] = mapped_column(String(255))
    docx_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    gabarit_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    ancienne_version: Mapped[bool] = mapped_column(default=False)
    reconnu_par: Mapped[str] = mapped_column(String(20))
    valeurs_lues: Mapped[str] = mapped_column(Text, default="{}")
    valeurs: Mapped[str] = mapped_column(Text, default="{}")
    corrige: Mapped[bool] = mapped_column(default=False)
    signe: Mapped[bool] = mapped_column(default=False)
    # a pre-filled document sent back with no value changed (Archives._inchange)
    inchange: Mapped[bool] = mapped_column(default=False, server_default=false())
    depose_le: Mapped[str] = mapped_column(String(32))
    depose_par: Mapped[str] = mapped_column(String(120))
    archive_le: Mapped[str | None] = mapped_column(String(32), nullable=True)
    archive: Mapped[Archive] = relationship(back_populates="versions")


class MotArchive(Base):
    """The words of an archive's latest values, for full-text search on any database."""
    __tablename__ = "archives_mots"
    mot: Mapped[str] = mapped_column(String(60), primary_key=True)
    archive_id: Mapped[int] = mapped_column(ForeignKey("archives.id"), primary_key=True, index=True)


class ArchiveSupprimee(Base):
    """What remains of a record deleted at the end of its retention period: no personal data."""
    __tablename__ = "archives_supprimees"
    id: Mapped[int] = mapped_column(primary_key=True)
    numero: Mapped[str] = mapped_column(String(20))
    gabarit_id: Mapped[str] = mapped_column(String(80))
    cree_le: Mapped[str] = mapped_column(String(32))
    supprime_le: Mapped[str] = mapped_column(String(32))
    motif: Mapped[str] = mapped_column(String(200))


Index("ix_archives_filtres", Archive.statut, Archive.annee, Archive.gabarit_id)


@dataclass
class Depot:
    """What an upload gave: the record, and whether the file was already there."""
    numero: str
    version: int
    deja_archive: bool
    extraction: Extraction | None
    libre: bool
    erreurs: list[Erreur] = field(default_factory=list)
    inchange: bool = False  # a pre-filled document sent back with no value changed


# --- helpers -----------------------------------------------------------------------------

def maintenant() -> dt.datetime:
    return dt.datetime.now(FUSEAU)


def annee_universitaire(jour: dt.date) -> str:
    debut = jour.year if jour.month >= 9 else jour.year - 1
    return f"{debut}-{debut + 1}"


_MOT = re.compile(r"[a-z0-9]+")


def mots(*textes: str) -> set[str]:
    """The words a search can find: accents and case ignored, two letters at least."""
    trouves = set()
    for texte in textes:
        trouves.update(m[:60] for m in _MOT.findall(cle_de_comparaison(texte)) if len(m) >= 2)
    return trouves


def _textes(valeur) -> list[str]:
    if isinstance(valeur, dict):
        return [t for v in valeur.values() for t in _textes(v)]
    if isinstance(valeur, list):
        return [t for v in valeur for t in _textes(v)]
    return [str(valeur)] if valeur not in (None, "", False, True) else []


def personnes(formulaire: Formulaire, valeurs: dict) -> tuple[str, str]:
    """The stagiaire ("NOM Prénom") and the tuteur a document is about, as far as its values say
    (which fields name them: ``catalogue.personnes``)."""
    return catalogue_personnes.stagiaire(formulaire, valeurs), catalogue_personnes.tuteur(
        formulaire, valeurs)


def _annee(valeurs: dict, defaut: dt.date) -> str:
    for cle in ("periode_debut", "date_debut", "date_visite", "date", "date_signature"):
        try:
            return annee_universitaire(dt.date.fromisoformat(str(valeurs.get(cle))[:10]))
        except ValueError:
            continue
    return annee_universitaire(defaut)


def conservation_ans(parametres: dict, gabarit_id: str) -> int:
    """Years a record is kept, per gabarit, from the institution's settings."""
    reglage = (parametres.get("archives") or {}).get("conservation_ans") or {}
    return int(reglage.get(gabarit_id, reglage.get("defaut", 10)))


def _plus_ans(jour: dt.date, ans: int) -> dt.date:
    try:
        return jour.replace(year=jour.year + ans)
    except ValueError:  # 29 February
        return jour.replace(year=jour.year + ans, day=28)


# Test hook: a crash injected at a named step of the archive's writes (see tests/archive/test_archive.py).
def _etape(nom: str) -> None:
    if os.environ.get("INSPE_PANNE_ARCHIVE") == nom:
        os._exit(70)


# --- the archive -------------------------------------------------------------------------

class Archives:
    def __init__(self, base, coffre: Coffre, catalogue: Catalogue, antivirus=None):
        self.base, self.coffre, self.catalogue, self.antivirus = base, coffre, catalogue, antivirus

    # reading

    def une(self, numero: str) -> Archive:
        with Session(self.base, expire_on_commit=False) as session:
            archive = session.scalar(select(Archive).where(Archive.numero == numero))
            if archive is None:
                raise ArchiveIntrouvable(f"aucun document archivé sous le n° {numero}")
            archive.versions  # noqa: B018  (loaded while the session is open)
            return archive

    def version(self, numero: str, version: int) -> VersionArchivee:
        archive = self.une(numero)
        trouvee = next((v for v in archive.versions if v.version == version), None)
        if trouvee is None:
            raise ArchiveIntrouvable(f"le document n° {numero} n'a pas de version {version}")
        return trouvee

    # step 1: the upload

    def deposer(self, docx: bytes, nom_fichier: str, par: str, *, libre: bool = False,
                titre_libre: str = "", stagiaire_libre: str = "", exiger_valide: bool = False,
                refuser_inchange: bool = False, compte=None) -> Depot:
        """Checks, recognises and stores an upload; DocxRefuse or DocumentNonReconnu otherwise.

        ``libre`` accepts a document that matches no gabarit, as a "document libre".
        ``exiger_valide`` refuses (DonneesInvalides), before storing anything, a document
        whose values are wrong: for callers that cannot show them to be corrected.
        ``refuser_inchange`` refuses (DocumentInchange), before storing anything, a pre-filled
        document sent back with no value changed; otherwise it is stored, flagged « inchangé ».
        """
        nettoyer_docx(docx)  # every check, and every XML part parsed safely, before anything reads it
        nom_fichier = nom_televerse(nom_fichier)  # as sent, a path, controls, any length
        if self.antivirus is not None:  # AntivirusIndisponible: nothing is stored, try again later
            virus = self.antivirus.analyser(docx)
            if virus:
                raise DocxRefuse(f"l'antivirus y a trouvé « {virus} » : il n'a pas été archivé")
        empreinte = hashlib.sha256(docx).hexdigest()
        existante = self._par_fichier(empreinte)
        if existante:
            return Depot(existante.archive.numero, existante.version, True, None,
                         existante.archive.gabarit_id == LIBRE, inchange=existante.inchange)
        try:
            extraction = extraire(docx, self.catalogue)
        except DocumentNonReconnu:
            if not libre:
                raise
            extraction = None
        # "signé": every signature slot holds a picture (a gabarit without slots is never "signé")
        signatures = signatures_presentes(docx, extraction.gabarit) if extraction else {}
        signe = bool(signatures) and all(signatures.values())
        inchange = extraction is not None and self._inchange(extraction, signatures)
        if inchange and refuser_inchange:
            raise DocumentInchange()
        if exiger_valide and extraction is not None and extraction.erreurs:
            raise DonneesInvalides(extraction.erreurs)
        self.coffre.deposer(docx)
        _etape("apres-fichier-depose")
        quand = maintenant()
        if extraction is not None:
            gabarit = extraction.gabarit
            cle = extraction.proprietes.get("document_id") or f"f-{empreinte[:40]}"
            if not self._peut_ecrire(cle, par, compte):
                cle = f"f-{empreinte[:40]}"
            valeurs = en_json(extraction.valeurs) if extraction.valeurs else extraction.donnees
            stagiaire, tuteur = personnes(gabarit.formulaire, valeurs)
            gabarit_id, titre, version_gabarit = gabarit.id, gabarit.titre, gabarit.version
            ancienne = gabarit.version < max(self.catalogue.versions(gabarit.id))
            reconnu_par = extraction.reconnu_par
        else:
            cle, valeurs = f"f-{empreinte[:40]}", {}
            stagiaire, tuteur = stagiaire_libre.strip(), ""
            gabarit_id, titre, version_gabarit, ancienne = LIBRE, titre_libre.strip() or Path(
                nom_fichier).stem or "Document libre", None, False
            reconnu_par = LIBRE
        try:
            numero, numero_version = self._enregistrer_depot(
                cle, empreinte, nom_fichier, par, quand, gabarit_id, titre, version_gabarit,
                ancienne, reconnu_par, valeurs, signe, stagiaire, tuteur, inchange)
        except IntegrityError:  # the same file, sent twice at once: the other upload won
            existante = self._par_fichier(empreinte)
            if existante is None:
                raise
            return Depot(existante.archive.numero, existante.version, True, None,
                         existante.archive.gabarit_id == LIBRE)
        return Depot(numero, numero_version, False, extraction, extraction is None,
                     extraction.erreurs if extraction else [], inchange)

    def _inchange(self, extraction: Extraction, signatures: dict[str, bool]) -> bool:
        """Whether an upload is a pre-filled document sent back with no value changed.

        Three things, all simple to check and none a guess:
        - the document is one « Mes stagiaires » handed out pre-filled: the audit log holds a
          « téléchargement pré-rempli » entry for its numéro (``document_numero``). A document
          generated from complete values (the online form, a lot, the command line) carries the
          same properties and is a real document when it comes back: the log tells them apart;
        - the values read back, validated as the pre-filling was (required fields may be
          empty), give the empreinte stamped in it (``donnees_sha256``): no field differs from
          what the pre-filled document held, whatever else Word changed in the file;
        - no signature slot holds a picture: a signed form is not an untouched one.
        """
        proprietes = extraction.proprietes
        attendue, numero = proprietes.get("donnees_sha256"), proprietes.get("document_numero")
        if not attendue or not numero or any(signatures.values()):
            return False
        try:
            lues = valider(extraction.gabarit.formulaire, extraction.donnees, partiel=True)
        except DonneesInvalides:
            return False
        if empreinte_valeurs(lues) != attendue:
            return False
        with Session(self.base) as session:
            return bool(session.scalar(select(exists().where(
                journal.Entree.quoi == PREREMPLI, journal.Entree.document == numero))))

    def _enregistrer_depot(self, cle, empreinte, nom_fichier, par, quand, gabarit_id, titre,
                           version_gabarit, ancienne, reconnu_par, valeurs, signe, stagiaire, tuteur,
                           inchange=False):
        with journal.VERROU, Session(self.base) as session, session.begin():
            durable(session)
            archive = session.scalar(select(Archive).where(Archive.cle == cle))
            if archive is None:
                archive = Archive(cle=cle, gabarit_id=gabarit_id, titre=titre, cree_le=quand.isoformat(),
                                  annee="", statut="recu", modifie_le="", conserver_jusqu_au="")
                session.add(archive)
                session.flush()
                archive.numero = f"A-{quand.year}-{archive.id:06d}"
            numero_version = len(archive.versions) + 1
            archive.versions.append(VersionArchivee(
                version=numero_version, nom_fichier=Path(nom_fichier).name[:255],
                docx_sha256=empreinte, gabarit_version=version_gabarit, ancienne_version=ancienne,
                reconnu_par=reconnu_par, valeurs_lues=json.dumps(valeurs, ensure_ascii=False),
                valeurs=json.dumps(valeurs, ensure_ascii=False), signe=signe, inchange=inchange,
                depose_le=quand.isoformat(), depose_par=par))
            self._decrire(session, archive, valeurs, stagiaire, tuteur, quand, par)
            archive.statut = "recu"
            journal.ajouter(session, par, "depot", archive.numero,
                            f"version {numero_version} reçue : {Path(nom_fichier).name}"
                            + (" (inchangée depuis le pré-remplissage)" if inchange else ""))
            return archive.numero, numero_version

    def _peut_ecrire(self, cle: str, par: str, compte) -> bool:
        with Session(self.base, expire_on_commit=False) as session:
            archive = session.scalar(select(Archive).where(Archive.cle == cle))
            if archive is None:
                return True
            archive.versions  # noqa: B018
            qui = compte or acces.comptes_de(session, [par])[0]
        return acces.peut(qui, "remplir", archive, self.base)

    def _par_fichier(self, empreinte: str) -> VersionArchivee | None:
        with Session(self.base, expire_on_commit=False) as session:
            version = session.scalar(select(VersionArchivee).where(
                VersionArchivee.docx_sha256 == empreinte))
            if version is not None:
                version.archive  # noqa: B018
            return version

    def _decrire(self, session, archive: Archive, valeurs: dict, stagiaire: str, tuteur: str,
                 quand: dt.datetime, par: str) -> None:
        """Who the record is about, who may read it, its year and how long it is kept."""
        archive.stagiaire, archive.tuteur = stagiaire[:200], tuteur[:200]
        archive.stagiaire_cle = cle_de_comparaison(stagiaire)[:200]
        archive.annee = _annee(valeurs, quand.date())
        archive.modifie_le = quand.isoformat()
        ans = conservation_ans(self.catalogue.etablissement.parametres, archive.gabarit_id)
        archive.conserver_jusqu_au = _plus_ans(quand.date(), ans).isoformat()
        deposants = {v.depose_par for v in archive.versions} | {par}
        archive.lecteurs = acces.lecteurs(session, archive.stagiaire_cle, archive.gabarit_id,
                                          deposants, acces.comptes_de(session, deposants))
        session.execute(delete(MotArchive).where(MotArchive.archive_id == archive.id))
        for mot in mots(archive.numero, archive.titre, archive.stagiaire, archive.tuteur,
                        *_textes(valeurs)):
            session.add(MotArchive(mot=mot, archive_id=archive.id))

    # step 2: the record

    def archiver(self, numero: str, version: int, par: str, moteur, sceau,
                 donnees: dict | None = None, *, titre: str = "", stagiaire: str = "",
                 annexe: Callable[[bytes], bytes] | None = None, motif: str = "") -> Archive:
        """Validates the values (``donnees``: corrected by a person, or as read), makes the sealed
        PDF/A and marks the version archived; DonneesInvalides when a value is wrong.

        ``annexe`` adds pages to the Word file before it is converted (the signing circuit's
        « Certificat de signature », service/dossier/certificat.py): they are in the archived
        PDF, under the seal; the archived .docx stays the file received. ``motif`` is said in
        the audit-log entry (« avec le certificat de signature »)."""
        archive = self.une(numero)
        cible = next((v for v in archive.versions if v.version == version), None)
        if cible is None:
            raise ArchiveIntrouvable(f"le document n° {numero} n'a pas de version {version}")
        if cible.archive_le:
            return archive
        lues = json.loads(cible.valeurs_lues)
        if archive.gabarit_id == LIBRE:
            valeurs = {}
        else:
            gabarit = self.catalogue.gabarit(archive.gabarit_id, cible.gabarit_version)
            valeurs = en_json(valider(gabarit.formulaire, lues if donnees is None else donnees))
        quand = maintenant()
        docx = self.coffre.lire(cible.docx_sha256)
        pdf = self._pdf(docx, archive, cible, quand, moteur, sceau, annexe)
        pdf_sha256 = self.coffre.deposer(pdf)
        _etape("apres-pdf-depose")
        with journal.VERROU, Session(self.base, expire_on_commit=False) as session, session.begin():
            durable(session)
            archive = session.scalar(select(Archive).where(Archive.numero == numero))
            cible = next(v for v in archive.versions if v.version == version)
            cible.pdf_sha256, cible.archive_le = pdf_sha256, quand.isoformat()
            cible.valeurs = json.dumps(valeurs, ensure_ascii=False)
            cible.corrige = donnees is not None and valeurs != lues
            if archive.gabarit_id == LIBRE:
                archive.titre = titre.strip() or archive.titre
                stagiaire_ = stagiaire.strip() or archive.stagiaire
                tuteur = archive.tuteur
            else:
                stagiaire_, tuteur = personnes(gabarit.formulaire, valeurs)
            if version == archive.versions[-1].version:
                self._decrire(session, archive, valeurs, stagiaire_, tuteur, quand, par)
                archive.statut = "signe" if cible.signe else "archive"
            journal.ajouter(session, par, "archivage", numero,
                            f"version {version} archivée" + (" (valeurs corrigées)" if cible.corrige
                                                             else "") + (f" {motif}" if motif else ""))
            archive.versions  # noqa: B018
        return archive

    def _pdf(self, docx: bytes, archive: Archive, version: VersionArchivee, quand: dt.datetime,
             moteur, sceau, annexe: Callable[[bytes], bytes] | None = None) -> bytes:
        tampon = (f"Archivé le {quand:%d/%m/%Y} à {quand:%H:%M} — n° {archive.numero} "
                  f"version {version.version}")
        propre = nettoyer_docx(docx)
        propre = tamponner(annexe(propre) if annexe else propre, tampon)
        identite = {"archive_numero": f"{archive.numero} v{version.version}",
                    "archive_le": quand.isoformat(timespec="seconds")}
        if archive.gabarit_id != LIBRE:
            from service.catalogue.extraction import proprietes_docx
            identite |= proprietes_docx(docx)
        with tempfile.TemporaryDirectory(prefix="inspe-archive-") as tmp:
            entree, sortie = Path(tmp, "document.docx"), Path(tmp, "document.pdf")
            entree.write_bytes(propre)
            moteur.convertir(entree, sortie, pdfa=True)
            return sceau.sceller(sortie.read_bytes(), identite)

    def abandonner(self, numero: str, version: int, par: str) -> None:
        """Forgets an upload not archived yet (a wrong file): its row goes, the log keeps it."""
        with journal.VERROU, Session(self.base) as session, session.begin():
            durable(session)
            archive = session.scalar(select(Archive).where(Archive.numero == numero))
            cible = next((v for v in archive.versions if v.version == version), None) if archive else None
            if cible is None or cible.archive_le:
                raise ArchiveIntrouvable(f"aucun dépôt en attente n° {numero} version {version}")
            empreinte = cible.docx_sha256
            archive.versions.remove(cible)
            if not archive.versions:
                session.execute(delete(MotArchive).where(MotArchive.archive_id == archive.id))
                session.delete(archive)
            else:
                archive.statut = ("signe" if archive.derniere.signe else "archive") \
                    if archive.derniere.archive_le else "recu"
            journal.ajouter(session, par, "abandon", numero, f"dépôt de la version {version} abandonné")
        if not self._par_fichier(empreinte):
            self.coffre.supprimer(empreinte)


def refus(exc: Exception) -> str:
    """The French sentence that says why an upload was refused."""
    if isinstance(exc, DocxRefuse):
        return f"Document refusé : {exc}"
    if isinstance(exc, DonneesInvalides):
        return "Valeurs à corriger :\n" + "\n".join(str(e) for e in exc.erreurs)
    return str(exc)

