"""GET /sante: 200 when the service can render and convert."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from flask import Blueprint, current_app

from ..generation import generer
from . import moteur, service

bp = Blueprint("sante", __name__)


@bp.get("/sante")
def sante():
    # the last check, kept with the application rather than in the module
    dernier = service(current_app).setdefault("sante", {"quand": -1e9, "ok": False, "message": ""})
    if time.monotonic() - dernier["quand"] > 60:  # a real conversion, at most once a minute
        try:
            catalogue = service(current_app)["catalogue"]
            gabarit = catalogue.courants()[0]
            document = generer(catalogue, gabarit.id, gabarit.formulaire.exemple)
            pool, _ = moteur(current_app)
            with tempfile.TemporaryDirectory() as tmp:
                Path(tmp, "a.docx").write_bytes(document.docx)
                pool.convertir(Path(tmp, "a.docx"), Path(tmp, "a.pdf"))
            dernier.update(ok=True, message="rendu et conversion : ok")
        except Exception as exc:  # reported, not raised: this page says what is wrong
            dernier.update(ok=False, message=f"en panne : {exc}")
        dernier["quand"] = time.monotonic()
    return ({"etat": "ok" if dernier["ok"] else "panne", "detail": dernier["message"]},
            200 if dernier["ok"] else 503)
