"""« Mes documents »: the first page after signing in, for every account.

What the account must fill, must sign, waits for from others, and what is done, about the
stagiaires it holds a position for (service/dossier/listes.py says which and in what state);
each line with the one action that moves it on, offered only when service/personnes/acces.py
allows it. The secretariat also sees the year's campaign in short, with a link to it.
"""

from __future__ import annotations

from flask import Blueprint, g, render_template

from service.dossier import etats, listes
from service.personnes.acces import EFFECTIFS

from .outils import actions_du_dossier, base, catalogue, connecte, peut, saisies

bp = Blueprint("dossier", __name__)


@bp.get("/")
@connecte
def mes_documents():
    mes = listes.mes_documents(base(), catalogue(), g.compte)
    toutes = saisies()
    gestion = peut("lire", EFFECTIFS)  # the secretariat, the administrateur
    campagne = listes.campagne(base(), catalogue(), limite=5) if gestion else None
    depots, nombre_depots = listes.depots_a_verifier(base(), catalogue()) if gestion else ([], 0)
    return render_template(
        "mes_documents.html", mes=mes, campagne=campagne, etats=etats.ETATS, depots=depots,
        nombre_depots=nombre_depots,
        actions=actions_du_dossier(toutes),
        sans_stagiaire=[s for s in toutes if not s.get("stagiaire_id")])
