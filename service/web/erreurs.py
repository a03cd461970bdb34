"""HTTP errors in French: a page for people, the API's JSON shape under /api/.

Known failures of what the service stands on — a full disk, a database that does not
answer, LibreOffice or the seal out of order (``Indisponible``) — are 503 with their
reason, never 500 « erreur inattendue » and never a program's own words.
"""

from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, OperationalError
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
    500: ("Erreur du service", "Une erreur inattendue s’est produite ; rien n'a été perdu de ce qui "
                               "était enregistré. Réessayez dans un instant."),
}
MESSAGE_BASE_EN_PANNE = ("La base de données ne répond pas : réessayez dans quelques minutes ; "
                         "rien de ce qui était enregistré n’est perdu.")


def base_injoignable(exc: BaseException) -> bool:
    """A database that cannot be reached (stopped, restarting, network), rather than a query
    that is wrong: the connection itself failed or was lost."""
    return isinstance(exc, OperationalError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated)


def indisponible(message: str):
    """503 with ``message``: JSON under /api/ and for /sante, a page for people."""
    if request.path.startswith("/api/"):
        return jsonify({"erreurs": [{"champ": "", "message": message}]}), 503
    if request.path == "/sante":
        return jsonify({"etat": "panne", "detail": f"en panne : {message}"}), 503
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
    def erreur_base(exc: DBAPIError):
        if base_injoignable(exc):
            log.error("base de données injoignable : %s", exc)
            return indisponible(MESSAGE_BASE_EN_PANNE)
        raise exc
