"""What the blueprints share, so that no blueprint imports another (handlers/base.py in Redash).

The service's parts (config, database, catalogue, archive, e-mail), the audit log of the signed-in
account, the decorators that ask for an account or a right, and the lookups that answer 404 for
what the account may not see (a kept document, a stagiaire, an archive record, a pending upload).
Every right is asked of service/personnes/acces.py (``peut``, ``autoriser``, ``exiger``); nothing
here decides. The pages and the JSON API call these same functions.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import json
import math
import shutil
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from flask import abort, current_app, g, redirect, request, send_file, session, url_for

from service import creer_archives, creer_messagerie, creer_stockage, journal
from service.archive import documents as dossiers
from service.archive.depot import LIBRE, Archive, ArchiveIntrouvable
from service.catalogue import rapports
from service.catalogue.nommage import LONGUEUR_MAX, nom_sur
from service.catalogue.validation import DonneesInvalides, Erreur, valider
from service.dossier import depots, etats
from service.personnes import acces, comptes, effectifs
from service.personnes.acces import Formulaire
from service.stockage import Absent
from service.stockage.base import est_temporaire

from . import atelier, fabrication, moteur, service

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- the service's parts --------------------------------------------------------------------

def config():
    return service(current_app)["config"]


def base():
    return service(current_app)["base"]


def catalogue():
    return service(current_app)["catalogue"]


def stockage():
    """Where the files the service keeps are (service/stockage), opened once per application."""
    outils = service(current_app)
    if "stockage" not in outils:
        outils["stockage"] = creer_stockage(outils["config"])
    return outils["stockage"]


def outil_archives():
    """The archive (files and index), made once per application."""
    outils = service(current_app)
    if "archives" not in outils:
        outils["archives"] = creer_archives(outils["config"], outils["catalogue"], outils["base"],
                                            stockage())
    return outils["archives"]


def messagerie():
    """The SMTP client, or None when e-mail is not configured (INSPE_SMTP, INSPE_COURRIEL)."""
    outils = service(current_app)
    if "messagerie" not in outils:
        try:
            outils["messagerie"] = creer_messagerie(outils["config"], outils["catalogue"])
        except ValueError:
            outils["messagerie"] = None
    return outils["messagerie"]


# --- who is asking -------------------------------------------------------------------------

def _reseaux(proxys: tuple[str, ...]) -> list:
    return [ipaddress.ip_network(p, strict=False) for p in proxys]


def _de_confiance(adresse: str, reseaux: list) -> bool:
    try:
        ip = ipaddress.ip_address(adresse)
    except ValueError:
        return False
    return any(ip in reseau for reseau in reseaux)


def adresse_du_client() -> str:
    """The address signing in: the peer's, unless the peer is a configured proxy
    (``INSPE_PROXYS``); then the last address of X-Forwarded-For that no configured proxy
    added. Anyone else's X-Forwarded-For is ignored: it is written by the client."""
    adresse = request.remote_addr or "?"
    reseaux = _reseaux(config().proxys)
    if not reseaux or not _de_confiance(adresse, reseaux):
        return adresse
    chaine = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
    while chaine and _de_confiance(chaine[-1], reseaux):
        adresse = chaine.pop()
    return chaine[-1] if chaine else adresse


def _bloc(adresse: str) -> str:
    """What one client holds: its IPv4 address, or its IPv6 /64 (one home or school has a
    whole /64, and would otherwise get round the limit by changing address)."""
    try:
        ip = ipaddress.ip_address(adresse)
    except ValueError:
        return adresse
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)


def bloc_du_client() -> str:
    """What the request's client holds (``_bloc`` of ``adresse_du_client``): what a limit
    per address counts against."""
    return _bloc(adresse_du_client())


def limite_atteinte(base, limites, fenetre: dt.timedelta) -> tuple[str, str] | None:
    """The first of ``limites`` (key, limit, who) whose failures within ``fenetre`` make it wait
    (service/personnes/comptes.py ``attente``): its « who » and the wait, « 3 minutes »; None when
    each may be tried now."""
    for cle, limite, qui in limites:
        duree = comptes.attente(base, cle, limite, fenetre)
        if duree is not None:
            return qui, pluriel(max(1, math.ceil(duree.total_seconds() / 60)), "minute", "minutes")
    return None


