"""The JSON API under /api/: the same operations, validation and French messages as the pages.

Authentication by token (``Authorization: Bearer …``, made with ``python -m
service jeton IDENTIFIANT``); the same access rules and audit log as the pages.
The OpenAPI document is served at /api/openapi.json; the tests check every
response against it.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from .. import dossiers
from ..comptes import compte_du_jeton
from ..declaration import description
from ..generation import generer
from ..pdf import produire_pdfs
from ..validation import DonneesInvalides
from . import csrf, moteur, service
from .documents import fiche_autorisee, noter, telecharger

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)  # no cookie here: a token in each request


def _erreurs(statut: int, erreurs: list[dict]):
    return jsonify({"erreurs": erreurs}), statut


@bp.before_request
def authentifier():
    if request.endpoint == "api.openapi":
        return None
    entete = request.headers.get("Authorization", "")
    qui = compte_du_jeton(service(current_app)["base"], entete[7:]) if entete.startswith(
        "Bearer ") else None
    if qui is None:
        return _erreurs(401, [{"champ": "", "message": "jeton d'accès absent ou invalide"}])
    g.compte = qui
    return None


@bp.errorhandler(HTTPException)
def erreur_http(exc):
    messages = {404: "introuvable", 405: "méthode non permise", 413: "requête trop grande"}
    return _erreurs(exc.code, [{"champ": "", "message": messages.get(exc.code, exc.name)}])


@bp.get("/gabarits")
def gabarits():
    return jsonify([{"id": x.id, "titre": x.titre, "version": x.version,
                     "champs": [description(c) for c in x.formulaire.champs]}
                    for x in service(current_app)["catalogue"].courants()])


@bp.get("/gabarits/<id_>/exemple")
def exemple(id_: str):
    try:
        return jsonify(service(current_app)["catalogue"].gabarit(id_).formulaire.exemple)
    except KeyError as exc:
        return _erreurs(404, [{"champ": "gabarit", "message": exc.args[0]}])


def _document(fiche: dict) -> dict:
    return {
        "numero": fiche["numero"], "document_id": fiche["document_id"], "nom": fiche["nom"],
        "gabarit_id": fiche["gabarit_id"], "gabarit_version": fiche["gabarit_version"],
        "versions": [{"version": v["version"], "genere_le": v["genere_le"],
                      "pdf": url_for("api.fichier", numero=fiche["numero"], version=v["version"],
                                     extension="pdf"),
                      "docx": url_for("api.fichier", numero=fiche["numero"], version=v["version"],
                                      extension="docx")}
                     for v in fiche["versions"]],
    }


@bp.post("/documents")
def creer():
    corps = request.get_json(silent=True)
    if not isinstance(corps, dict) or not isinstance(corps.get("gabarit"), str):
        return _erreurs(400, [{"champ": "", "message": "corps JSON attendu : "
                                                       "{\"gabarit\": …, \"donnees\": {…}}"}])
    catalogue = service(current_app)["catalogue"]
    try:
        document = generer(catalogue, corps["gabarit"], corps.get("donnees"))
    except KeyError as exc:
        return _erreurs(404, [{"champ": "gabarit", "message": exc.args[0]}])
    except DonneesInvalides as exc:
        return _erreurs(422, [{"champ": e.champ, "message": e.message, "texte": str(e)}
                              for e in exc.erreurs])
    pool, sceau = moteur(current_app)
    (pdf,) = produire_pdfs([document], pool, sceau)
    dossiers.enregistrer(service(current_app)["config"].sorties, document, pdf,
                         auteur=g.compte.id)
    noter("création", document.numero, f"API, {document.gabarit.id}")
    return jsonify(_document(fiche_autorisee(document.numero))), 201


@bp.get("/documents/<numero>")
def lire(numero: str):
    fiche = fiche_autorisee(numero)
    noter("consultation", fiche["numero"], "API")
    return jsonify(_document(fiche))


@bp.get("/documents/<numero>/v<int:version>.<any(pdf, docx):extension>")
def fichier(numero: str, version: int, extension: str):
    return telecharger(numero, version, extension)


@bp.get("/openapi.json")
def openapi():
    return jsonify(OPENAPI)


_ERREURS = {"description": "Erreurs, en français, champ par champ",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Erreurs"}}}}

OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "Documents du tutorat — API", "version": "1",
             "description": "Mêmes opérations, même validation et mêmes messages que les pages."},
    "components": {
        "securitySchemes": {"jeton": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Erreurs": {"type": "object", "required": ["erreurs"], "properties": {"erreurs": {
                "type": "array", "items": {"type": "object", "required": ["champ", "message"],
                                           "properties": {"champ": {"type": "string"},
                                                          "message": {"type": "string"},
                                                          "texte": {"type": "string"}}}}}},
            "Champ": {"type": "object", "required": ["nom", "type", "libelle", "requis"],
                      "properties": {
                          "nom": {"type": "string"},
                          "type": {"enum": ["texte", "texte_long", "date", "entier", "choix",
                                            "choix_multiple", "groupe", "signature"]},
                          "libelle": {"type": "string"}, "requis": {"type": "boolean"},
                          "aide": {"type": "string"},
                          "choix": {"type": "array", "items": {"type": "string"}},
                          "champs": {"type": "array", "items": {"$ref": "#/components/schemas/Champ"}}}},
            "Gabarit": {"type": "object", "required": ["id", "titre", "version", "champs"],
                        "properties": {"id": {"type": "string"}, "titre": {"type": "string"},
                                       "version": {"type": "integer"},
                                       "champs": {"type": "array",
                                                  "items": {"$ref": "#/components/schemas/Champ"}}}},
            "Document": {"type": "object",
                         "required": ["numero", "document_id", "nom", "gabarit_id",
                                      "gabarit_version", "versions"],
                         "properties": {
                             "numero": {"type": "string"}, "document_id": {"type": "string"},
                             "nom": {"type": "string"}, "gabarit_id": {"type": "string"},
                             "gabarit_version": {"type": "integer"},
                             "versions": {"type": "array", "items": {
                                 "type": "object", "required": ["version", "pdf", "docx"],
                                 "properties": {"version": {"type": "integer"},
                                                "genere_le": {"type": "string"},
                                                "pdf": {"type": "string"},
                                                "docx": {"type": "string"}}}}}},
            "Demande": {"type": "object", "required": ["gabarit", "donnees"],
                        "properties": {"gabarit": {"type": "string"},
                                       "donnees": {"type": "object"}}},
        },
    },
    "security": [{"jeton": []}],
    "paths": {
        "/api/gabarits": {"get": {"summary": "Les gabarits, leurs versions et leurs champs",
                                  "responses": {"200": {"description": "Liste", "content": {
                                      "application/json": {"schema": {
                                          "type": "array",
                                          "items": {"$ref": "#/components/schemas/Gabarit"}}}}},
                                      "401": _ERREURS}}},
        "/api/gabarits/{id}/exemple": {"get": {
            "summary": "Un jeu de données d'exemple complet",
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {"200": {"description": "Données", "content": {"application/json": {
                "schema": {"type": "object"}}}}, "401": _ERREURS, "404": _ERREURS}}},
        "/api/documents": {"post": {
            "summary": "Produit, scelle et garde un document",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Demande"}}}},
            "responses": {"201": {"description": "Document gardé", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Document"}}}},
                "400": _ERREURS, "401": _ERREURS, "404": _ERREURS, "422": _ERREURS}}},
        "/api/documents/{numero}": {"get": {
            "summary": "Un document et ses versions",
            "parameters": [{"name": "numero", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {"200": {"description": "Document", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Document"}}}},
                "401": _ERREURS, "404": _ERREURS}}},
    },
}
