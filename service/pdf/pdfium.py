"""PDFium (pypdfium2): reading and drawing PDFs in C, without Python's lock held.

It may not be called from two threads at once (pypdfium2's documentation), so
every use in a process goes through ``ouvrir``, which holds ``VERROU``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pypdfium2
import pypdfium2.raw as pdfium_c

VERROU = threading.Lock()


@contextmanager
def ouvrir(pdf: bytes) -> Iterator[pypdfium2.PdfDocument]:
    with VERROU:
        document = pypdfium2.PdfDocument(pdf)
        try:
            yield document
        finally:
            document.close()


def page_de_destination(document: pypdfium2.PdfDocument, nom: str) -> int:
    """The page (from 0) a named destination of ``document`` points to; KeyError if none."""
    destination = pdfium_c.FPDF_GetNamedDestByName(document.raw, nom.encode("utf-8"))
    page = pdfium_c.FPDFDest_GetDestPageIndex(document.raw, destination) if destination else -1
    if page < 0:
        raise KeyError(nom)
    return page