def adresse(vue: str, **valeurs) -> str:
    """The full address of a page, for an e-mail: on the service's public address (INSPE_ADRESSE)
    when it is set, so that a forged Host header cannot send a link (and its token) elsewhere;
    else the request's own."""
    chemin = url_for(vue, **valeurs)
    publique = config().adresse.rstrip("/")
    return (publique or request.url_root.rstrip("/")) + chemin


def circuit():
    """What the dossier's circuit needs (service/dossier/circuit.py): archive, LibreOffice, seal,
    e-mail, and the address of a document's sign page for the e-mails it sends."""
    from service.dossier.circuit import Outils

    moteur_, sceau = moteur(current_app)
    return Outils(base(), catalogue(), stockage(), outil_archives(), moteur_, sceau,
                  messagerie(), lambda numero: adresse("documents.signer_document", numero=numero))


def noter(quoi: str, numero: str, detail: str = "") -> None:
    """An audit-log entry for the signed-in account."""
    journal.noter(service(current_app)["base"], f"{g.compte.identifiant} ({g.compte.role})",
                  quoi, numero, detail)


# --- who is signed in -----------------------------------------------------------------------

def _page_demandee() -> str:
    """Where to come back after signing in: a GET's path; a form posted is not replayed ("")."""
    return request.full_path.rstrip("?") if request.method == "GET" else ""


def connecte(vue):
    """The view needs a signed-in account; without one, the sign-in page, which comes back to
    the page asked for (``suivant``: a GET's path; a form posted signed out is not replayed)."""
    @functools.wraps(vue)
    def enveloppe(*args, **kwargs):
        if g.compte is None:
            cible = _page_demandee()
            return redirect(url_for("auth.connexion", suivant=cible if cible != "/" else None))
        return vue(*args, **kwargs)
    return enveloppe


def suivant_sur(suivant: str | None) -> str | None:
    """``suivant`` if it is a path of this site (« /documents/… »), None otherwise: no scheme
    or host (« https://ailleurs », « //ailleurs »), no backslash (« /\\ailleurs », which
    browsers read as « //ailleurs »), no control character."""
    if not suivant or not suivant.startswith("/") or suivant.startswith("//"):
        return None
    if "\\" in suivant or any(ord(c) < 32 or ord(c) == 127 for c in suivant):
        return None
    return suivant


def durees() -> comptes.Durees:
    """How long a web session lasts (INSPE_SESSION_INACTIVITE, INSPE_SESSION_MAX)."""
    return comptes.Durees(inactivite=dt.timedelta(minutes=config().session_inactivite_min),
                          maximum=dt.timedelta(minutes=config().session_max_min))


def ouvrir_la_session(compte_id: int, sso: bool = False,
                      authentifiee_le: dt.datetime | None = None) -> None:
    """Signs the browser in as this account (a password checked, or the identity provider's
    answer): the session it had ends, and the cookie gets a new id, so that a cookie known
    before is worth nothing."""
    if session.get("sid"):
        comptes.terminer_session(base(), session["sid"])
    session.clear()
    session["sid"] = comptes.ouvrir_session(base(), compte_id, durees(), adresse_du_client(),
                                            sso=sso, authentifiee_le=authentifiee_le)


def peut(action: str, objet) -> bool:
    """May the signed-in account do ``action`` on ``objet``? (service/personnes/acces.py)"""
    return acces.peut(g.compte, action, objet, base())


def autoriser(action: str, objet) -> None:
    """404 unless the signed-in account may do ``action`` on ``objet``: what one may not
    see does not exist."""
    if not peut(action, objet):
        abort(404)


def exiger(action: str, objet):
    """The view needs the right to do ``action`` on ``objet`` (a kind: acces.LOT, EFFECTIFS…)."""
    def decorateur(vue):
        @functools.wraps(vue)
        def enveloppe(*args, **kwargs):
            autoriser(action, objet)
            return vue(*args, **kwargs)
        return connecte(enveloppe)
    return decorateur


RECENTE = dt.timedelta(minutes=15)  # an administration page needs a sign-in this recent


def exiger_connexion_recente(vue):
    """The view (an administration page) needs the password typed within ``RECENTE``: at
    sign-in or at /admin/confirmer, which comes back here (``suivant``); signed in through the
    identity provider, an authentication there within ``RECENTE`` (web/sso.py). A cookie left on an
    unattended computer opens no administration page. Put it below ``exiger``: the rights
    first, so that a page one may not see stays a 404."""
    @functools.wraps(vue)
    def enveloppe(*args, **kwargs):
        quand = comptes.authentifiee_le(base(), session.get("sid", ""))
        if quand is None or comptes.maintenant() - quand > RECENTE:
            cible = _page_demandee()
            return redirect(url_for("auth.confirmer", suivant=cible or None))
        return vue(*args, **kwargs)
    return enveloppe


