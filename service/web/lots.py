"""Bulk generation on the web (secretariat): the spreadsheet to fill, its import with every
problem pointed at, then the lot in the background with a live progress bar, and its ZIP."""

from __future__ import annotations

from io import BytesIO

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from service.catalogue import tableur
from service.catalogue.contexte import date_fr
from service.catalogue.nommage import nom_sur
from service.lots import lots
from service.lots.file import FileInjoignable, Travaux
from service.personnes.acces import LOT
from service.stockage import Absent

from . import service
from .outils import envoyer_rapport, exiger, garder_rapport, pluriel, stockage

bp = Blueprint("lots", __name__)


def _outils():
    return service(current_app)


@bp.context_processor
def outils_de_page():
    return {"intitule": intitule, "libelles": lots.LIBELLES}


def intitule(lot: lots.Lot) -> str:
    """What a person calls a lot: its document, how many, when (its ``nom`` is for the ZIP)."""
    try:
        titre = _outils()["catalogue"].gabarit(lot.gabarit_id, lot.gabarit_version).titre
    except KeyError:  # a version since removed from the catalogue
        titre = lot.gabarit_id
    return (f"{titre} : {pluriel(lot.total, 'document', 'documents')}, "
            f"lancé le {date_fr(lot.cree_le, heure=True)}")


def phrase(exc: Exception) -> str:
    """An error's French text as a sentence: a capital first, a full stop last."""
    texte = str(exc)
    return texte[:1].upper() + texte[1:] + ("" if texte.endswith(".") else ".")


def travaux() -> Travaux:
    outils = _outils()
    if "travaux" not in outils:
        outils["travaux"] = Travaux(outils["config"])
    return outils["travaux"]


@bp.get("/modeles/<id_>.xlsx")
@exiger("lire", LOT)
def modele(id_: str):
    try:
        gabarit = _outils()["catalogue"].gabarit(id_)
    except KeyError:
        abort(404)
    return send_file(BytesIO(tableur.modele_import(gabarit.formulaire)), as_attachment=True,
                     download_name=nom_sur(f"{gabarit.titre} - tableur à remplir") + ".xlsx")


@bp.route("/lots", methods=["GET", "POST"])
@exiger("remplir", LOT)
def nouveau():
    catalogue, config = _outils()["catalogue"], _outils()["config"]
    erreurs, rapport, statut = [], None, 200
    if request.method == "POST":
        fichier = request.files.get("tableur")
        contenu = fichier.read() if fichier and fichier.filename else b""
        # none chosen: the document the workbook was made for, when it says
        gabarit_id = request.form.get("gabarit") or _du_tableur(contenu, fichier)
        valides, problemes = [], []
        if not contenu:
            erreurs, statut = ["choisissez le tableur rempli"], 400
        elif not gabarit_id:
            erreurs, statut = ["choisissez le document à générer"], 400
        else:
            try:
                gabarit = catalogue.gabarit(gabarit_id)
            except KeyError:
                abort(404)
            try:
                lecture = tableur.lire(contenu, fichier.filename, gabarit.formulaire)
                valides, problemes = tableur.valider_lignes(lecture, gabarit.formulaire)
            except tableur.TableurIllisible as exc:
                erreurs = [str(exc)]
            if problemes:
                # the copy with the faulty cells highlighted, to download, fix and import again
                rapport = garder_rapport(tableur.rapport_erreurs(
                    contenu, fichier.filename, problemes, lecture.feuille), fichier.filename)
                erreurs = [str(p) for p in problemes]
            if erreurs and not (problemes and request.form.get("ignorer_erreurs") and valides):
                statut = 400
            elif valides:
                # each row's stagiaire found in the roster with the rights of who launches it
                lot = lots.creer(stockage(), catalogue, gabarit.id, [v for _, v in valides],
                                 format_=request.form.get("format", "pdf"),
                                 impression=bool(request.form.get("impression")),
                                 base=_outils()["base"], auteur=g.compte,
                                 numeros=[n for n, _ in valides], ignorees=problemes)
                try:
                    travaux().lancer_nouveau(lot.id)
                except FileInjoignable as exc:
                    return render_template("erreur.html", titre="Lot non lancé",
                                           explication=phrase(exc), code=503), 503
                flash(f"Lot de {pluriel(lot.total, 'document', 'documents')} lancé"
                      + (f" ({lecture.feuille_lue})." if lecture.feuille else "."))
                return redirect(url_for("lots.suivi", lot_id=lot.id))
    return render_template("lots.html", gabarits=catalogue.courants(), erreurs=erreurs,
                           rapport=rapport, lots=lots.tous(stockage()),
                           retention=config.retention_lots_jours), statut


