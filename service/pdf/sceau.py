"""The institution's seal on every PDF it produces, and its verification.

Each PDF is sealed with a PAdES signature (pyHanko) made with the instance's
own certificate, created at first use and kept in the database every node and
worker shares (or, without one, in the instance's data folder).
Any PDF reader then shows whether the file changed since; ``verifier`` says
which document and version a PDF is, and whether it is intact.

The document's identity is written, before sealing, as custom entries of the
PDF's information dictionary (/GabaritId, /DocumentId …); title, author and
subject come from LibreOffice, which writes them in both the dictionary and
the XMP metadata. pyHanko updates the XMP when it signs; the producer is set
to the same value in both, so a PDF/A stays PDF/A.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.attributes import SigningCertificateV2Provider
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from service.bd import instance

log = logging.getLogger(__name__)
CHAMP = "Sceau"
PLACE_SIGNATURE = 8192  # bytes for the CMS container: a P-256 seal with its certificate needs ~1.5 kB
# PDF information entries that identify a document, and the properties they come from.
IDENTITE = {
    "/GabaritId": "gabarit_id",
    "/GabaritVersion": "gabarit_version",
    "/DocumentId": "document_id",
    "/DocumentNumero": "document_numero",
    "/DocumentVersion": "document_version",
    "/GenereLe": "genere_le",
    "/DonneesSha256": "donnees_sha256",
    "/ArchiveNumero": "archive_numero",
    "/ArchiveLe": "archive_le",
}


class _ValeurFigee(tsp.SigningCertificateV2):
    """Encoded once: its DER bytes are reused even when the attributes are re-encoded."""

    def dump(self, force=False):
        return super().dump(force=False)


class _CertificatDuSceau(SigningCertificateV2Provider):
    """The signing-certificate-v2 attribute, made once: it is the same in every seal, and
    asn1crypto took two thirds of a seal's time to encode it afresh each time."""

    def __init__(self, signing_cert):
        super().__init__(signing_cert)
        self._valeur = _ValeurFigee.load(as_signing_certificate_v2(signing_cert).dump())

    async def build_attr_value(self, dry_run=False):
        return self._valeur


class _Signataire(signers.SimpleSigner):
    """pyHanko's signer, with the constant attribute above."""

    def __init__(self, simple: signers.SimpleSigner):
        super().__init__(signing_cert=simple.signing_cert, signing_key=simple.signing_key,
                         cert_registry=simple.cert_registry)
        self._certificat_du_sceau = _CertificatDuSceau(simple.signing_cert)

    def _signed_attr_providers(self, *args, **kwargs):
        for fournisseur in super()._signed_attr_providers(*args, **kwargs):
            yield (self._certificat_du_sceau if isinstance(fournisseur, SigningCertificateV2Provider)
                   else fournisseur)


