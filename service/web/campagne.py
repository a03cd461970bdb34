"""The secretariat's campaign: every dossier de tutorat of a year, what is late, and what to do.

``/campagne``: per année universitaire, how many documents of each gabarit are in each state;
the late documents (due date passed, not done) with whom each waits for, 50 a page, filtered
by gabarit, parcours and state, exported as .xlsx. « Relancer » sends the grouped reminders
(service/dossier/relances.py) to the people the list — or one row — waits for; « Renvoyer à
son auteur » (with the reason, e-mailed to the author) and « Retirer » ask for a confirmation
first. « Signatures en attente d’un compte désactivé » lists what a disabled account leaves
undone, and « Réattribuer » gives that poste of the stagiaire to another account
(service/dossier/reattribution.py). Everything is asked of service/personnes/acces.py
(``CAMPAGNE``): 404 for anyone else.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from io import BytesIO

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for

from service.catalogue.contexte import aujourdhui
from service.dossier import etats, listes, reattribution, relances, suivi
from service.dossier.export import exporter_xlsx
from service.dossier.modele import DocumentDuDossier
from service.personnes import effectifs
from service.personnes.acces import CAMPAGNE
from service.personnes.effectifs import PARCOURS

from .outils import adresse, base, catalogue, circuit, exiger, messagerie, noter

bp = Blueprint("campagne", __name__)
PAR_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Filtres:
    """What the page shows: a year, and optionally one gabarit, one parcours, one state. A value
    the lists do not hold is ignored (the whole list, not an error)."""
    annee: str
    gabarit: str = ""
    parcours: str = ""
    etat: str = ""

    @classmethod
    def depuis(cls, arguments) -> Filtres:
        def valeur(cle, permises):
            texte = str(arguments.get(cle) or "").strip()
            return texte if texte in permises else ""

        annees = listes.annees(base())
        annee = valeur("annee", annees) or suivi.annee_courante()
        return cls(annee, valeur("gabarit", {g_.id for g_ in catalogue().courants()}),
                   valeur("parcours", PARCOURS), valeur("etat", etats.ETATS))

    @property
    def criteres(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v}


def lien(action: str, doc: DocumentDuDossier) -> str:
    """The address a reminder or a notice gives: the slot to sign, else the form to fill
    (a document already made becomes its next version). Also used by the command line."""
    if action == relances.SIGNER and doc.numero:
        return adresse("documents.signer_document", numero=doc.numero)
    return adresse("documents.formulaire", id_=doc.gabarit_id, stagiaire=doc.stagiaire_id)


def _par() -> str:
    return f"{g.compte.identifiant} ({g.compte.role})"


def renvoyable(doc: DocumentDuDossier) -> bool:
    return doc.etat not in ("a_remplir", "retire", "renvoye")


@bp.context_processor
def outils_de_page():
    return {"ETATS": etats.ETATS, "PARCOURS": PARCOURS, "renvoyable": renvoyable}


@bp.get("/campagne")
@exiger("lire", CAMPAGNE)
def index():
    filtres = Filtres.depuis(request.args)
    page = max(request.args.get("page", 1, type=int), 1)
    if filtres.annee == suivi.annee_courante():  # this year's dossiers, even before anyone looked
        suivi.ouvrir(base(), catalogue(), effectifs.tous(base()), filtres.annee)
    vue = listes.campagne(base(), catalogue(), filtres.annee, gabarit_id=filtres.gabarit,
                          parcours=filtres.parcours, etat=filtres.etat, limite=PAR_PAGE,
                          decalage=(page - 1) * PAR_PAGE)
    attentes = reattribution.en_attente(base(), catalogue())
    candidats = {p: effectifs.candidats(base(), p) for p in {a.poste for a in attentes}}
    return render_template(
        "campagne.html", filtres=filtres, vue=vue, page=page, annees=listes.annees(base()),
        attentes=attentes, candidats=candidats,
        pages=max(math.ceil(vue.nombre_en_retard / PAR_PAGE), 1), courriel=messagerie() is not None,
        gabarits=[g_ for g_ in catalogue().courants() if etats.nomme_un_stagiaire(g_.formulaire)])


@bp.get("/campagne/export.xlsx")
@exiger("lire", CAMPAGNE)
def exporter():
    filtres = Filtres.depuis(request.args)
    contenu = exporter_xlsx(base(), catalogue(), filtres.annee, gabarit_id=filtres.gabarit,
                            parcours=filtres.parcours, etat=filtres.etat)
    noter("export", "", "documents en retard (" + ", ".join(
        f"{k} = {v}" for k, v in filtres.criteres.items()) + ")")
    return send_file(BytesIO(contenu), as_attachment=True, mimetype=XLSX,
                     download_name=f"en retard {filtres.annee} - {aujourdhui().isoformat()}.xlsx")


def _retour(filtres: Filtres):
    return redirect(url_for("campagne.index", **filtres.criteres))


def _dire(rapport: relances.Relances, un: str, plusieurs: str) -> None:
    """The outcome of a round of e-mails, as messages on the next page."""
    if rapport.envoyees:
        flash(f"{un if len(rapport.envoyees) == 1 else plusieurs} à "
              + ", ".join(rapport.envoyees) + ".")
    if rapport.deja:
        flash("Déjà relancé aujourd’hui (un courriel par jour au plus) : "
              + ", ".join(rapport.deja) + ".")
    if rapport.sans_adresse:
        flash("Sans adresse électronique, à prévenir autrement : "
              + ", ".join(rapport.sans_adresse) + ".")
    for echec in rapport.echecs:
        flash(f"Échec de l’envoi : {echec}.")


@bp.post("/campagne/relancer")
@exiger("remplir", CAMPAGNE)
def relancer():
    filtres = Filtres.depuis(request.form)
    if messagerie() is None:
        flash("L’envoi de courriels n’est pas configuré sur ce service (INSPE_SMTP) : "
              "personne n’a été relancé.")
        return _retour(filtres)
    un = request.form.get("document", type=int)
    if un is not None:
        documents = {un}
    else:
        vue = listes.campagne(base(), catalogue(), filtres.annee, gabarit_id=filtres.gabarit,
                              parcours=filtres.parcours, etat=filtres.etat, limite=10**6)
        documents = {ligne.doc.id for ligne in vue.en_retard}
    rapport = relances.relancer(base(), catalogue(), messagerie(), lien, filtres.annee, _par(),
                                documents=documents)
    _dire(rapport, "Relance envoyée", "Relances envoyées")
    if not (rapport.envoyees or rapport.deja or rapport.sans_adresse or rapport.echecs):
        flash("Personne à relancer : ces documents n’attendent l’action de personne dont le "
              "compte est connu (le secrétariat, ou une place vide dans la liste des stagiaires).")
    return _retour(filtres)


# --- sending a document back, withdrawing one: a confirmation page, then the step ----------

ACTIONS = {
    "renvoyer": {"titre": "Renvoyer à son auteur", "bouton": "Confirmer le renvoi",
                 "raison": "Raison du renvoi *",
                 "aide": "Elle est envoyée par courriel à l’auteur du document, avec un lien "
                         "pour le corriger."},
    "retirer": {"titre": "Retirer ce document du dossier", "bouton": "Confirmer le retrait",
                "raison": "Raison du retrait *",
                "aide": "Le document ne sera plus attendu ; ses fichiers et son historique "
                        "restent."},
}


def _ligne(doc_id: int) -> listes.Ligne:
    ligne = listes.une(base(), catalogue(), doc_id)
    if ligne is None:
        abort(404)
    return ligne


def _confirmation(action: str, ligne, filtres: Filtres, erreur: str = "", statut: int = 200,
                  motif: str = ""):
    destinataires = [c.nom for c in relances.destinataires_du_renvoi(base(), catalogue(), ligne.doc)
                     ] if action == "renvoyer" else []
    return render_template("campagne_action.html", action=action, textes=ACTIONS[action],
                           ligne=ligne, filtres=filtres, erreur=erreur, motif=motif,
                           destinataires=destinataires, courriel=messagerie() is not None), statut


@bp.route("/campagne/documents/<int:doc_id>/<any(renvoyer, retirer):action>",
          methods=["GET", "POST"])
@exiger("remplir", CAMPAGNE)
def agir(doc_id: int, action: str):
    ligne = _ligne(doc_id)
    filtres = Filtres.depuis(request.values)
    if request.method == "GET":
        return _confirmation(action, ligne, filtres)
    motif = (request.form.get("motif") or "").strip()
    if not motif:
        return _confirmation(action, ligne, filtres, "Indiquez la raison : elle est gardée avec "
                             "le document" + (" et envoyée à son auteur." if action == "renvoyer"
                                              else "."), 400)
    try:
        if action == "renvoyer":
            doc = suivi.renvoyer(base(), doc_id, motif, _par())
        else:
            doc = suivi.retirer(base(), doc_id, motif, _par())
    except suivi.EtapeImpossible as exc:
        return _confirmation(action, ligne, filtres, str(exc)[:1].upper() + str(exc)[1:] + ".",
                             409, motif)
    nom = f"« {ligne.titre} » de {ligne.stagiaire.nom} {ligne.stagiaire.prenom}"
    if action == "retirer":
        flash(f"{nom} : retiré du dossier.")
        return _retour(filtres)
    flash(f"{nom} : renvoyé à son auteur.")
    if messagerie() is None:
        flash("L’envoi de courriels n’est pas configuré (INSPE_SMTP) : prévenez l’auteur "
              "vous-même de la raison du renvoi.")
    else:
        _dire(relances.prevenir_renvoi(base(), catalogue(), messagerie(), doc, lien, _par()),
              "Courriel envoyé", "Courriels envoyés")
    return _retour(filtres)


# --- what a disabled account leaves undone ----------------------------------------------------

@bp.post("/campagne/reattribuer")
@exiger("remplir", CAMPAGNE)
def reattribuer():
    """Gives a stagiaire's poste, held by a disabled account, to another account."""
    filtres = Filtres.depuis(request.form)
    stagiaire_id = request.form.get("stagiaire", type=int)
    poste, compte = request.form.get("poste", ""), request.form.get("compte", "")
    stagiaire = effectifs.un(base(), stagiaire_id) if stagiaire_id is not None else None
    if stagiaire is None or poste not in effectifs.POSTES:
        abort(404)
    try:
        fait = reattribution.reattribuer(circuit(), stagiaire.id, poste, compte, _par())
    except ValueError as exc:
        flash(f"Rien n’a été changé : {exc}.")
        return redirect(url_for("campagne.index", **filtres.criteres, _anchor="desactives"))
    flash(f"{stagiaire.nom} {stagiaire.prenom} : {effectifs.POSTES[poste].dans_une_phrase}, "
          f"« {fait.ancien} » remplacé par « {fait.nouveau} ».")
    if fait.prevenus:
        flash("Courriel « document à signer » envoyé à : " + ", ".join(fait.prevenus) + ".")
    elif messagerie() is None:
        flash("L’envoi de courriels n’est pas configuré (INSPE_SMTP) : prévenez vous-même la "
              "personne de ce qu’elle doit signer.")
    return redirect(url_for("campagne.index", **filtres.criteres, _anchor="desactives"))
