"""Filling a form, checking the finished PDF, then keeping and downloading the document.

1. ``/formulaires/<id>``: the form built from the declaration; on error every
   value stays as typed and each French message sits next to its field.
2. ``/brouillons/<jeton>``: the recap shows the finished PDF, to check and
   correct before anything is kept (documents have consequences for a career).
3. Once confirmed, the document and its PDF are kept with their later versions
   (service/archive/documents.py) and can be downloaded as .docx or PDF by whom
   service/personnes/acces.py allows (author, trio, secretariat); anyone else gets 404.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from io import BytesIO

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
from sqlalchemy.orm import Session

from service.archive import documents as dossiers
from service.catalogue import personnes
from service.catalogue.contexte import date_fr
from service.catalogue.difference import Report, reporter
from service.catalogue.generation import DocumentGenere
from service.catalogue.signature import TAILLE_MAX, SignatureRefusee, depuis_data_url
from service.catalogue.validation import DonneesInvalides, en_json, valider
from service.dossier import circuit as circuit_
from service.dossier import etats, redaction, suivi
from service.pdf import pdfium
from service.personnes import effectifs
from service.personnes.acces import HORS_SIGNATURE, Case, Formulaire
from service.stockage import Absent, Stockage

from . import Indisponible, PdfImpossible, atelier, ecriture, produire_pdf
from .formulaires import (
    classe_formulaire,
    donnees,
    poser_erreurs,
    pour_le_formulaire,
    resume_erreurs,
)
from .outils import (
    autoriser,
    base,
    catalogue,
    circuit,
    cle_saisie,
    connecte,
    document_acces,
    dossier_brouillons,
    fiche_autorisee,
    lire_json,
    noter,
    peut,
    saisies,
    stagiaire_autorise,
    stockage,
    telecharger_document,
)

bp = Blueprint("documents", __name__)
_JETON = re.compile(r"^[A-Za-z0-9_-]{20,60}$")


@bp.get("/formulaires")
@connecte
def formulaires():
    """The saved drafts, and the forms one may fill about nobody on the roster (a stagiaire's
    documents are filled from « Mes documents » and « Mes stagiaires »)."""
    gabarits = [x for x in catalogue().courants() if peut("remplir", Formulaire.de(x.formulaire))]
    return render_template("formulaires.html", gabarits=gabarits,
                           saisies=[_pour_la_liste(s) for s in saisies()])


def _pour_la_liste(saisie: dict) -> dict:
    """A saved draft as « Mes brouillons » says it: whom it is for (the roster's stagiaire, or
    the name typed in the form when it is about nobody on the roster) and when it was saved,
    in Paris time (a draft saved before kept it as « JJ/MM/AAAA HH:MM »: shown as it is)."""
    typee = ""
    if not saisie.get("stagiaire"):
        try:
            typee = _nom_saisi(catalogue().gabarit(saisie["gabarit_id"]).formulaire,
                               saisie.get("donnees") or {})
        except KeyError:  # a gabarit since removed from the catalogue
            typee = ""
    return dict(saisie, stagiaire_saisi=typee, enregistre_le=date_fr(saisie.get("enregistre_le"),
                                                                      heure=True))


def _nom_saisi(formulaire, donnees: dict) -> str:
    """The stagiaire's name typed in a draft, « Prénom NOM » as the roster's are said here."""
    champs = personnes.champs(formulaire)

    def premier(role: str) -> str:
        return next((str(donnees[n]).strip() for n in champs.get(role, ())
                     if isinstance(donnees.get(n), str) and donnees[n].strip()), "")

    return " ".join(x for x in (premier("prenom"), premier("nom").upper()) if x)


def _gabarit(id_: str):
    try:
        return catalogue().gabarit(id_)
    except KeyError:
        abort(404)


@bp.route("/formulaires/<id_>", methods=["GET", "POST"])
@connecte
def formulaire(id_: str):
    gabarit = _gabarit(id_)
    declaration = gabarit.formulaire
    groupes = [c.nom for c in declaration.champs if c.type == "groupe"]
    stagiaire_id = request.values.get("stagiaire", type=int)
    autoriser("remplir", Formulaire.de(gabarit.formulaire, _stagiaire(stagiaire_id)))
    if request.method == "POST":
        lignes = {g_: len({k.split("-")[1] for k in request.form if k.startswith(f"{g_}-")})
                  for g_ in groupes}
        action = request.form.get("action", "apercu")
        if action.startswith("ajouter:") and action[8:] in lignes:
            lignes[action[8:]] += 1
        web = classe_formulaire(declaration, lignes)()
        if not web.validate_on_submit():
            return _page_formulaire(gabarit, web,
                                    stagiaire=request.form.get("stagiaire", type=int)), 400
        if action == "enregistrer":  # a draft, kept as typed, to finish later
            stagiaire_id = request.form.get("stagiaire", type=int)
            _enregistrer_saisie(gabarit, donnees(web, declaration), request.form.get("saisie"),
                                stagiaire_id)
            if stagiaire_id:  # its line in « Mes documents » offers to resume it
                flash("Brouillon enregistré : « Reprendre le brouillon » sur la ligne du "
                      "document, ici ou dans « Formulaires ».")
                return redirect(url_for("dossier.mes_documents"))
            flash("Brouillon enregistré : vous le retrouverez dans « Formulaires ».")
            return redirect(url_for("documents.formulaires"))
        if action != "apercu":
            return _page_formulaire(gabarit, web,
                                    stagiaire=request.form.get("stagiaire", type=int))
        brut = donnees(web, declaration)
        try:
            valeurs = valider(declaration, brut)
        except DonneesInvalides as exc:
            generales = poser_erreurs(web, exc.erreurs)
            return _page_formulaire(gabarit, web, generales,
                                    stagiaire=request.form.get("stagiaire", type=int)), 400
        try:
            jeton = _creer_brouillon(gabarit, valeurs, request.form.get("stagiaire", type=int))
        except Indisponible as exc:  # what was typed stays on the page, with what went wrong
            return _page_formulaire(gabarit, web, panne=str(exc),
                                    stagiaire=request.form.get("stagiaire", type=int)), 503
        return redirect(url_for("documents.brouillon", jeton=jeton))
    jeton_saisie = request.args.get("saisie")
    valeurs = _valeurs_du_brouillon(request.args.get("brouillon"))
    report = None
    if jeton_saisie:
        report = _sur_la_version(gabarit, _saisie(jeton_saisie))
        donnees_web = report.donnees
    elif valeurs is not None:  # « Corriger » from the recap: what was typed, for the same stagiaire
        donnees_web = pour_le_formulaire(declaration, valeurs)
    elif stagiaire_id:
        connu = effectifs.preremplissage(base(), _stagiaire(stagiaire_id), declaration)
        donnees_web = pour_le_formulaire(declaration, valider(declaration, connu, partiel=True))
    else:
        donnees_web = None
    lignes = {g_: len((donnees_web or {}).get(g_) or []) or 1 for g_ in groupes}
    web = classe_formulaire(declaration, lignes)(data=donnees_web)
    return _page_formulaire(gabarit, web, saisie=jeton_saisie, stagiaire=stagiaire_id,
                            report=report if report is not None and not report.vide else None)


def _page_formulaire(gabarit, web, generales=(), **autres):
    """The form page, with its error summary (empty when nothing is wrong)."""
    return render_template("formulaire.html", gabarit=gabarit, web=web,
                           erreurs=resume_erreurs(web, generales), **autres)


# --- saved drafts: what was typed, kept as it is, to finish later ---------------------------

def _saisie(jeton: str) -> dict:
    if not _JETON.match(jeton or ""):
        abort(404)
    try:
        return lire_json(cle_saisie(jeton))
    except Absent:
        abort(404)


def _sur_la_version(gabarit, saisie: dict) -> Report:
    """A saved draft on the current version ``gabarit``: what was typed on an older one
    carried over, with what moved and what has no place any more (kept with the draft, shown
    each time it opens, until it is deleted: nothing is silently dropped)."""
    depuis = saisie.get("version")
    try:
        ancien = catalogue().gabarit(gabarit.id, depuis).formulaire if depuis else None
    except KeyError:
        ancien = None
    if depuis == gabarit.version:
        report = Report(saisie["donnees"], depuis, gabarit.version)
    else:
        report = reporter(gabarit.formulaire, saisie["donnees"], ancien, depuis)
    report.sans_place = [tuple(x) for x in saisie.get("sans_place") or ()] + report.sans_place
    return report


def _enregistrer_saisie(gabarit, saisie: dict, jeton: str | None,
                        stagiaire_id: int | None = None) -> str:
    stagiaire = _stagiaire(stagiaire_id)
    sans_place = []
    if jeton and _JETON.match(jeton) and stockage().existe(cle_saisie(jeton)):
        sans_place = _sur_la_version(gabarit, _saisie(jeton)).sans_place
    if not (jeton and _JETON.match(jeton)):
        jeton = secrets.token_urlsafe(24)
    contenu = {"gabarit_id": gabarit.id, "titre": gabarit.titre, "donnees": saisie,
               "version": gabarit.version, "sans_place": sans_place,
               "stagiaire_id": stagiaire.id if stagiaire else None,
               "stagiaire": f"{stagiaire.prenom} {stagiaire.nom}" if stagiaire else "",
               "enregistre_le": suivi.maintenant().isoformat(timespec="seconds")}
    with ecriture():  # a full disk is said as such
        stockage().ecrire(cle_saisie(jeton), json.dumps(contenu, ensure_ascii=False).encode("utf-8"))
    if stagiaire is not None:
        suivi.brouillon(base(), catalogue(), stagiaire, gabarit.id, g.compte.identifiant)
    return jeton


@bp.post("/saisies/<jeton>/supprimer")
@connecte
def supprimer_saisie(jeton: str):
    saisie = _saisie(jeton)
    stockage().supprimer(cle_saisie(jeton))
    if saisie.get("stagiaire_id"):
        suivi.brouillon_abandonne(base(), catalogue(), _stagiaire(saisie["stagiaire_id"]),
                                  saisie["gabarit_id"], g.compte.identifiant)
    flash("Brouillon supprimé.")
    return redirect(url_for("documents.formulaires"))


# --- drafts: the recap before anything is kept --------------------------------------------

def _brouillon(jeton: str) -> tuple[str, dict]:
    """The key of the signed-in account's recap ``jeton`` and its meta.json; 404 otherwise."""
    if not _JETON.match(jeton or ""):
        abort(404)
    dossier = f"{dossier_brouillons()}/{jeton}"
    try:
        return dossier, lire_json(f"{dossier}/meta.json")
    except Absent:
        abort(404)  # someone else's draft does not exist


