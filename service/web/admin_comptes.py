"""The accounts (/admin/comptes, the administrateur's only), and choosing one's password
through a link sent by e-mail: to a new account, or asked from the sign-in page
(« Mot de passe oublié ? »).

A link is single use and valid 30 minutes (``comptes.LIEN_DUREE``); only its token's sha256 is
kept. Asking for one answers the same whether the address is known or not: the page must not
tell who has an account, nor take longer when it is: the account is looked up, the link made
and the e-mail sent after the answer, by a few threads of this process (``_ENVOIS``: one message,
nothing to follow or retry, so not the lots' queue; lost if the process stops in between, and
the person asks again). It is limited per client address and per address asked for
(``OUBLI_*``), whether an account has it or not.

« Supprimer » a disabled account is refused while a document kept names it
(service/dossier/suppression_compte.py). Every action goes to the audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from sqlalchemy.exc import IntegrityError
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from service import journal
from service.archive.courriel import CourrielImpossible
from service.catalogue.tableur import TableurIllisible, modele_import, rapport_erreurs
from service.dossier import reattribution, suppression_compte
from service.personnes import acces, comptes, import_comptes
from service.personnes.comptes import LONGUEUR_MINIMALE, ROLES

from .outils import (
    adresse,
    autoriser,
    base,
    bloc_du_client,
    catalogue,
    envoyer_rapport,
    exiger,
    exiger_connexion_recente,
    garder_rapport,
    limite_atteinte,
    messagerie,
    noter,
    pluriel,
)

bp = Blueprint("admin_comptes", __name__)
log = logging.getLogger(__name__)
OUBLI_FENETRE = dt.timedelta(minutes=30)
OUBLI_PAR_COURRIEL = 3  # links asked for one address in OUBLI_FENETRE
OUBLI_PAR_ADRESSE = 20  # requests from one client address (a school's network) in OUBLI_FENETRE
_ENVOIS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="mot-de-passe-oublie")
_ROLES = [SelectChoice(code, libelle) for code, libelle in ROLES.items()]


class NouveauCompte(FlaskForm):
    identifiant = StringField("Identifiant", validators=[
        DataRequired("Indiquez l’identifiant."), Length(max=120),
        # it appears in addresses (/admin/comptes/<identifiant>/role) and in the roster's columns
        Regexp(r"^[A-Za-z0-9._-]+$", message="Lettres sans accent, chiffres, point, tiret ou "
                                             "tiret bas seulement (exemple : c.martin).")],
        description="Lettres sans accent, chiffres, point, tiret ou tiret bas (exemple : c.martin).")
    nom = StringField("Nom et prénom", validators=[DataRequired("Indiquez le nom."),
                                                   Length(max=200)])
    role = SelectField("Rôle", choices=_ROLES)
    courriel = StringField("Adresse électronique", validators=[
        DataRequired("Indiquez l’adresse électronique : le lien pour choisir le mot de passe y est envoyé."),
        Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
               message="Adresse électronique invalide (exemple : prenom.nom@ac-exemple.fr).")],
        render_kw={"autocomplete": "off"})


class Role(FlaskForm):
    role = SelectField("Rôle", choices=_ROLES)


class Oubli(FlaskForm):
    courriel = StringField("Adresse électronique du compte",
                           validators=[DataRequired("Indiquez votre adresse électronique.")],
                           render_kw={"autocomplete": "email"})


class NouveauMotDePasse(FlaskForm):
    mot_de_passe = PasswordField("Nouveau mot de passe", validators=[
        DataRequired("Choisissez un mot de passe."),
        Length(min=LONGUEUR_MINIMALE,
               message=f"Le mot de passe doit compter au moins {LONGUEUR_MINIMALE} caractères.")],
        render_kw={"autocomplete": "new-password"})
    confirmation = PasswordField("Le même, une seconde fois", validators=[
        EqualTo("mot_de_passe", "Les deux mots de passe diffèrent.")],
        render_kw={"autocomplete": "new-password"})


def _message(qui: comptes.Compte, nouveau: bool, lien: str) -> tuple[str, str]:
    minutes = int(comptes.LIEN_DUREE.total_seconds() // 60)
    if nouveau:
        sujet = "Votre compte — choisir votre mot de passe"
        debut = f"Bonjour {qui.nom},\n\nUn compte a été créé pour vous (identifiant : {qui.identifiant})."
    else:
        sujet = "Mot de passe oublié — choisir un nouveau mot de passe"
        debut = (f"Bonjour {qui.nom},\n\nUn nouveau mot de passe a été demandé pour votre compte "
                 f"(identifiant : {qui.identifiant}). Si ce n’est pas vous, ignorez ce message.")
    corps = (f"{debut}\n\nChoisissez votre mot de passe ici (lien valable {minutes} minutes, "
             f"une seule fois) :\n{lien}\n")
    return sujet, corps


def _envoyer_lien(qui: comptes.Compte, nouveau: bool) -> bool:
    """Sends ``qui`` a link to choose a password; False when it could not be sent."""
    courrier = messagerie()
    if courrier is None or not qui.courriel:
        return False
    jeton = comptes.lien_mot_de_passe(base(), qui.id)
    try:
        courrier.envoyer([qui.courriel], *_message(qui, nouveau,
                                                   adresse("admin_comptes.choisir", jeton=jeton)))
    except CourrielImpossible:
        return False
    return True


def _oubli(moteur, courrier, courriel: str, prefixe: str) -> None:
    """After the answer (``_ENVOIS``): the link to the account with this address, if one has
    it; ``prefixe``: the link's address without its token."""
    try:
        qui = comptes.compte_par_courriel(moteur, courriel)
        if qui is None:
            return
        envoye = False
        if courrier is not None and qui.courriel:
            jeton = comptes.lien_mot_de_passe(moteur, qui.id)
            try:
                courrier.envoyer([qui.courriel], *_message(qui, False, prefixe + jeton))
                envoye = True
            except CourrielImpossible:
                log.exception("mot de passe oublié : courriel à %s", qui.identifiant)
        journal.noter(moteur, f"{qui.identifiant} ({qui.role})", "lien_mot_de_passe_demande",
                      qui.identifiant, "envoyé" if envoye else "non envoyé")
    except Exception:  # a thread: nobody else would see it
        log.exception("mot de passe oublié")


