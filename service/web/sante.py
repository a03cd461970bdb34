"""GET /sante: 200 when the service can render and convert."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from flask import Blueprint, current_app

from ..generation import generer
from . import moteur, service

bp = Blueprint("sante", __name__)
_DERNIER = {"quand": 0.0, "ok": False, "message": ""}


@bp.get("/sante")
def sante():
    if time.monotonic() - _DERNIER["quand"] > 60:  # a real conversion, at most once a minute
        try:
            catalogue = service(current_app)["catalogue"]
            gabarit = catalogue.courants()[0]
            document = generer(catalogue, gabarit.id, gabarit.formulaire.exemple)
            pool, _ = moteur(current_app)
            with tempfile.TemporaryDirectory() as tmp:
                Path(tmp, "a.docx").write_bytes(document.docx)
                pool.convertir(Path(tmp, "a.docx"), Path(tmp, "a.pdf"))
            _DERNIER.update(ok=True, message="rendu et conversion : ok")
        except Exception as exc:  # reported, not raised: this page says what is wrong
            _DERNIER.update(ok=False, message=f"en panne : {exc}")
        _DERNIER["quand"] = time.monotonic()
    return ({"etat": "ok" if _DERNIER["ok"] else "panne", "detail": _DERNIER["message"]},
            200 if _DERNIER["ok"] else 503)
