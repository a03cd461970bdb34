"""The institution's settings (/admin/etablissement, the administrateur's only): each change
recorded as the next version (service/personnes/reglages.py), applied to the documents made
after it, never to those already made; the history of the versions; a test e-mail through the
configured SMTP server to the administrateur's own address.

The form is built from the current version (its signatories, contacts, parcours, the
catalogue's gabarits), one field a setting, named by the setting's path (« signataires.directeur
.nom » is ``signataires__directeur__nom``): the rules are the settings module's, and each of its
errors is shown beside the field it names.
"""

from __future__ import annotations

import copy

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_wtf import FlaskForm
from wtforms import FileField, HiddenField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from service.archive.courriel import CourrielImpossible
from service.personnes import acces, effectifs
from service.personnes.reglages import TEXTES, Erreur, ReglagesInvalides

from .outils import autoriser, base, catalogue, exiger, exiger_connexion_recente, messagerie, noter

bp = Blueprint("admin_etablissement", __name__)
LIGNES_EN_PLUS = 2  # empty rows offered to add a parcours, a recipient
AIDES = {
    "designation": "Dans les phrases des lettres de mission : « … entre l’INSPÉ de l’académie "
                   "de … et … ».",
    "academie_complement": "Après « de » : « l’académie de Clairval ».",
    "annee_universitaire": "AAAA-AAAA, par exemple 2026-2027.",
}
CONTACTS = {"direction_stagiaires": "Direction des stagiaires", "eafc": "EAFC",
            "gestionnaire_scolarite": "Gestionnaire de scolarité"}


def _nom(chemin: str) -> str:
    return chemin.replace(".", "__")


def _humain(cle: str) -> str:
    return cle.replace("_", " ").capitalize()


def _formulaire(parametres: dict, gabarits: list, numero: int, donnees=None) -> FlaskForm:
    """The form of the settings ``parametres`` (version ``numero``), built at request time."""
    champs: dict = {"depuis": HiddenField(default=str(numero)),
                    "logo": FileField("Nouveau logo")}
    for cle, libelle in TEXTES.items():
        champs[cle] = StringField(libelle, default=parametres.get(cle, ""), description=AIDES.get(cle))
    for cle, qui in (parametres.get("signataires") or {}).items():
        champs[_nom(f"signataires.{cle}.nom")] = StringField(
            f"{_humain(cle)} : nom", default=qui.get("nom", ""))
        champs[_nom(f"signataires.{cle}.titre")] = StringField(
            f"{_humain(cle)} : titre", default=qui.get("titre", ""))
    for cle, courriel in (parametres.get("contacts") or {}).items():
        champs[_nom(f"contacts.{cle}")] = StringField(CONTACTS.get(cle, _humain(cle)), default=courriel)
    liste = parametres.get("parcours") or []
    for i in range(1, len(liste) + LIGNES_EN_PLUS + 1):
        p = liste[i - 1] if i <= len(liste) else {}
        champs[f"parcours__{i}__id"] = StringField(f"Parcours {i} : identifiant", default=p.get("id", ""))
        champs[f"parcours__{i}__libelle"] = StringField(f"Parcours {i} : libellé",
                                                        default=p.get("libelle", ""))
    archives = parametres.get("archives") or {}
    conservation = archives.get("conservation_ans") or {}
    champs["archives__conservation_ans__defaut"] = StringField(
        "Par défaut (années)", default=str(conservation.get("defaut", "")))
    for gabarit in gabarits:
        champs[f"archives__conservation_ans__{gabarit.id}"] = StringField(
            f"{gabarit.titre} (années)", default=str(conservation.get(gabarit.id, "")),
            description="Vide : la durée par défaut.")
        lignes = (archives.get("diffusion") or {}).get(gabarit.id) or []
        for i in range(1, len(lignes) + LIGNES_EN_PLUS + 1):
            ligne = lignes[i - 1] if i <= len(lignes) else {}
            prefixe = f"archives__diffusion__{gabarit.id}__{i}"
            champs[f"{prefixe}__qui"] = StringField(f"Destinataire {i} : qui", default=ligne.get("qui", ""))
            champs[f"{prefixe}__courriel"] = StringField(f"Destinataire {i} : adresse électronique",
                                                         default=ligne.get("courriel", ""))
    champs["archives__attendus"] = SelectMultipleField(
        "Documents attendus de chaque stagiaire chaque année",
        choices=[SelectChoice(gabarit.id, gabarit.titre) for gabarit in gabarits],
        default=list(archives.get("attendus") or ()), widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description="« À remplir » dans son dossier dès l’import de la liste des stagiaires, "
                    "s’ils s’appliquent à son parcours.")
    classe = type("Etablissement", (FlaskForm,), champs)
    return classe(formdata=donnees) if donnees is not None else classe()


