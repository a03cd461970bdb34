"""The archive's commands: ``archiver``, ``fsck``, ``purger``, ``export-personne``.

Thin callers of service/archive/ (depot.py, integrite.py, conservation.py),
with the exit statuses of the rest of the command line.
"""

from __future__ import annotations

import getpass
from pathlib import Path

from service import creer_archives, creer_moteur, creer_sceau
from service.archive.antivirus import AntivirusIndisponible
from service.archive.depot import INCHANGE, DocumentInchange
from service.bd import ouvrir
from service.catalogue import rapports
from service.catalogue.docx_sur import DocxRefuse
from service.catalogue.ecriture import ecrire_atomique
from service.catalogue.extraction import DocumentNonReconnu
from service.catalogue.validation import DonneesInvalides
from service.dossier import depots
from service.lots import lots

from .commun import ErreurUtilisateur, lire_fichier


def ajouter_commandes(sub) -> None:
    p = sub.add_parser("archiver", help="archive un document Word complété ; affiche son n° d'archive")
    p.set_defaults(executer=archiver)
    p.add_argument("docx", type=Path, metavar="F.docx")
    p.add_argument("--libre", action="store_true",
                   help="archive un document qu'aucun gabarit ne reconnaît, comme « document libre »")
    p.add_argument("--titre", default="", help="avec --libre : l'intitulé du document")
    p.add_argument("--stagiaire", default="", help="avec --libre : NOM Prénom du stagiaire concerné")
    p.add_argument("--inchange-accepte", action="store_true",
                   help="archive quand même un document pré-rempli revenu sans aucune valeur "
                        "changée (refusé sinon : il n'est pas compté comme reçu)")
    p.add_argument("--par", default="", help="qui dépose (identifiant d'un compte : ses droits "
                   "s'appliquent ; par défaut l'utilisateur du système, avec ceux du secrétariat)")

    p = sub.add_parser("fsck", help="vérifie l'archive : fichiers présents et intacts, journal entier")
    p.set_defaults(executer=fsck)
    p.add_argument("--reparer", action="store_true",
                   help="supprime les restes d'une interruption (fichiers orphelins ou à moitié "
                        "écrits, dossiers de documents inachevés) et archive les documents "
                        "signés restés en attente d'archivage")

    sub.add_parser("purger", help="supprime les lots et les archives dont la durée de conservation "
                                  "est passée, et les tableurs surlignés de plus d'un jour"
                   ).set_defaults(executer=purger)

    p = sub.add_parser("export-personne", help="tout ce qui est conservé sur une personne, en .zip")
    p.set_defaults(executer=exporter)
    p.add_argument("nom", metavar="\"NOM Prénom\"")
    p.add_argument("-o", type=Path, required=True, metavar="F.zip")


def _compte(base, par: str):
    """``--par`` an account (its rights, service/personnes/acces.py); without, the operator."""
    from sqlalchemy.orm import Session

    from service.personnes import acces

    with Session(base) as session:
        (qui,) = acces.comptes_de(session, [par])
    return qui


def _peut_archiver(base, archives, depot, qui) -> bool:
    from service.personnes import acces

    archive = archives.une(depot.numero)
    cible = next(v for v in archive.versions if v.version == depot.version)
    return acces.peut(qui, "archiver", acces.Depot(archive, cible), base)


def _inchange(nom: str) -> str:
    return (f"{nom} : {INCHANGE} Rien n'a été archivé (--inchange-accepte pour l'archiver "
            "quand même).")


def _archive(args, ctx):
    """The database, the archive, and who acts: ``--par`` an account, else the system's user."""
    base = ouvrir(ctx.config.base_de_donnees)
    return (base, creer_archives(ctx.config, ctx.catalogue, base),
            getattr(args, "par", "") or getpass.getuser())


