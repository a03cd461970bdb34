"""Signature images: what is accepted, what the user gets back, and the French refusals.

Every image is made here, in memory, with Pillow.
"""

from __future__ import annotations

import base64
import io
import random
import struct
import warnings
import zlib

import pytest
from PIL import Image, ImageChops, ImageDraw, features

from service.catalogue.signature import (
    COTE_MAX,
    MARGE,
    TAILLE_MAX,
    ImageSignature,
    SignatureRefusee,
    ajuster,
    depuis_data_url,
    preparer_signature,
)

TAILLE = (600, 250)
# A zigzag "signature"; its vertex SOMMET is in the middle of a stroke.
TRACE = [(150, 150), (200, 90), (250, 160), (300, 95), (350, 170), (450, 110)]
SOMMET = (250, 160)
EPAISSEUR = 6
ACCEPTEES = "seules les images PNG ou JPEG sont acceptées"


def _dessiner(image: Image.Image, encre, echelle: int = 1) -> Image.Image:
    trace = [(x * echelle, y * echelle) for x, y in TRACE]
    ImageDraw.Draw(image).line(trace, fill=encre, width=EPAISSEUR * echelle, joint="curve")
    return image


def _cadre_attendu() -> tuple[int, int, int, int]:
    """The bounding box of the strokes themselves."""
    return _dessiner(Image.new("L", TAILLE), 255).getbbox()


def _signature(mode: str = "RGB", fond="white", encre="black") -> Image.Image:
    return _dessiner(Image.new(mode, TAILLE, fond), encre)


def _octets(image: Image.Image, format_: str = "PNG", **options) -> bytes:
    sortie = io.BytesIO()
    image.save(sortie, format_, **options)
    return sortie.getvalue()


def _lire(signature: ImageSignature) -> Image.Image:
    image = Image.open(io.BytesIO(signature.png))
    assert (image.format, image.mode) == ("PNG", "RGBA")
    assert image.size == (signature.largeur, signature.hauteur)
    return image


def _au_sommet(image: Image.Image) -> tuple[int, ...]:
    """The pixel of the output at the vertex of the zigzag."""
    gauche, haut, _, _ = _cadre_attendu()
    return image.getpixel((SOMMET[0] - gauche + MARGE, SOMMET[1] - haut + MARGE))


def _verifier_recadrage(signature: ImageSignature, tolerance: int = 0) -> Image.Image:
    """Cropped to the strokes plus the margin, corners transparent, the stroke's middle opaque."""
    gauche, haut, droite, bas = _cadre_attendu()
    assert signature.largeur == pytest.approx(droite - gauche + 2 * MARGE, abs=tolerance)
    assert signature.hauteur == pytest.approx(bas - haut + 2 * MARGE, abs=tolerance)
    image = _lire(signature)
    largeur, hauteur = image.size
    for coin in [(0, 0), (largeur - 1, 0), (0, hauteur - 1), (largeur - 1, hauteur - 1)]:
        assert image.getpixel(coin)[3] == 0, coin
    # A small transparent margin: no stroke is cut at the edge of the image.
    assert 2 <= MARGE <= 10
    encre_gauche, encre_haut, encre_droite, encre_bas = image.getchannel("A").getbbox()
    assert (encre_gauche, encre_haut) >= (2, 2)
    assert (largeur - encre_droite, hauteur - encre_bas) >= (2, 2)
    # The vertex, where it should be once cropped (JPEG may move the crop by a pixel or so).
    x, y = SOMMET[0] - gauche + MARGE, SOMMET[1] - haut + MARGE
    assert min(image.getpixel((x + dx, y + dy))[3] for dx in (-1, 0, 1) for dy in (-1, 0, 1)) >= 240
    return image


def _pixels_visibles(image: Image.Image) -> int:
    return sum(image.getchannel("A").histogram()[1:])


def _refus(donnees: bytes) -> str:
    with pytest.raises(SignatureRefusee) as refus:
        preparer_signature(donnees)
    return str(refus.value)


# --- accepted images ------------------------------------------------------------------------------------


def test_trace_noir_sur_blanc_recadre_au_plus_pres():
    image = _verifier_recadrage(preparer_signature(_octets(_signature())))
    assert _au_sommet(image) == (0, 0, 0, 255)
    # The paper between the strokes is gone, not only around them.
    encre = sum(_dessiner(Image.new("L", TAILLE), 255).histogram()[1:])
    assert _pixels_visibles(image) == encre


