"""The archive on the web: completed Word documents sent back, checked by a person, then kept.

1. ``/archives/deposer``: the upload (drag and drop, or a plain file input);
   a refused file says why, in French, and nothing is stored.
2. ``/archives/<numero>/v<n>/verifier``: what was read, as the gabarit's own
   form, with the declaration's errors next to each field; « Archiver » makes
   the sealed PDF/A, « Abandonner ce dépôt » forgets the upload. A pre-filled
   .docx sent back with no value changed (« inchangé ») says so at the top and
   is archived only when « l’archiver quand même » is ticked.
3. ``/archives/<numero>``: the record, its versions and their downloads.
4. ``/archives``: search (filters, full text), 50 per page, and its export.
5. ``/archives/stagiaire/<id>``: a roster stagiaire's dossier. What is late, and the
   reminders, are the campaign's (service/web/campagne.py); ``/archives/manquants`` leads there.

Everyone sees and does only what service/personnes/acces.py allows; anything else is 404.
"""

from __future__ import annotations

import dataclasses
import json
import math
from io import BytesIO

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import StringField

from service.archive.antivirus import AntivirusIndisponible
from service.archive.conservation import exporter_personne
from service.archive.courriel import CourrielImpossible
from service.archive.depot import INCHANGE, LIBRE, STATUTS, Archive, ArchiveIntrouvable, refus
from service.archive.recherche import (
    PAR_PAGE,
    Filtres,
    dossier,
    exporter_xlsx,
    rechercher,
)
from service.archive.relances import destinataires, diffuser
from service.catalogue.contexte import aujourdhui, date_fr
from service.catalogue.docx_sur import DocxRefuse
from service.catalogue.extraction import DocumentNonReconnu, signatures_presentes
from service.catalogue.nommage import nom_sur
from service.catalogue.validation import DonneesInvalides, valider
from service.dossier import depots, listes
from service.personnes.acces import CAMPAGNE, Depot, Export

from . import PdfImpossible
from .formulaires import (
    Signalement,
    classe_formulaire,
    donnees,
    poser_erreurs,
    pour_le_formulaire,
    resume_erreurs,
)
from .outils import (
    actions_du_dossier,
    archive_autorisee,
    archiver,
    au_dossier,
    autoriser,
    base,
    catalogue,
    connecte,
    depot_autorise,
    gabarit_de,
    lecture,
    messagerie,
    noter,
    outil_archives,
    peut,
    stagiaire_autorise,
    telecharger_archive,
    version_de,
)

bp = Blueprint("archives", __name__)


# --- display helpers ------------------------------------------------------------------------

def _texte_valeur(champ, valeur) -> str:
    if valeur in (None, "", []):
        return "—"
    if champ.type == "date":
        return date_fr(str(valeur)) or str(valeur)
    if isinstance(valeur, list):
        return ", ".join(str(v) for v in valeur)
    return str(valeur)


def affichage(formulaire, valeurs: dict) -> list[dict]:
    """The values as a person reads them, field by field, in the declaration's order."""
    lignes = []
    for champ in formulaire.champs:
        if champ.type == "signature":
            continue
        valeur = valeurs.get(champ.nom)
        if champ.type == "groupe":
            lignes.append({"libelle": champ.libelle, "colonnes": [c.libelle for c in champ.champs],
                           "lignes": [[_texte_valeur(c, (ligne or {}).get(c.nom)) for c in champ.champs]
                                      for ligne in valeur or []]})
        else:
            lignes.append({"libelle": champ.libelle, "texte": _texte_valeur(champ, valeur)})
    return lignes


@bp.context_processor
def outils_de_page():
    return {"date_fr": date_fr, "STATUTS": STATUTS, "LIBRE": LIBRE, "INCHANGE": INCHANGE}


# --- 1. the upload --------------------------------------------------------------------------