def archiver(args, ctx) -> int:
    config, catalogue = ctx.config, ctx.catalogue
    base, archives, par = _archive(args, ctx)
    try:
        depot = archives.deposer(lire_fichier(args.docx), args.docx.name, par, libre=args.libre,
                                 titre_libre=args.titre, stagiaire_libre=args.stagiaire,
                                 exiger_valide=True,
                                 refuser_inchange=not args.inchange_accepte)
    except DocumentInchange:
        raise ErreurUtilisateur([_inchange(args.docx.name)]) from None
    except (DocxRefuse, AntivirusIndisponible) as exc:
        raise ErreurUtilisateur([f"{args.docx.name} : document refusé : {exc}"]) from None
    except DocumentNonReconnu as exc:
        raise ErreurUtilisateur([f"{args.docx.name} : {exc} (option --libre)"]) from None
    except DonneesInvalides as exc:
        raise ErreurUtilisateur([f"{args.docx.name} : {e}" for e in exc.erreurs]) from None
    if depot.deja_archive and archives.version(depot.numero, depot.version).archive_le:
        print(f"{depot.numero}\tdéjà archivé (version {depot.version})")
        return 0
    if depot.inchange and not args.inchange_accepte:  # deposited before, on the web
        raise ErreurUtilisateur([_inchange(args.docx.name)])
    qui = _compte(base, par)
    if not depot.deja_archive:  # its stagiaire's dossier, if ``qui`` writes it for them
        depots.rattacher(base, catalogue, archives, depot.numero, depot.version, qui)
    if not _peut_archiver(base, archives, depot, qui):
        raise ErreurUtilisateur([
            f"{args.docx.name} : reçu sous le n° {depot.numero}, mais « {par} » n'a pas le droit "
            "de l'archiver (il n'écrit pas pour ce stagiaire) : il reste « reçu »"])
    with creer_moteur(config) as moteur:
        archive = archives.archiver(depot.numero, depot.version, par, moteur,
                                    creer_sceau(config, catalogue),
                                    titre=args.titre, stagiaire=args.stagiaire)
    depots.archivee(base, catalogue, archives, depot.numero, depot.version, qui)
    print(f"{archive.numero}\tversion {depot.version}\t{archive.libelle_statut}\t{archive.titre}"
          + (f"\t{archive.stagiaire}" if archive.stagiaire else ""))
    return 0


def fsck(args, ctx) -> int:
    from service.archive.integrite import verifier

    base, archives, _ = _archive(args, ctx)
    rapport = verifier(base, archives.coffre, reparer=args.reparer, sorties=ctx.config.sorties)
    _signes_en_attente(args, ctx, base, archives, rapport)
    for ligne in rapport.erreurs:
        print(f"ERREUR : {ligne}")
    for ligne in rapport.restes:
        print(f"reste : {ligne}")
    for ligne in rapport.repares:
        print(f"réparé : {ligne}")
    for ligne in rapport.notes:
        print(f"note : {ligne}")
    print(f"{rapport.versions} version(s), {rapport.fichiers} fichier(s) : "
          + ("archive saine" if rapport.sain else f"{len(rapport.erreurs)} erreur(s)"))
    return 0 if rapport.sain else 1


def _signes_en_attente(args, ctx, base, archives, rapport) -> None:
    """The dossier's documents « signé » whose archiving failed (LibreOffice down): a leftover,
    archived (sealed, with their signing certificate) by ``--reparer``."""
    import datetime as dt

    from service.archive.integrite import DELAI_RESTE_S
    from service.dossier import circuit

    restes = circuit.restes(base)
    if not restes:
        return
    if not args.reparer:
        rapport.restes += [f"document n° {n} signé, pas encore archivé" for n in restes]
        return
    avant = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=DELAI_RESTE_S)
    with creer_moteur(ctx.config) as moteur:
        outils = circuit.Outils(base, ctx.catalogue, archives.coffre.stockage, archives, moteur,
                                creer_sceau(ctx.config, ctx.catalogue))
        for numero, resultat, archive in circuit.reprendre(outils, avant):
            if archive:
                rapport.repares.append(f"document n° {numero} signé, archivé sous le n° {resultat}")
            else:
                rapport.erreurs.append(f"document n° {numero} signé : son archivage a échoué "
                                       f"({resultat})")


def purger(args, ctx) -> int:
    from service.archive.conservation import purger as purger_archives

    base, archives, par = _archive(args, ctx)
    for lot in lots.purger(archives.coffre.stockage, ctx.config.retention_lots_jours, base):
        print(f"lot {lot} supprimé")
    if n := rapports.purger(archives.coffre.stockage):
        print(f"{n} fichier(s) de tableurs surlignés de plus d'un jour supprimé(s)")
    for numero in purger_archives(base, archives.coffre, par=par):
        print(f"archive {numero} supprimée (fin de la durée de conservation)")
    return 0


def exporter(args, ctx) -> int:
    from service.archive.conservation import exporter_personne

    base, archives, par = _archive(args, ctx)
    args.o.parent.mkdir(parents=True, exist_ok=True)
    print(ecrire_atomique(args.o, exporter_personne(base, archives.coffre, args.nom, par)))
    return 0
