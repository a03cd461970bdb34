"""The documents' commands: ``generer``, ``extraire``, ``signer``, ``verifier``.

``--par IDENTIFIANT`` says which account acts: its rights (service/personnes/acces.py)
apply, and the name printed under a signature is that account's, never a typed one.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from sqlalchemy.orm import Session
from tqdm import tqdm

from service import creer_archives, creer_messagerie, creer_moteur, creer_sceau, creer_stockage
from service.archive import documents as dossiers
from service.bd import ouvrir
from service.catalogue import tableur
from service.catalogue.docx_sur import DocxRefuse
from service.catalogue.ecriture import ecrire_atomique, ecrire_documents
from service.catalogue.extraction import DocumentNonReconnu
from service.catalogue.extraction import extraire as extraire_valeurs
from service.catalogue.generation import preparer, rendre
from service.catalogue.nommage import nom_sur
from service.catalogue.signature import SignatureRefusee
from service.catalogue.validation import DonneesInvalides, en_json
from service.dossier import circuit, redaction
from service.pdf.paquets import pdf_pour_impression, titre_signet
from service.pdf.production import produire_pdfs
from service.pdf.sceau import verifier as verifier_sceau
from service.personnes import acces

from .commun import DONNEES_INVALIDES, NON_INTACT, SUCCES, ErreurUtilisateur, gabarit, lire_fichier


def ajouter_commandes(sub) -> None:
    p = sub.add_parser("generer", help="un document par objet JSON ou par ligne de tableur")
    options_de_generation(p, format_par_defaut="docx")
    p.add_argument("--pdf-simple", action="store_true", help="PDF ordinaire plutôt que PDF/A-2b")
    p.add_argument("--sortie", type=Path, metavar="DOSSIER",
                   help="dossier de sortie (défaut : sorties/)")
    p.add_argument("--version", type=int, help="version du gabarit (défaut : la dernière)")
    p.add_argument("--par", default="", metavar="IDENTIFIANT",
                   help="avec --format pdf : le compte qui en est l'auteur (ses droits "
                        "s'appliquent ; il pourra signer ses cases)")
    p.set_defaults(executer=generer)

    p = sub.add_parser("extraire", help="gabarit, version et valeurs d'un document rempli, en JSON")
    p.add_argument("docx", type=Path, metavar="F.docx")
    p.set_defaults(executer=extraire)

    p = sub.add_parser("signer", help="signe un document PDF produit ici : crée sa version suivante")
    p.add_argument("numero", metavar="NUMERO", help="numéro du document (pied de page)")
    p.add_argument("--champ", required=True, help="la signature à apposer (voir gabarits --json)")
    p.add_argument("--image", required=True, type=Path, metavar="F.png",
                   help="image de la signature, PNG ou JPEG")
    p.add_argument("--par", required=True, metavar="IDENTIFIANT",
                   help="le compte qui signe : son nom est imprimé, avec la qualité du poste que "
                        "la déclaration lie à la case ; ses droits s'appliquent")
    p.add_argument("--pdf-simple", action="store_true", help="PDF ordinaire plutôt que PDF/A-2b")
    p.set_defaults(executer=signer)

    p = sub.add_parser("verifier", help="dit si un PDF produit ici est intact, et lequel c'est")
    p.add_argument("pdf", type=Path, metavar="F.pdf")
    p.set_defaults(executer=verifier)


def options_de_generation(p, format_par_defaut: str) -> None:
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
    documents = lire_donnees(chemin)
    valides, erreurs = [], []
    for i, donnees in enumerate(documents, 1):
        try:
            valides.append(preparer(catalogue, gabarit.id, donnees, gabarit.version)[1])
        except DonneesInvalides as exc:
            prefixe = f"document {i} : " if len(documents) > 1 else ""
            erreurs += [prefixe + str(e) for e in exc.erreurs]
    if erreurs:
        raise ErreurUtilisateur(erreurs)
    return valides


def _valeurs_tableur(gabarit, chemin: Path, sortie: Path, ignorer_erreurs: bool):
    """Valid rows of a spreadsheet, (row number, values) each, and the problems of the rows
    skipped; problems listed, and a highlighted copy written beside."""
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
    return valides, erreurs


def lignes(catalogue, gabarit, args, sortie: Path) -> tuple[list[tuple[int, dict]], list]:
    """The valid rows of ``--donnees`` (a spreadsheet, .xlsx or .csv, or JSON), (row number,
    values) each, and the spreadsheet's problems of the rows skipped (--ignorer-erreurs)."""
    if args.donnees.suffix.lower() in (".xlsx", ".csv"):
        valides, ignorees = _valeurs_tableur(gabarit, args.donnees, sortie, args.ignorer_erreurs)
    else:
        valides, ignorees = list(enumerate(_valeurs_json(catalogue, gabarit, args.donnees), 1)), []
    if not valides:
        raise ErreurUtilisateur(["aucune ligne valide : rien à générer"])
    return valides, ignorees


def valeurs(catalogue, gabarit, args, sortie: Path) -> list[dict]:
    """The valid rows of ``--donnees``: a spreadsheet (.xlsx, .csv) or JSON."""
    return [v for _, v in lignes(catalogue, gabarit, args, sortie)[0]]


