"""Command line: ``python -m service …`` (also installed as ``inspe-docs``).

A thin caller of the catalogue, validation, generation and conversion
functions. Exit status: 0 done, 1 the service cannot work (template,
LibreOffice), 2 the input is wrong (each problem on its own line, in French,
and nothing written), 3 ``verifier`` found the PDF altered or not sealed here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import signal
import sys
from dataclasses import replace
from pathlib import Path

from tqdm import tqdm

from service import creer_catalogue, creer_moteur, creer_sceau
from service.archive import documents as dossiers
from service.catalogue import tableur
from service.catalogue.declaration import description
from service.catalogue.docx_sur import DocxRefuse
from service.catalogue.ecriture import ecrire_atomique, ecrire_documents
from service.catalogue.extraction import DocumentNonReconnu, extraire
from service.catalogue.gabarits import publier
from service.catalogue.generation import preparer, rendre, signer
from service.catalogue.nommage import nom_sur
from service.catalogue.rendu import GabaritInvalide
from service.catalogue.signature import SignatureRefusee, preparer_signature
from service.catalogue.signature_document import Signataire
from service.catalogue.validation import DonneesInvalides, en_json, lire_date
from service.config import Config
from service.lots import lots
from service.lots.file import TravailleurDuService, Travaux
from service.pdf.arriere_plan import finir_avec
from service.pdf.libreoffice import ConversionImpossible
from service.pdf.paquets import pdf_pour_impression, titre_signet
from service.pdf.production import produire_pdfs
from service.pdf.sceau import verifier

from . import archive as cli_archive

SUCCES, ECHEC, DONNEES_INVALIDES, NON_INTACT = 0, 1, 2, 3


class ErreurUtilisateur(Exception):
    """Wrong input: printed line by line, exit status 2."""

    def __init__(self, lignes: list[str]):
        self.lignes = lignes
        super().__init__("\n".join(lignes))


def _options_de_generation(p, format_par_defaut: str) -> None:
    """What ``generer`` (now) and ``lot`` (in the background) both take."""
    p.add_argument("id", metavar="ID")
    p.add_argument("--donnees", required=True, type=Path, metavar="F.json|F.xlsx|F.csv",
                   help="un objet JSON ou une liste d'objets ; ou un tableur (modele-import)")
    p.add_argument("--format", choices=("docx", "pdf"), default=format_par_defaut,
                   help="pdf : PDF/A-2b scellé (archivage)")
    p.add_argument("--impression", action="store_true",
                   help="avec --format pdf : aussi un seul PDF de tous les documents, prêt à "
                        "imprimer en recto verso (chacun commence sur une page impaire)")
    p.add_argument("--ignorer-erreurs", action="store_true",
                   help="tableur : générer les lignes valides malgré les lignes en erreur")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m service",
        description="Documents du tutorat des stagiaires : gabarits officiels, génération.")
    sub = parser.add_subparsers(dest="commande", required=True, metavar="COMMANDE")

    p = sub.add_parser("gabarits", help="liste les gabarits : id, titre, version, champs")
    p.add_argument("--json", action="store_true", help="sortie JSON")

    p = sub.add_parser("exemple", help="un jeu de données d'exemple complet et valide, en JSON")
    p.add_argument("id", metavar="ID")

    p = sub.add_parser("generer", help="un document par objet JSON ou par ligne de tableur")
    _options_de_generation(p, format_par_defaut="docx")
    p.add_argument("--pdf-simple", action="store_true", help="PDF ordinaire plutôt que PDF/A-2b")
    p.add_argument("--sortie", type=Path, metavar="DOSSIER",
                   help="dossier de sortie (défaut : sorties/)")
    p.add_argument("--version", type=int, help="version du gabarit (défaut : la dernière)")

    p = sub.add_parser("serve", help="le service web (127.0.0.1, port PORT, 5000 par défaut)")
    p.add_argument("--demo", action="store_true",
                   help="crée les comptes de démonstration et les affiche")

    p = sub.add_parser("jeton", help="crée un jeton d'accès à l'API pour un compte (affiché une fois)")
    p.add_argument("identifiant", metavar="IDENTIFIANT")

    p = sub.add_parser("lot", help="génération en masse en arrière-plan (un worker la fait)")
    _options_de_generation(p, format_par_defaut="pdf")

    p = sub.add_parser("lot-etat", help="avancement d'un lot : documents faits, temps restant")
    p.add_argument("lot", metavar="LOT")

    p = sub.add_parser("lot-annuler", help="annule un lot (les documents déjà faits restent)")
    p.add_argument("lot", metavar="LOT")

    p = sub.add_parser("worker", help="fait les lots en attente (file SQLite ou Redis)")
    p.add_argument("--fils", type=int, help="paquets menés de front (défaut : un par instance "
                                           "LibreOffice)")
    p.add_argument("--avec-le-service", type=int, metavar="PID",
                   help="s'arrête quand son processus parent, PID, s'arrête (ainsi le lance "
                        "« serve »)")

    p = sub.add_parser("extraire", help="gabarit, version et valeurs d'un document rempli, en JSON")
    p.add_argument("docx", type=Path, metavar="F.docx")

    p = sub.add_parser("modele-import", help="le tableur à remplir pour générer ID en masse")
    p.add_argument("id", metavar="ID")
    p.add_argument("-o", required=True, type=Path, metavar="F.xlsx")

    p = sub.add_parser("signer", help="signe un document PDF produit ici : crée sa version suivante")
    p.add_argument("numero", metavar="NUMERO", help="numéro du document (pied de page)")
    p.add_argument("--champ", required=True, help="la signature à apposer (voir gabarits --json)")
    p.add_argument("--image", required=True, type=Path, metavar="F.png",
                   help="image de la signature, PNG ou JPEG")
    p.add_argument("--nom", required=True, help="nom du signataire")
    p.add_argument("--qualite", required=True, help="qualité du signataire (ex. : tutrice de stage)")
    p.add_argument("--date", help="date de signature JJ/MM/AAAA (défaut : aujourd'hui)")
    p.add_argument("--pdf-simple", action="store_true", help="PDF ordinaire plutôt que PDF/A-2b")

    p = sub.add_parser("verifier", help="dit si un PDF produit ici est intact, et lequel c'est")
    p.add_argument("pdf", type=Path, metavar="F.pdf")

    p = sub.add_parser("publier", help="enregistre la dernière version d'un gabarit (administrateur)")
    p.add_argument("id", metavar="ID")
    cli_archive.ajouter_commandes(sub)
    return parser


def commandes() -> dict[str, argparse.ArgumentParser]:
    """Each sub-command's parser, by name: what tests/test_documentation.py finds in the README."""
    sous = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sous.choices)