# --- the administrateur's page ------------------------------------------------------------

@bp.route("/admin/comptes", methods=["GET", "POST"])
@exiger("lire", acces.COMPTES)
@exiger_connexion_recente
def index():
    recherche = request.args.get("q", "").strip()
    formulaire = NouveauCompte()
    if request.method == "POST":
        autoriser("remplir", acces.COMPTES)
        if formulaire.validate_on_submit():
            identifiant = formulaire.identifiant.data.strip().lower()
            try:
                qui = comptes.creer_compte(base(), identifiant, formulaire.nom.data.strip(),
                                           formulaire.role.data, secrets.token_urlsafe(32),  # nobody's
                                           formulaire.courriel.data.strip())
            except IntegrityError:
                formulaire.identifiant.errors.append("Cet identifiant est déjà pris.")
            else:
                noter("compte_cree", identifiant, f"rôle {qui.role}")
                if _envoyer_lien(qui, nouveau=True):
                    flash(f"Compte « {identifiant} » créé : un lien pour choisir son mot de passe "
                          f"a été envoyé à {qui.courriel}.")
                else:
                    flash(f"Compte « {identifiant} » créé, mais le courriel n’a pas pu être envoyé : "
                          "utilisez « Mot de passe oublié ? » plus tard.")
                return redirect(url_for("admin_comptes.index"))
    return _page(formulaire, recherche), 200 if request.method == "GET" or \
        formulaire.errors == {} else 400


