"""The lots' commands: ``lot``, ``lots``, ``lot-etat``, ``lot-annuler``, ``lot-reprendre``, ``worker``."""

from __future__ import annotations

import getpass

from sqlalchemy.orm import Session

from service import creer_stockage
from service.bd import ouvrir
from service.lots import lots
from service.lots.file import Travaux
from service.pdf.arriere_plan import finir_avec
from service.personnes import acces

from .commun import SUCCES, ErreurUtilisateur, gabarit
from .documents import lignes, options_de_generation


def ajouter_commandes(sub) -> None:
    p = sub.add_parser("lot", help="génération en masse en arrière-plan (un worker la fait)")
    options_de_generation(p, format_par_defaut="pdf")
    p.add_argument("--par", default="", help="qui lance le lot (identifiant d'un compte) : ses "
                   "documents rejoignent les dossiers des stagiaires pour qui il écrit ; par "
                   "défaut l'utilisateur du système, avec les droits du secrétariat")
    p.set_defaults(executer=lancer)

    sub.add_parser("lots", help="les lots, du plus récent au plus ancien : avancement, état, "
                                "raison d'un échec").set_defaults(executer=lister)

    for nom, aide, executer in (
            ("lot-etat", "avancement d'un lot : documents faits, temps restant", etat),
            ("lot-annuler", "annule un lot (les documents déjà faits restent)", annuler),
            ("lot-reprendre", "reprend un lot échoué : fait les documents qui manquent", reprendre)):
        p = sub.add_parser(nom, help=aide)
        p.add_argument("lot", metavar="LOT")
        p.set_defaults(executer=executer)

    p = sub.add_parser("worker", help="fait les lots en attente (file SQLite ou Redis)")
    p.add_argument("--fils", type=int, help="paquets menés de front (défaut : un par instance "
                                           "LibreOffice)")
    p.add_argument("--avec-le-service", type=int, metavar="PID",
                   help="s'arrête quand son processus parent, PID, s'arrête (ainsi le lance "
                        "« serve »)")
    p.set_defaults(executer=travailler)


def lancer(args, ctx) -> int:
    catalogue, config = ctx.catalogue, ctx.config
    gabarit_ = gabarit(catalogue, args.id)
    valides, ignorees = lignes(catalogue, gabarit_, args, config.sorties)
    base = ouvrir(config.base_de_donnees)
    with Session(base) as session:
        (auteur,) = acces.comptes_de(session, [args.par or getpass.getuser()])
    if args.par and isinstance(auteur, acces.Operateur):
        raise ErreurUtilisateur([f"--par : aucun compte « {args.par} »"])
    if not acces.peut(auteur, "remplir", acces.LOT):
        raise ErreurUtilisateur([f"« {args.par} » n'a pas le droit de lancer un lot"])
    lot = lots.creer(creer_stockage(config), catalogue, gabarit_.id, [v for _, v in valides],
                     format_=args.format, impression=args.impression, version=gabarit_.version,
                     base=base, auteur=auteur, numeros=[n for n, _ in valides], ignorees=ignorees)
    Travaux(config).lancer_nouveau(lot.id)
    print(f"{lot.id}\t{lot.total} document(s) en attente")
    return SUCCES


def lister(args, ctx) -> int:
    stockage = creer_stockage(ctx.config)
    tous = lots.tous(stockage)
    for lot in tous:
        print(f"{lot.id}\t{lots.avancement(stockage, lot.id)}")
    if not tous:
        print("aucun lot")
    return SUCCES


def _puis_avancement(faire):
    """A command on one lot, then its progress printed; an unknown lot is exit 2."""
    def commande(args, ctx) -> int:
        try:
            faire(args, ctx)
            print(lots.avancement(creer_stockage(ctx.config), args.lot))
        except (lots.LotIntrouvable, ValueError) as exc:
            raise ErreurUtilisateur([str(exc)]) from None
        return SUCCES
    return commande


etat = _puis_avancement(lambda args, ctx: None)
annuler = _puis_avancement(lambda args, ctx: lots.annuler(creer_stockage(ctx.config), args.lot))
reprendre = _puis_avancement(lambda args, ctx: Travaux(ctx.config).reprendre(args.lot))


def travailler(args, ctx) -> int:
    if args.avec_le_service:
        finir_avec(args.avec_le_service)
    Travaux(ctx.config).travailler(args.fils)
    return SUCCES