def _supprimer_brouillon(dossier: str) -> None:
    """A recap's files, its meta.json first: no page finds it any more."""
    stockage().supprimer(f"{dossier}/meta.json")
    for entree in [*stockage().lister(dossier), *stockage().temporaires(dossier)]:
        stockage().supprimer(entree.cle)


def _creer_brouillon(gabarit, valeurs: dict, stagiaire_id: int | None = None) -> str:
    stagiaire = _stagiaire(stagiaire_id)  # refused (404) before anything is made or written
    # the dossier's document already made (sent back, corrected): its next version
    document = redaction.rendre_pour_le_dossier(base(), catalogue(), stockage(), gabarit,
                                                valeurs, stagiaire)
    pdf, images = produire_pdf(current_app, document, images=True)
    jeton = secrets.token_urlsafe(24)
    dossier = f"{dossier_brouillons()}/{jeton}"
    meta = {"gabarit_id": gabarit.id, "gabarit_version": gabarit.version,
            "document_id": document.document_id, "numero": document.numero, "nom": document.nom,
            "genere_le": document.genere_le.isoformat(), "empreinte": document.empreinte,
            "valeurs": en_json(valeurs), "version": document.version,
            "reglages": document.reglages, "stagiaire_id": stagiaire.id if stagiaire else None,
            "stagiaire": f"{stagiaire.prenom} {stagiaire.nom}" if stagiaire else ""}
    try:
        with ecriture():  # a full disk is said as such, and leaves no half-written draft
            stockage().ecrire(f"{dossier}/document.docx", document.docx)
            stockage().ecrire(f"{dossier}/document.pdf", pdf)
            _ecrire_pages(stockage(), images, dossier)
            # last: the draft exists once its meta.json does
            stockage().ecrire(f"{dossier}/meta.json",
                              json.dumps(meta, ensure_ascii=False).encode("utf-8"))
    except BaseException:
        _supprimer_brouillon(dossier)
        raise
    if stagiaire is not None:
        suivi.a_verifier(base(), catalogue(), stagiaire, gabarit.id, g.compte.identifiant)
    return jeton


