"""The administrateur's pages: ``/admin`` (the list of them) and ``/admin/journal``.

The audit log (service/journal.py), newest first, 50 a page, filtered by who, stagiaire (a text
found in the entry's document or detail), document number, action and dates (JJ/MM/AAAA, Paris
time); its chain verified on the page; the filtered entries exported as .xlsx, formula-looking
cells neutralised (a detail is text anyone could have typed). The administrateur only
(``acces.ADMINISTRATION``: 404 for anyone else, the secretariat included), with a sign-in of
less than 15 minutes (``outils.exiger_connexion_recente``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass
from io import BytesIO

from flask import Blueprint, render_template, request, send_file
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import journal
from service.catalogue.contexte import FUSEAU, aujourdhui, date_fr
from service.catalogue.tableur import classeur_liste, neutraliser
from service.journal import Entree
from service.personnes.acces import ADMINISTRATION

from .outils import base, exiger, exiger_connexion_recente, noter

bp = Blueprint("admin", __name__)
PAR_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _jour(texte: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(texte.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def _utc(jour: dt.date) -> str:
    """Midnight of ``jour`` in Paris, as the log writes its moments (UTC ISO text: they sort)."""
    debut = dt.datetime.combine(jour, dt.time(), FUSEAU)
    return debut.astimezone(dt.UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Filtres:
    """What the page shows; an empty value filters nothing, a date that is none is ignored."""
    qui: str = ""
    stagiaire: str = ""
    document: str = ""
    quoi: str = ""
    du: str = ""
    au: str = ""

    @classmethod
    def depuis(cls, arguments) -> Filtres:
        valeurs = {cle: str(arguments.get(cle) or "").strip()[:120] for cle in cls.__annotations__}
        for cle in ("du", "au"):
            if valeurs[cle] and _jour(valeurs[cle]) is None:
                valeurs[cle] = ""
        return cls(**valeurs)

    @property
    def criteres(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v}

    def appliquer(self, requete):
        if self.qui:
            requete = requete.where(Entree.qui.contains(self.qui, autoescape=True))
        if self.stagiaire:
            requete = requete.where(Entree.document.contains(self.stagiaire, autoescape=True)
                                    | Entree.detail.contains(self.stagiaire, autoescape=True))
        if self.document:
            requete = requete.where(Entree.document.contains(self.document, autoescape=True))
        if self.quoi:
            requete = requete.where(Entree.quoi == self.quoi)
        if self.du:
            requete = requete.where(Entree.quand >= _utc(_jour(self.du)))
        if self.au:
            requete = requete.where(Entree.quand < _utc(_jour(self.au) + dt.timedelta(days=1)))
        return requete


@bp.get("/admin")
@exiger("lire", ADMINISTRATION)
@exiger_connexion_recente
def index():
    return render_template("admin.html")


@bp.get("/admin/journal")
@exiger("lire", ADMINISTRATION)
@exiger_connexion_recente
def journal_():
    filtres = Filtres.depuis(request.args)
    page = max(request.args.get("page", 1, type=int), 1)
    with Session(base()) as session:
        nombre = session.scalar(filtres.appliquer(select(func.count(Entree.id))))
        lignes = list(session.scalars(filtres.appliquer(select(Entree)).order_by(
            Entree.id.desc()).limit(PAR_PAGE).offset((page - 1) * PAR_PAGE)))
        actions = list(session.scalars(select(Entree.quoi).distinct().order_by(Entree.quoi)))
    dernier, rupture, raison = journal.etat_de_la_chaine(base())
    return render_template("admin_journal.html", filtres=filtres, lignes=lignes, nombre=nombre,
                           page=page, pages=max(math.ceil(nombre / PAR_PAGE), 1), actions=actions,
                           dernier=dernier, rupture=rupture, raison=raison, date_fr=date_fr)


@bp.get("/admin/journal/export.xlsx")
@exiger("lire", ADMINISTRATION)
@exiger_connexion_recente
def exporter():
    filtres = Filtres.depuis(request.args)
    with Session(base()) as session:
        lignes = list(session.scalars(filtres.appliquer(select(Entree)).order_by(Entree.id.desc())))
    classeur, feuille = classeur_liste("Journal", ["N°", "Quand (heure de Paris)", "Qui", "Action",
                                                   "Document", "Détail"])
    for e in lignes:
        feuille.append([e.id] + [neutraliser(v) for v in (date_fr(e.quand, heure=True), e.qui,
                                                           e.quoi, e.document, e.detail)])
    contenu = BytesIO()
    classeur.save(contenu)
    contenu.seek(0)
    noter("export", "", "journal d’audit (" + ", ".join(
        f"{k} = {v}" for k, v in filtres.criteres.items()) + ")")
    return send_file(contenu, as_attachment=True, mimetype=XLSX,
                     download_name=f"journal - {aujourdhui().isoformat()}.xlsx")