def _afficher(chemins: list[Path]) -> int:
    for chemin in chemins:
        print(chemin)
    return SUCCES


def _auteur(ctx, identifiant: str, objet):
    """The account ``--par`` names, if it may write or sign ``objet``; else exit 2, in French."""
    with Session(ouvrir(ctx.config.base_de_donnees)) as session:
        (compte,) = acces.comptes_de(session, [identifiant])
    if isinstance(compte, acces.Operateur):
        raise ErreurUtilisateur([f"--par : aucun compte « {identifiant} »"])
    action = "signer" if isinstance(objet, acces.Case) else "remplir"
    if not acces.peut(compte, action, objet):
        quoi = (f"signer la case « {objet.champ} » de ce document" if action == "signer"
                else "écrire ce document")
        raise ErreurUtilisateur([f"« {identifiant} » n'a pas le droit de {quoi}"])
    return compte


def generer(args, ctx) -> int:
    catalogue, config = ctx.catalogue, ctx.config
    gabarit_ = gabarit(catalogue, args.id, args.version)
    auteur = _auteur(ctx, args.par, acces.Formulaire.de(gabarit_.formulaire)) if args.par else None
    sortie = args.sortie or config.sorties
    valides = valeurs(catalogue, gabarit_, args, sortie)
    barre = tqdm(total=len(valides), desc="documents", unit="doc", file=sys.stderr,
                 disable=len(valides) < 2)
    documents = []
    for valeurs_ in valides:
        documents.append(rendre(catalogue, gabarit_, valeurs_))
        if args.format == "docx":
            barre.update()
    if args.format == "docx":
        barre.close()
        return _afficher(ecrire_documents(documents, sortie, "docx"))
    with creer_moteur(config) as moteur:
        pdfs = produire_pdfs(documents, moteur, creer_sceau(config, catalogue),
                             pdfa=not args.pdf_simple,
                             voie="lot" if len(documents) > 1 else "interactive",
                             avancement=barre.update)
    barre.close()
    stockage = creer_stockage(config)
    for document, pdf in zip(documents, pdfs):
        dossiers.enregistrer(stockage, document, pdf,  # kept with its later versions
                             auteur=auteur.id if auteur else None)
    chemins = ecrire_documents(documents, sortie, "pdf", pdfs)
    if args.impression:
        # one file for the printer, named so that it sorts beside the documents
        nom = nom_sur(f"{gabarit_.id} - impression de {len(documents)} documents - "
                      f"{documents[0].genere_le:%Y-%m-%d %Hh%M}")
        chemins += ecrire_documents([replace(documents[0], nom=nom)], sortie, "pdf",
                                    [pdf_pour_impression([titre_signet(d) for d in documents], pdfs)])
    return _afficher(chemins)


def extraire(args, ctx) -> int:
    catalogue, chemin = ctx.catalogue, args.docx
    try:
        resultat = extraire_valeurs(lire_fichier(chemin), catalogue)
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


def signer(args, ctx) -> int:
    catalogue, config = ctx.catalogue, ctx.config
    stockage = creer_stockage(config)
    try:
        document = dossiers.charger(stockage, args.numero, catalogue)
    except dossiers.DossierIntrouvable as exc:
        raise ErreurUtilisateur([str(exc)]) from None
    fiche = dossiers.fiche(stockage, document.numero)
    base = ouvrir(config.base_de_donnees)
    compte = _auteur(ctx, args.par, acces.Case(acces.Document.de(
        fiche, document.gabarit.formulaire, redaction.etat(base, document.numero)), args.champ))
    sceau = creer_sceau(config, catalogue)
    with creer_moteur(config) as moteur:
        def pdf_de(signe):
            (pdf,) = produire_pdfs([signe], moteur, sceau, pdfa=not args.pdf_simple)
            return pdf

        try:  # the name, the qualité (the slot's poste) and the date: never typed ones
            signe = redaction.signer_case(base, catalogue, stockage, document.numero,
                                          args.champ, compte, lire_fichier(args.image), pdf_de,
                                          "ligne de commande")
        except SignatureRefusee as exc:
            raise ErreurUtilisateur([f"signature : {exc}"]) from None
        print(stockage.adresse(dossiers.cle(document.numero, f"v{signe.version}.pdf")))
        try:  # the same follow-up as the pages': archived when complete
            circuit.suite(circuit.Outils(base, catalogue, stockage,
                                         creer_archives(config, catalogue, base, stockage), moteur, sceau,
                                         creer_messagerie(config, catalogue)),
                          document.numero, compte.identifiant)
        except Exception as exc:  # noqa: BLE001 — the signature is kept, « signé »
            print(f"signé ; l'archivage n'a pas pu se faire tout de suite ({exc}). Rien n'est "
                  "perdu : le document reste « signé », et « fsck --reparer » l'archivera",
                  file=sys.stderr)
    return SUCCES


def verifier(args, ctx) -> int:
    chemin = args.pdf
    resultat = verifier_sceau(lire_fichier(chemin), creer_sceau(ctx.config, ctx.catalogue))
    print(f"{chemin.name} : {resultat.message}")
    return SUCCES if resultat.intact else NON_INTACT
