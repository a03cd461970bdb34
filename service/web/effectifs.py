"""The roster on the web: the secretariat imports it; whoever holds a position for a stagiaire
(trio, inspecteur, chef d'établissement, responsable de parcours) sees them in "mes stagiaires",
with their dossier's documents and the forms they may write, opened or downloaded as .docx
pre-filled with what is known."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, g, render_template, request, send_file

from service.archive.depot import PREREMPLI
from service.catalogue.generation import rendre
from service.catalogue.tableur import TableurIllisible, modele_import, rapport_erreurs
from service.catalogue.validation import valider
from service.dossier import listes, suivi
from service.personnes import effectifs
from service.personnes.acces import EFFECTIFS, Formulaire

from .outils import (
    actions_du_dossier,
    autoriser,
    base,
    catalogue,
    connecte,
    envoyer_rapport,
    exiger,
    garder_rapport,
    noter,
    peut,
    pluriel,
    stagiaire_autorise,
)

bp = Blueprint("effectifs", __name__)


@bp.route("/effectifs", methods=["GET", "POST"])
@exiger("remplir", EFFECTIFS)
def importer():
    resultat, erreurs, rapport, statut = None, [], None, 200
    if request.method == "POST":
        fichier = request.files.get("tableur")
        if not fichier or not fichier.filename:
            erreurs, statut = ["choisissez le tableur de la liste des stagiaires"], 400
        else:
            contenu = fichier.read()
            try:
                nombre, problemes, feuille = effectifs.importer(base(), contenu, fichier.filename)
            except TableurIllisible as exc:
                nombre, problemes, feuille = 0, [exc], ""
            erreurs = [str(p) for p in problemes]
            if erreurs:
                statut = 400
                if not isinstance(problemes[0], TableurIllisible):
                    # as for a lot: the copy with the faulty cells highlighted, to fix and send again
                    rapport = garder_rapport(rapport_erreurs(
                        contenu, fichier.filename, problemes, effectifs.declaration().id),
                        fichier.filename)
            else:
                ouverts = suivi.ouvrir(base(), catalogue(), effectifs.tous(base()),
                                       suivi.annee_courante())
                noter("import des effectifs", "", f"{nombre} stagiaires, {ouverts} documents attendus")
                resultat = (pluriel(nombre, "stagiaire importé", "stagiaires importés")
                            + (f" ({feuille})" if feuille else "")
                            + " ; la liste précédente est remplacée (les dossiers des stagiaires "
                            "qui y restent sont gardés).")
    return render_template("effectifs.html", stagiaires=effectifs.tous(base()),
                           noms=effectifs.noms(base()), postes=effectifs.POSTES,
                           resultat=resultat, erreurs=erreurs, rapport=rapport), statut


@bp.get("/effectifs/rapports/<jeton>.xlsx")
@exiger("remplir", EFFECTIFS)
def rapport(jeton: str):
    return envoyer_rapport(jeton)


@bp.get("/effectifs/modele.xlsx")
@exiger("lire", EFFECTIFS)
def modele():
    return send_file(BytesIO(modele_import(effectifs.declaration(), par="stagiaire")), as_attachment=True,
                     download_name="liste des stagiaires - à remplir.xlsx")


@bp.get("/mes-stagiaires")
@connecte
def mes_stagiaires():
    """The stagiaires for whom the account holds any position, and which ones; for each, the
    documents of their dossier (only those of their parcours) with the actions the account may
    do, and the procedures it may start."""
    identifiant = g.compte.identifiant
    stagiaires = []
    for s in effectifs.de(base(), identifiant):
        postes = [effectifs.POSTES[p].dans_une_phrase for p in s.postes_de(identifiant)]
        lignes = listes.dossier(base(), catalogue(), s, lecteur=identifiant)
        procedures = [x for x in listes.a_commencer(base(), catalogue(), s)
                      if peut("remplir", Formulaire.de(x.formulaire, s))]
        stagiaires.append((s, postes, lignes, procedures))
    return render_template("mes_stagiaires.html", stagiaires=stagiaires,
                           actions=actions_du_dossier())


@bp.get("/stagiaires/<int:stagiaire_id>/<id_>.docx")
@connecte
def docx_prerempli(stagiaire_id: int, id_: str):
    """The .docx filled with what is known, to complete in Word (and upload back later)."""
    stagiaire = stagiaire_autorise(stagiaire_id)
    try:
        gabarit = catalogue().gabarit(id_)
    except KeyError:
        abort(404)
    autoriser("remplir", Formulaire.de(gabarit.formulaire, stagiaire))
    valeurs = valider(gabarit.formulaire,
                      effectifs.preremplissage(base(), stagiaire, gabarit.formulaire), partiel=True)
    document = rendre(catalogue(), gabarit, valeurs)
    noter(PREREMPLI, document.numero, f"{gabarit.id}, stagiaire {stagiaire.id}")  # read back by depot
    return send_file(BytesIO(document.docx), as_attachment=True, download_name=f"{document.nom}.docx",
                     mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