@bp.route("/archives/deposer", methods=["GET", "POST"])
@connecte
def deposer():
    if request.method == "GET":
        return render_template("archives_deposer.html", erreur=None, deja=None)
    fichier = request.files.get("fichier")
    if not fichier or not fichier.filename:
        return render_template("archives_deposer.html", deja=None,
                               erreur="Choisissez le document Word complété (.docx)."), 400
    try:
        depot = outil_archives().deposer(fichier.read(), fichier.filename, g.compte.identifiant,
                                         libre=True, compte=g.compte)
    except (DocxRefuse, DocumentNonReconnu) as exc:
        return render_template("archives_deposer.html", erreur=refus(exc), deja=None), 422
    except AntivirusIndisponible as exc:
        return render_template("archives_deposer.html", deja=None,
                               erreur=str(exc)[:1].upper() + str(exc)[1:] + "."), 503
    if depot.deja_archive:
        archive = outil_archives().une(depot.numero)
        if not peut("lire", archive):  # nothing is said of a record one may not read
            return render_template("archives_deposer.html", erreur=None, deja={"visible": False})
        archivee = version_de(archive, depot.version).archive_le is not None
        return render_template("archives_deposer.html", erreur=None, deja={
            "numero": depot.numero, "version": depot.version, "archivee": archivee,
            "visible": True})
    au_dossier(depot)
    archive = outil_archives().une(depot.numero)
    if not peut("archiver", Depot(archive, version_de(archive, depot.version))):
        flash(f"Document reçu sous le n° {depot.numero} : son archivage revient à qui l’écrit "
              "pour ce stagiaire (tuteur du trio ou secrétariat).")
        return redirect(url_for("archives.fiche", numero=depot.numero))
    return redirect(url_for("archives.verifier", numero=depot.numero, version=depot.version))


# --- 2. the check, then the record ----------------------------------------------------------

class DocumentLibre(FlaskForm):
    titre_libre = StringField("Titre du document *", render_kw={"aria-required": "true"})
    stagiaire_libre = StringField("Stagiaire concerné (NOM Prénom) *",
                                  description="Par exemple : MOREAU Léa.",
                                  render_kw={"aria-required": "true"})


def _page_verification(archive, version, web, generales=(), statut=200, panne=None,
                       confirmer=False):
    gabarit = gabarit_de(archive, version)
    signatures = []
    if gabarit is not None:
        docx = outil_archives().coffre.lire(version.docx_sha256)
        signatures = [(gabarit.formulaire.champ(nom).libelle, presente)
                      for nom, presente in signatures_presentes(docx, gabarit).items()]
    return render_template("archives_verifier.html", archive=archive, version=version,
                           gabarit=gabarit, web=web, erreurs=resume_erreurs(web, generales),
                           signatures=signatures, panne=panne, confirmer=confirmer), statut


@bp.route("/archives/<numero>/v<int:version>/verifier", methods=["GET", "POST"])
@connecte
def verifier(numero: str, version: int):
    archive = archive_autorisee(numero)
    if version_de(archive, version).archive_le:
        return redirect(url_for("archives.fiche", numero=archive.numero))
    archive, cible = depot_autorise(numero, version)
    gabarit = gabarit_de(archive, cible)
    if gabarit is None:
        return _verifier_libre(archive, cible)
    declaration = gabarit.formulaire
    groupes = [c.nom for c in declaration.champs if c.type == "groupe"]
    if request.method == "GET":
        noter("consultation", archive.numero, f"vérification de la version {version}")
        lues, erreurs = lecture(archive, cible)
        brut = lues if erreurs else valider(declaration, lues)
        donnees_web = pour_le_formulaire(declaration, brut)
        lignes = {g_: len(donnees_web.get(g_) or []) or 1 for g_ in groupes}
        web = classe_formulaire(declaration, lignes)(data=donnees_web)
        generales = poser_erreurs(web, erreurs)
        return _page_verification(archive, cible, web, generales)
    lignes = {g_: len({k.split("-")[1] for k in request.form if k.startswith(f"{g_}-")})
              for g_ in groupes}
    action = request.form.get("action", "archiver")
    if action.startswith("ajouter:") and action[8:] in lignes:
        lignes[action[8:]] += 1
    web = classe_formulaire(declaration, lignes)()
    if action != "archiver" or not web.validate():
        return _page_verification(archive, cible, web)
    if cible.inchange and not request.form.get("inchange_accepte"):
        # an untouched pre-filled form never becomes a document without a person saying so
        return _page_verification(
            archive, cible, web, [Signalement("Cochez « l’archiver quand même » pour archiver ce "
                                              "document revenu tel qu’il a été pré-rempli.",
                                              "inchange_accepte")], 400, confirmer=True)
    try:
        archiver(archive.numero, version, donnees=donnees(web, declaration))
    except DonneesInvalides as exc:
        generales = poser_erreurs(web, exc.erreurs)
        return _page_verification(archive, cible, web, generales, 400)
    except PdfImpossible as exc:  # the upload stays waiting, with what was corrected on the page
        return _page_verification(archive, cible, web, statut=503, panne=str(exc))
    flash(f"Document archivé sous le n° {archive.numero}.")
    return redirect(url_for("archives.fiche", numero=archive.numero))


