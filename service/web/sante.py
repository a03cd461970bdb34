"""GET /sante: 200 when the service can render, convert and seal."""

from __future__ import annotations

import time

from flask import Blueprint, current_app

from service.catalogue.generation import generer
from service.pdf.sceau import verifier

from . import produire_pdf, service

bp = Blueprint("sante", __name__)


@bp.get("/sante")
def sante():
    # the last check, kept with the application rather than in the module
    dernier = service(current_app).setdefault("sante", {"quand": -1e9, "ok": False, "message": ""})
    if time.monotonic() - dernier["quand"] > 60:  # a real document, at most once a minute
        try:
            catalogue = service(current_app)["catalogue"]
            gabarit = catalogue.courants()[0]
            document = generer(catalogue, gabarit.id, gabarit.formulaire.exemple)
            # the way people's documents go: LibreOffice, then the workshop's seal
            verification = verifier(produire_pdf(current_app, document).pdf, service(current_app)["sceau"])
            if not verification.intact:
                raise RuntimeError(verification.message)
            dernier.update(ok=True, message="rendu, conversion et sceau : ok")
        except Exception as exc:  # reported, not raised: this page says what is wrong
            dernier.update(ok=False, message=f"en panne : {exc}")
        dernier["quand"] = time.monotonic()
    return ({"etat": "ok" if dernier["ok"] else "panne", "detail": dernier["message"]},
            200 if dernier["ok"] else 503)
