"""Signature images: checked, cleaned and cropped before being merged into a document.

The image comes from a user (a file upload, or a drawing pad sending a PNG data
URL) and is treated as hostile until checked: size of the file, real PNG or
JPEG content, dimensions read from the header before any pixel is decoded, no
animation. It is then turned into an RGBA PNG whose paper is transparent and
whose ink keeps its colour, cropped to the strokes, with no metadata left.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import struct
import warnings
import zlib
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError


class SignatureRefusee(Exception):
    """The image cannot be used as a signature; the message says why, in French."""


@dataclass(frozen=True)
class ImageSignature:
    png: bytes  # RGBA PNG: cropped to the ink, transparent background
    largeur: int  # pixels
    hauteur: int  # pixels


TAILLE_MAX = 2 * 2**20  # 2 MB of file
COTE_MAX = 4000  # px, each side
LARGEUR_FINALE = 1200  # px: larger signatures are scaled down (each side)
MARGE = 4  # px of transparent margin around the ink
ENCRE_MIN = 16  # pixels at least half opaque, else there is no stroke
# The only readers Pillow may use. For a JPEG carrying extra images (phones' HDR gain maps) the
# JPEG reader gives an "MPO" image whose first image, the photo, is the one used.
FORMATS = ("PNG", "JPEG")

ACCEPTEES = "seules les images PNG ou JPEG sont acceptées"
TROP_LOURDE = "l’image dépasse 2 Mo"
TROP_GRANDE = f"l’image est trop grande : {COTE_MAX} × {COTE_MAX} pixels au plus"
SANS_TRACE = "l’image ne contient aucun tracé de signature"
DATA_URL = re.compile(r"data:image/(?:png|jpe?g);base64,(.*)", re.IGNORECASE | re.DOTALL)


def depuis_data_url(texte: str) -> bytes:
    """The bytes of a ``data:image/png;base64,…`` (or JPEG) URL, as sent by a drawing pad."""
    if len(texte) > 2 * TAILLE_MAX:  # before any parsing: base64 is only 4/3 of the bytes
        raise SignatureRefusee(TROP_LOURDE)
    correspondance = DATA_URL.fullmatch(texte.strip())
    if correspondance is None:
        raise SignatureRefusee(f"la signature transmise n’est pas une image : {ACCEPTEES}")
    charge = "".join(correspondance.group(1).split())
    if len(charge) > 4 * -(-TAILLE_MAX // 3):
        raise SignatureRefusee(TROP_LOURDE)
    try:
        donnees = base64.b64decode(charge, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureRefusee("la signature transmise est illisible (encodage base64 invalide)") from None
    if not donnees:
        raise SignatureRefusee("la signature transmise est vide")
    if len(donnees) > TAILLE_MAX:
        raise SignatureRefusee(TROP_LOURDE)
    return donnees


def preparer_signature(donnees: bytes) -> ImageSignature:
    """Check ``donnees`` and return the signature cropped to its ink on a transparent background."""
    if len(donnees) > TAILLE_MAX:
        raise SignatureRefusee(TROP_LOURDE)
    image = _ouvrir(donnees)
    alpha = _encre(image)
    if sum(alpha.histogram()[128:]) < ENCRE_MIN:
        raise SignatureRefusee(SANS_TRACE)
    gauche, haut, droite, bas = alpha.getbbox()
    cadre = (max(gauche - MARGE, 0), max(haut - MARGE, 0),
             min(droite + MARGE, image.width), min(bas + MARGE, image.height))
    alpha = alpha.crop(cadre)
    # Fully transparent pixels are zeroed: invisible either way, and the PNG compresses better.
    vide = Image.new("RGB", alpha.size)
    signature = Image.composite(image.crop(cadre).convert("RGB"), vide, alpha.point(lambda a: 255 * (a > 0)))
    signature.putalpha(alpha)
    signature.thumbnail((LARGEUR_FINALE, LARGEUR_FINALE), Image.Resampling.LANCZOS)
    sortie = io.BytesIO()
    signature.save(sortie, "PNG", optimize=True)
    return ImageSignature(sortie.getvalue(), signature.width, signature.height)


def ouvrir_image(donnees: bytes) -> Image.Image:
    """An uploaded picture (a signature, the institution's logo), checked as a signature is:
    the file's size, real PNG or JPEG, the size read from the header before any pixel is
    decoded (no decompression bomb), no animation; SignatureRefusee says why, in French."""
    if len(donnees) > TAILLE_MAX:
        raise SignatureRefusee(TROP_LOURDE)
    return _ouvrir(donnees)


def ajuster(image: ImageSignature, largeur_max_emu: int, hauteur_max_emu: int) -> tuple[int, int]:
    """Size in EMU (1 cm = 360000 EMU) of the largest box of the image's proportions inside the slot."""
    if largeur_max_emu <= 0 or hauteur_max_emu <= 0:
        raise ValueError("the slot of a signature must have a positive size")
    if image.largeur * hauteur_max_emu >= image.hauteur * largeur_max_emu:  # wider than the slot
        return largeur_max_emu, max(1, round(largeur_max_emu * image.hauteur / image.largeur))
    return max(1, round(hauteur_max_emu * image.largeur / image.hauteur)), hauteur_max_emu


def _ouvrir(donnees: bytes) -> Image.Image:
    """The decoded RGBA image, after checking its format and its header."""
    with warnings.catch_warnings():  # restored on exit: Pillow's global state is left alone
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(donnees), formats=FORMATS) as essai:
                if essai.width > COTE_MAX or essai.height > COTE_MAX:
                    raise SignatureRefusee(f"{TROP_GRANDE} (elle en fait {essai.width} × {essai.height})")
                if essai.format == "PNG" and getattr(essai, "is_animated", False):
                    raise SignatureRefusee("les images animées ne sont pas acceptées")
                essai.verify()
            # verify() leaves the image unusable: it is opened again to decode the pixels.
            with Image.open(io.BytesIO(donnees), formats=FORMATS) as ouverte:
                ouverte.load()
                image = ImageOps.exif_transpose(ouverte)  # a copy, turned upright
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise SignatureRefusee(TROP_GRANDE) from None
        except UnidentifiedImageError:
            raise SignatureRefusee(f"ce fichier n’est pas une image reconnue : {ACCEPTEES}") from None
        except (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error):
            raise SignatureRefusee(f"l’image est endommagée ou incomplète : {ACCEPTEES}") from None
    if image.mode.startswith("I"):  # 16-bit grey: brought back to 8 bits instead of clipped to white
        image = image.convert("I").point(lambda v: v / 256).convert("L")
    return image.convert("RGBA")


def _encre(image: Image.Image) -> Image.Image:
    """The opacity of the ink: 0 on the paper, rising with how much darker than the paper a pixel is.

    The image is first laid on white paper, so that transparent pixels (whatever their
    colour) count as paper. The paper's level is estimated from the image, not assumed
    white, so that a photo of a signature on greyish paper works too.
    """
    blanc = Image.new("RGBA", image.size, (255, 255, 255, 255))
    luminance = Image.alpha_composite(blanc, image).convert("L")
    papier = _centile(luminance.histogram(), 0.9)
    debut = max(round(papier * 0.18), 24)  # darker than the paper by less: paper grain, noise
    plein = max(round(papier * 0.5), debut + 32)  # darker than the paper by more: fully opaque ink
    pente = 255 / (plein - debut)
    table = [min(255, max(0, round((papier - niveau - debut) * pente))) for niveau in range(256)]
    return luminance.point(table)


def _centile(histogramme: list[int], fraction: float) -> int:
    """The level below which ``fraction`` of the pixels of ``histogramme`` lie."""
    rang, cumul = fraction * sum(histogramme), 0
    for niveau, effectif in enumerate(histogramme):
        cumul += effectif
        if cumul >= rang:
            return niveau
    return len(histogramme) - 1