def _valeur(formulaire, nom: str) -> str:
    champ = formulaire._fields.get(nom)
    return (champ.data or "").strip() if champ is not None else ""


def _ans(texte: str):
    return int(texte) if texte.isdigit() else texte


def _parametres(formulaire, parametres: dict, gabarits: list) -> dict:
    """The settings the form proposes: the current ones, with what the page shows replaced."""
    nouveaux = copy.deepcopy(parametres)
    for cle in TEXTES:
        nouveaux[cle] = _valeur(formulaire, cle)
    for cle, qui in (nouveaux.get("signataires") or {}).items():
        for quoi in ("nom", "titre"):
            qui[quoi] = _valeur(formulaire, _nom(f"signataires.{cle}.{quoi}"))
    for cle in nouveaux.get("contacts") or {}:
        nouveaux["contacts"][cle] = _valeur(formulaire, _nom(f"contacts.{cle}"))
    parcours, i = [], 1
    while f"parcours__{i}__id" in formulaire._fields:
        id_ = _valeur(formulaire, f"parcours__{i}__id")
        libelle = _valeur(formulaire, f"parcours__{i}__libelle")
        if id_ or libelle:
            parcours.append({"id": id_, "libelle": libelle})
        i += 1
    nouveaux["parcours"] = parcours
    archives = nouveaux.setdefault("archives", {})
    conservation = {"defaut": _ans(_valeur(formulaire, "archives__conservation_ans__defaut"))}
    diffusion = {}
    for gabarit in gabarits:
        ans = _valeur(formulaire, f"archives__conservation_ans__{gabarit.id}")
        if ans:
            conservation[gabarit.id] = _ans(ans)
        lignes, i = [], 1
        while f"archives__diffusion__{gabarit.id}__{i}__qui" in formulaire._fields:
            prefixe = f"archives__diffusion__{gabarit.id}__{i}"
            qui = _valeur(formulaire, f"{prefixe}__qui")
            courriel = _valeur(formulaire, f"{prefixe}__courriel")
            if qui or courriel:
                lignes.append({"qui": qui, "courriel": courriel})
            i += 1
        if lignes:
            diffusion[gabarit.id] = lignes
    archives["conservation_ans"] = conservation
    archives["diffusion"] = diffusion
    archives["attendus"] = list(formulaire.archives__attendus.data or [])
    return nouveaux


def _placer(formulaire, erreurs: list[Erreur]) -> tuple[list[dict], dict[str, list[str]]]:
    """Each error beside its field (« parcours, n° 3 » beside that row's identifier) or, naming
    no field of the page (a parcours removed), at the top of its section; and the summary's
    lines, each a link to its field or section."""
    resume, sections = [], {}
    for erreur in erreurs:
        nom = _nom(erreur.champ)
        if erreur.champ == "parcours" and erreur.message.startswith("n° "):
            nom = f"parcours__{erreur.message[3:].split(' ', 1)[0]}__id"
        champ = formulaire._fields.get(nom)
        if champ is not None:
            champ.errors = [*champ.errors, erreur.message]
            resume.append({"texte": f"{champ.label.text} : {erreur.message}", "ancre": champ.id})
        else:
            section = erreur.champ.split(".")[0]
            sections.setdefault(section, []).append(erreur.message)
            resume.append({"texte": str(erreur), "ancre": f"section-{section}"})
    return resume, sections


def _page(formulaire, etablissement, erreurs=((), {}), statut=200):
    return render_template(
        "admin_etablissement.html", f=formulaire, etablissement_courant=etablissement,
        historique=catalogue().reglages.historique(), resume=list(erreurs[0]),
        erreurs_sections=erreurs[1],
        gabarits=catalogue().courants(), textes=list(TEXTES),
        signataires=list(etablissement.parametres.get("signataires") or {}),
        contacts=list(etablissement.parametres.get("contacts") or {})), statut