class Sceau:
    """The instance's sealing key and certificate.

    With the database ``base`` (every node and worker shares it), the one kept there
    (service/bd/instance.py), made by the first process that needs it — or, for an instance
    that kept it in ``<dossier>/sceau/`` before, that one, imported so that every PDF sealed
    before still verifies. Without, the files under ``<dossier>/sceau/``, made at first use.
    ``pem``: the key and certificate themselves (the workshop's processes get them so).

    ``phrase`` (INSPE_PHRASE_SCEAU): the key is kept in the database encrypted with it (PKCS#8,
    as ``openssl pkey`` reads it), so that a copy of the database (a backup, a dump) does not give
    the seal away; a key kept in clear before is encrypted at the first start with it."""

    def __init__(self, dossier: Path, nom: str, base=None, *, pem: tuple[bytes, bytes] | None = None,
                 phrase: str = ""):
        self.dossier = Path(dossier) / "sceau"
        self.nom = nom
        if pem is None:
            pem = (_partage(base, self.dossier, nom, phrase) if base is not None
                   else _local(self.dossier, nom))
        self.pem = pem
        cle_pem, certificat_pem = pem
        signataire = signers.SimpleSigner(
            signing_cert=next(iter(load_certs_from_pemder_data(certificat_pem))),
            signing_key=load_private_key_from_pemder_data(cle_pem, passphrase=None),
            cert_registry=SimpleCertificateStore())
        self._signer = _Signataire(signataire)
        self.certificat = signataire.signing_cert
        # what ``verifier`` trusts: this certificate, and a different one this machine's folder
        # still has (an instance whose database came without its folder's seal: its PDFs)
        self.reconnus = [self.certificat]
        ancien = self.dossier / "certificat.pem"
        if base is not None and ancien.is_file() and ancien.read_bytes() != certificat_pem:
            self.reconnus.append(next(iter(load_certs_from_pemder_data(ancien.read_bytes()))))
            log.warning("sceau : le certificat de %s diffère de celui de la base de données ; "
                            "les PDF qu’il a scellés restent reconnus ici", ancien)

    def sceller(self, pdf: bytes, identite: dict[str, str]) -> bytes:
        """``pdf`` with the identity entries and the seal, as one incremental update."""
        ecrivain = IncrementalPdfFileWriter(BytesIO(pdf))
        info_ref = ecrivain.trailer.raw_get("/Info")
        info = info_ref.get_object()
        for cle, propriete in IDENTITE.items():
            if propriete in identite:
                info[generic.NameObject(cle)] = generic.TextStringObject(identite[propriete])
        # pyHanko writes its own name as the XMP producer; the dictionary must say the same
        # for the PDF/A claim to stay true.
        info[generic.NameObject("/Producer")] = generic.TextStringObject(VENDOR)
        ecrivain.update_container(info)
        meta = signers.PdfSignatureMetadata(
            field_name=CHAMP, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256",
            name=self.nom, reason="Document produit et scellé par le service des documents "
                                  "du tutorat")
        # Reserving the signature's room saves pyHanko a trial signature to measure it.
        sortie = signers.PdfSigner(meta, signer=self._signer).sign_pdf(
            ecrivain, bytes_reserved=PLACE_SIGNATURE)
        return sortie.getvalue()


def _local(dossier: Path, nom: str) -> tuple[bytes, bytes]:
    """The key and certificate under ``dossier``, made there at first use."""
    cle, certificat = dossier / "cle.pem", dossier / "certificat.pem"
    if not certificat.exists():
        _creer(cle, certificat, nom)
    return cle.read_bytes(), certificat.read_bytes()


class SceauIllisible(ValueError):
    """The seal's key is encrypted in the database and the passphrase given does not open it."""


def _partage(base, dossier: Path, nom: str, phrase: str = "") -> tuple[bytes, bytes]:
    """The key and certificate the database keeps for every node, made once (insert-if-absent:
    two processes starting together end with one): the files under ``dossier`` when an
    existing instance has them, else new ones. With ``phrase``, the key is kept encrypted."""

    def premier() -> str:
        cle, certificat = dossier / "cle.pem", dossier / "certificat.pem"
        if cle.is_file() and certificat.is_file():
            pem = cle.read_bytes(), certificat.read_bytes()
        else:
            pem = _nouveau(nom)
        return _valeur(_chiffree(pem[0], phrase), pem[1])
    gardee = instance.une_fois(base, "sceau", premier)
    valeur = json.loads(gardee)
    cle, certificat = valeur["cle"].encode("ascii"), valeur["certificat"].encode("ascii")
    if phrase and not _est_chiffree(cle):  # kept in clear before the passphrase was given
        instance.remplacer(base, "sceau", gardee, _valeur(_chiffree(cle, phrase), certificat))
    return _en_clair(cle, phrase), certificat


def _valeur(cle: bytes, certificat: bytes) -> str:
    return json.dumps({"cle": cle.decode("ascii"), "certificat": certificat.decode("ascii")})


def _est_chiffree(cle_pem: bytes) -> bool:
    return b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in cle_pem


def _chiffree(cle_pem: bytes, phrase: str) -> bytes:
    """The key encrypted with ``phrase`` (as it is without one)."""
    if not phrase:
        return cle_pem
    privee = serialization.load_pem_private_key(cle_pem, password=None)
    return privee.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.BestAvailableEncryption(phrase.encode("utf-8")))