def test_l_encre_garde_sa_couleur_et_les_bords_restent_doux():
    image = Image.new("RGB", (300, 120), "white")
    dessin = ImageDraw.Draw(image)
    for x, gris in [(20, 0), (100, 110), (180, 160)]:  # ink, then two lighter anti-aliasing levels
        dessin.rectangle((x, 20, x + 60, 100), fill=(gris, gris, gris))
    dessin.rectangle((260, 20, 290, 100), fill=(200, 20, 20))  # red ink
    resultat = _lire(preparer_signature(_octets(image)))
    noir, fonce, clair = (resultat.getpixel((x - 20 + MARGE + 30, 60 - 20 + MARGE)) for x in (20, 100, 180))
    assert noir[3] == 255
    assert 255 >= fonce[3] > clair[3] > 0  # darker is more opaque: edges fade instead of being cut
    assert clair[:3] == (160, 160, 160)
    assert resultat.getpixel((260 - 20 + MARGE + 15, 60 - 20 + MARGE)) == (200, 20, 20, 255)


def _photo(encre: bool = True) -> bytes:
    """A phone photo: greyish paper, grain everywhere, blue-black ballpoint, JPEG."""
    image = Image.new("RGB", TAILLE, (198, 195, 188))
    if encre:
        _dessiner(image, (45, 48, 80))
    grain = Image.merge("RGB", [Image.effect_noise(TAILLE, 7) for _ in range(3)])  # centred on 128
    return _octets(ImageChops.add(image, grain, offset=-128), "JPEG", quality=85)


def test_photo_sur_papier_gris_avec_du_grain():
    image = _verifier_recadrage(preparer_signature(_photo()), tolerance=3)
    # Only the strokes (and a thin JPEG fringe) stay visible: the grey paper is transparent.
    encre = sum(_dessiner(Image.new("L", TAILLE), 255).histogram()[1:])
    assert _pixels_visibles(image) < 1.6 * encre


def test_photo_de_papier_sans_signature_refusee():
    assert _refus(_photo(encre=False)) == "l’image ne contient aucun tracé de signature"


def test_trace_du_navigateur_sur_fond_transparent_via_data_url():
    # A drawing pad: transparent pixels are (0, 0, 0, 0), strokes anti-aliased (drawn at 2x, reduced).
    grand = _dessiner(Image.new("RGBA", (TAILLE[0] * 2, TAILLE[1] * 2)), (20, 30, 120, 255), echelle=2)
    pad = grand.resize(TAILLE, Image.Resampling.LANCZOS)
    data_url = "data:image/png;base64," + base64.b64encode(_octets(pad)).decode("ascii")
    image = _verifier_recadrage(preparer_signature(depuis_data_url(data_url)), tolerance=2)
    assert _au_sommet(image)[:3] == pytest.approx((20, 30, 120), abs=6)  # the pen's blue, not black
    alphas = image.getchannel("A").histogram()
    assert sum(alphas[1:255]) > 0  # the anti-aliased edges stay semi-transparent


def test_jpeg_accepte_et_sans_metadonnees():
    exif = Image.Exif()
    exif[0x010F] = "Fabricant du telephone"
    signature = preparer_signature(_octets(_signature(), "JPEG", quality=90, exif=exif))
    image = _verifier_recadrage(signature, tolerance=3)
    assert "exif" not in image.info


def test_jpeg_cmjn_accepte():
    donnees = _octets(_signature().convert("CMYK"), "JPEG")
    assert Image.open(io.BytesIO(donnees)).mode == "CMYK"
    image = _verifier_recadrage(preparer_signature(donnees), tolerance=3)
    assert max(_au_sommet(image)[:3]) < 60  # still dark ink, not inverted


def test_orientation_exif_respectee():
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was held upright: the stored picture must be turned a quarter
    signature = preparer_signature(_octets(_signature(), "JPEG", quality=90, exif=exif))
    gauche, haut, droite, bas = _cadre_attendu()
    assert signature.largeur == pytest.approx(bas - haut + 2 * MARGE, abs=3)
    assert signature.hauteur == pytest.approx(droite - gauche + 2 * MARGE, abs=3)


def test_jpeg_de_telephone_avec_image_auxiliaire():
    # Phones add a second image (HDR gain map) to their JPEGs; Pillow calls them MPO.
    donnees = _octets(_signature(), "MPO", save_all=True, append_images=[Image.new("RGB", TAILLE, "black")])
    assert Image.open(io.BytesIO(donnees)).format == "MPO"
    _verifier_recadrage(preparer_signature(donnees), tolerance=3)