# --- kept documents -------------------------------------------------------------------------

def document_acces(fiche: dict) -> acces.Document:
    """The document as the access rules see it: its record, its gabarit's signature slots and
    who signs each (its declaration's ``signe_par``, v2 on), its dossier's state."""
    from service.dossier.redaction import etat

    gabarit = catalogue().gabarit(fiche["gabarit_id"], fiche["gabarit_version"])
    return acces.Document.de(fiche, gabarit.formulaire, etat(base(), fiche["numero"]))


def fiche_autorisee(numero: str, action: str = "lire") -> dict:
    """The kept document's record, if the signed-in account may do ``action`` on it
    (service/personnes/acces.py); 404 otherwise."""
    try:
        fiche = dossiers.fiche(stockage(), numero)
    except dossiers.DossierIntrouvable:
        abort(404)
    if not peut(action, document_acces(fiche)):
        noter("accès refusé", fiche["numero"])
        abort(404)  # URL guessing of another person's document answers "not found"
    return fiche


def telecharger_document(numero: str, version: int, extension: str):
    """A version of a kept document, as .pdf or .docx, for whoever may see it."""
    fiche = fiche_autorisee(numero)
    try:
        contenu = dossiers.lire(stockage(), fiche["numero"], f"v{version}.{extension}")
    except Absent:
        abort(404)
    noter("téléchargement", fiche["numero"], f"v{version}.{extension}")
    return send_file(BytesIO(contenu), as_attachment=True,
                     download_name=f"{fiche['nom']} - v{version}.{extension}")


# --- a spreadsheet's highlighted copy (lots, roster): service/catalogue/rapports.py ---------

def garder_rapport(rapport: bytes, nom: str) -> str:
    """Keeps a spreadsheet's highlighted copy to download, with the name of the file sent;
    returns its token (``envoyer_rapport``)."""
    return rapports.garder(stockage(), rapport, nom)


def envoyer_rapport(jeton: str):
    """The highlighted copy of token ``jeton``, named after the file sent; 404 otherwise (never
    kept, or kept more than a day)."""
    try:
        contenu, nom = rapports.lire(stockage(), jeton)
    except rapports.RapportIntrouvable:
        abort(404)
    return send_file(BytesIO(contenu), as_attachment=True, download_name=nom)


# --- saved drafts: what was typed, kept as it is, to finish later ---------------------------
# In the storage, so that any web node opens them: ``saisies/<compte>/<jeton>.json`` (a saved
# draft), ``brouillons/<compte>/<jeton>/`` (a finished draft's recap: meta.json, written last,
# its .docx, its PDF and its page pictures).

def cle_saisie(jeton: str) -> str:
    """The key of the signed-in account's saved draft ``jeton``."""
    return f"saisies/{g.compte.id}/{jeton}.json"


def dossier_brouillons() -> str:
    """The key under which the signed-in account's recaps are (one folder each)."""
    return f"brouillons/{g.compte.id}"


def lire_json(cle: str) -> dict:
    """The JSON kept under ``cle`` in the storage; Absent when there is none."""
    return json.loads(stockage().lire(cle).decode("utf-8"))


def saisies() -> list[dict]:
    """The signed-in account's saved drafts, newest first; each says which stagiaire it is for
    (``stagiaire``, ``stagiaire_id``: empty for a form about nobody on the roster)."""
    entrees = sorted((e for e in stockage().lister(f"saisies/{g.compte.id}")
                      if e.cle.endswith(".json")), key=lambda e: e.modifie_le, reverse=True)
    sortie = []
    for entree in entrees:
        try:
            sortie.append(dict(lire_json(entree.cle),
                               jeton=entree.cle.rpartition("/")[2].removesuffix(".json")))
        except Absent:  # deleted meanwhile
            continue
    return sortie


def recapitulatifs() -> list[dict]:
    """The signed-in account's finished drafts waiting for its check (« à vérifier »): each
    one's ``meta.json``, with its ``jeton`` (the recap's address)."""
    sortie = []
    for entree in list(stockage().lister(dossier_brouillons())):
        jeton, _, nom = entree.cle.removeprefix(dossier_brouillons() + "/").partition("/")
        if nom != "meta.json":
            continue
        try:
            sortie.append(dict(lire_json(entree.cle), jeton=jeton))
        except Absent:  # kept meanwhile
            continue
    return sortie


