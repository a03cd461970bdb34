"""The accounts' commands: ``jeton``, ``jeton-revoquer`` (API tokens)."""

from __future__ import annotations

import sys

from service.bd import ouvrir
from service.personnes.comptes import nouveau_jeton, revoquer_jetons

from .commun import SUCCES, ErreurUtilisateur


def ajouter_commandes(sub) -> None:
    p = sub.add_parser("jeton", help="crée un jeton d'accès à l'API pour un compte (affiché une fois)")
    p.add_argument("identifiant", metavar="IDENTIFIANT")
    p.add_argument("--jours", type=int, default=90, metavar="N",
                   help="durée de validité du jeton, en jours (90 par défaut)")
    p.set_defaults(executer=jetons)

    p = sub.add_parser("jeton-revoquer", help="révoque tous les jetons d'accès à l'API d'un compte")
    p.add_argument("identifiant", metavar="IDENTIFIANT")
    p.set_defaults(executer=jetons)


def jetons(args, ctx) -> int:
    """``jeton``: a new API token (on stdout, alone) and its expiry (on stderr);
    ``jeton-revoquer``: every live token of the account revoked, each one said."""
    def date(quand):
        return quand.strftime("%d/%m/%Y à %H:%M UTC") if quand else "date inconnue"

    try:
        if args.commande == "jeton":
            nouveau = nouveau_jeton(ouvrir(ctx.config.base_de_donnees), args.identifiant, args.jours)
            print(nouveau.jeton)
            print(f"valable jusqu'au {date(nouveau.expire_le)}", file=sys.stderr)
            return SUCCES
        revoques = revoquer_jetons(ouvrir(ctx.config.base_de_donnees), args.identifiant)
    except ValueError as exc:
        raise ErreurUtilisateur([str(exc)]) from None
    for jeton in revoques:
        print(f"jeton n° {jeton.id} révoqué (créé le {date(jeton.cree_le)}, "
              f"valable jusqu'au {date(jeton.expire_le)})")
    print(f"{args.identifiant} : {len(revoques)} jeton(s) révoqué(s)")
    return SUCCES
