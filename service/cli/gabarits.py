"""The gabarits' commands: ``gabarits``, ``exemple``, ``modele-import``, ``publier``."""

from __future__ import annotations

import json
from pathlib import Path

from service.catalogue import tableur
from service.catalogue.declaration import description
from service.catalogue.ecriture import ecrire_atomique
from service.catalogue.gabarits import publier

from .commun import SUCCES, gabarit


def ajouter_commandes(sub) -> None:
    p = sub.add_parser("gabarits", help="liste les gabarits : id, titre, version, champs")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(executer=lister)

    p = sub.add_parser("exemple", help="un jeu de données d'exemple complet et valide, en JSON")
    p.add_argument("id", metavar="ID")
    p.set_defaults(executer=exemple)

    p = sub.add_parser("modele-import", help="le tableur à remplir pour générer ID en masse")
    p.add_argument("id", metavar="ID")
    p.add_argument("-o", required=True, type=Path, metavar="F.xlsx")
    p.set_defaults(executer=modele_import)

    p = sub.add_parser("publier", help="enregistre la dernière version d'un gabarit (administrateur)")
    p.add_argument("id", metavar="ID")
    p.set_defaults(executer=publier_version)


def lister(args, ctx) -> int:
    catalogue = ctx.catalogue
    gabarits = catalogue.courants()
    if args.json:
        sortie = [{
            "id": g.id, "titre": g.titre, "version": g.version,
            "versions": catalogue.versions(g.id),
            "champs": [description(c) for c in g.formulaire.champs],
        } for g in gabarits]
        print(json.dumps(sortie, ensure_ascii=False, indent=2))
        return SUCCES
    for g in gabarits:
        print(f"{g.id:32} v{g.version}  {len(g.formulaire.champs):3} champs  {g.titre}")
    return SUCCES


def exemple(args, ctx) -> int:
    print(json.dumps(gabarit(ctx.catalogue, args.id).formulaire.exemple, ensure_ascii=False, indent=2))
    return SUCCES


def modele_import(args, ctx) -> int:
    formulaire = gabarit(ctx.catalogue, args.id).formulaire
    args.o.parent.mkdir(parents=True, exist_ok=True)
    print(ecrire_atomique(args.o, tableur.modele_import(formulaire)))
    return SUCCES


def publier_version(args, ctx) -> int:
    """Needs no catalogue: the version being published is not in the manifest yet."""
    version = publier(ctx.config.gabarits, ctx.config.formulaires, args.id)
    print(f"{args.id} : version {version} publiée")
    return SUCCES
