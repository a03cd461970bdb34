"""The dossier's commands: ``dossier-relancer``, the grouped reminders, for a daily cron.

A thin caller of service/dossier/relances.py. The links in the messages are the web's own
(service/web/campagne.py, ``lien``), made for the address the service is reached at
(``--adresse``): the command line has no request to learn it from.
"""

from __future__ import annotations

import getpass
import re

from service import creer_messagerie
from service.dossier import relances, suivi

from .commun import ECHEC, SUCCES, ErreurUtilisateur

ANNEE = re.compile(r"\d{4}-\d{4}")


def ajouter_commandes(sub) -> None:
    p = sub.add_parser("dossier-relancer",
                       help="envoie à chaque personne attendue un seul courriel listant ce que les "
                            "dossiers attendent d'elle (en retard ou bientôt dû) ; un par jour au plus")
    p.add_argument("--adresse", required=True, metavar="URL",
                   help="l'adresse du service web, pour les liens des courriels "
                        "(https://tutorat.inspe.example)")
    p.add_argument("--annee", default="", metavar="AAAA-AAAA",
                   help="année universitaire (par défaut celle en cours)")
    p.add_argument("--jours", type=int, default=relances.JOURS, metavar="N",
                   help=f"liste aussi ce qui est dû dans les N jours ({relances.JOURS} par défaut ; "
                        "0 : seulement ce qui est en retard)")
    p.set_defaults(executer=relancer)


def relancer(args, ctx) -> int:
    from service.personnes import effectifs
    from service.web import create_app, service
    from service.web.campagne import lien

    if not re.match(r"https?://[^/\s]+", args.adresse):
        raise ErreurUtilisateur([f"--adresse {args.adresse!r} : l'adresse du service web est "
                                 "attendue, par exemple https://tutorat.inspe.example"])
    if args.annee and not ANNEE.fullmatch(args.annee):
        raise ErreurUtilisateur([f"--annee {args.annee!r} : année universitaire attendue, "
                                 "par exemple 2026-2027"])
    if args.jours < 0:
        raise ErreurUtilisateur(["--jours : un nombre de jours positif ou nul est attendu"])
    app = create_app(ctx.config)
    base, catalogue = service(app)["base"], service(app)["catalogue"]
    messagerie = creer_messagerie(ctx.config, catalogue)
    if messagerie is None:
        raise ErreurUtilisateur(["aucun serveur de courriel configuré (INSPE_SMTP, INSPE_COURRIEL)"])
    annee = args.annee or suivi.annee_courante()
    if annee == suivi.annee_courante():  # a new year's dossiers, opened before anyone looked
        suivi.ouvrir(base, catalogue, effectifs.tous(base), annee)
    with app.test_request_context("/", base_url=args.adresse.rstrip("/")):
        rapport = relances.relancer(base, catalogue, messagerie, lien, annee, getpass.getuser(),
                                    jours=args.jours)
    for qui in rapport.envoyees:
        print(f"relance envoyée : {qui}")
    for qui in rapport.deja:
        print(f"déjà relancé aujourd'hui : {qui}")
    for qui in rapport.sans_adresse:
        print(f"sans adresse de courriel : {qui}")
    for ligne in rapport.echecs:
        print(f"ÉCHEC : {ligne}")
    return ECHEC if rapport.echecs else SUCCES
