"""``serve``: the web service, its embedded queue's worker, LibreOffice and the workshop started."""

from __future__ import annotations

import gc
import signal
import sys

from service import creer_archives
from service.archive.conservation import purger
from service.lots.file import TravailleurDuService
from service.pdf.libreoffice import ConversionImpossible

from .commun import SUCCES, ErreurUtilisateur


def ajouter_commandes(sub) -> None:
    p = sub.add_parser("serve", help="le service web (127.0.0.1, port PORT, 5000 par défaut)")
    p.add_argument("--demo", action="store_true",
                   help="crée les comptes de démonstration et les affiche, et une liste de "
                        "stagiaires si elle est vide, avec leurs dossiers (des documents dans "
                        "chaque état)")
    p.add_argument("--sans-worker", action="store_true",
                   help="ne lance pas de worker des lots : d'autres processus « worker » les font "
                        "(file Redis, plusieurs machines)")
    p.set_defaults(executer=servir)
    sub.add_parser("migrer", help="met la base à jour (migrations) : une fois, par un seul "
                                  "processus, avant de démarrer les services d'une nouvelle "
                                  "version").set_defaults(executer=migrer)


def migrer(args, ctx) -> int:
    from service.bd import ouvrir

    ouvrir(ctx.config.base_de_donnees).dispose()  # brought to the latest revision
    print("Base à jour.")
    return SUCCES


def servir(args, ctx) -> int:
    from service.personnes.demo import comptes_de_demo, effectifs_de_demo
    from service.web import create_app, moteur, service

    config, environ, demo = ctx.config, ctx.environ, args.demo

    try:
        app = create_app(config)
    except ValueError as exc:  # a setting that cannot be read (INSPE_OIDC_ROLES…), said in French
        raise ErreurUtilisateur([str(exc)]) from exc
    port = int(environ.get("PORT", "5000"))
    if demo:
        print(f"Comptes de démonstration (http://127.0.0.1:{port}/) :")
        base = service(app)["base"]
        for identifiant, nom, role, mot_de_passe in comptes_de_demo(base) + effectifs_de_demo(base):
            print(f"  {identifiant:12} mot de passe {mot_de_passe:18} {nom} ({role})")
    # the embedded queue's worker; none when other processes (``worker``) make the lots
    travailleur = None if args.sans_worker else TravailleurDuService(environ)
    purger(service(app)["base"], creer_archives(config, app.extensions["inspe"]["catalogue"],
                                                service(app)["base"]).coffre)

    def arreter(*_):
        if travailleur:
            travailleur.arreter()  # a packet under way is made again when the service restarts
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, arreter)
    signal.signal(signal.SIGINT, arreter)
    try:  # LibreOffice ready before the first person asks for a document
        moteur(app)[0].demarrer()
    except ConversionImpossible as exc:  # the pages work without it; /sante says what is wrong
        print(f"Attention : {exc}", file=sys.stderr, flush=True)
    service(app)["atelier"].demarrer()
    if demo:
        _dossiers_de_demo(app)
    catalogue = service(app)["catalogue"]
    for gabarit in catalogue.courants():  # compiled before the first person asks, too
        catalogue.compile(gabarit)
    # What the service keeps for its whole life (catalogue, templates, libraries: 200 000
    # objects) is set aside from the garbage collector: a full collection, which stops every
    # request, no longer walks it (under load, 260–300 ms at worst, now 150).
    gc.collect()
    gc.freeze()
    # waitress: a production WSGI server, pure Python; one thread per person being served
    from waitress import serve

    print(f"Service sur http://127.0.0.1:{port}/", flush=True)
    serve(app, host="127.0.0.1", port=port, threads=24, ident="inspe-docs")
    return SUCCES


def _dossiers_de_demo(app) -> None:
    """The demo roster's dossiers, documents in every state (once: a restart keeps them)."""
    from service.dossier.circuit import Outils
    from service.dossier.demo import dossiers_de_demo
    from service.web import moteur, service

    outils = service(app)
    config, base, catalogue = outils["config"], outils["base"], outils["catalogue"]
    moteur_, sceau = moteur(app)
    try:
        archives = creer_archives(config, catalogue, base)  # its storage: the web's too
        nombre = dossiers_de_demo(Outils(base, catalogue, archives.coffre.stockage, archives,
                                         moteur_, sceau))
    except ConversionImpossible as exc:  # the demo works without them; the next start tries again
        print(f"Attention : dossiers de démonstration non créés : {exc}", file=sys.stderr,
              flush=True)
        return
    if nombre:
        print(f"Dossiers de démonstration : {nombre} documents dans tous les états "
              "(à remplir, brouillon, à vérifier, en signature, signé, archivé, renvoyé, retiré).",
              flush=True)
