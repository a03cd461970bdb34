"""The JSON API under /api/: the same operations, validation and French messages as the pages.

Authentication by token (``Authorization: Bearer …``, made with ``python -m
service jeton IDENTIFIANT``); the same access rules and audit log as the pages.
The OpenAPI document is served at /api/openapi.json; the tests check every
response against it.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from service.archive.antivirus import AntivirusIndisponible
from service.archive.depot import INCHANGE, ArchiveIntrouvable
from service.archive.recherche import Filtres, rechercher
from service.catalogue.declaration import description
from service.catalogue.docx_sur import DocxRefuse
from service.catalogue.extraction import DocumentNonReconnu
from service.catalogue.generation import preparer
from service.catalogue.signature import SignatureRefusee, depuis_data_url
from service.catalogue.validation import DonneesInvalides
from service.dossier import circuit as circuit_
from service.dossier import redaction, suivi
from service.personnes import acces, effectifs
from service.personnes.acces import Case
from service.personnes.comptes import compte_du_jeton

from . import PdfImpossible, csrf, produire_pdf, service
from .outils import (
    archive_autorisee,
    au_dossier,
    autoriser,
    base,
    circuit,
    depot_autorise,
    document_acces,
    fiche_autorisee,
    lecture,
    noter,
    outil_archives,
    peut,
    stockage,
    telecharger_archive,
    telecharger_document,
)
from .outils import archiver as archiver_version
from .serialisation import document_json, fiche_json, resume_json

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


@bp.post("/documents")
def creer():
    corps = request.get_json(silent=True)
    if not isinstance(corps, dict) or not isinstance(corps.get("gabarit"), str):
        return _erreurs(400, [{"champ": "", "message": "corps JSON attendu : "
                                                       "{\"gabarit\": …, \"donnees\": {…}}"}])
    catalogue = service(current_app)["catalogue"]
    stagiaire = None
    if corps.get("stagiaire") is not None:  # a roster stagiaire (its id): pre-fill and trio
        stagiaire = effectifs.un(service(current_app)["base"], corps["stagiaire"]) \
            if isinstance(corps["stagiaire"], int) else None
        if stagiaire is None:
            return _erreurs(404, [{"champ": "stagiaire", "message": "introuvable"}])
        autoriser("lire", stagiaire)
    try:
        formulaire = catalogue.gabarit(str(corps["gabarit"])).formulaire
    except KeyError as exc:
        return _erreurs(404, [{"champ": "gabarit", "message": exc.args[0]}])
    autoriser("remplir", acces.Formulaire.de(formulaire, stagiaire))
    try:
        gabarit, valeurs = preparer(catalogue, corps["gabarit"], corps.get("donnees"))
    except KeyError as exc:
        return _erreurs(404, [{"champ": "gabarit", "message": exc.args[0]}])
    except DonneesInvalides as exc:
        return _erreurs(422, [{"champ": e.champ, "message": e.message, "texte": str(e)}
                              for e in exc.erreurs])
    # in the stagiaire's dossier: a correction is the next version of the dossier's document
    document = redaction.rendre_pour_le_dossier(base(), catalogue, stockage(), gabarit, valeurs,
                                                stagiaire)
    try:
        pdf = produire_pdf(current_app, document).pdf
    except PdfImpossible as exc:
        return _erreurs(503, [{"champ": "", "message": str(exc)}])
    try:
        redaction.garder(base(), catalogue, stockage(), document, pdf, g.compte, stagiaire)
    except suivi.EtapeImpossible as exc:
        return _erreurs(409, [{"champ": "stagiaire", "message": str(exc)}])
    noter("création" if document.version == 1 else "correction", document.numero,
          f"API, {document.gabarit.id}, document v{document.version}")
    _suite(document.numero)
    return jsonify(document_json(fiche_autorisee(document.numero))), 201


@bp.get("/documents/<numero>")
def lire(numero: str):
    fiche = fiche_autorisee(numero)
    noter("consultation", fiche["numero"], "API")
    return jsonify(document_json(fiche))


@bp.get("/documents/<numero>/v<int:version>.<any(pdf, docx):extension>")
def fichier(numero: str, version: int, extension: str):
    return telecharger_document(numero, version, extension)


@bp.post("/documents/<numero>/signatures")
def signer(numero: str):
    """Signs one slot for the token's account: its name, its poste's qualité, today's date."""
    fiche = fiche_autorisee(numero, "signer")
    corps = request.get_json(silent=True)
    if not isinstance(corps, dict) or not isinstance(corps.get("champ"), str) \
            or not isinstance(corps.get("image"), str):
        return _erreurs(400, [{"champ": "", "message": "corps JSON attendu : {\"champ\": …, "
                                                       "\"image\": \"data:image/png;base64,…\"}"}])
    champ = corps["champ"]  # any « nom » or « qualite » sent along is not read
    if not peut("signer", Case(document_acces(fiche), champ)):  # its own signer's only
        noter("accès refusé", fiche["numero"], f"API, signature {champ[:60]}")
        return _erreurs(404, [{"champ": "champ", "message": (
            f"aucune case « {champ[:60]} » à signer par vous dans ce document (déjà signée, "
            "pas encore votre tour, ou la case d’une autre personne)")}])
    try:
        redaction.signer_case(base(), service(current_app)["catalogue"], stockage(),
                              fiche["numero"], champ, g.compte, depuis_data_url(corps["image"]),
                              lambda document: produire_pdf(current_app, document).pdf, "API")
    except SignatureRefusee as exc:
        return _erreurs(422, [{"champ": "image", "message": str(exc)}])
    except PdfImpossible as exc:
        return _erreurs(503, [{"champ": "", "message": f"{exc} La signature n’a pas été "
                                                      "apposée : réessayez dans un instant."}])
    _suite(fiche["numero"])
    return jsonify(document_json(fiche_autorisee(fiche["numero"]))), 201


