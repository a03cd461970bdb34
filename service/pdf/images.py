"""The pages of a PDF as pictures: what the recap and the signing page show.

Every browser shows a picture, phones included; not all show a PDF. PDFium
(pypdfium2) draws a page in 15 ms; poppler's ``pdftoppm`` took 30 ms a page and
a process of its own, for the same pixels to the eye. The service has its
workshop do it (``atelier``), out of the way of the page views.
"""

from __future__ import annotations

from io import BytesIO

from .pdfium import ouvrir

RESOLUTION = 90  # dots per inch: an A4 page is 745 × 1053, sharp on a phone, light to send
QUALITE_JPEG = 88


def images_des_pages(pdf: bytes) -> list[bytes]:
    """Each page of ``pdf`` as a JPEG picture, in order."""
    images = []
    with ouvrir(pdf) as document:
        for page in document:
            image = page.render(scale=RESOLUTION / 72).to_pil()
            sortie = BytesIO()
            image.save(sortie, "JPEG", quality=QUALITE_JPEG)
            images.append(sortie.getvalue())
            page.close()
    return images
