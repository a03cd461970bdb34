"""Documents du tutorat des stagiaires : gabarits officiels, formulaires, génération."""

from __future__ import annotations

from service.catalogue.etablissement import charger_etablissement
from service.catalogue.gabarits import Catalogue
from service.catalogue.publications import Publiees
from service.config import Config
from service.personnes.reglages import Reglages


def creer_catalogue(config: Config, base=None, stockage=None) -> Catalogue:
    """The catalogue of gabarits for ``config``, every version checked, with the institution's
    settings and the versions administrators published as the database ``base`` keeps them
    (opened at their first use when not given: the command line, the lot workers), their files
    in ``stockage`` (a storage or a function that opens it; the configuration's by default)."""
    from service.bd import plus_tard

    fichier = charger_etablissement(config.etablissement)
    if base is None:
        base = plus_tard(config.base_de_donnees)  # one engine for both
    if stockage is None:
        def stockage():
            return creer_stockage(config)
    return Catalogue(config.gabarits, config.formulaires, fichier, Reglages(base, fichier),
                     Publiees(base, stockage, config.donnees / "catalogue"))


def creer_moteur(config: Config, *, guichet: bool = True):
    """The LibreOffice pool for ``config`` (started lazily, one instance per core by default).

    A bulk worker, which serves nobody waiting, has no use for the guichet instance.
    """
    from service.pdf.libreoffice import Moteur

    return Moteur(config.instances_libreoffice, guichet=guichet, soffice=config.soffice,
                  delai=config.delai_conversion)


def creer_sceau(config: Config, catalogue: Catalogue, base=None):
    """The instance's seal, the same for every node and worker: kept in the database (``base``,
    else the catalogue's), created at first use, an existing INSPE_DONNEES/sceau/ imported."""
    from service.pdf.sceau import Sceau

    if base is None and catalogue.publiees is not None:
        base = catalogue.publiees.base
    return Sceau(config.donnees, catalogue.etablissement.parametres["nom"], base,
                 phrase=config.phrase_sceau)


def creer_stockage(config: Config):
    """Where the files the service keeps go: INSPE_STOCKAGE (a folder or s3://bucket/prefix),
    by default the folder ``sorties`` (service/stockage)."""
    from service.stockage import ouvrir

    return ouvrir(config.stockage or config.sorties, point_d_acces=config.s3_point_d_acces,
                  cle=config.s3_cle, secret=config.s3_secret, region=config.s3_region)


def creer_archives(config: Config, catalogue: Catalogue, base, stockage=None):
    """The archive of completed documents: files under archive/objets/ of the storage
    (``stockage``, else the configuration's), index in ``base``."""
    from service.archive.antivirus import depuis_config
    from service.archive.coffre import Coffre
    from service.archive.depot import Archives

    coffre = Coffre(stockage if stockage is not None else creer_stockage(config))
    return Archives(base, coffre, catalogue, depuis_config(config))


def creer_messagerie(config: Config, catalogue: Catalogue):
    """The SMTP server's client, or None when no server is configured."""
    from service.archive.courriel import Messagerie

    if not config.smtp:
        return None
    return Messagerie.depuis(config.smtp, config.courriel,
                             lambda: catalogue.etablissement.parametres["nom"])


def creer_sso(config: Config):
    """The single sign-on (the identity provider, which claims say who and which role), or None
    when INSPE_OIDC_EMETTEUR, INSPE_OIDC_CLIENT and INSPE_OIDC_SECRET are not all set. A rule of
    INSPE_OIDC_ROLES that cannot be read stops the start (ValueError, in French)."""
    from service.personnes.oidc import Fournisseur
    from service.personnes.sso import Correspondance, regles

    if not config.oidc:
        return None
    emetteur = config.oidc_emetteur.rstrip("/")
    if not (emetteur.startswith("https://") or emetteur.startswith("http://127.0.0.1")
            or emetteur.startswith("http://localhost")):
        raise ValueError(f"INSPE_OIDC_EMETTEUR : « {emetteur} » doit être une adresse https://")
    return (Fournisseur(emetteur, config.oidc_client, config.oidc_secret, config.oidc_portees),
            Correspondance(config.oidc_identifiant, config.oidc_courriel, regles(config.oidc_roles)))
