"""The forms and gabarits (/admin/gabarits, the administrateur's only): a form written in Word
uploaded as a new gabarit or a new version of one, its fields recognised, its declaration edited
on a page (or as YAML), previewed as people will see it, then published.

1. ``/admin/gabarits``: each gabarit, its versions and who published the last one; « Télécharger
   pour Word » (the current version as a Word-authored form to edit); the upload forms.
2. ``…/travaux/<jeton>/propositions`` (« Champs proposés »), for a Word file without content
   controls: the document with the proposed fields highlighted, each to keep (or drop), rename,
   relabel or retype; the kept ones are written into the file as real content controls, which
   the rest of the flow recognises as usual.
3. ``/admin/gabarits/travaux/<jeton>``: the declaration editor over the YAML (the stored,
   diffable format, checked by the catalogue's own loader); each error names its field and
   nothing typed is lost (service/conception/travaux.py keeps the work in the storage, so
   any web node continues it).
4. ``…/apercu``: the web form, the example rendered as a PDF (page pictures), the import
   spreadsheet, what changed since the previous version; « Publier » with a confirmation.

The work is done by service/conception/publication.py and travaux.py; every step is written
to the audit log. 404 for anyone but the administrateur, a recent sign-in asked.
"""

from __future__ import annotations

import tempfile
from io import BytesIO
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_wtf import FlaskForm
from markupsafe import Markup

from service.catalogue import tableur
from service.catalogue.declaration import POSTES, TYPES
from service.catalogue.docx_sur import DocxRefuse
from service.catalogue.televersement import nom_televerse
from service.conception import publication, travaux
from service.conception.propositions import DecisionInvalide, apercu_html, proposer, types_possibles
from service.personnes import acces
from service.stockage import Absent

from . import Indisponible, produire_pdf
from .formulaires import classe_formulaire, pour_le_formulaire
from .outils import DOCX, catalogue, exiger, exiger_connexion_recente, noter, stockage