@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "RGB", "RGBA", "I;16"])
def test_tous_les_modes_png(mode):
    image = _signature()
    if mode == "I;16":  # 16-bit grey, with grey ink: must not be clipped to white
        image = _signature("L", encre=80).convert("I").point(lambda v: v * 257).convert("I;16")
    elif mode in ("LA", "RGBA"):
        image = _signature(mode, fond=0, encre="black")  # transparent paper
    else:
        image = image.convert(mode)
    _verifier_recadrage(preparer_signature(_octets(image)))


def test_grande_signature_reduite_proportions_gardees():
    image = Image.new("L", (3000, 900), 255)
    ImageDraw.Draw(image).line([(100, 800), (1500, 100), (2900, 700)], fill=0, width=20)
    signature = preparer_signature(_octets(image))
    assert signature.largeur == 1200
    assert signature.hauteur == pytest.approx(1200 * (720 + 2 * MARGE) / (2820 + 2 * MARGE), abs=3)
    _lire(signature)


# --- refused images -------------------------------------------------------------------------------------


def _bloc_png(type_: bytes, contenu: bytes) -> bytes:
    return struct.pack(">I", len(contenu)) + type_ + contenu + struct.pack(">I", zlib.crc32(type_ + contenu))


def _bombe(cote: int = 30000) -> bytes:
    """A valid 1-bit PNG of cote × cote white pixels: 112 MB of pixels (900 MB once decoded) in ~110 KB."""
    compression = zlib.compressobj(9)
    ligne = bytes(1 + cote // 8)  # filter byte, then 8 pixels a byte
    idat = b"".join(compression.compress(ligne) for _ in range(cote)) + compression.flush()
    entete = struct.pack(">IIBBBBB", cote, cote, 1, 0, 0, 0, 0)
    blocs = _bloc_png(b"IHDR", entete) + _bloc_png(b"IDAT", idat) + _bloc_png(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + blocs


def test_fichier_de_plus_de_2_mo_refuse():
    bruit = random.Random(1).randbytes(1000 * 800 * 3)  # noise does not compress: a real 2.4 MB PNG
    donnees = _octets(Image.frombytes("RGB", (1000, 800), bruit))
    assert len(donnees) > TAILLE_MAX
    assert _refus(donnees) == "l’image dépasse 2 Mo"


def test_image_trop_large_refusee():
    image = Image.new("L", (5000, 10), 255)
    ImageDraw.Draw(image).line([(0, 5), (4999, 5)], fill=0, width=3)
    assert _refus(_octets(image)) == (
        f"l’image est trop grande : {COTE_MAX} × {COTE_MAX} pixels au plus (elle en fait 5000 × 10)")


def test_bombe_de_decompression_refusee_sans_toucher_aux_avertissements():
    donnees = _bombe()
    assert len(donnees) < 200_000
    filtres = list(warnings.filters)
    assert _refus(donnees).startswith("l’image est trop grande : 4000 × 4000 pixels au plus")
    assert warnings.filters == filtres


def test_image_animee_refusee():
    images = [_signature(), _dessiner(Image.new("RGB", TAILLE, "white"), "blue")]
    donnees = _octets(images[0], save_all=True, append_images=images[1:], duration=200, loop=0)
    assert _refus(donnees) == "les images animées ne sont pas acceptées"


def _webp() -> bytes:
    if not features.check("webp"):
        pytest.skip("Pillow built without WebP")
    return _octets(_signature(), "WEBP")


@pytest.mark.parametrize("fabrique", [
    pytest.param(lambda: _octets(_signature(), "GIF"), id="gif"),
    pytest.param(_webp, id="webp"),
    pytest.param(lambda: b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n", id="pdf-renomme-png"),
    pytest.param(lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0L9 9"/></svg>', id="svg"),
    pytest.param(lambda: "Signé : Camille Martin".encode(), id="texte"),
    pytest.param(lambda: random.Random(2).randbytes(5000), id="octets-au-hasard"),
    pytest.param(lambda: b"", id="vide"),
])
def test_format_non_accepte(fabrique):
    assert _refus(fabrique()) == f"ce fichier n’est pas une image reconnue : {ACCEPTEES}"


def _png_abime() -> bytes:
    donnees = bytearray(_octets(_signature()))
    debut = donnees.index(b"IDAT") + 20
    donnees[debut] ^= 0xFF  # one flipped byte in the pixels: the checksum no longer matches
    return bytes(donnees)


@pytest.mark.parametrize("fabrique", [
    pytest.param(lambda: _octets(_signature())[:-400], id="png-tronque"),
    pytest.param(lambda: _octets(_signature())[:-12], id="png-sans-fin"),  # pixels complete, IEND missing
    pytest.param(lambda: _octets(_signature(), "JPEG")[:1500], id="jpeg-tronque"),
    pytest.param(_png_abime, id="png-abime"),
])
def test_image_endommagee_refusee(fabrique):
    assert _refus(fabrique()) == f"l’image est endommagée ou incomplète : {ACCEPTEES}"


def _presque_blanche() -> Image.Image:
    image = Image.new("L", TAILLE, 250)
    dessin = ImageDraw.Draw(image)
    dessin.point([(10, 10), (300, 100)], fill=235)  # specks barely darker than the paper
    dessin.rectangle((400, 200, 401, 201), fill=0)  # and a speck of dust, 2 × 2 px: no signature either
    return image


@pytest.mark.parametrize("fabrique", [
    pytest.param(lambda: Image.new("RGB", TAILLE, "white"), id="blanche"),
    pytest.param(lambda: Image.new("RGB", TAILLE, (20, 30, 90)), id="unie-foncee"),
    pytest.param(lambda: Image.new("RGBA", TAILLE), id="pad-vide"),
    pytest.param(_presque_blanche, id="papier-poussiere"),
])
def test_image_sans_trace_refusee(fabrique):
    assert _refus(_octets(fabrique())) == "l’image ne contient aucun tracé de signature"


# --- data URLs ------------------------------------------------------------------------------------------


def test_data_url_png_et_jpeg_decodees():
    png, jpeg = _octets(_signature()), _octets(_signature(), "JPEG")
    assert depuis_data_url("data:image/png;base64," + base64.b64encode(png).decode()) == png
    assert depuis_data_url("data:image/jpeg;base64," + base64.b64encode(jpeg).decode()) == jpeg


@pytest.mark.parametrize("texte", [
    "data:text/plain;base64,U2lnbsOpIDogQ2FtaWxsZQ==",
    "data:application/pdf;base64,JVBERi0xLjcK",
    "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
    "data:image/png,%89PNG",  # not base64
    "iVBORw0KGgo=",  # no data URL at all
])
def test_data_url_qui_n_est_pas_une_image_refusee(texte):
    with pytest.raises(SignatureRefusee) as refus:
        depuis_data_url(texte)
    assert str(refus.value) == f"la signature transmise n’est pas une image : {ACCEPTEES}"


@pytest.mark.parametrize("charge", ["@@@@", "iVBORw0KGgo", "iVBO Rw0K\u00e9Ggo="])
def test_data_url_base64_invalide(charge):
    with pytest.raises(SignatureRefusee) as refus:
        depuis_data_url("data:image/png;base64," + charge)
    assert str(refus.value) == "la signature transmise est illisible (encodage base64 invalide)"


def test_data_url_trop_longue_refusee():
    trop = base64.b64encode(bytes(TAILLE_MAX + 3)).decode()
    # Too long to be 2 MB once decoded: refused on its length, before decoding (not as bad base64).
    for charge in (trop, "@" * (3 * TAILLE_MAX), "@" * (4 * TAILLE_MAX // 3 + 100)):
        texte = "data:image/png;base64," + charge
        with pytest.raises(SignatureRefusee) as refus:
            depuis_data_url(texte)
        assert str(refus.value) == "l’image dépasse 2 Mo"


# --- fitting into the document --------------------------------------------------------------------------

CM = 360000


@pytest.mark.parametrize(("taille", "attendu"), [
    ((600, 200), (6 * CM, 2 * CM)),  # wide: as wide as the slot
    ((200, 600), (1 * CM, 3 * CM)),  # tall: as tall as the slot
    ((400, 200), (6 * CM, 3 * CM)),  # same proportions as the slot: fills it
    ((60, 20), (6 * CM, 2 * CM)),  # small: enlarged to the slot
])
def test_ajuster_garde_les_proportions_et_tient_dans_la_case(taille, attendu):
    image = ImageSignature(b"", *taille)
    largeur, hauteur = ajuster(image, 6 * CM, 3 * CM)
    assert (largeur, hauteur) == attendu
    assert largeur <= 6 * CM and hauteur <= 3 * CM
    assert largeur / hauteur == pytest.approx(taille[0] / taille[1], rel=1e-5)


def test_ajuster_refuse_une_case_vide():
    with pytest.raises(ValueError):
        ajuster(ImageSignature(b"", 100, 50), 0, 3 * CM)
