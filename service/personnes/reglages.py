"""The institution's settings as numbered versions in the database, changed from the web.

Version 1 is the YAML file (etablissement.py: the defaults shipped, overridden by
``INSPE_INSTANCE``): while the table is empty it is implicit, read from the file at start-up;
the first change recorded writes it as row 1, as it was then, and the change as row 2. A
version is never changed afterwards: a change is the next one.

Every process (web, lot workers, command line) asks ``courant()``: at most every
``FRAICHEUR`` seconds, one small query for the latest numero; a version, once read, is kept
by numero (its logo decoded once). The process that records a version sees it at once; the
others within ``FRAICHEUR`` seconds, without a restart.

A document records the version it was made with (``DocumentGenere.reglages``, its
document.json): its later versions (a signature merged, a correction) are made with that
same version — a letter keeps its signatory and its logo —, a new document with the current
one (service/catalogue/generation.py).

Here, above the catalogue (which reads the current version through ``Catalogue.etablissement``)
and the audit log (a version and its entry are written in one transaction); the roster's list
of parcours reads ``en_vigueur``.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import io
import json
import re
import time
from dataclasses import dataclass

from sqlalchemy import DateTime, Integer, LargeBinary, String, Text, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from service import journal
from service.bd import moteur
from service.bd.modele import Base
from service.catalogue.contexte import FUSEAU
from service.catalogue.etablissement import (
    Etablissement,
    charger_etablissement,
    erreurs_parcours,
    logo_depuis_png,
)
from service.catalogue.signature import SignatureRefusee, ouvrir_image

FRAICHEUR = 2.0  # seconds a process trusts its last look at the latest numero
AUTEUR_YAML = "fichier de paramètres (YAML)"
COURRIEL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TEXTES = {  # the settings' texts a version must have
    "nom": "Nom de l’établissement", "sigle": "Sigle", "academie": "Académie",
    "designation": "Désignation dans les phrases", "academie_complement": "Complément « de l’académie »",
    "annee_universitaire": "Année universitaire",
}


class VersionReglages(Base):
    __tablename__ = "reglages_etablissement"
    numero: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    parametres: Mapped[str] = mapped_column(Text)  # the whole settings, JSON
    logo: Mapped[bytes] = mapped_column(LargeBinary)  # the PNG printed in the headers
    logo_sha256: Mapped[str] = mapped_column(String(64))
    auteur: Mapped[str] = mapped_column(String(200))
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC, no time zone
    resume: Mapped[str] = mapped_column(Text)  # what changed, field by field


@dataclass(frozen=True)
class Erreur:
    champ: str  # the setting's path: « signataires.directeur.nom », « parcours »…
    message: str

    def __str__(self) -> str:
        return f"« {self.champ} » : {self.message}"


class ReglagesInvalides(Exception):
    def __init__(self, erreurs: list[Erreur]):
        self.erreurs = erreurs
        super().__init__("\n".join(map(str, erreurs)))


@dataclass(frozen=True)
class Ligne:
    """A version in the history."""
    numero: int
    cree_le: dt.datetime | None  # None: version 1, implicit (the file)
    auteur: str
    resume: str

    @property
    def quand(self) -> str:
        """JJ/MM/AAAA HH:MM, Paris time."""
        if self.cree_le is None:
            return "—"
        return self.cree_le.replace(tzinfo=dt.UTC).astimezone(FUSEAU).strftime("%d/%m/%Y %H:%M")


# --- checking a proposed version ------------------------------------------------------------

def valider(parametres: dict, *, gabarits=(), parcours_utilises: dict[str, str] | None = None
            ) -> list[Erreur]:
    """Every problem of ``parametres``, each naming its field, in French.

    ``gabarits``: the catalogue's ids (for the per-gabarit settings); ``parcours_utilises``: the
    parcours ids something still uses → what (a declaration, a stagiaire of the roster), which
    the list may not lose."""
    erreurs: list[Erreur] = []
    for cle in TEXTES:
        valeur = parametres.get(cle)
        if not isinstance(valeur, str) or not valeur.strip():
            erreurs.append(Erreur(cle, "à renseigner"))
        elif len(valeur) > 300:
            erreurs.append(Erreur(cle, "300 caractères au plus"))
    annee = parametres.get("annee_universitaire")
    if isinstance(annee, str) and annee.strip():
        m = re.fullmatch(r"(\d{4})-(\d{4})", annee.strip())
        if not m or int(m.group(2)) != int(m.group(1)) + 1:
            erreurs.append(Erreur("annee_universitaire", f"« {annee} » n’est pas une année "
                                  "universitaire (exemple : 2026-2027)"))
    erreurs += _signataires(parametres.get("signataires"))
    erreurs += _contacts(parametres.get("contacts"))
    for i, message in erreurs_parcours(parametres.get("parcours")):
        erreurs.append(Erreur("parcours", f"n° {i} : {message}" if i else message))
    gardes = {p.get("id") for p in parametres.get("parcours") or () if isinstance(p, dict)}
    for id_, qui in (parcours_utilises or {}).items():
        if id_ not in gardes:
            erreurs.append(Erreur("parcours", f"« {id_} » ne peut pas être retiré : {qui} "
                                  "l’utilise encore"))
    erreurs += _archives(parametres.get("archives"), set(gabarits))
    return erreurs


def _signataires(signataires) -> list[Erreur]:
    if not isinstance(signataires, dict) or not signataires:
        return [Erreur("signataires", "au moins un signataire (nom et titre) est attendu")]
    erreurs = []
    for cle, qui in signataires.items():
        for quoi in ("nom", "titre"):
            valeur = qui.get(quoi) if isinstance(qui, dict) else None
            if not isinstance(valeur, str) or not valeur.strip():
                erreurs.append(Erreur(f"signataires.{cle}.{quoi}", "à renseigner"))
    return erreurs


def _contacts(contacts) -> list[Erreur]:
    if not isinstance(contacts, dict):
        return [Erreur("contacts", "des adresses électroniques sont attendues")]
    return [Erreur(f"contacts.{cle}", f"« {adresse} » n’est pas une adresse électronique "
                   "(exemple : prenom.nom@ac-exemple.fr)")
            for cle, adresse in contacts.items()
            if not isinstance(adresse, str) or not COURRIEL.match(adresse.strip())]


def _archives(archives, gabarits: set[str]) -> list[Erreur]:
    if not isinstance(archives, dict):
        return [Erreur("archives", "les réglages de l’archive manquent")]
    erreurs = []
    inconnu = "n’est pas un gabarit du catalogue"
    for gabarit in archives.get("attendus") or ():
        if gabarits and gabarit not in gabarits:
            erreurs.append(Erreur("archives.attendus", f"« {gabarit} » {inconnu}"))
    conservation = archives.get("conservation_ans") or {}
    if "defaut" not in conservation:
        erreurs.append(Erreur("archives.conservation_ans.defaut", "à renseigner"))
    for cle, ans in conservation.items():
        if cle != "defaut" and gabarits and cle not in gabarits:
            erreurs.append(Erreur(f"archives.conservation_ans.{cle}", f"« {cle} » {inconnu}"))
        elif isinstance(ans, bool) or not isinstance(ans, int) or ans < 1:
            erreurs.append(Erreur(f"archives.conservation_ans.{cle}",
                                  f"« {ans} » : un nombre entier d’années, 1 au moins"))
    for gabarit, liste in (archives.get("diffusion") or {}).items():
        if gabarits and gabarit not in gabarits:
            erreurs.append(Erreur(f"archives.diffusion.{gabarit}", f"« {gabarit} » {inconnu}"))
            continue
        for i, ligne in enumerate(liste or (), 1):
            ligne = ligne if isinstance(ligne, dict) else {}
            if not str(ligne.get("qui") or "").strip():
                erreurs.append(Erreur(f"archives.diffusion.{gabarit}.{i}.qui", "à renseigner"))
            if not COURRIEL.match(str(ligne.get("courriel") or "").strip()):
                erreurs.append(Erreur(f"archives.diffusion.{gabarit}.{i}.courriel",
                                      f"« {ligne.get('courriel') or ''} » n’est pas une adresse "
                                      "électronique"))
    return erreurs


def preparer_logo(donnees: bytes) -> bytes:
    """The uploaded logo as the PNG the headers print, checked as a signature picture is
    (service/catalogue/signature.py: real PNG or JPEG, 2 Mo, 4000 pixels a side, no
    decompression bomb), metadata dropped; ReglagesInvalides (« logo ») otherwise."""
    try:
        image = ouvrir_image(donnees)
    except SignatureRefusee as exc:
        raise ReglagesInvalides([Erreur("logo", str(exc))]) from None
    sortie = io.BytesIO()
    image.save(sortie, "PNG", optimize=True)
    return logo_depuis_png(sortie.getvalue()).png


# --- what changed ---------------------------------------------------------------------------

def _feuilles(valeur, chemin: str = "") -> dict[str, str]:
    """Each leaf of the settings by its path (« signataires.directeur.nom », « parcours.2.id »)."""
    if isinstance(valeur, dict):
        morceaux = {}
        for cle, sous in valeur.items():
            morceaux |= _feuilles(sous, f"{chemin}.{cle}" if chemin else str(cle))
        return morceaux
    if isinstance(valeur, list):
        morceaux = {}
        for i, sous in enumerate(valeur, 1):
            morceaux |= _feuilles(sous, f"{chemin}.{i}")
        return morceaux or {chemin: "(vide)"}
    return {chemin: "—" if valeur is None else str(valeur)}


def resumer(avant: dict, apres: dict, logo_change: bool = False) -> str:
    """What changed, one field a line: « signataires.directeur.nom : Bruno Vasseur → Anne Martin »."""
    a, b = _feuilles(avant), _feuilles(apres)
    lignes = [f"{cle} : {a.get(cle, '—')} → {b.get(cle, '—')}"
              for cle in list(a) + [c for c in b if c not in a] if a.get(cle) != b.get(cle)]
    if logo_change:
        lignes.append("logo : remplacé")
    return "\n".join(lignes)


# --- the versions ---------------------------------------------------------------------------

class Reglages:
    """The settings' versions of one database. ``base``: its engine, or a function that opens
    it (the command line and the lot workers open it when the settings are first asked)."""

    def __init__(self, base, defaut: Etablissement):
        self._base = base
        self.defaut = defaut
        self._versions: dict[int, Etablissement] = {}
        self._vu: tuple[float, int] | None = None
        global _EN_VIGUEUR
        _EN_VIGUEUR = self

    @property
    def base(self):
        return moteur(self._base)

    def courant(self) -> Etablissement:
        """The current version: one small query at most every FRAICHEUR seconds."""
        vu = self._vu
        if vu is None or time.monotonic() - vu[0] > FRAICHEUR:
            with Session(self.base) as session:
                numero = session.scalar(select(func.max(VersionReglages.numero))) or 1
            self._vu = vu = (time.monotonic(), numero)
        return self.version(vu[1])

    def version(self, numero: int | None) -> Etablissement:
        """Version ``numero`` (None: a document made before the versions, with the YAML's)."""
        numero = numero or 1
        if numero not in self._versions:
            with Session(self.base) as session:
                ligne = session.get(VersionReglages, numero)
            if ligne is None and numero != 1:
                raise KeyError(f"paramètres de l’établissement : pas de version {numero}")
            self._versions[numero] = self.defaut if ligne is None else Etablissement(
                json.loads(ligne.parametres), logo_depuis_png(ligne.logo), numero)
        return self._versions[numero]

    def historique(self) -> list[Ligne]:
        """Every version, the newest first (version 1 alone, implicit, while nothing changed)."""
        with Session(self.base) as session:
            lignes = [Ligne(v.numero, v.cree_le, v.auteur, v.resume) for v in session.scalars(
                select(VersionReglages).order_by(VersionReglages.numero.desc()))]
        return lignes or [Ligne(1, None, AUTEUR_YAML, "version initiale")]

    def enregistrer(self, parametres: dict, qui: str, *, logo: bytes | None = None,
                    depuis: int | None = None, gabarits=(),
                    parcours_utilises: dict[str, str] | None = None) -> Etablissement:
        """Records ``parametres`` (and ``logo``, an uploaded picture, when given) as the next
        version, with its audit-log entry (« qui », field by field); the current one when
        nothing changed. ReglagesInvalides, each error naming its field, when they are not
        valid, or when another version was recorded since ``depuis`` (the one the change
        started from)."""
        erreurs = valider(parametres, gabarits=gabarits, parcours_utilises=parcours_utilises)
        png = preparer_logo(logo) if logo else None  # ReglagesInvalides (« logo »)
        if erreurs:
            raise ReglagesInvalides(erreurs)
        self._vu = None
        courant = self.courant()
        if depuis is not None and depuis != courant.numero:
            raise ReglagesInvalides([Erreur("version", f"la version {courant.numero} a été "
                                            "enregistrée entre-temps : rechargez la page")])
        parametres = copy.deepcopy(parametres)
        logo_change = png is not None and png != courant.logo.png
        resume = resumer(courant.parametres, parametres, logo_change)
        if not resume:
            return courant
        png = png if logo_change else courant.logo.png
        numero = courant.numero + 1
        try:
            with journal.VERROU, Session(self.base) as session, session.begin():
                if courant.numero == 1 and session.get(VersionReglages, 1) is None:
                    session.add(_ligne(1, self.defaut.parametres, self.defaut.logo.png,
                                       AUTEUR_YAML, "version initiale"))
                session.add(_ligne(numero, parametres, png, qui, resume))
                session.flush()
                journal.ajouter(session, qui, "parametres_etablissement", f"version {numero}",
                                resume[:500])
        except IntegrityError:  # another process recorded that numero first
            raise ReglagesInvalides([Erreur("version", "une autre version vient d’être "
                                            "enregistrée : rechargez la page")]) from None
        self._vu = None
        return self.courant()


def _maintenant() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _ligne(numero: int, parametres: dict, png: bytes, qui: str, resume: str) -> VersionReglages:
    return VersionReglages(numero=numero, parametres=json.dumps(parametres, ensure_ascii=False),
                           logo=png, logo_sha256=hashlib.sha256(png).hexdigest(), auteur=qui,
                           cree_le=_maintenant(), resume=resume)


# --- the process's settings, for what holds no catalogue ------------------------------------

_EN_VIGUEUR: Reglages | None = None


@functools.cache
def _fichier() -> Etablissement:
    return charger_etablissement()


def en_vigueur() -> Etablissement:
    """The current settings of this process's service (the last ``Reglages`` made: one
    institution a process), else the default file's; the roster's list of parcours reads it.
    A database that does not answer gives the last version this process read (a label to show
    is no reason to fail: what writes asks ``courant`` and fails)."""
    reglages = _EN_VIGUEUR
    if reglages is None:
        return _fichier()
    try:
        return reglages.courant()
    except SQLAlchemyError:
        vu = reglages._vu
        return reglages._versions.get(vu[1] if vu else 1, reglages.defaut)