# what an older version kept in the instance's folder, and where it is now in the storage
ANCIENS = {"saisies": "saisies", "brouillons": "brouillons", "rapports": "rapports",
            "catalogue/travaux": "travaux"}


def reprendre_les_fichiers_locaux(donnees: Path, stockage_) -> int:
    """The saved drafts, recaps, spreadsheets' highlighted copies and gabarit work an older
    version kept in the instance's folder ``donnees``, moved into the storage (where any web node
    finds them), each folder's meta.json last; once, at start. Returns how many files moved."""
    deplaces = 0
    for ancien, racine in ANCIENS.items():
        dossier = Path(donnees) / ancien
        if not dossier.is_dir():
            continue
        fichiers = [f for f in dossier.rglob("*") if f.is_file() and not est_temporaire(f.name)
                    and "verification" not in f.relative_to(dossier).parts[1:2]]
        for fichier in sorted(fichiers, key=lambda f: (f.parent, f.name == "meta.json", f.name)):
            stockage_.ecrire(f"{racine}/{fichier.relative_to(dossier).as_posix()}",
                             fichier.read_bytes())
            deplaces += 1
        shutil.rmtree(dossier)
    return deplaces


# --- a dossier's line: what the signed-in account may do with it ---------------------------

@dataclass
class Action:
    texte: str
    url: str
    principale: bool = False


def _actions(ligne, brouillons: dict, recaps: dict) -> list[Action]:
    """What the signed-in account may do with a line of its dossiers, the main action first."""
    doc, stagiaire = ligne.doc, ligne.stagiaire
    sortie: list[Action] = []
    if ligne.a_signer:
        sortie.append(Action("Signer", url_for("documents.signer_document", numero=doc.numero),
                             True))
    formulaire = catalogue().gabarit(doc.gabarit_id, doc.gabarit_version).formulaire
    ecrit = doc.etat in ("a_remplir", "brouillon", "renvoye", "a_verifier") and peut(
        "remplir", Formulaire.de(formulaire, stagiaire))
    if ecrit and (doc.gabarit_id, stagiaire.id) in recaps:
        sortie.append(Action("Vérifier et valider", url_for(
            "documents.brouillon", jeton=recaps[doc.gabarit_id, stagiaire.id]), True))
    elif ecrit and (doc.gabarit_id, stagiaire.id) in brouillons:
        sortie.append(Action("Reprendre le brouillon", url_for(
            "documents.formulaire", id_=doc.gabarit_id, stagiaire=stagiaire.id,
            saisie=brouillons[doc.gabarit_id, stagiaire.id]), True))
    elif ecrit and not (doc.etat == "a_verifier" and doc.archive_numero):
        sortie.append(Action("Corriger en ligne" if doc.etat == "renvoye" else "Remplir en ligne",
                             url_for("documents.formulaire", id_=doc.gabarit_id,
                                     stagiaire=stagiaire.id), True))
    if ecrit and doc.etat in ("a_remplir", "brouillon"):
        sortie.append(Action("Télécharger pré-rempli (.docx)", url_for(
            "effectifs.docx_prerempli", stagiaire_id=stagiaire.id, id_=doc.gabarit_id)))
    # the document and its archived record: for those who read it (a dossier's reader beyond
    # the postes its declaration names sees its line, not its content)
    lit = g.compte.role in acces.GESTION or doc.auteur == g.compte.id or \
        g.compte.identifiant in etats.lecteurs(formulaire, stagiaire)
    if doc.numero and not ligne.a_signer and lit:
        sortie.append(Action("Voir le document", url_for("documents.document", numero=doc.numero)))
    if doc.archive_numero and lit:
        sortie.append(Action("Voir le dépôt" if doc.etat == "a_verifier" else "Fiche d’archive",
                             url_for("archives.fiche", numero=doc.archive_numero)))
    return sortie


def actions_du_dossier(toutes: list[dict] | None = None):
    """``actions(ligne)``: the links of a dossier's line for the signed-in account, its saved
    drafts and recaps read once (``toutes``: its saved drafts, when already read)."""
    brouillons = {(s["gabarit_id"], s.get("stagiaire_id")): s["jeton"]
                  for s in (saisies() if toutes is None else toutes)}
    recaps = {(r["gabarit_id"], r.get("stagiaire_id")): r["jeton"] for r in recapitulatifs()}
    return lambda ligne: _actions(ligne, brouillons, recaps)