def _verifier_libre(archive, cible):
    if request.method == "GET":
        noter("consultation", archive.numero, f"vérification de la version {cible.version}")
        web = DocumentLibre(data={"titre_libre": archive.titre, "stagiaire_libre": archive.stagiaire})
        return _page_verification(archive, cible, web)
    web = DocumentLibre()
    titre, stagiaire = (web.titre_libre.data or "").strip(), (web.stagiaire_libre.data or "").strip()
    for champ, valeur in ((web.titre_libre, titre), (web.stagiaire_libre, stagiaire)):
        if not valeur:
            champ.errors = ["champ obligatoire non rempli"]
    if not (titre and stagiaire):
        return _page_verification(archive, cible, web, statut=400)
    try:
        archiver(archive.numero, cible.version, titre=titre[:300], stagiaire=stagiaire[:200])
    except PdfImpossible as exc:
        return _page_verification(archive, cible, web, statut=503, panne=str(exc))
    flash(f"Document archivé sous le n° {archive.numero}.")
    return redirect(url_for("archives.fiche", numero=archive.numero))


@bp.post("/archives/<numero>/v<int:version>/abandonner")
@connecte
def abandonner(numero: str, version: int):
    archive, _ = depot_autorise(numero, version, "supprimer")
    try:
        outil_archives().abandonner(archive.numero, version, g.compte.identifiant)
    except ArchiveIntrouvable:
        abort(404)
    depots.abandonne(base(), catalogue(), outil_archives(), archive.numero, g.compte)
    flash("Dépôt abandonné : rien n’a été archivé.")
    return redirect(url_for("archives.deposer"))


# --- 3. the record and its files -----------------------------------------------------------

@bp.get("/archives/<numero>")
@connecte
def fiche(numero: str):
    archive = archive_autorisee(numero)
    noter("consultation", archive.numero)
    archivees = [v for v in archive.versions if v.archive_le]
    valeurs = None
    if archivees and archive.gabarit_id != LIBRE:
        derniere = archivees[-1]
        valeurs = affichage(gabarit_de(archive, derniere).formulaire, json.loads(derniere.valeurs))
    versions_courantes = {archive.gabarit_id: max(catalogue().versions(archive.gabarit_id))} \
        if archive.gabarit_id != LIBRE else {}
    diffusion = None
    if peut("diffuser", archive):
        liste = destinataires(catalogue().etablissement.parametres, archive.gabarit_id)
        if liste:
            diffusion = {"liste": liste, "courriel": messagerie() is not None,
                         "archive": bool(archivees)}
    avec_signatures = {v.version: any(c.type == "signature" for c in gabarit.formulaire.champs)
                       if (gabarit := gabarit_de(archive, v)) else False for v in archive.versions}
    peut_archiver = any(peut("archiver", Depot(archive, v)) for v in archive.versions)
    return render_template("archives_fiche.html", archive=archive, valeurs=valeurs,
                           avec_signatures=avec_signatures, peut_archiver=peut_archiver,
                           version_valeurs=archivees[-1].version if archivees else None,
                           versions_courantes=versions_courantes, diffusion=diffusion)


@bp.get("/archives/<numero>/v<int:version>.<any(pdf, docx):extension>")
@connecte
def telecharger(numero: str, version: int, extension: str):
    return telecharger_archive(numero, version, extension)