def main(argv: list[str] | None = None, environ=None) -> int:
    args = _parser().parse_args(argv)
    config = Config.depuis(os.environ if environ is None else environ)
    try:
        if args.commande == "publier":
            version = publier(config.gabarits, config.formulaires, args.id)
            print(f"{args.id} : version {version} publiée")
            return SUCCES
        catalogue = creer_catalogue(config)
        if args.commande == "gabarits":
            return _gabarits(catalogue, args.json)
        if args.commande == "exemple":
            gabarit = _gabarit(catalogue, args.id)
            print(json.dumps(gabarit.formulaire.exemple, ensure_ascii=False, indent=2))
            return SUCCES
        if args.commande == "generer":
            for chemin in _generer(catalogue, config, args):
                print(chemin)
            return SUCCES
        if args.commande == "verifier":
            return _verifier(catalogue, config, args.pdf)
        if args.commande == "serve":
            return _serve(config, args.demo, environ if environ is not None else os.environ)
        if args.commande == "jeton":
            from service.bd import ouvrir
            from service.personnes.comptes import creer_jeton

            try:
                print(creer_jeton(ouvrir(config.base_de_donnees), args.identifiant))
            except ValueError as exc:
                raise ErreurUtilisateur([str(exc)]) from None
            return SUCCES
        if args.commande == "lot":
            lot = _lot(catalogue, config, args)
            print(f"{lot.id}\t{lot.total} document(s) en attente")
            return SUCCES
        if args.commande in ("lot-etat", "lot-annuler"):
            try:
                if args.commande == "lot-annuler":
                    lots.annuler(config.sorties, args.lot)
                print(lots.avancement(config.sorties, args.lot))
            except lots.LotIntrouvable as exc:
                raise ErreurUtilisateur([str(exc)]) from None
            return SUCCES
        if args.commande == "worker":
            if args.avec_le_service:
                finir_avec(args.avec_le_service)
            Travaux(config).travailler(args.fils)
            return SUCCES
        if args.commande == "extraire":
            return _extraire(catalogue, args.docx)
        if args.commande == "modele-import":
            print(_modele_import(catalogue, args))
            return SUCCES
        if args.commande == "signer":
            print(_signer(catalogue, config, args))
            return SUCCES
        if args.commande in cli_archive.COMMANDES:
            return cli_archive.executer(args, config, catalogue, ErreurUtilisateur)
    except ErreurUtilisateur as exc:
        for ligne in exc.lignes:
            print(ligne, file=sys.stderr)
        return DONNEES_INVALIDES
    except (GabaritInvalide, ConversionImpossible) as exc:
        print(exc, file=sys.stderr)
        return ECHEC
    return ECHEC


