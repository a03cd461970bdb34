"""How a prepared signature is laid in a document: the image in its slot, then who signed and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup, escape

from .contexte import date_fr
from .ooxml import image_inline
from .signature import ImageSignature, ajuster

EMU_PAR_CM = 360_000
# Every signature slot of the gabarits holds at least this box.
EMPLACEMENT_EMU = (int(3.8 * EMU_PAR_CM), int(1.5 * EMU_PAR_CM))


@dataclass(frozen=True)
class Signataire:
    champ: str  # the declaration's signature field
    nom: str
    role: str
    date: dt.date
    image: ImageSignature

    @property
    def mention(self) -> str:
        return f"{self.nom} ({self.role}), signé le {date_fr(self.date)}"


def marquages(signataires) -> tuple[dict[str, Markup], dict[str, bytes]]:
    """For each signature field, what its slot prints; and the pictures, by relationship id."""
    textes, images = {}, {}
    for k, signataire in enumerate(signataires, 1):
        rid = f"rIdSignature{k}"
        largeur, hauteur = ajuster(signataire.image, *EMPLACEMENT_EMU)
        image = image_inline(rid, largeur, hauteur, f"signature {signataire.champ}", 5000 + k,
                             f"Signature de {signataire.nom} ({signataire.role})")
        # The slot's Jinja expression sits in a text run: close it, add the picture's
        # run, then a small run with the signer's name, role and date.
        textes[signataire.champ] = Markup(
            f"</w:t></w:r>{image}<w:r><w:rPr><w:sz w:val=\"14\"/><w:szCs w:val=\"14\"/></w:rPr>"
            f'<w:br/><w:t xml:space="preserve">{escape(signataire.mention)}')
        images[rid] = signataire.image.png
    return textes, images
