"""GET /sante: 200 when the service can render, convert, seal, write and reach its database and
its storage."""

from __future__ import annotations

import shutil
import time

from flask import Blueprint, current_app
from sqlalchemy import text

from service.catalogue.generation import generer
from service.pdf.sceau import verifier
from service.stockage import Dossier

from . import produire_pdf, service
from .erreurs import panne_de_base
from .outils import stockage

bp = Blueprint("sante", __name__)

ESPACE_LIBRE_MIN = 200 * 2**20  # below this, a lot's ZIP or a day's documents may not fit


def _disque() -> str | None:
    """What is wrong with the disks of the outputs and of the data (drafts, SQLite), if
    anything (checked at every call: cheap). With the storage on S3 these are this node's own
    folders (its temporary files), and the message says so: the bucket's space is not seen."""
    config = service(current_app)["config"]
    minimum = current_app.config.get("INSPE_ESPACE_LIBRE_MIN", ESPACE_LIBRE_MIN)
    local = isinstance(stockage(), Dossier)
    disque = "le disque du serveur" if local else "le disque local de ce serveur (hors stockage S3)"
    for dossier in (config.sorties, config.donnees):
        try:
            dossier.mkdir(parents=True, exist_ok=True)
            libre = shutil.disk_usage(dossier).free
        except OSError as exc:
            return f"le dossier {dossier} est inaccessible ({exc.strerror})"
        if libre < minimum:
            return (f"{disque} est presque plein : {libre / 2**20:.0f} Mo libres pour "
                    f"{dossier}, il en faut au moins {minimum / 2**20:.0f}")
    return None


def _base() -> str | None:
    try:
        with service(current_app)["base"].connect() as connexion:
            connexion.execute(text("SELECT 1"))
    except Exception as exc:
        message = panne_de_base(exc)
        if message is None:
            raise
        return message[0].lower() + message[1:].rstrip(".")
    return None


def _stockage() -> str | None:
    """Whether the storage answers (on S3: the bucket there, the keys accepted)."""
    try:
        stockage().existe("sante")
    except Exception as exc:  # noqa: BLE001 — said: this page says what is wrong
        return f"le stockage ({stockage()!r}) ne répond pas : {exc}"
    return None


@bp.get("/sante")
def sante():
    for probleme in (_base(), _disque(), _stockage()):
        if probleme:
            return {"etat": "panne", "detail": f"en panne : {probleme}"}, 503
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