def _gabarit(catalogue, id_, version=None):
    try:
        return catalogue.gabarit(id_, version)
    except KeyError as exc:
        raise ErreurUtilisateur([exc.args[0]]) from None


def _gabarits(catalogue, en_json_: bool) -> int:
    gabarits = catalogue.courants()
    if en_json_:
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


def lire_donnees(chemin: Path) -> list[dict]:
    """The list of documents' data in a JSON file (one object, or a list of objects)."""
    try:
        donnees = json.loads(chemin.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ErreurUtilisateur([f"{chemin} : fichier illisible ({exc.strerror})"]) from None
    except UnicodeDecodeError:
        raise ErreurUtilisateur([f"{chemin} : le fichier n'est pas en UTF-8"]) from None
    except json.JSONDecodeError as exc:
        raise ErreurUtilisateur([f"{chemin} : JSON invalide ligne {exc.lineno}, "
                                 f"colonne {exc.colno} ({exc.msg})"]) from None
    liste = donnees if isinstance(donnees, list) else [donnees]
    if not liste:
        raise ErreurUtilisateur([f"{chemin} : la liste ne contient aucun document"])
    return liste


def _valeurs_json(catalogue, gabarit, chemin: Path) -> list[dict]:
    lots = lire_donnees(chemin)
    valides, erreurs = [], []
    for i, donnees in enumerate(lots, 1):
        try:
            valides.append(preparer(catalogue, gabarit.id, donnees, gabarit.version)[1])
        except DonneesInvalides as exc:
            prefixe = f"document {i} : " if len(lots) > 1 else ""
            erreurs += [prefixe + str(e) for e in exc.erreurs]
    if erreurs:
        raise ErreurUtilisateur(erreurs)
    return valides


def _valeurs_tableur(gabarit, chemin: Path, sortie: Path, ignorer_erreurs: bool) -> list[dict]:
    """Valid rows of a spreadsheet; problems listed, and a highlighted copy written beside."""
    try:
        contenu = chemin.read_bytes()
        lecture = tableur.lire(contenu, chemin.name, gabarit.formulaire)
    except OSError as exc:
        raise ErreurUtilisateur([f"{chemin} : fichier illisible ({exc.strerror})"]) from None
    except tableur.TableurIllisible as exc:
        raise ErreurUtilisateur([str(exc)]) from None
    valides, erreurs = tableur.valider_lignes(lecture, gabarit.formulaire)
    en_erreur = len({e.ligne for e in erreurs})
    bilan = (f"{chemin.name} : {len(valides)} ligne(s) valide(s), {en_erreur} en erreur, "
             f"{lecture.vides} vide(s) ignorée(s)"
             + (f" ; {lecture.feuille_lue}" if lecture.feuille else ""))
    for entete in lecture.ignorees:
        print(f"colonne « {entete} » ignorée : elle ne correspond à aucun champ", file=sys.stderr)
    if erreurs:
        sortie.mkdir(parents=True, exist_ok=True)
        rapport = ecrire_atomique(sortie / f"{chemin.stem} - erreurs.xlsx",
                                  tableur.rapport_erreurs(contenu, chemin.name, erreurs,
                                                          lecture.feuille))
        lignes = [str(e) for e in erreurs] + [bilan, f"cellules en erreur surlignées : {rapport}"]
        if not ignorer_erreurs:
            raise ErreurUtilisateur(lignes + ["rien n'est généré ; corrigez et relancez, "
                                              "ou relancez avec --ignorer-erreurs"])
        print("\n".join(lignes), file=sys.stderr)
    else:
        print(bilan, file=sys.stderr)
    return [valeurs for _, valeurs in valides]


def _valeurs(catalogue, gabarit, args, sortie: Path) -> list[dict]:
    """The valid rows of ``--donnees``: a spreadsheet (.xlsx, .csv) or JSON."""
    if args.donnees.suffix.lower() in (".xlsx", ".csv"):
        valides = _valeurs_tableur(gabarit, args.donnees, sortie, args.ignorer_erreurs)
    else:
        valides = _valeurs_json(catalogue, gabarit, args.donnees)
    if not valides:
        raise ErreurUtilisateur(["aucune ligne valide : rien à générer"])
    return valides


def _generer(catalogue, config: Config, args) -> list[Path]:
    gabarit = _gabarit(catalogue, args.id, args.version)
    sortie = args.sortie or config.sorties
    valides = _valeurs(catalogue, gabarit, args, sortie)
    barre = tqdm(total=len(valides), desc="documents", unit="doc", file=sys.stderr,
                 disable=len(valides) < 2)
    documents = []
    for valeurs in valides:
        documents.append(rendre(catalogue, gabarit, valeurs))
        if args.format == "docx":
            barre.update()
    if args.format == "docx":
        barre.close()
        return ecrire_documents(documents, sortie, "docx")
    with creer_moteur(config) as moteur:
        pdfs = produire_pdfs(documents, moteur, creer_sceau(config, catalogue),
                             pdfa=not args.pdf_simple,
                             voie="lot" if len(documents) > 1 else "interactive",
                             avancement=barre.update)
    barre.close()
    for document, pdf in zip(documents, pdfs):
        dossiers.enregistrer(config.sorties, document, pdf)  # kept with its later versions
    chemins = ecrire_documents(documents, sortie, "pdf", pdfs)
    if args.impression:
        # one file for the printer, named so that it sorts beside the documents
        nom = nom_sur(f"{gabarit.id} - impression de {len(documents)} documents - "
                      f"{documents[0].genere_le:%Y-%m-%d %Hh%M}")
        chemins += ecrire_documents([replace(documents[0], nom=nom)], sortie, "pdf",
                                    [pdf_pour_impression([titre_signet(d) for d in documents], pdfs)])
    return chemins


def _serve(config: Config, demo: bool, environ) -> int:
    from service.personnes.demo import comptes_de_demo
    from service.web import create_app, moteur, service

    app = create_app(config)
    port = int(environ.get("PORT", "5000"))
    if demo:
        print(f"Comptes de démonstration (http://127.0.0.1:{port}/) :")
        for identifiant, nom, role, mot_de_passe in comptes_de_demo(service(app)["base"]):
            print(f"  {identifiant:12} mot de passe {mot_de_passe:18} {nom} ({role})")
    travailleur = TravailleurDuService(environ)  # the embedded queue's worker
    from service import creer_archives
    from service.archive.conservation import purger

    purger(service(app)["base"], creer_archives(config, app.extensions["inspe"]["catalogue"],
                                                service(app)["base"]).coffre)

    def arreter(*_):
        travailleur.arreter()  # a packet under way is made again when the service restarts
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, arreter)
    signal.signal(signal.SIGINT, arreter)
    try:  # LibreOffice ready before the first person asks for a document
        moteur(app)[0].demarrer()
    except ConversionImpossible as exc:  # the pages work without it; /sante says what is wrong
        print(f"Attention : {exc}", file=sys.stderr, flush=True)
    service(app)["atelier"].demarrer()
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


