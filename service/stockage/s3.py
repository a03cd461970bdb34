"""S3-compatible object storage (AWS, SeaweedFS, MinIO, Garage, Ceph…), through boto3.

``s3://bucket/prefix``: every key is stored under ``prefix/``. A write is all or nothing, as on
the local folder: one PUT, which S3 makes visible whole or not at all, with the SHA-256 the server
checks on arrival (a corrupted upload is refused, not kept). Temporary keys (``.nom.<8 hex>
.partiel``, which ``lister`` never shows) are only an older version's leftovers now; ``temporaires``
still lists them for ``fsck --reparer``.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from typing import BinaryIO
from urllib.parse import urlsplit

import boto3
from botocore.config import Config as ConfigBoto
from botocore.exceptions import ClientError

from .base import Absent, Entree, cle_valide, est_temporaire


class EcritureInvalide(OSError):
    """The server does not hold what was sent (size or sha256 differ)."""


def _absent(erreur: ClientError) -> bool:
    return erreur.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")


class S3:
    def __init__(self, client, bucket: str, prefixe: str = ""):
        self.client, self.bucket = client, bucket
        self.prefixe = f"{prefixe.strip('/')}/" if prefixe.strip("/") else ""

    @classmethod
    def depuis(cls, adresse: str, *, point_d_acces: str = "", cle: str = "", secret: str = "",
               region: str = "") -> S3:
        """From ``s3://bucket/prefix``; empty settings are left to boto3 (its environment
        variables, ~/.aws, an instance's role)."""
        morceaux = urlsplit(adresse)
        if not morceaux.netloc:
            raise ValueError(f"INSPE_STOCKAGE : « {adresse} » ne nomme pas de bucket "
                             "(s3://bucket/préfixe)")
        client = boto3.client(
            "s3", endpoint_url=point_d_acces or None, aws_access_key_id=cle or None,
            aws_secret_access_key=secret or None, region_name=region or "us-east-1",
            # path-style: a self-hosted server at an address has no per-bucket host names
            config=ConfigBoto(s3={"addressing_style": "path"} if point_d_acces else {},
                              retries={"max_attempts": 5, "mode": "standard"}))
        return cls(client, morceaux.netloc, morceaux.path)

    def __repr__(self) -> str:
        return f"S3(s3://{self.bucket}/{self.prefixe})"

    def _cle(self, cle: str) -> str:
        return self.prefixe + cle_valide(cle)

    def adresse(self, cle: str) -> str:
        return f"s3://{self.bucket}/{self._cle(cle)}"

    def ecrire(self, cle: str, donnees: bytes) -> None:
        # One PUT: S3 makes an object visible whole or not at all (never half a file), and the
        # server checks the SHA-256 sent with it before keeping it. A temporary key copied into
        # place would add three requests and a second copy of the bytes without a guarantee more
        # (measured: +79 % on a lot, bench/distribue.py stockage). What makes a file count is the
        # record written after it (the database row, document.json, lot.json), and fsck removes
        # what no record names.
        empreinte = hashlib.sha256(donnees)
        reponse = self.client.put_object(
            Bucket=self.bucket, Key=self._cle(cle), Body=donnees,
            Metadata={"sha256": empreinte.hexdigest()},
            ChecksumSHA256=base64.b64encode(empreinte.digest()).decode())
        recu = reponse.get("ChecksumSHA256")
        if recu is not None and recu != base64.b64encode(empreinte.digest()).decode():
            raise EcritureInvalide(f"{self.adresse(cle)} : le serveur ne garde pas ce qui a été "
                                   "envoyé (empreinte différente)")

    def lire(self, cle: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._cle(cle))["Body"].read()
        except ClientError as erreur:
            if _absent(erreur):
                raise Absent(f"rien sous la clé {cle} dans {self!r}") from None
            raise

    def flux(self, cle: str) -> BinaryIO:
        """The object's body as the server sends it (read in pieces, never whole)."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._cle(cle))["Body"]
        except ClientError as erreur:
            if _absent(erreur):
                raise Absent(f"rien sous la clé {cle} dans {self!r}") from None
            raise

    def existe(self, cle: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._cle(cle))
        except ClientError as erreur:
            if _absent(erreur):
                return False
            raise
        return True

    def supprimer(self, cle: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._cle(cle))

    def sous_dossiers(self, dossier: str) -> list[str]:
        """The folders' names in ``dossier``, asked of the server with the delimiter ``/``: one
        request per thousand folders, whatever they hold."""
        dossier = dossier.strip("/")
        prefixe = self._cle(dossier) + "/" if dossier else self.prefixe
        noms = []
        for page in self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=prefixe, Delimiter="/"):
            noms += [p["Prefix"][len(prefixe):].rstrip("/") for p in page.get("CommonPrefixes", [])]
        return sorted(noms)

    def lister(self, dossier: str) -> Iterator[Entree]:
        return (e for e in self._tout(dossier) if not est_temporaire(e.cle))

    def temporaires(self, dossier: str) -> Iterator[Entree]:
        return (e for e in self._tout(dossier) if est_temporaire(e.cle))

    def _tout(self, dossier: str) -> Iterator[Entree]:
        dossier = dossier.strip("/")
        prefixe = self._cle(dossier) + "/" if dossier else self.prefixe
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                           Prefix=prefixe):
            for objet in page.get("Contents", []):
                yield Entree(objet["Key"][len(self.prefixe):], objet["LastModified"].timestamp(),
                             objet["Size"])