def _suite(numero: str) -> None:
    """The dossier's circuit after a step (the same as the pages'): a failure there loses
    nothing — the document is kept, « signé », and archived by ``fsck --reparer``."""
    try:
        circuit_.suite(circuit(), numero, g.compte.identifiant)
    except Exception:  # noqa: BLE001 — kept in the log
        current_app.logger.exception("circuit du document %s", numero)


# --- the archive of completed documents ---------------------------------------------------

def _oui(valeur) -> bool:
    return str(valeur or "").strip().lower() in ("1", "true", "oui", "on")


@bp.post("/archives")
def deposer_archive():
    fichier = request.files.get("fichier")
    if not fichier or not fichier.filename:
        return _erreurs(400, [{"champ": "fichier", "message": "le document Word (.docx) manque "
                                                              "(champ multipart « fichier »)"}])
    archives = outil_archives()
    try:
        depot = archives.deposer(fichier.read(), fichier.filename, g.compte.identifiant,
                                 libre=_oui(request.form.get("libre")),
                                 titre_libre=request.form.get("titre", "")[:300],
                                 stagiaire_libre=request.form.get("stagiaire", "")[:200],
                                 compte=g.compte)
    except (DocxRefuse, DocumentNonReconnu) as exc:
        return _erreurs(422, [{"champ": "fichier", "message": str(exc)}])
    except AntivirusIndisponible as exc:
        return _erreurs(503, [{"champ": "fichier", "message": str(exc)}])
    au_dossier(depot)
    archive = archives.une(depot.numero)
    if not peut("lire", archive):
        # the same file is another's record: nothing about it is said
        return _erreurs(422, [{"champ": "fichier", "message": "ce fichier a déjà été déposé"}])
    version = next(v for v in archive.versions if v.version == depot.version)
    valeurs, erreurs = lecture(archive, version)
    return jsonify({"numero": archive.numero, "version": version.version,
                    "deja_archive": depot.deja_archive, "gabarit": archive.gabarit_id,
                    "gabarit_version": version.gabarit_version, "libre": depot.libre,
                    "inchange": version.inchange,
                    **({"avertissement": INCHANGE} if version.inchange else {}),
                    "valeurs": valeurs, "erreurs": [{"champ": e.champ, "message": e.message,
                                                     "texte": str(e)} for e in erreurs],
                    "url": url_for("api.archive", numero=archive.numero)}), 201