def _utilises(etablissement) -> dict[str, str]:
    """The current list's parcours that a declaration or a stagiaire of the roster uses."""
    utilises = effectifs.parcours_utilises(base()) | catalogue().parcours_utilises()
    return {id_: qui for id_, qui in utilises.items() if id_ in etablissement.parcours}


@bp.route("/admin/etablissement", methods=["GET", "POST"])
@exiger("lire", acces.ETABLISSEMENT)
@exiger_connexion_recente
def index():
    etablissement = catalogue().etablissement
    gabarits = catalogue().courants()
    if request.method == "GET":
        return _page(_formulaire(etablissement.parametres, gabarits, etablissement.numero),
                     etablissement)
    autoriser("remplir", acces.ETABLISSEMENT)
    formulaire = _formulaire(etablissement.parametres, gabarits, etablissement.numero,
                             request.form)
    if not formulaire.validate_on_submit():
        abort(400)
    fichier = request.files.get("logo")
    logo = fichier.read() if fichier and fichier.filename else None
    try:
        nouveau = catalogue().reglages.enregistrer(
            _parametres(formulaire, etablissement.parametres, gabarits),
            f"{g.compte.identifiant} ({g.compte.role})", logo=logo,
            depuis=int(formulaire.depuis.data or 0) or None, gabarits=catalogue().ids(),
            parcours_utilises=_utilises(etablissement))
    except ReglagesInvalides as exc:
        return _page(formulaire, etablissement, _placer(formulaire, exc.erreurs), 400)
    if nouveau.numero == etablissement.numero:
        flash("Rien n’a changé : aucune nouvelle version.")
    else:
        flash(f"Version {nouveau.numero} enregistrée : elle s’applique aux documents produits "
              "à partir de maintenant ; les documents déjà produits gardent la leur.")
    return redirect(url_for("admin_etablissement.index"))


@bp.get("/admin/etablissement/logo-<int:numero>.png")
@exiger("lire", acces.ETABLISSEMENT)
def logo(numero: int):
    from io import BytesIO

    try:
        png = catalogue().etablissement_version(numero).logo.png
    except KeyError:
        abort(404)
    return send_file(BytesIO(png), mimetype="image/png", max_age=3600)


@bp.post("/admin/etablissement/essai")
@exiger("remplir", acces.ETABLISSEMENT)
@exiger_connexion_recente
def essai():
    """A test message to the administrateur's own address, through the configured server."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    courrier, adresse = messagerie(), g.compte.courriel
    if courrier is None:
        flash("Aucun serveur de courriel n’est configuré : renseignez INSPE_SMTP (par exemple "
              "smtp+starttls://utilisateur:mot-de-passe@smtp.exemple.fr:587) et INSPE_COURRIEL "
              "(l’adresse d’expédition), puis redémarrez le service.")
    elif not adresse:
        flash("Votre compte n’a pas d’adresse électronique : ajoutez-en une pour recevoir le "
              "message d’essai.")
    else:
        nom = catalogue().etablissement.parametres.get("nom", "")
        try:
            courrier.envoyer([adresse], f"Message d’essai — {nom}",
                             f"Bonjour {g.compte.nom},\n\nCe message d’essai a été envoyé depuis "
                             "la page « Paramètres de l’établissement » : le serveur de courriel "
                             "configuré fonctionne.\n")
        except CourrielImpossible as exc:
            noter("courriel_essai", adresse, f"échec : {exc}"[:500])
            flash(f"Le message d’essai n’a pas pu partir : {exc}. Vérifiez INSPE_SMTP (hôte, port, "
                  "sécurité, identifiant et mot de passe) et INSPE_COURRIEL (l’adresse "
                  "d’expédition, acceptée par le serveur).")
        else:
            noter("courriel_essai", adresse, "envoyé")
            flash(f"Message d’essai envoyé à {adresse} : le serveur de courriel l’a accepté. "
                  "S’il n’arrive pas, regardez dans les indésirables.")
    return redirect(url_for("admin_etablissement.index") + "#essai")