def _stagiaire(stagiaire_id: int | None):
    """The roster stagiaire a form is about, if one may read their dossier (404 otherwise)."""
    if not stagiaire_id:
        return None
    return stagiaire_autorise(stagiaire_id)


def _valeurs_du_brouillon(jeton: str | None) -> dict | None:
    if not jeton:
        return None
    meta = _brouillon(jeton)[1]
    return valider(catalogue().gabarit(meta["gabarit_id"], meta["gabarit_version"]).formulaire,
                   meta["valeurs"])


def _ecrire_pages(stockage_: Stockage, images: list[bytes], dossier: str) -> None:
    """Page pictures under ``dossier``, the last one first: once ``page-1.jpg`` is there, every
    page is (a reader counting them never sees half of them)."""
    for n in range(len(images), 0, -1):
        stockage_.ecrire(f"{dossier}/page-{n}.jpg", images[n - 1])


def _pages(stockage_: Stockage, dossier: str) -> int:
    """How many page pictures are under ``dossier`` (0 until the first page is there)."""
    noms = {e.cle.rpartition("/")[2] for e in stockage_.lister(dossier)}
    if "page-1.jpg" not in noms:
        return 0
    return sum(1 for nom in noms if re.fullmatch(r"page-\d+\.jpg", nom))