def _en_clair(cle_pem: bytes, phrase: str) -> bytes:
    """The key in clear, for this process's memory only; SceauIllisible, in French, when it is
    encrypted and ``phrase`` is missing or another."""
    if not _est_chiffree(cle_pem):
        return cle_pem
    if not phrase:
        raise SceauIllisible("La clé du sceau est chiffrée dans la base de données : donnez sa "
                             "phrase de passe dans INSPE_PHRASE_SCEAU (la même sur chaque nœud et "
                             "chaque worker).")
    try:
        privee = serialization.load_pem_private_key(cle_pem, password=phrase.encode("utf-8"))
    except (ValueError, TypeError):
        raise SceauIllisible("INSPE_PHRASE_SCEAU n’ouvre pas la clé du sceau gardée dans la base "
                             "de données : ce n’est pas la phrase avec laquelle elle a été "
                             "chiffrée.") from None
    return privee.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())


def _nouveau(nom: str) -> tuple[bytes, bytes]:
    """A self-signed P-256 certificate for the instance, valid ten years: its key and itself (PEM)."""
    privee = ec.generate_private_key(ec.SECP256R1())
    sujet = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Sceau — {nom}"[:64]),
                       x509.NameAttribute(NameOID.ORGANIZATION_NAME, nom[:64])])
    maintenant = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(sujet).issuer_name(sujet)
            .public_key(privee.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(maintenant - dt.timedelta(days=1))
            .not_valid_after(maintenant + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .sign(privee, hashes.SHA256()))
    return (privee.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()),
            cert.public_bytes(serialization.Encoding.PEM))


def _creer(cle: Path, certificat: Path, nom: str) -> None:
    """A new key and certificate, written under ``cle``'s folder (the key 0600)."""
    cle.parent.mkdir(parents=True, exist_ok=True)
    cle_pem, certificat_pem = _nouveau(nom)
    temporaire = cle.with_suffix(".tmp")
    temporaire.write_bytes(cle_pem)
    temporaire.chmod(0o600)
    temporaire.replace(cle)
    certificat.write_bytes(certificat_pem)


@dataclass(frozen=True)
class Verification:
    intact: bool
    message: str
    identite: dict[str, str]


def verifier(pdf: bytes, sceau: Sceau) -> Verification:
    """Which document ``pdf`` is, and whether it is exactly as the service sealed it."""
    try:
        lecteur = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = lecteur.embedded_signatures
    except Exception as exc:  # any parsing failure means the file is not what we made
        return Verification(False, f"ALTÉRÉ : le PDF est illisible ou abîmé ({type(exc).__name__})", {})
    if not signatures:
        return Verification(False, "NON SCELLÉ : ce PDF ne porte pas le sceau du service", {})
    signature = signatures[-1]
    try:
        identite = _identite(signature.signed_revision, lecteur)
    except Exception:
        identite = {}
    try:
        etat = validate_pdf_signature(
            signature, ValidationContext(trust_roots=sceau.reconnus, allow_fetching=False))
    except Exception as exc:
        return Verification(False, f"ALTÉRÉ : le sceau ne peut pas être vérifié ({exc})", identite)
    qui = _decrire(identite)
    if not etat.intact or not etat.valid:
        return Verification(False, f"ALTÉRÉ : {qui} a été modifié après son scellement", identite)
    if not etat.trusted:
        return Verification(False, f"SCEAU INCONNU : {qui} n'a pas été scellé par {sceau.nom}",
                            identite)
    if etat.coverage.name != "ENTIRE_FILE":
        return Verification(False, f"ALTÉRÉ : {qui} a reçu des ajouts après son scellement",
                            identite)
    return Verification(True, f"INTACT : {qui}, scellé par {sceau.nom}", identite)


def _identite(revision: int, lecteur: PdfFileReader) -> dict[str, str]:
    historique = lecteur.get_historical_resolver(revision)
    info = historique.trailer_view["/Info"].get_object()
    return {propriete: str(info[cle]) for cle, propriete in IDENTITE.items() if cle in info}


def _decrire(identite: dict[str, str]) -> str:
    archive = (f"l'archive n° {identite['archive_numero']} du "
               if "archive_numero" in identite else "le ")
    if not identite.get("document_numero"):
        return f"l'archive n° {identite['archive_numero']}" if "archive_numero" in identite \
            else "ce document"
    genere = identite.get("genere_le", "")
    try:
        genere = dt.datetime.fromisoformat(genere).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        pass
    return (f"{archive}document n° {identite.get('document_numero', '?')} "
            f"version {identite.get('document_version', '?')} "
            f"(gabarit {identite.get('gabarit_id', '?')} version "
            f"{identite.get('gabarit_version', '?')}, généré le {genere})")