@bp.post("/archives/<numero>/versions/<int:version>/archiver")
def archiver(numero: str, version: int):
    archive, cible = depot_autorise(numero, version)
    corps = request.get_json(silent=True) if request.content_length else {}
    if not isinstance(corps, dict) or not isinstance(corps.get("valeurs", {}), dict):
        return _erreurs(400, [{"champ": "", "message": "corps JSON attendu : {\"valeurs\": {…}} "
                                                       "(facultatif)"}])
    if cible.inchange and not cible.archive_le and corps.get("inchange_accepte") is not True:
        return _erreurs(409, [{"champ": "inchange_accepte", "message": INCHANGE + (
            " Pour l'archiver quand même : {\"inchange_accepte\": true}.")}])
    try:
        archive = archiver_version(archive.numero, version, donnees=corps.get("valeurs"),
                                        titre=str(corps.get("titre") or "")[:300],
                                        stagiaire=str(corps.get("stagiaire") or "")[:200])
    except PdfImpossible as exc:  # the upload stays waiting
        return _erreurs(503, [{"champ": "", "message": str(exc)}])
    except ArchiveIntrouvable as exc:
        return _erreurs(404, [{"champ": "version", "message": str(exc)}])
    except DonneesInvalides as exc:
        return _erreurs(422, [{"champ": e.champ, "message": e.message, "texte": str(e)}
                              for e in exc.erreurs])
    return jsonify(fiche_json(archive_autorisee(archive.numero)))


@bp.get("/archives")
def chercher_archives():
    page = max(request.args.get("page", 1, type=int), 1)
    total, trouves = rechercher(service(current_app)["base"], Filtres.depuis(request.args),
                                g.compte, page)
    return jsonify({"total": total, "page": page,
                    "resultats": [resume_json(a) for a in trouves]})


@bp.get("/archives/<numero>")
def archive(numero: str):
    trouvee = archive_autorisee(numero)
    noter("consultation", trouvee.numero, "API")
    return jsonify(fiche_json(trouvee))