def _image(cle: str):
    try:
        return send_file(BytesIO(stockage().lire(cle)), mimetype="image/jpeg")
    except Absent:
        abort(404)


@bp.get("/brouillons/<jeton>")
@connecte
def brouillon(jeton: str):
    dossier, meta = _brouillon(jeton)
    pages = [url_for("documents.page_du_brouillon", jeton=jeton, numero=n)
             for n in range(1, _pages(stockage(), dossier) + 1)]
    return render_template("recapitulatif.html", meta=meta, jeton=jeton, pages=pages,
                           gabarit=catalogue().gabarit(meta["gabarit_id"], meta["gabarit_version"]))


@bp.get("/brouillons/<jeton>/page-<int:numero>.jpg")
@connecte
def page_du_brouillon(jeton: str, numero: int):
    return _image(f"{_brouillon(jeton)[0]}/page-{numero}.jpg")


@bp.get("/brouillons/<jeton>/apercu.pdf")
@connecte
def apercu(jeton: str):
    try:
        pdf = stockage().lire(f"{_brouillon(jeton)[0]}/document.pdf")
    except Absent:
        abort(404)
    return send_file(BytesIO(pdf), mimetype="application/pdf")


@bp.post("/brouillons/<jeton>/valider")
@connecte
def valider_brouillon(jeton: str):
    dossier, meta = _brouillon(jeton)
    gabarit = catalogue().gabarit(meta["gabarit_id"], meta["gabarit_version"])
    document = DocumentGenere(
        gabarit=gabarit, document_id=meta["document_id"], numero=meta["numero"],
        genere_le=dt.datetime.fromisoformat(meta["genere_le"]),
        valeurs=valider(gabarit.formulaire, meta["valeurs"]), empreinte=meta["empreinte"],
        nom=meta["nom"], docx=stockage().lire(f"{dossier}/document.docx"),
        version=meta.get("version", 1), reglages=meta.get("reglages") or 1)
    stagiaire = _stagiaire(meta.get("stagiaire_id"))
    try:  # its place in the dossier first: refused if already complete
        redaction.garder(base(), catalogue(), stockage(), document,
                         stockage().lire(f"{dossier}/document.pdf"), g.compte, stagiaire)
    except suivi.EtapeImpossible as exc:
        flash(f"Document non enregistré : {exc}.")
        return redirect(url_for("documents.brouillon", jeton=jeton))
    noter("création" if document.version == 1 else "correction", document.numero,
          f"{gabarit.id} version {gabarit.version}, document v{document.version}")
    _supprimer_brouillon(dossier)
    _suite(document.numero)
    return redirect(url_for("documents.document", numero=document.numero))