def _lot(catalogue, config: Config, args):
    gabarit = _gabarit(catalogue, args.id)
    valides = _valeurs(catalogue, gabarit, args, config.sorties)
    lot = lots.creer(config.sorties, catalogue, gabarit.id, valides, format_=args.format,
                     impression=args.impression, version=gabarit.version)
    Travaux(config).lancer(lot.id)
    return lot


def _extraire(catalogue, chemin: Path) -> int:
    try:
        resultat = extraire(chemin.read_bytes(), catalogue)
    except OSError as exc:
        raise ErreurUtilisateur([f"{chemin} : fichier illisible ({exc.strerror})"]) from None
    except (DocxRefuse, DocumentNonReconnu) as exc:
        raise ErreurUtilisateur([f"{chemin.name} : {exc}"]) from None
    sortie = {
        "gabarit_id": resultat.gabarit.id, "gabarit_version": resultat.gabarit.version,
        "version_courante": resultat.gabarit.version == catalogue.versions(resultat.gabarit.id)[-1],
        "reconnu_par": resultat.reconnu_par,
        "document_id": resultat.proprietes.get("document_id"),
        "document_numero": resultat.proprietes.get("document_numero"),
        "valeurs": en_json(resultat.valeurs) if resultat.valeurs is not None else resultat.donnees,
        "erreurs": [str(e) for e in resultat.erreurs],
    }
    print(json.dumps(sortie, ensure_ascii=False, indent=2, default=str))
    for erreur in resultat.erreurs:
        print(erreur, file=sys.stderr)
    return DONNEES_INVALIDES if resultat.erreurs else SUCCES