# --- the roster -----------------------------------------------------------------------------

def stagiaire_autorise(stagiaire_id: int, action: str = "lire") -> effectifs.Stagiaire:
    """The roster stagiaire, if the signed-in account may do ``action`` on their dossier
    (service/personnes/acces.py); 404 otherwise."""
    stagiaire = effectifs.un(base(), stagiaire_id)
    if stagiaire is None:
        abort(404)
    autoriser(action, stagiaire)
    return stagiaire


# --- the archive ----------------------------------------------------------------------------

def archive_autorisee(numero: str) -> Archive:
    """The record, if the signed-in account may read it; 404 otherwise (as if it did not exist)."""
    try:
        archive = outil_archives().une(numero)
    except ArchiveIntrouvable:
        abort(404)
    if not peut("lire", archive):
        noter("accès refusé", archive.numero)
        abort(404)
    return archive


def depot_autorise(numero: str, numero_version: int, action: str = "archiver"):
    """A pending upload, for who may ``action`` (archive or abandon) it; 404 otherwise."""
    archive = archive_autorisee(numero)
    cible = version_de(archive, numero_version)
    if not peut(action, acces.Depot(archive, cible)):
        noter("accès refusé", archive.numero, f"dépôt de la version {numero_version}")
        abort(404)
    return archive, cible


def version_de(archive: Archive, numero_version: int):
    trouvee = next((v for v in archive.versions if v.version == numero_version), None)
    if trouvee is None:
        abort(404)
    return trouvee


def gabarit_de(archive: Archive, version):
    """The gabarit a version was read with; None for a free document."""
    if archive.gabarit_id == LIBRE:
        return None
    return catalogue().gabarit(archive.gabarit_id, version.gabarit_version)


def lecture(archive: Archive, version) -> tuple[dict, list[Erreur]]:
    """The values read from an upload, and what the declaration finds wrong in them."""
    lues = json.loads(version.valeurs_lues)
    gabarit = gabarit_de(archive, version)
    if gabarit is None:
        return lues, []
    try:
        valider(gabarit.formulaire, lues)
    except DonneesInvalides as exc:
        return lues, exc.erreurs
    return lues, []


def archiver(numero: str, version: int, **valeurs) -> Archive:
    """Archives the version for the signed-in account (its PDF made by LibreOffice, sealed by
    the workshop), then its dossier's row « archivé »; PdfImpossible, in French, when the PDF
    cannot be made."""
    with fabrication():
        archive = outil_archives().archiver(numero, version, g.compte.identifiant,
                                            moteur(current_app)[0], atelier(current_app), **valeurs)
    depots.archivee(base(), catalogue(), outil_archives(), numero, version, g.compte)
    return archive


def au_dossier(depot) -> None:
    """A new upload joins its stagiaire's dossier (« à vérifier ») when the signed-in account
    writes that document for them (service/dossier/depots.py); a file sent again, nothing."""
    if not depot.deja_archive:
        depots.rattacher(base(), catalogue(), outil_archives(), depot.numero, depot.version,
                         g.compte)


def nom_telechargement(archive: Archive, numero_version: int, extension: str) -> str:
    """« NOM Prénom - Titre - A-2026-000001 v1.pdf »: the number is never cut off."""
    fin = f" - {archive.numero} v{numero_version}"
    debut = nom_sur(" - ".join(x for x in (archive.stagiaire, archive.titre) if x))
    return nom_sur(debut[:LONGUEUR_MAX - len(fin)].rstrip(" .-") + fin) + f".{extension}"


def telecharger_archive(numero: str, version: int, extension: str):
    """An archived version, as .pdf or .docx, for whoever may read the record."""
    archive = archive_autorisee(numero)
    cible = version_de(archive, version)
    empreinte = cible.docx_sha256 if extension == "docx" else cible.pdf_sha256
    if not empreinte:
        abort(404)  # not archived yet: no PDF
    nom = nom_telechargement(archive, version, extension)
    noter("téléchargement", archive.numero, nom)
    return send_file(BytesIO(outil_archives().coffre.lire(empreinte)), as_attachment=True,
                     download_name=nom, mimetype=DOCX if extension == "docx" else "application/pdf")


def pluriel(nombre: int, singulier: str, pluriel_: str) -> str:
    """« 1 stagiaire », « 12 stagiaires »: the word agreed with a known number, never « (s) »
    (French takes the singular for 0 and 1)."""
    return f"{nombre} {singulier if abs(nombre) < 2 else pluriel_}"