def _page(formulaire, recherche="", **import_):
    liste = comptes.chercher_comptes(base(), recherche)
    return render_template("admin_comptes.html", comptes=liste, recherche=recherche,
                           formulaire=formulaire, role=Role(), roles=ROLES,
                           longueur=LONGUEUR_MINIMALE, **import_)


@bp.post("/admin/comptes/importer")
@exiger("remplir", acces.COMPTES)
@exiger_connexion_recente
def importer():
    """Many accounts from a spreadsheet, all or nothing; each new account is sent its link."""
    fichier = request.files.get("tableur")
    if not fichier or not fichier.filename:
        return _page(NouveauCompte(formdata=None),
                     import_erreurs=["choisissez le tableur des comptes"]), 400
    contenu = fichier.read()
    try:
        crees, problemes, feuille = import_comptes.importer(base(), contenu, fichier.filename)
    except TableurIllisible as exc:
        crees, problemes, feuille = [], [exc], ""
    if problemes:
        rapport = None
        if not isinstance(problemes[0], TableurIllisible):
            rapport = garder_rapport(rapport_erreurs(contenu, fichier.filename, problemes,
                                                     import_comptes.DECLARATION.id),
                                     fichier.filename)
        return _page(NouveauCompte(formdata=None), import_erreurs=[str(p) for p in problemes],
                     import_rapport=rapport), 400
    sans_lien = []
    for qui in crees:
        noter("compte_cree", qui.identifiant, f"rôle {qui.role} (import)")
        if not _envoyer_lien(qui, nouveau=True):
            sans_lien.append(qui.identifiant)
    message = pluriel(len(crees), "compte créé", "comptes créés") + (f" ({feuille})" if feuille else "")
    message += (" ; chacun a reçu un lien pour choisir son mot de passe." if not sans_lien else
                " ; le courriel n’a pas pu être envoyé à : " + ", ".join(sans_lien)
                + " (utilisez « Mot de passe oublié ? » plus tard).")
    flash(message)
    return redirect(url_for("admin_comptes.index"))


@bp.get("/admin/comptes/rapports/<jeton>.xlsx")
@exiger("remplir", acces.COMPTES)
def rapport(jeton: str):
    return envoyer_rapport(jeton)


@bp.get("/admin/comptes/modele.xlsx")
@exiger("remplir", acces.COMPTES)
def modele():
    return send_file(BytesIO(modele_import(import_comptes.DECLARATION, par="compte")),
                     as_attachment=True, download_name="Comptes à créer.xlsx")


def _compte(identifiant: str) -> comptes.Compte:
    """The account to change; never one's own (an administrateur who disabled or demoted
    themselves would leave the service with no one to undo it)."""
    trouves = [c for c in comptes.chercher_comptes(base(), identifiant) if c.identifiant == identifiant]
    if not trouves:
        abort(404)
    if trouves[0].id == g.compte.id:
        abort(403)
    return trouves[0]


@bp.post("/admin/comptes/<identifiant>/role")
@exiger("remplir", acces.COMPTES)
@exiger_connexion_recente
def changer_role(identifiant):
    qui, formulaire = _compte(identifiant), Role()
    if not formulaire.validate_on_submit():
        abort(400)
    if qui.role != formulaire.role.data:
        comptes.changer_role(base(), identifiant, formulaire.role.data)
        noter("compte_role", identifiant, f"{qui.role} → {formulaire.role.data}")
        flash(f"« {identifiant} » a maintenant le rôle {ROLES[formulaire.role.data]}.")
    return redirect(url_for("admin_comptes.index"))