bp = Blueprint("admin_gabarits", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csrf() -> None:
    if not FlaskForm().validate_on_submit():
        abort(400)


def _qui() -> str:
    return f"{g.compte.identifiant} ({g.compte.role})"


def _travail(jeton: str) -> travaux.Travail:
    try:
        return travaux.ouvrir(stockage(), jeton)
    except travaux.TravailIntrouvable:
        abort(404)


def _liste(erreurs=(), statut=200, **saisie):
    publiees: dict[str, list] = {}
    for ligne in catalogue().publiees.lignes() if catalogue().publiees else ():
        publiees.setdefault(ligne.gabarit_id, []).append(ligne)
    return render_template("admin_gabarits.html", gabarits=catalogue().courants(),
                           versions={i: catalogue().versions(i) for i in catalogue().ids()},
                           publiees=publiees, erreurs=list(erreurs), saisie=saisie), statut


@bp.get("/admin/gabarits")
@exiger("lire", acces.GABARITS)
@exiger_connexion_recente
def index():
    return _liste()


@bp.get("/admin/gabarits/<id_>/pour-word.docx")
@exiger("lire", acces.GABARITS)
def pour_word(id_: str):
    """The current version as a Word-authored form (content controls, no template language)."""
    from service.conception.pour_word import pour_word as exporter

    try:
        gabarit = catalogue().gabarit(id_)
    except KeyError:
        abort(404)
    return send_file(BytesIO(exporter(gabarit.chemin.read_bytes(), gabarit.formulaire)), mimetype=DOCX,
                     as_attachment=True, download_name=f"{id_} v{gabarit.version}.docx")


@bp.post("/admin/gabarits/televerser")
@exiger("remplir", acces.GABARITS)
@exiger_connexion_recente
def televerser():
    _csrf()
    nouveau = request.form.get("nouveau") == "1"
    id_ = (request.form.get("id") or "").strip()
    titre = (request.form.get("titre") or "").strip() or None
    fichier = request.files.get("fichier")
    saisie = {"id": id_, "titre": titre or ""} if nouveau else {}
    if not fichier or not fichier.filename:
        return _liste(["Choisissez le fichier Word (.docx) du formulaire."], 400, **saisie)
    nom = nom_televerse(fichier.filename)
    existe = id_ in catalogue().ids()
    try:
        id_ = publication.verifier_id(id_)
        if nouveau and existe:
            raise publication.PublicationRefusee([
                f"identifiant « {id_} » : ce gabarit existe déjà ; pour le changer, utilisez "
                "« Nouvelle version » sur sa ligne"])
        if not nouveau and not existe:
            abort(404)
        docx = publication.controler(fichier.read())
        reconnu = publication.reconnaitre(catalogue(), docx, id_, titre)
    except DocxRefuse as exc:
        noter("gabarit_refuse", id_, f"{nom} : {exc}"[:500])
        return _liste([f"{nom} : {exc}"], 400, **saisie)
    except publication.PublicationRefusee as exc:
        return _liste(exc.erreurs, 400, **saisie)
    proposees = publication.a_proposer(reconnu, docx)
    travail = travaux.creer(stockage(), docx, reconnu.gabarit, reconnu.declaration,
                            id=id_, nouveau=nouveau, source=nom, auteur=_qui(), titre=titre,
                            alertes=list(reconnu.alertes), propositions=bool(proposees),
                            a_revoir=bool(proposees))
    noter("gabarit_televerse", id_, f"{nom} ; {len(reconnu.alertes)} remarque(s)"
          + (f" ; {len(proposees)} champ(s) proposé(s)" if proposees else ""))
    if proposees:
        return redirect(url_for("admin_gabarits.propositions", jeton=travail.jeton))
    return redirect(url_for("admin_gabarits.editeur", jeton=travail.jeton))


def _propositions(travail: travaux.Travail, proposees, erreurs=None, statut=200):
    return render_template(
        "admin_gabarit_propositions.html", travail=travail, meta=travail.meta,
        apercu=Markup(apercu_html(travail.televerse, proposees)), propositions=proposees,
        saisie=travail.decisions, erreurs=erreurs or {}, types=TYPES,
        possibles={p.id: types_possibles(p) for p in proposees}), statut


@bp.route("/admin/gabarits/travaux/<jeton>/propositions", methods=["GET", "POST"])
@exiger("remplir", acces.GABARITS)
@exiger_connexion_recente
def propositions(jeton: str):
    """« Champs proposés »: the fields proposed in a Word file without content controls,
    kept, renamed or dropped; the kept ones written into it as content controls."""
    travail = _travail(jeton)
    meta = travail.meta
    if not meta.get("propositions"):
        abort(404)
    proposees = proposer(travail.televerse)
    if request.method == "GET":
        return _propositions(travail, proposees)
    _csrf()
    decisions, travail.decisions = travaux.decisions_de(proposees, request.form.to_dict(flat=False))
    try:
        reconnu = publication.appliquer_propositions(catalogue(), travail.televerse, decisions,
                                                     meta["id"], meta.get("titre"))
    except DecisionInvalide as exc:
        return _propositions(travail, proposees, {exc.id: str(exc)}, 400)
    except DocxRefuse as exc:
        return _propositions(travail, proposees, {"": str(exc)}, 400)
    travail.gabarit = reconnu.gabarit
    travail.texte = travaux.texte_yaml(reconnu.declaration)
    travail.noter(a_revoir=False, valide=False, alertes=list(reconnu.alertes))
    gardees = sum(d.acceptee for d in decisions)
    noter("gabarit_propositions", meta["id"],
          f"{gardees} champ(s) gardé(s), {len(decisions) - gardees} écarté(s)")
    return redirect(url_for("admin_gabarits.editeur", jeton=jeton))


def _verifier(travail: travaux.Travail) -> list[str]:
    """Checks the work as it would be published; its preview made when it passes."""
    meta, texte = travail.meta, travail.texte
    with tempfile.TemporaryDirectory(prefix="inspe-verification-") as dossier:
        try:  # the version checked is written in this request's own folder, removed after
            projet = publication.preparer(catalogue(), meta["id"], travail.gabarit, texte,
                                          Path(dossier) / "verification")
        except publication.PublicationRefusee as exc:
            travail.noter(valide=False)
            return exc.erreurs
        panne = ""
        try:
            pdf, images = produire_pdf(current_app, projet.exemple, images=True)
            travail.ecrire_apercu(pdf, images)
        except Indisponible as exc:
            panne = str(exc)
    travail.verifiee(texte)
    travail.noter(valide=True, version=projet.version, difference=projet.difference.lignes(),
                  panne=panne)
    return []


def _editeur(travail: travaux.Travail, erreurs=(), statut=200):
    declaration = travail.declaration()
    exemple = travaux.texte_yaml(declaration.get("exemple") or {}) if declaration else ""
    return render_template(
        "admin_gabarit_editeur.html", travail=travail, meta=travail.meta,
        declaration=declaration, champs=travaux.champs_de(declaration) if declaration else [],
        exemple=exemple, erreurs=list(erreurs), types=TYPES, postes=POSTES,
        parcours=catalogue().etablissement.parcours), statut


@bp.route("/admin/gabarits/travaux/<jeton>", methods=["GET", "POST"])
@exiger("remplir", acces.GABARITS)
@exiger_connexion_recente
def editeur(jeton: str):
    travail = _travail(jeton)
    if travail.meta.get("a_revoir") and request.form.get("action") != "abandonner":
        # the proposed fields are to be reviewed first
        return redirect(url_for("admin_gabarits.propositions", jeton=jeton))
    if request.method == "GET":
        return _editeur(travail)
    _csrf()
    action = request.form.get("action")
    if action == "abandonner":
        meta = travail.meta
        travail.supprimer()
        noter("gabarit_abandonne", meta["id"], meta.get("source", ""))
        flash("Le travail en cours a été abandonné : rien n’a été publié.")
        return redirect(url_for("admin_gabarits.index"))
    erreurs: list[str] = []
    if action == "yaml":
        travail.texte = request.form.get("yaml", "").replace("\r\n", "\n")
    else:
        declaration = travail.declaration()
        if declaration is None:
            return _editeur(travail, ["Le YAML de la déclaration est illisible : corrigez-le "
                                      "dans « Déclaration en YAML »."], 400)
        declaration, renommes, erreurs = travaux.editer(declaration,
                                                        request.form.to_dict(flat=False))
        for cle, nom in renommes:
            travail.gabarit = travaux.renommer(travail.gabarit, cle, nom)
        travail.texte = travaux.texte_yaml(declaration)
        if renommes:
            noter("gabarit_champs_renommes", travail.meta["id"],
                  ", ".join(f"{a} → {b}" for a, b in renommes)[:500])
    erreurs += _verifier(travail)
    noter("gabarit_declaration", travail.meta["id"],
          f"{'YAML' if action == 'yaml' else 'éditeur'} : "
          + (f"{len(erreurs)} erreur(s)" if erreurs else "vérifiée, aperçu fait"))
    if erreurs:
        return _editeur(travail, erreurs, 400)
    return redirect(url_for("admin_gabarits.apercu", jeton=jeton))


@bp.get("/admin/gabarits/travaux/<jeton>/apercu")
@exiger("remplir", acces.GABARITS)
@exiger_connexion_recente
def apercu(jeton: str):
    travail = _travail(jeton)
    formulaire = travail.formulaire_verifie()
    if formulaire is None:
        return redirect(url_for("admin_gabarits.editeur", jeton=jeton))
    valeurs = pour_le_formulaire(formulaire, formulaire.exemple)
    lignes = {c.nom: len(valeurs.get(c.nom) or []) or 1 for c in formulaire.champs
              if c.type == "groupe"}
    web = classe_formulaire(formulaire, lignes)(data=valeurs)
    pages = [url_for("admin_gabarits.page", jeton=jeton, numero=n)
             for n in range(1, travail.pages() + 1)]
    return render_template("admin_gabarit_apercu.html", travail=travail, meta=travail.meta,
                           gabarit=_Apercu(formulaire), web=web, pages=pages)


class _Apercu:
    """What _sections.html reads of a gabarit."""

    def __init__(self, formulaire):
        self.formulaire = formulaire
        self.titre = formulaire.titre


@bp.get("/admin/gabarits/travaux/<jeton>/page-<int:numero>.jpg")
@exiger("remplir", acces.GABARITS)
def page(jeton: str, numero: int):
    try:
        image = _travail(jeton).page(numero)
    except Absent:
        abort(404)
    return send_file(BytesIO(image), mimetype="image/jpeg")


@bp.get("/admin/gabarits/travaux/<jeton>/exemple.pdf")
@exiger("remplir", acces.GABARITS)
def exemple_pdf(jeton: str):
    try:
        pdf = _travail(jeton).exemple_pdf()
    except Absent:
        abort(404)
    return send_file(BytesIO(pdf), mimetype="application/pdf")


@bp.get("/admin/gabarits/travaux/<jeton>/modele-import.xlsx")
@exiger("remplir", acces.GABARITS)
def modele_import(jeton: str):
    formulaire = _travail(jeton).formulaire_verifie()
    if formulaire is None:
        abort(404)
    return send_file(BytesIO(tableur.modele_import(formulaire)), mimetype=XLSX,
                     as_attachment=True, download_name=f"{formulaire.id} - modèle d’import.xlsx")


@bp.post("/admin/gabarits/travaux/<jeton>/publier")
@exiger("remplir", acces.GABARITS)
@exiger_connexion_recente
def publier(jeton: str):
    _csrf()
    travail = _travail(jeton)
    meta = travail.meta
    if not meta.get("valide"):
        return redirect(url_for("admin_gabarits.editeur", jeton=jeton))
    if request.form.get("confirmer") != "1":
        flash("Cochez la case de confirmation pour publier.")
        return redirect(url_for("admin_gabarits.apercu", jeton=jeton) + "#publier")
    try:
        with tempfile.TemporaryDirectory(prefix="inspe-verification-") as dossier:
            projet = publication.preparer(catalogue(), meta["id"], travail.gabarit,
                                          travail.texte, Path(dossier) / "verification")
            if projet.version != meta.get("version"):
                raise publication.PublicationRefusee([
                    f"la version {meta.get('version')} a été publiée entre-temps : voici la "
                    f"version {projet.version}, comparée à elle ; vérifiez-la puis publiez"])
            ligne = publication.publier(catalogue(), projet, _qui(), meta.get("source", ""))
    except publication.PublicationRefusee as exc:
        _verifier(travail)
        return _editeur(travail, exc.erreurs, 409)
    travail.supprimer()
    flash(f"Version {ligne.version} de « {projet.formulaire.titre} » publiée : les nouveaux "
          "documents et les brouillons s’ouvrent sur elle ; les documents déjà produits gardent "
          "la leur.")
    return redirect(url_for("admin_gabarits.index"))
