"""The web service: an application factory and one blueprint per area (flaskr's shape)."""

from __future__ import annotations

import datetime as dt
import errno
import os
import secrets
import threading
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from service import creer_catalogue, creer_moteur, creer_sceau, creer_sso, creer_stockage
from service.bd import instance, ouvrir
from service.config import Config
from service.pdf.atelier import Atelier, Scelle, ScellementImpossible
from service.pdf.libreoffice import ConversionImpossible, pour_les_personnes
from service.pdf.regroupement import Regroupement

csrf = CSRFProtect()
_DEMARRAGE = threading.Lock()  # two first requests at once must not start two pools


def _dossier_prive(donnees: Path) -> None:
    """The instance's folder (SQLite database, an older instance's files) is the service's user's
    only: 0700, made so, or made so again when an older instance's was left open to others."""
    donnees.mkdir(mode=0o700, parents=True, exist_ok=True)
    if donnees.stat().st_uid == os.getuid() and donnees.stat().st_mode & 0o077:
        donnees.chmod(0o700)


def _cle_secrete(config: Config, base) -> str:
    """The instance's secret key, the same on every node: INSPE_CLE_SECRETE when set (it wins),
    else the database's, made by the first process that starts (service/bd/instance.py). An
    instance that kept it in INSPE_DONNEES/cle_secrete (before) has that one imported: the
    people signed in stay so."""
    if config.cle_secrete:
        return config.cle_secrete

    def premiere() -> str:
        ancienne = config.donnees / "cle_secrete"
        if ancienne.is_file() and ancienne.read_text().strip():
            return ancienne.read_text().strip()
        return secrets.token_hex(32)
    return instance.une_fois(base, "cle_secrete", premiere)


def create_app(config: Config | None = None, test_config: dict | None = None) -> Flask:
    config = config or Config.depuis(os.environ)
    _dossier_prive(config.donnees)
    base = ouvrir(config.base_de_donnees)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=_cle_secrete(config, base),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=True,
        MAX_CONTENT_LENGTH=12 * 2**20,
        WTF_CSRF_TIME_LIMIT=None,  # a form may be filled slowly: never lose what was typed
        # the cookie only carries a session's id (web/auth.py); the session itself, its idle
        # and absolute timeouts, are kept in the database; an older signed cookie is refused
        PERMANENT_SESSION_LIFETIME=dt.timedelta(minutes=config.session_max_min),
    )
    if test_config:
        app.config.update(test_config)
    inspe = app.extensions["inspe"] = {
        "config": config,
        "base": base,
        "sso": creer_sso(config),  # None without single sign-on
    }

    def stockage():  # opened once per application: the catalogue's is outils.stockage()'s
        if "stockage" not in inspe:
            inspe["stockage"] = creer_stockage(config)
        return inspe["stockage"]
    # the settings' versions in ``base``, the versions published from Word in the storage
    inspe["catalogue"] = creer_catalogue(config, base, stockage)
    # the versions published from Word, each checked against its sha256: a changed file stops
    # the start (GabaritInvalide, naming it), as the shipped manifest does
    app.extensions["inspe"]["catalogue"].actualiser(maintenant=True)
    from .outils import ANCIENS, reprendre_les_fichiers_locaux

    if any((config.donnees / d).is_dir() for d in ANCIENS):  # an older version's, moved once
        app.extensions["inspe"]["stockage"] = creer_stockage(config)
        reprendre_les_fichiers_locaux(config.donnees, app.extensions["inspe"]["stockage"])
    csrf.init_app(app)

    @app.context_processor
    def etablissement():
        return {"etablissement": service(app)["catalogue"].etablissement.parametres}

    from .outils import pluriel

    app.add_template_filter(pluriel)

    from . import (
        admin,
        admin_comptes,
        admin_etablissement,
        admin_gabarits,
        api,
        archives,
        auth,
        campagne,
        documents,
        dossier,
        effectifs,
        erreurs,
        lots,
        sante,
        securite,
        sso,
    )

    securite.init_app(app, config)
    erreurs.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(admin_comptes.bp)
    app.register_blueprint(admin_etablissement.bp)
    app.register_blueprint(admin_gabarits.bp)
    app.register_blueprint(effectifs.bp)
    app.register_blueprint(lots.bp)
    app.register_blueprint(archives.bp)
    app.register_blueprint(campagne.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(sso.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(dossier.bp)
    app.register_blueprint(sante.bp)
    return app


def service(app: Flask) -> dict:
    return app.extensions["inspe"]


def moteur(app: Flask):
    """The LibreOffice pool, started at the first conversion and kept."""
    outils = service(app)
    with _DEMARRAGE:
        if "moteur" not in outils:
            outils["sceau"] = creer_sceau(outils["config"], outils["catalogue"], outils["base"])
            outils["moteur"] = creer_moteur(outils["config"])
            outils["atelier"] = Atelier(outils["sceau"])
            outils["regroupement"] = Regroupement(outils["moteur"], outils["sceau"],
                                                  atelier=outils["atelier"])
    return outils["moteur"], outils["sceau"]


class Indisponible(Exception):
    """The service cannot do this now, through no fault of the person (503); the message,
    in French, says why. What was typed stays on the page."""


class PdfImpossible(Indisponible):
    """A document's PDF could not be made (LibreOffice, the seal); the message says why."""


class DisquePlein(Indisponible):
    """The server's disk is full: nothing could be written."""


DISQUE_PLEIN = (errno.ENOSPC, errno.EDQUOT)
MESSAGE_DISQUE_PLEIN = ("Le disque du serveur est plein : rien n’a pu être enregistré, et rien de "
                        "ce qui l’était n’est perdu. Réessayez plus tard ; si cela dure, "
                        "prévenez l’administrateur du service.")


def disque_plein(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in DISQUE_PLEIN


@contextmanager
def ecriture():
    """A full disk, within, becomes ``DisquePlein`` (other errors go on as they are)."""
    try:
        yield
    except OSError as exc:
        if disque_plein(exc):
            raise DisquePlein(MESSAGE_DISQUE_PLEIN) from exc
        raise


def atelier(app: Flask) -> Atelier:
    moteur(app)
    return service(app)["atelier"]


@contextmanager
def fabrication():
    """LibreOffice's and the seal's failures, within, become ``PdfImpossible``, saying why."""
    try:
        yield
    except (ConversionImpossible, ScellementImpossible) as exc:
        raise PdfImpossible(message_pdf_impossible(str(exc))) from exc


def message_pdf_impossible(raison: str) -> str:
    """What a person reads when their document could not be made: the reason, in French, never
    a program's own words (those go to the log)."""
    raison = pour_les_personnes(raison, sinon="LibreOffice n’a pas pu le convertir ; réessayez "
                                              "dans un instant")
    return f"Le document n’a pas pu être fabriqué : {raison.rstrip('.')}."


def produire_pdf(app: Flask, document, *, images: bool = False) -> Scelle:
    """The sealed PDF of one document, for the person waiting for it (see ``regroupement``),
    with the pictures of its pages if ``images``."""
    with fabrication():
        moteur(app)
        return service(app)["regroupement"].produire(document, images=images)
