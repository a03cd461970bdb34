"""HTTP errors in French: a page for people, the API's JSON shape under /api/."""

from __future__ import annotations

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

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


def init_app(app) -> None:
    @app.errorhandler(HTTPException)
    def erreur_http(exc: HTTPException):
        titre, explication = MESSAGES.get(exc.code, (exc.name, exc.description))
        if request.path.startswith("/api/"):
            return jsonify({"erreurs": [{"champ": "", "message": titre[0].lower() + titre[1:]}]}), exc.code
        return render_template("erreur.html", titre=titre, explication=explication,
                               code=exc.code), exc.code
