"""Publishing a version of a gabarit from a Word file: checked, compared, written, recorded.

The web pages (/admin/gabarits) and the command line (``publier --depuis F.docx``) are thin
callers of the same steps:

1. ``controler`` then ``reconnaitre``: the uploaded file checked before anything reads it,
   then its fields recognised (``reconnaissance.reconnaitre``) as the next version, which
   carries the previous one's dossier settings (parcours, who writes, reads and signs, when
   it is due, the file-name pattern). A file without content controls: ``a_proposer`` gives
   the fields a person would fill (``propositions.proposer``), ``appliquer_propositions``
   writes the accepted ones as content controls and recognises the result.
2. ``preparer``: the template and its declaration (YAML text, maybe edited) checked as the
   catalogue checks a shipped version — the declaration by its loader, the parcours against
   the institution's settings, the template's marks against the whitelist of those the service
   writes (``marques.verifier_marques``), the template compiled and matched with the declaration, the
   example rendered — and compared with the previous version (catalogue/difference.py).
   Nothing is written outside the work folder; errors are French and name the field.
3. ``publier``: the version's two files written atomically to the storage (every node reads
   them there) and its row in ``publications`` with an audit-log entry, in one transaction
   (the row first: a second publisher of the same number waits, then is refused). Every
   process's catalogue sees it within ``publications.FRAICHEUR`` seconds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service import journal
from service.catalogue.declaration import NOM_VALIDE, DeclarationInvalide, Formulaire, charger
from service.catalogue.difference import Difference, comparer
from service.catalogue.docx_sur import DocxRefuse
from service.catalogue.gabarits import Catalogue, Gabarit, _verifier_parcours
from service.catalogue.generation import rendre
from service.catalogue.marques import ModeleRefuse, verifier_marques, verifier_modele
from service.catalogue.publications import Ligne, Publication
from service.catalogue.rendu import GabaritInvalide
from service.catalogue.validation import DonneesInvalides, valider


class PublicationRefusee(Exception):
    """The version cannot be published: each line says why, in French."""

    def __init__(self, erreurs: list[str]):
        self.erreurs = erreurs
        super().__init__("\n".join(erreurs))


@dataclass
class Projet:
    """A version checked and ready to publish."""
    id: str
    version: int
    formulaire: Formulaire
    gabarit: Gabarit
    docx: bytes
    yaml: str
    difference: Difference
    exemple: object  # the example rendered (DocumentGenere), for the preview


def verifier_id(id_: str) -> str:
    id_ = (id_ or "").strip()
    if not NOM_VALIDE.match(id_):
        raise PublicationRefusee([f"identifiant « {id_} » invalide : des minuscules sans accent, "
                                  "des chiffres et _, 48 caractères au plus (ex. fiche_bilan)"])
    return id_


def prochaine_version(catalogue: Catalogue, id_: str) -> int:
    catalogue.actualiser(maintenant=True)
    return max(catalogue.versions(id_), default=0) + 1


def controler(docx: bytes) -> bytes:
    """An uploaded Word file, checked before anything else reads it (size, a real .docx, no
    macros, no XML entities, no zip bomb) and refused when it reaches outside (external
    relationships, linked templates, fetching fields, OLE objects, ActiveX, altChunk):
    ``marques.verifier_modele``; ModeleRefuse (a DocxRefuse) otherwise."""
    return verifier_modele(docx)


def reconnaitre(catalogue: Catalogue, docx: bytes, id_: str, titre: str | None = None):
    """The fields of the checked Word file ``docx`` recognised as the next version of ``id_``
    (``reconnaissance.reconnaitre``), the previous version's dossier settings carried over."""
    from .reconnaissance import reconnaitre as reconnaitre_

    version = prochaine_version(catalogue, id_)
    precedente = catalogue.gabarit(id_).formulaire if version > 1 else None
    try:
        return reconnaitre_(docx, id_, version, titre, precedente=precedente)
    except (etree.LxmlError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise DocxRefuse(f"le document n’a pas pu être lu ({exc.__class__.__name__}) : "
                         "ouvrez-le dans Word, enregistrez-le au format .docx et réessayez"
                         ) from None


def a_proposer(reconnu, docx: bytes) -> list:
    """The fields proposed in the checked Word file ``docx`` when it has no content control
    (``reconnu``, its recognition, found no field): [] otherwise."""
    from .propositions import proposer

    if any(s.get("champs") for s in reconnu.declaration.get("sections") or ()):
        return []
    return proposer(docx)


def appliquer_propositions(catalogue: Catalogue, docx: bytes, decisions: list, id_: str,
                           titre: str | None = None):
    """The accepted proposals written into ``docx`` as real Word content controls, checked
    again, then recognised like any Word form; ``propositions.DecisionInvalide`` names the
    proposal at fault."""
    from .propositions import appliquer

    return reconnaitre(catalogue, controler(appliquer(docx, decisions)), id_, titre)


def preparer(catalogue: Catalogue, id_: str, docx: bytes, texte: str, dossier: Path,
             version: int | None = None) -> Projet:
    """Checks ``docx`` (a template with the service's marks) and its declaration ``texte`` as
    version ``version`` (the next one by default) of ``id_``; PublicationRefusee otherwise."""
    id_ = verifier_id(id_)
    version = version or prochaine_version(catalogue, id_)
    if dossier.exists():
        shutil.rmtree(dossier)
    chemin_yaml = dossier / "formulaires" / id_ / f"v{version}.yaml"
    chemin_docx = dossier / "gabarits" / id_ / f"v{version}.docx"
    chemin_yaml.parent.mkdir(parents=True)
    chemin_docx.parent.mkdir(parents=True)
    chemin_yaml.write_text(texte, encoding="utf-8")
    chemin_docx.write_bytes(docx)
    try:
        formulaire = charger(chemin_yaml)
        _verifier_parcours(formulaire, catalogue.etablissement)
    except DeclarationInvalide as exc:
        raise PublicationRefusee([_sans_chemin(str(exc), chemin_yaml)]) from None
    try:
        verifier_marques(docx, formulaire)  # only the marks the service writes, before compiling
    except ModeleRefuse as exc:
        raise PublicationRefusee([str(exc)]) from None
    gabarit = Gabarit(id_, version, formulaire, chemin_docx)
    try:
        catalogue.compile(gabarit)  # compiled and matched with its declaration
        valeurs = valider(formulaire, formulaire.exemple)
        exemple = rendre(catalogue, gabarit, valeurs)
    except GabaritInvalide as exc:
        lignes = [x + (" : un champ a sans doute changé de type, alors que le document Word "
                       "l’affiche encore comme avant (cases à cocher, tableau répétable…)"
                       if "has no attribute" in x or "is not iterable" in x else "")
                  for x in str(exc).splitlines()]
        raise PublicationRefusee([_sans_chemin(x, chemin_yaml, chemin_docx) for x in lignes]
                                 ) from None
    except DonneesInvalides as exc:
        raise PublicationRefusee([f"exemple : {e}" for e in exc.erreurs]) from None
    precedent = _precedent(catalogue, id_, version)
    difference = comparer(precedent.formulaire if precedent else None, formulaire,
                          precedent.chemin.read_bytes() if precedent else None, docx)
    return Projet(id_, version, formulaire, gabarit, docx, texte, difference, exemple)


def _sans_chemin(message: str, *chemins: Path) -> str:
    """A loader's message without the work folder's paths (the page names the field)."""
    for chemin in chemins:
        message = message.replace(f"{chemin}, ", "").replace(f"{chemin} : ", "")
        message = message.replace(str(chemin), "le document" if chemin.suffix == ".docx"
                                  else "la déclaration")
    return message


def _precedent(catalogue: Catalogue, id_: str, version: int) -> Gabarit | None:
    anciennes = [v for v in catalogue.versions(id_) if v < version]
    return catalogue.gabarit(id_, max(anciennes)) if anciennes else None


def _sha(donnees: bytes) -> str:
    return hashlib.sha256(donnees).hexdigest()


def publier(catalogue: Catalogue, projet: Projet, qui: str, source: str) -> Ligne:
    """Writes and records ``projet`` (checked by ``preparer``) as its version: the files in
    the storage, the row and its audit-log entry in one transaction. PublicationRefusee when
    that version was published in the meantime (prepare the next one)."""
    publiees = catalogue.publiees
    if publiees is None:
        raise PublicationRefusee(["ce catalogue n’a pas de base de données où publier"])
    yaml_ = projet.yaml.encode("utf-8")
    resume = projet.difference.texte()
    ligne = Publication(gabarit_id=projet.id, version=projet.version,
                        sha256_gabarit=_sha(projet.docx), sha256_formulaire=_sha(yaml_),
                        auteur=qui[:200], cree_le=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                        resume=resume, source=(source or "")[:255])
    if projet.version in catalogue.versions(projet.id):
        raise _deja(projet)
    try:
        with journal.VERROU, Session(publiees.base) as session, session.begin():
            session.add(ligne)
            session.flush()  # the (gabarit, version) taken: another publisher waits or fails
            publiees.ecrire(projet.id, projet.version, projet.docx, yaml_)
            journal.ajouter(session, qui, "publication_gabarit",
                            f"{projet.id} v{projet.version}",
                            f"{source} ; {resume}"[:500])
            enregistree = Ligne.de(ligne)
    except IntegrityError:
        raise _deja(projet) from None
    publiees.oublier()
    catalogue.actualiser(maintenant=True)
    return enregistree


def _deja(projet: Projet) -> PublicationRefusee:
    return PublicationRefusee([f"la version {projet.version} de « {projet.id} » vient d’être "
                               "publiée par quelqu’un d’autre : reprenez depuis la liste des "
                               "gabarits pour préparer la suivante"])
