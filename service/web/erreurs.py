"""HTTP errors in French: a page for people, the API's JSON shape under /api/.

Known failures of what the service stands on — a full disk, a database that does not
answer, LibreOffice or the seal out of order (``Indisponible``) — are 503 with their
reason, never 500 « erreur inattendue » and never a program's own words.
"""

from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from werkzeug.exceptions import HTTPException

from . import MESSAGE_DISQUE_PLEIN, Indisponible, disque_plein

log = logging.getLogger("service.web")

MESSAGES = {
    400: ("Requête incorrecte", "La demande n’a pas pu être comprise. Revenez à la page "
                                "précédente et réessayez."),
    403: ("Accès refusé", "Votre compte ne permet pas cette action."),
    404: ("Page introuvable", "Cette page n’existe pas, ou vous n’avez pas accès à ce document."),
    405: ("Action impossible", "Cette action n’est pas possible sur cette page."),
    413: ("Fichier trop volumineux", "Le fichier envoyé dépasse la taille permise (10 Mo pour un "
                                     "document Word). Réduisez-le, par exemple en compressant ses "
                                     "images, puis envoyez-le de nouveau."),
    500: ("Erreur du service", "Une erreur inattendue s’est produite ; rien n’a été perdu de ce qui "
                               "était enregistré. Réessayez dans un instant."),
}
MESSAGE_BASE_EN_PANNE = ("La base de données ne répond pas : réessayez dans quelques minutes ; "
                         "rien de ce qui était enregistré n’est perdu.")


# SQLite says what stops it in OperationalError's text, which also carries programming errors
# (« no such table »): only these mean that the file cannot be used now
_SQLITE_INDISPONIBLE = ("unable to open database", "database is locked", "disk i/o error")


def panne_de_base(exc: BaseException) -> str | None:
    """What a person is told when the database fails for reasons that are not theirs (it does
    not answer, its disk is full), or None for any other database error (a bug: 500)."""
    if isinstance(exc, SATimeoutError):  # no connection free in the pool: the base is stuck
        return MESSAGE_BASE_EN_PANNE
    if not isinstance(exc, DBAPIError):
        return None
    texte = str(exc.orig).lower()
    if "disk is full" in texte or "no space left" in texte:
        return MESSAGE_DISQUE_PLEIN
    if exc.connection_invalidated:
        return MESSAGE_BASE_EN_PANNE
    if isinstance(exc, OperationalError):
        if type(exc.orig).__module__.startswith("sqlite3"):
            return MESSAGE_BASE_EN_PANNE if any(m in texte for m in _SQLITE_INDISPONIBLE) else None
        return MESSAGE_BASE_EN_PANNE  # PostgreSQL: refused, closed, gone — not a wrong query
    return None


def indisponible(message: str):
    """503 with ``message``: JSON under /api/ and for /sante, a page for people."""
    if request.path.startswith("/api/"):
        return jsonify({"erreurs": [{"champ": "", "message": message}]}), 503
    if request.path == "/sante":
        return jsonify({"etat": "panne", "detail": f"en panne : {message[0].lower()}{message[1:]}"}), 503
    return render_template("erreur.html", titre="Service momentanément indisponible",
                           explication=message, code=503), 503


def init_app(app) -> None:
    @app.errorhandler(HTTPException)
    def erreur_http(exc: HTTPException):
        titre, explication = MESSAGES.get(exc.code, (exc.name, exc.description))
        if request.path.startswith("/api/"):
            return jsonify({"erreurs": [{"champ": "", "message": titre[0].lower() + titre[1:]}]}), exc.code
        return render_template("erreur.html", titre=titre, explication=explication,
                               code=exc.code), exc.code

    @app.errorhandler(Indisponible)
    def erreur_indisponible(exc: Indisponible):
        return indisponible(str(exc))

    @app.errorhandler(OSError)
    def erreur_systeme(exc: OSError):
        if disque_plein(exc):
            log.error("disque plein : %s", exc)
            return indisponible(MESSAGE_DISQUE_PLEIN)
        raise exc  # anything else stays an unexpected error (500)

    @app.errorhandler(DBAPIError)
    @app.errorhandler(SATimeoutError)
    def erreur_base(exc):
        message = panne_de_base(exc)
        if message is None:
            raise exc  # a wrong query is a bug: 500
        log.error("base de données : %s", exc)
        return indisponible(message)