@bp.post("/admin/comptes/<identifiant>/desactiver")
@exiger("supprimer", acces.COMPTES)
@exiger_connexion_recente
def desactiver(identifiant):
    qui = _compte(identifiant)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if qui.actif:
        comptes.desactiver_compte(base(), identifiant)
        noter("compte_desactive", identifiant)
        message = f"Compte « {identifiant} » désactivé : ses sessions sont terminées."
        restes = reattribution.en_attente(base(), catalogue(), identifiant)
        if restes:
            lien = url_for("campagne.index", _anchor="desactives")
            nombre = pluriel(len(restes), "signature ou rédaction en attente",
                             "signatures ou rédactions en attente")
            message = escape(message) + Markup(
                f" Il laisse {escape(nombre)} : "
                f'<a href="{escape(lien)}">réattribuer depuis la campagne</a>.')
        flash(message)
    return redirect(url_for("admin_comptes.index"))


@bp.post("/admin/comptes/<identifiant>/supprimer")
@exiger("supprimer", acces.COMPTES)
@exiger_connexion_recente
def supprimer(identifiant):
    qui = _compte(identifiant)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if qui.actif:
        flash(f"Le compte « {identifiant} » est actif : désactivez-le d’abord.")
        return redirect(url_for("admin_comptes.index"))
    try:
        suppression_compte.supprimer(base(), catalogue(), identifiant,
                                     f"{g.compte.identifiant} ({g.compte.role})")
    except suppression_compte.SuppressionImpossible as exc:
        flash(f"Le compte « {identifiant} » n’est pas supprimé : {exc}.")
    else:
        flash(f"Compte « {identifiant} » supprimé ; le journal garde ses entrées.")
    return redirect(url_for("admin_comptes.index"))


# --- choosing one's password ----------------------------------------------------------------

@bp.route("/mot-de-passe/oublie", methods=["GET", "POST"])
def oubli():
    formulaire = Oubli()
    if formulaire.validate_on_submit():
        courriel = formulaire.courriel.data.strip().lower()
        # the address asked for is counted by its sha256: no one's address is kept this way
        cles = [f"oubli-adresse:{bloc_du_client()}",
                f"oubli-courriel:{hashlib.sha256(courriel.encode()).hexdigest()}"]
        atteinte = limite_atteinte(base(), ((cles[0], OUBLI_PAR_ADRESSE, "depuis votre réseau"),
                                            (cles[1], OUBLI_PAR_COURRIEL, "pour cette adresse")),
                                   OUBLI_FENETRE)
        if atteinte is not None:
            erreur = (f"Trop de demandes {atteinte[0]} : réessayez dans {atteinte[1]}. "
                      "Un lien déjà reçu reste valable 30 minutes.")
            return render_template("mot_de_passe_oublie.html", formulaire=formulaire,
                                   envoye=False, erreur=erreur), 429
        comptes.noter_echec(base(), cles, OUBLI_FENETRE)
        prefixe = adresse("admin_comptes.choisir", jeton="-")[:-1]
        _ENVOIS.submit(_oubli, base(), messagerie(), courriel, prefixe)
        # the same answer either way, at once: this page does not tell who has an account
        return render_template("mot_de_passe_oublie.html", formulaire=formulaire, envoye=True)
    return render_template("mot_de_passe_oublie.html", formulaire=formulaire, envoye=False)


@bp.route("/mot-de-passe/<jeton>", methods=["GET", "POST"])
def choisir(jeton):
    qui = comptes.compte_du_lien(base(), jeton)
    if qui is None:
        return render_template("mot_de_passe_choisir.html", valide=False, formulaire=None,
                               longueur=LONGUEUR_MINIMALE), 404
    formulaire = NouveauMotDePasse()
    if formulaire.validate_on_submit():
        if comptes.utiliser_lien(base(), jeton, formulaire.mot_de_passe.data) is None:
            abort(404)
        journal.noter(base(), f"{qui.identifiant} ({qui.role})", "mot_de_passe_choisi", qui.identifiant)
        flash("Mot de passe enregistré : connectez-vous.")
        return redirect(url_for("auth.connexion"))
    return render_template("mot_de_passe_choisir.html", valide=True, formulaire=formulaire, qui=qui,
                           longueur=LONGUEUR_MINIMALE), 400 if formulaire.errors else 200