def _suite(numero: str) -> None:
    """The dossier's circuit after a step: the complete document archived, the next signers
    told. A failure there loses nothing: the document is kept, « signé », and archived by
    ``fsck --reparer`` (service/cli/archive.py)."""
    try:
        circuit_.suite(circuit(), numero, g.compte.identifiant)
    except Exception:  # noqa: BLE001 — said to the person, kept in the log, retried by fsck
        current_app.logger.exception("circuit du document %s", numero)
        flash("Le document est enregistré ; son archivage n’a pas pu se faire tout de suite. "
              "Rien n’est perdu : il reste « signé », et sera archivé à la prochaine "
              "vérification de l’archive.")


# --- kept documents -------------------------------------------------------------------------

def _titre(fiche: dict) -> str:
    """What a person reads in a tab or a history: the form's title and the document's numéro,
    not its file name (which carries an ISO date)."""
    try:
        titre = catalogue().gabarit(fiche["gabarit_id"], fiche["gabarit_version"]).titre
    except KeyError:
        titre = fiche["nom"]
    return f"{titre} — n° {fiche['numero']}"


@bp.get("/documents/<numero>")
@connecte
def document(numero: str):
    fiche = fiche_autorisee(numero)
    noter("consultation", fiche["numero"])
    with Session(base()) as session:  # its place in the dossier: archived, under which numéro
        ligne = suivi.par_numero(session, fiche["numero"])
    acces_ = document_acces(fiche)
    ouvert = any(c not in acces_.signees for c in acces_.cases)  # nothing to sign once complete
    return render_template("document.html", fiche=fiche, ligne=ligne, titre=_titre(fiche),
                           versions=_etats_des_versions(fiche["versions"]),
                           peut_signer=ouvert and peut("signer", acces_))


def _etats_des_versions(versions: list[dict]) -> list[tuple[int, str]]:
    """Each kept version with what it holds: « non signée », or « signée par Hélène Garnier
    (tuteur ou tutrice de terrain) le 04/12/2026 à 14:21 » and whoever signed it before. A
    signature's time is that of the version it made (the first holding its picture), in
    Paris time."""
    faite_le: dict[tuple[str, str], str] = {}
    sortie = []
    for version in versions:
        signes = []
        for s in version["signataires"]:
            quand = faite_le.setdefault((s["champ"], s.get("image", "")), version["genere_le"])
            signes.append(f"{s['nom']} ({s['role']}) le {date_fr(quand, heure=True)}")
        sortie.append((version["version"], "signée par " + ", et par ".join(signes) if signes
                       else "non signée"))
    return sortie


@bp.get("/documents/<numero>/v<int:version>.<any(pdf, docx):extension>")
@connecte
def telecharger(numero: str, version: int, extension: str):
    return telecharger_document(numero, version, extension)


# --- signing: one signer at a time, each signature a new version ------------------------------

def _apercu_de_version(numero: str, version: int) -> str:
    """Where the pictures of a kept version's pages are, in the storage beside its PDF: made once
    (to see what one signs, on any device), by whichever web node is first asked, for all; a
    cache, removed with the document, made again from the PDF when missing."""
    dossier = dossiers.cle(numero, f"pages-v{version}")
    if not _pages(stockage(), dossier):
        pdf = dossiers.lire(stockage(), numero, f"v{version}.pdf")
        with ecriture():
            _ecrire_pages(stockage(), atelier(current_app).images(pdf), dossier)
    return dossier