def _modele_import(catalogue, args) -> Path:
    gabarit = _gabarit(catalogue, args.id)
    args.o.parent.mkdir(parents=True, exist_ok=True)
    return ecrire_atomique(args.o, tableur.modele_import(gabarit.formulaire))


def _signer(catalogue, config: Config, args) -> Path:
    try:
        document = dossiers.charger(config.sorties, args.numero, catalogue)
        image = preparer_signature(args.image.read_bytes())
        date = lire_date(args.date) if args.date else dt.date.today()
        signe = signer(catalogue, document, Signataire(args.champ, args.nom, args.qualite, date,
                                                       image))
    except dossiers.DossierIntrouvable as exc:
        raise ErreurUtilisateur([str(exc)]) from None
    except OSError as exc:
        raise ErreurUtilisateur([f"{args.image} : fichier illisible ({exc.strerror})"]) from None
    except ValueError:
        raise ErreurUtilisateur([f"date : « {args.date} » n'est pas une date valide (JJ/MM/AAAA)"]
                                ) from None
    except SignatureRefusee as exc:
        raise ErreurUtilisateur([f"signature : {exc}"]) from None
    with creer_moteur(config) as moteur:
        (pdf,) = produire_pdfs([signe], moteur, creer_sceau(config, catalogue),
                               pdfa=not args.pdf_simple)
    return dossiers.enregistrer(config.sorties, signe, pdf)


def _verifier(catalogue, config: Config, chemin: Path) -> int:
    try:
        contenu = chemin.read_bytes()
    except OSError as exc:
        raise ErreurUtilisateur([f"{chemin} : fichier illisible ({exc.strerror})"]) from None
    resultat = verifier(contenu, creer_sceau(config, catalogue))
    print(f"{chemin.name} : {resultat.message}")
    return SUCCES if resultat.intact else NON_INTACT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