@bp.get("/archives/<numero>/v<int:version>.<any(pdf, docx):extension>")
def fichier_archive(numero: str, version: int, extension: str):
    return telecharger_archive(numero, version, extension)


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
                                       "donnees": {"type": "object"},
                                       "stagiaire": {"type": "integer",
                                                     "description": "n° du stagiaire dans la "
                                                                    "liste des effectifs"}}},
            "Signature": {"type": "object", "required": ["champ", "image"],
                          "properties": {
                              "champ": {"type": "string",
                                        "description": "la case (champ de type signature)"},
                              "image": {"type": "string",
                                        "description": "data:image/png;base64,… (ou JPEG)"}}},
            "Depot": {"type": "object",
                      "required": ["numero", "version", "deja_archive", "gabarit", "valeurs",
                                   "erreurs"],
                      "properties": {
                          "numero": {"type": "string"}, "version": {"type": "integer"},
                          "deja_archive": {"type": "boolean"},
                          "gabarit": {"type": "string", "description": "« libre » : non reconnu"},
                          "gabarit_version": {"type": ["integer", "null"]},
                          "libre": {"type": "boolean"}, "valeurs": {"type": "object"},
                          "inchange": {"type": "boolean", "description": (
                              "document pré-rempli revenu sans aucune valeur changée : pas "
                              "compté comme reçu, archivé seulement avec inchange_accepte")},
                          "avertissement": {"type": "string"},
                          "erreurs": {"$ref": "#/components/schemas/Erreurs/properties/erreurs"},
                          "url": {"type": "string"}}},
            "Archive": {"type": "object",
                        "required": ["numero", "titre", "gabarit", "stagiaire", "tuteur", "annee",
                                     "statut", "valeurs", "versions"],
                        "properties": {
                            "numero": {"type": "string"}, "titre": {"type": "string"},
                            "gabarit": {"type": "string"}, "libre": {"type": "boolean"},
                            "stagiaire": {"type": "string"}, "tuteur": {"type": "string"},
                            "annee": {"type": "string"},
                            "statut": {"enum": ["recu", "signe", "archive"]},
                            "statut_libelle": {"type": "string"},
                            "conserver_jusqu_au": {"type": "string"},
                            "valeurs": {"type": ["object", "null"]},
                            "versions": {"type": "array", "items": {
                                "type": "object",
                                "required": ["version", "depose_le", "archive_le", "corrige", "docx",
                                             "pdf"],
                                "properties": {
                                    "version": {"type": "integer"}, "nom_fichier": {"type": "string"},
                                    "depose_le": {"type": "string"}, "depose_par": {"type": "string"},
                                    "archive_le": {"type": ["string", "null"]},
                                    "corrige": {"type": "boolean"}, "signe": {"type": "boolean"},
                                    "inchange": {"type": "boolean"},
                                    "gabarit_version": {"type": ["integer", "null"]},
                                    "ancienne_version": {"type": "boolean"},
                                    "docx": {"type": "string"}, "pdf": {"type": ["string", "null"]}}}}}},
            "Resultats": {"type": "object", "required": ["total", "page", "resultats"],
                          "properties": {
                              "total": {"type": "integer"}, "page": {"type": "integer"},
                              "resultats": {"type": "array", "items": {
                                  "type": "object",
                                  "required": ["numero", "titre", "gabarit", "stagiaire", "statut",
                                               "url"],
                                  "properties": {
                                      "numero": {"type": "string"}, "titre": {"type": "string"},
                                      "gabarit": {"type": "string"}, "stagiaire": {"type": "string"},
                                      "tuteur": {"type": "string"}, "annee": {"type": "string"},
                                      "statut": {"enum": ["recu", "signe", "archive"]},
                                      "statut_libelle": {"type": "string"},
                                      "versions": {"type": "integer"},
                                      "modifie_le": {"type": "string"}, "url": {"type": "string"}}}}}},
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
            "responses": {"201": {"description": (
                "Document gardé (avec « stagiaire » : dans son dossier ; la correction du document "
                "déjà dans le dossier en est la version suivante, même numéro)"), "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Document"}}}},
                "400": _ERREURS, "401": _ERREURS, "404": _ERREURS,
                "409": {**_ERREURS, "description": "Le document du dossier est déjà signé ou "
                                                   "archivé : le secrétariat peut le renvoyer"},
                "422": _ERREURS, "503": _ERREURS}}},
        "/api/documents/{numero}/signatures": {"post": {
            "summary": "Signe une case du document pour le compte du jeton",
            "description": ("Le nom imprimé est celui du compte, la qualité celle du poste que la "
                            "déclaration lie à la case, la date celle du jour : ni nom ni qualité "
                            "ne sont lus dans la demande. Chaque signature crée une version."),
            "parameters": [{"name": "numero", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Signature"}}}},
            "responses": {"201": {"description": "Version signée gardée", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Document"}}}},
                "400": _ERREURS, "401": _ERREURS,
                "404": {**_ERREURS, "description": "Document introuvable, ou case qui n'est pas à "
                                                   "signer par ce compte maintenant"},
                "422": _ERREURS, "503": _ERREURS}}},
        "/api/documents/{numero}": {"get": {
            "summary": "Un document et ses versions",
            "parameters": [{"name": "numero", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {"200": {"description": "Document", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Document"}}}},
                "401": _ERREURS, "404": _ERREURS}}},
        "/api/archives": {
            "post": {
                "summary": "Dépose un document Word complété : reconnu, lu, gardé « reçu »",
                "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "required": ["fichier"],
                    "properties": {
                        "fichier": {"type": "string", "contentMediaType": "application/octet-stream"},
                        "libre": {"type": "string", "description": "« 1 » : un document non reconnu "
                                                                   "est gardé comme document libre"},
                        "titre": {"type": "string"}, "stagiaire": {"type": "string"}}}}}},
                "responses": {"201": {"description": "Dépôt (ou fichier déjà archivé)", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Depot"}}}},
                    "400": _ERREURS, "401": _ERREURS, "413": _ERREURS, "422": _ERREURS,
                    "503": _ERREURS}},
            "get": {
                "summary": "Recherche dans les archives (50 par page)",
                "parameters": [{"name": n, "in": "query", "required": False,
                                "schema": {"type": "integer" if n == "page" else "string"}}
                               for n in ("texte", "stagiaire", "tuteur", "gabarit", "annee",
                                         "statut", "page")],
                "responses": {"200": {"description": "Résultats", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Resultats"}}}}, "401": _ERREURS}}},
        "/api/archives/{numero}": {"get": {
            "summary": "Un document archivé et ses versions",
            "parameters": [{"name": "numero", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {"200": {"description": "Archive", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Archive"}}}},
                "401": _ERREURS, "404": _ERREURS}}},
        "/api/archives/{numero}/versions/{version}/archiver": {"post": {
            "summary": "Archive une version déposée, avec ses valeurs corrigées ou telles que lues",
            "parameters": [{"name": "numero", "in": "path", "required": True,
                            "schema": {"type": "string"}},
                           {"name": "version", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "requestBody": {"required": False, "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "valeurs": {"type": "object"},
                    "inchange_accepte": {"type": "boolean", "description": (
                        "archiver quand même un document pré-rempli revenu sans aucune valeur "
                        "changée")},
                    "titre": {"type": "string", "description": "document libre"},
                    "stagiaire": {"type": "string", "description": "document libre"}}}}}},
            "responses": {"200": {"description": "Archive", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Archive"}}}},
                "400": _ERREURS, "401": _ERREURS, "404": _ERREURS, "409": _ERREURS,
                "422": _ERREURS, "503": _ERREURS}}},
    },
}