def _du_tableur(contenu: bytes, fichier) -> str:
    """The document a workbook of the service was made for ("" if it does not say)."""
    try:
        origine = tableur.origine(contenu, fichier.filename) if contenu else None
    except tableur.TableurIllisible:
        origine = None
    return origine.formulaire if origine else ""


@bp.get("/rapports/<jeton>.xlsx")
@exiger("lire", LOT)
def rapport(jeton: str):
    return envoyer_rapport(jeton)


def _lot(lot_id: str):
    try:
        return lots.charger(stockage(), lot_id)
    except lots.LotIntrouvable:
        abort(404)


@bp.get("/lots/<lot_id>")
@exiger("lire", LOT)
def suivi(lot_id: str):
    lot = _lot(lot_id)
    return render_template("lot.html", lot=lot, avancement=lots.avancement(stockage(), lot.id),
                           ignorees=lots.ignorees(stockage(), lot.id),
                           hors_dossier=lots.hors_dossier(stockage(), lot.id))


@bp.get("/lots/<lot_id>/etat.json")
@exiger("lire", LOT)
def etat(lot_id: str):
    lot = _lot(lot_id)
    avancement = lots.avancement(stockage(), lot.id)
    return jsonify({"faits": avancement.faits, "total": avancement.total,
                    "etat": avancement.etat, "restant_s": avancement.restant_s,
                    "texte": avancement.resume, "raison": avancement.raison or None,
                    "zip": url_for("lots.archive", lot_id=lot.id)
                    if avancement.etat == "termine" else None})


@bp.post("/lots/<lot_id>/annuler")
@exiger("supprimer", LOT)
def annuler(lot_id: str):
    lots.annuler(stockage(), _lot(lot_id).id)
    flash("Lot annulé ; les documents déjà faits restent dans son dossier.")
    return redirect(url_for("lots.suivi", lot_id=lot_id))


@bp.post("/lots/<lot_id>/reprendre")
@exiger("remplir", LOT)
def reprendre(lot_id: str):
    try:
        travaux().reprendre(_lot(lot_id).id)
    except (ValueError, FileInjoignable) as exc:
        flash(phrase(exc))
        return redirect(url_for("lots.suivi", lot_id=lot_id))
    flash("Lot repris : seuls les documents qui manquent sont faits.")
    return redirect(url_for("lots.suivi", lot_id=lot_id))


@bp.get("/lots/<lot_id>/archive.zip")
@exiger("lire", LOT)
def archive(lot_id: str):
    """The lot's ZIP, sent as it is read from the storage (never whole in memory)."""
    lot = _lot(lot_id)
    if lot.etat != "termine":
        abort(404)
    try:
        flux = stockage().flux(lots.cle_du_zip(lot))
    except Absent:
        abort(404)
    return send_file(flux, as_attachment=True, download_name=f"{lot.nom}.zip",
                     mimetype="application/zip")


@bp.get("/lots/<lot_id>/supprimer")
@exiger("supprimer", LOT)
def confirmer_suppression(lot_id: str):
    """Deleting a lot is asked twice, saying how many documents go with it."""
    lot = _lot(lot_id)
    faits = lots.avancement(stockage(), lot.id).faits
    return render_template("lot_supprimer.html", lot=lot, documents=faits)


@bp.post("/lots/<lot_id>/supprimer")
@exiger("supprimer", LOT)
def supprimer(lot_id: str):
    try:
        lots.supprimer(stockage(), _lot(lot_id).id, _outils()["base"])
    except ValueError as exc:
        flash(phrase(exc))
        return redirect(url_for("lots.suivi", lot_id=lot_id))
    flash("Lot supprimé, avec ses fichiers ; ses documents entrés dans les dossiers de tutorat y "
          "restent.")
    return redirect(url_for("lots.nouveau"))
