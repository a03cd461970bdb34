"""The files the service keeps, by relative key (``archive/objets/ab/abcd…``), on a local folder
or on S3-compatible object storage.

One machine keeps them in a folder (the embedded default, ``sorties/``); several machines share a
bucket (``INSPE_STOCKAGE=s3://bucket/prefix``), so that a web node or a worker needs no shared
disk. Both keep the same promises:

- ``ecrire`` is all or nothing: a reader sees the old content, the new one whole, or nothing —
  never half a file. The folder writes beside the file, flushes it to disk, then renames (a
  writer that dies leaves only a temporary, which ``temporaires`` lists for ``fsck --reparer``
  and ``lister`` never shows); S3 makes one PUT visible whole or not at all, and refuses one
  whose SHA-256 differs from what was sent;
- ``lister`` gives each key under a folder with when it was last written, so that ``fsck`` can
  leave alone what is younger than a write under way.

A key is a relative path with ``/``: no ``..``, no empty part, no leading ``/``.
"""

from __future__ import annotations

from pathlib import Path

from .base import Absent, Entree, Stockage, cle_valide
from .dossier import Dossier


def ouvrir(adresse: str | Path, *, point_d_acces: str = "", cle: str = "", secret: str = "",
           region: str = "") -> Stockage:
    """The storage at ``adresse``: ``s3://bucket/prefix`` (with the endpoint, credentials and
    region given, or boto3's usual ones when empty), or else a local folder."""
    texte = str(adresse)
    if texte.startswith("s3://"):
        from .s3 import S3

        return S3.depuis(texte, point_d_acces=point_d_acces, cle=cle, secret=secret, region=region)
    if "://" in texte:
        raise ValueError(f"INSPE_STOCKAGE : « {texte} » n’est ni un dossier ni une adresse "
                         "s3://bucket/préfixe")
    return Dossier(Path(texte))


__all__ = ["Absent", "Dossier", "Entree", "Stockage", "cle_valide", "ouvrir"]
