"""The gabarits' commands: ``gabarits``, ``exemple``, ``modele-import``, ``publier`` (a shipped
version into the manifest, or a Word form published as a new version: ``--depuis``)."""

from __future__ import annotations

import getpass
import json
import re
import tempfile
import unicodedata
from pathlib import Path

from service.catalogue import tableur
from service.catalogue.declaration import description
from service.catalogue.ecriture import ecrire_atomique
from service.catalogue.gabarits import publier

from .commun import SUCCES, ErreurUtilisateur, gabarit, lire_fichier


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

    p = sub.add_parser("publier", help="enregistre la dernière version d'un gabarit livré, ou "
                       "publie un formulaire depuis Word (--depuis) (administrateur)")
    p.add_argument("id", metavar="ID", nargs="?", help="gabarit livré dont la dernière version "
                   "entre dans le manifeste")
    p.add_argument("--depuis", type=Path, metavar="F.docx",
                   help="un formulaire Word (contrôles de contenu) publié comme nouvelle version")
    p.add_argument("--id", dest="id_depuis", metavar="ID",
                   help="avec --depuis : le gabarit (par défaut : d'après le nom du fichier)")
    p.add_argument("--titre", metavar="T", help="avec --depuis : le titre du formulaire")
    p.add_argument("--declaration", type=Path, metavar="F.yaml",
                   help="avec --depuis : la déclaration à publier, modifiée, au lieu de celle "
                        "reconnue")
    p.add_argument("--par", metavar="IDENTIFIANT", help="qui publie, pour le journal "
                   "(par défaut : l'utilisateur du système)")
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
    if args.depuis:
        return publier_depuis_word(args, ctx)
    if not args.id:
        raise ErreurUtilisateur(["publier : donnez l'identifiant d'un gabarit livré (ID) ou un "
                                 "formulaire Word (--depuis F.docx)"])
    version = publier(ctx.config.gabarits, ctx.config.formulaires, args.id)
    print(f"{args.id} : version {version} publiée")
    return SUCCES


def identifiant_depuis(nom: str) -> str:
    """A gabarit id from a file name: « Fiche de visite 2027.docx » → fiche_de_visite_2027."""
    texte = unicodedata.normalize("NFKD", Path(nom).stem).encode("ascii", "ignore").decode()
    texte = re.sub(r"[^a-z0-9]+", "_", texte.lower()).strip("_")[:48].rstrip("_")
    return texte if texte[:1].isalpha() else f"formulaire_{texte}"[:48].rstrip("_")


def publier_depuis_word(args, ctx) -> int:
    """``publier --depuis F.docx``: the file checked, its fields recognised, the declaration
    checked (or the one given, ``--declaration``), the diff printed, the version published.
    Who may: whoever runs the service's commands on the server (the instance's files and
    database are theirs), recorded in the audit log as ``--par`` or the system user."""
    from service.catalogue.docx_sur import DocxRefuse
    from service.conception import publication, travaux

    catalogue = ctx.catalogue
    id_ = args.id_depuis or args.id or identifiant_depuis(args.depuis.name)
    try:
        id_ = publication.verifier_id(id_)
        docx = publication.controler(lire_fichier(args.depuis))
        reconnu = publication.reconnaitre(catalogue, docx, id_, args.titre)
        proposes = [] if args.declaration else publication.a_proposer(reconnu, docx)
        if proposes:
            raise publication.PublicationRefusee([
                f"le document n’a pas de contrôle de contenu Word ; {len(proposes)} champ(s) "
                "y sont proposés : téléversez-le sur la page /admin/gabarits pour les garder, "
                "les renommer ou les écarter (« Champs proposés »), ou ajoutez les contrôles "
                "dans Word (Développeur › Contrôles)"])
        texte = (lire_fichier(args.declaration).decode("utf-8") if args.declaration
                 else travaux.texte_yaml(reconnu.declaration))
        with tempfile.TemporaryDirectory() as dossier:
            projet = publication.preparer(catalogue, id_, reconnu.gabarit, texte,
                                          Path(dossier) / "verification")
            for alerte in reconnu.alertes:
                print(f"À noter : {alerte}")
            print(f"{id_} : version {projet.version} — ce qui change :")
            for ligne in projet.difference.lignes():
                print(f"  {ligne}")
            qui = f"{args.par or getpass.getuser()} (ligne de commande)"
            publication.publier(catalogue, projet, qui, args.depuis.name)
    except DocxRefuse as exc:
        raise ErreurUtilisateur([f"{args.depuis} : {exc}"]) from None
    except publication.PublicationRefusee as exc:
        raise ErreurUtilisateur([f"{args.depuis} : {e}" for e in exc.erreurs]) from None
    print(f"{id_} : version {projet.version} publiée")
    return SUCCES