@bp.post("/archives/<numero>/diffuser")
@connecte
def diffuser_pdf(numero: str):
    archive = archive_autorisee(numero)
    autoriser("diffuser", archive)
    if messagerie() is None:
        flash("L’envoi de courriels n’est pas configuré : le PDF n’a pas été envoyé.")
    else:
        try:
            adresses = diffuser(outil_archives(), archive.numero, messagerie(),
                                f"{g.compte.identifiant} ({g.compte.role})")
        except CourrielImpossible as exc:
            flash(f"Le PDF n’a pas été envoyé : {exc}.")
        else:
            flash("PDF envoyé à " + ", ".join(adresses) + ".")
    return redirect(url_for("archives.fiche", numero=archive.numero))


# --- 4. search and export -------------------------------------------------------------------

def _annees() -> list[str]:
    with Session(base()) as session:
        return sorted((a for a in session.scalars(select(Archive.annee).distinct()) if a),
                      reverse=True)


@bp.get("/archives")
@connecte
def index():
    filtres = Filtres.depuis(request.args)
    if filtres.statut == "attendu" and peut("lire", CAMPAGNE):
        return redirect(url_for("campagne.index", annee=filtres.annee or None))
    page = max(request.args.get("page", 1, type=int), 1)
    total, trouves = rechercher(base(), filtres, g.compte, page)
    criteres = {k: v for k, v in dataclasses.asdict(filtres).items() if v}
    return render_template("archives_recherche.html", filtres=filtres, criteres=criteres,
                           total=total, archives=trouves, page=page,
                           pages=max(math.ceil(total / PAR_PAGE), 1), annees=_annees(),
                           gabarits=catalogue().courants())


@bp.get("/archives/export.xlsx")
@connecte
def exporter():
    filtres = Filtres.depuis(request.args)
    contenu = exporter_xlsx(base(), filtres, g.compte)
    criteres = ", ".join(f"{k} = {v}" for k, v in dataclasses.asdict(filtres).items() if v)
    noter("export", "", "liste des archives" + (f" ({criteres})" if criteres else ""))
    return send_file(BytesIO(contenu), as_attachment=True,
                     download_name=f"archives - {aujourdhui().isoformat()}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- 5. a stagiaire's dossier --------------------------------------------------------------

def _annee_courante() -> str:
    return str(catalogue().etablissement.parametres.get("annee_universitaire", ""))


@bp.get("/archives/stagiaire/<int:stagiaire_id>")
@connecte
def dossier_stagiaire(stagiaire_id: int):
    """The stagiaire's dossier: one line per document of the year (made online, by a lot or
    uploaded: the same line), with its state, its versions and its archive record; then the
    other archived documents about them (free documents, other years)."""
    stagiaire = stagiaire_autorise(stagiaire_id)
    noter("consultation", "", f"dossier du stagiaire {stagiaire.id}")
    connues = listes.annees(base())
    annee = request.args.get("annee", "")
    annee = annee if annee in connues else _annee_courante()
    lignes = listes.dossier(base(), catalogue(), stagiaire, annee, lecteur=g.compte.identifiant)
    rangees = {ligne.doc.archive_numero for ligne in lignes if ligne.doc.archive_numero}
    autres = [a for a in dossier(base(), stagiaire, g.compte) if a.numero not in rangees]
    return render_template("archives_dossier.html", stagiaire=stagiaire, annee=annee,
                           annees=connues, lignes=lignes, archives=autres,
                           actions=actions_du_dossier())


@bp.get("/archives/stagiaire/<int:stagiaire_id>/donnees.zip")
@connecte
def donnees_personne(stagiaire_id: int):
    stagiaire = stagiaire_autorise(stagiaire_id)
    autoriser("exporter", Export(stagiaire))
    nom = f"{stagiaire.nom} {stagiaire.prenom}"
    contenu = exporter_personne(base(), outil_archives().coffre, nom,
                                f"{g.compte.identifiant} ({g.compte.role})", stagiaire)
    return send_file(BytesIO(contenu), as_attachment=True, mimetype="application/zip",
                     download_name=nom_sur(f"{nom} - données personnelles") + ".zip")


def _annee_demandee(source) -> str:
    annee = (source.get("annee") or "").strip()
    return annee if len(annee) == 9 and annee[4] == "-" else _annee_courante()


@bp.get("/archives/manquants")
@connecte
def manquants():
    """The former « Documents attendus non reçus », which knew no parcours: the campaign."""
    return redirect(url_for("campagne.index", annee=_annee_demandee(request.args)))