def _nombre_de_pages(numero: str, version: int) -> int:
    """How many pages a kept version has, read by PDFium (under a millisecond): the page lists
    them at once, their pictures are drawn when the browser asks for the first one."""
    faites = _pages(stockage(), dossiers.cle(numero, f"pages-v{version}"))
    if faites:
        return faites
    with pdfium.ouvrir(dossiers.lire(stockage(), numero, f"v{version}.pdf")) as document:
        return len(document)


@bp.get("/documents/<numero>/v<int:version>/page-<int:page>.jpg")
@connecte
def page_de_version(numero: str, version: int, page: int):
    fiche = fiche_autorisee(numero)
    if version not in [v["version"] for v in fiche["versions"]]:
        abort(404)
    return _image(f"{_apercu_de_version(fiche['numero'], version)}/page-{page}.jpg")


def _page_signature(fiche: dict, erreur: str | None = None, statut: int = 200):
    gabarit = catalogue().gabarit(fiche["gabarit_id"], fiche["gabarit_version"])
    derniere = fiche["versions"][-1]
    signes = {s["champ"] for s in derniere["signataires"]}
    libres = [c for c in etats.cases(gabarit.formulaire, None) if c.champ not in signes]
    document = document_acces(fiche)
    cases = [c for c in libres if peut("signer", Case(document, c.champ))]
    # who signs what is left, and, in an ordered circuit, whose signature is awaited now
    reste, attendue = circuit_.reste_a_signer(base(), catalogue(), fiche)
    if attendue is not None and attendue.case.champ in {c.champ for c in cases}:
        attendue = None  # the reader's own turn
    pages = [url_for("documents.page_de_version", numero=fiche["numero"],
                     version=derniere["version"], page=n)
             for n in range(1, _nombre_de_pages(fiche["numero"], derniere["version"]) + 1)]
    return render_template("signer.html", fiche=fiche, version=derniere["version"], pages=pages,
                           titre=_titre(fiche),
                           cases=cases, libres=libres, erreur=erreur, reste=reste,
                           attendue=attendue,
                           hors_signature=document.etat in HORS_SIGNATURE,
                           formulaire=request.form), statut


@bp.get("/documents/<numero>/signer")
@connecte
def signer_document(numero: str):
    # a signer of one of its slots sees what is left to sign, and by whom, even before their turn
    return _page_signature(fiche_autorisee(numero, "signer"))


@bp.post("/documents/<numero>/signer")
@connecte
def apposer_signature(numero: str):
    fiche = fiche_autorisee(numero, "signer")
    champ = request.form.get("champ", "")
    if not peut("signer", Case(document_acces(fiche), champ)):  # a slot is signed by its own signer
        noter("accès refusé", fiche["numero"], f"signature {champ[:60]}")
        abort(404)
    try:
        fichier = request.files.get("image")
        if fichier and fichier.filename:
            image = fichier.read(TAILLE_MAX + 1)
        elif request.form.get("trace"):
            image = depuis_data_url(request.form["trace"])
        else:
            raise SignatureRefusee("tracez votre signature ou choisissez une image")
        # the name, the qualité and the date printed are the account's, its poste's for this
        # stagiaire and the server's: never typed ones
        signe = redaction.signer_case(base(), catalogue(), stockage(), fiche["numero"],
                                      champ, g.compte, image,
                                      lambda document: produire_pdf(current_app, document).pdf)
    except SignatureRefusee as exc:
        return _page_signature(fiche, str(exc), 400)
    except PdfImpossible as exc:
        return _page_signature(fiche, f"{exc} Votre signature n’a pas été apposée : "
                                      "réessayez dans un instant.", 503)
    flash(f"Signature apposée : {signe.signataires[-1].mention}.")
    _suite(fiche["numero"])
    return redirect(url_for("documents.document", numero=fiche["numero"]))

