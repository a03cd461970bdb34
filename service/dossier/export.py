"""The campaign's list of late documents as a spreadsheet, for the secretariat's own follow-up.

The same rows as the page (``listes.campagne``, its filters), every page of them. A cell that a
spreadsheet would run as a formula (a name typed « =… » in the roster) is written as text.
"""

from __future__ import annotations

from io import BytesIO

from service.catalogue.tableur import classeur_liste, neutraliser
from service.personnes.effectifs import libelle_parcours

from .listes import campagne

ENTETES = ["Stagiaire", "Parcours", "Document", "Échéance", "État", "En attente de",
           "Année universitaire"]
PAQUET = 500


def exporter_xlsx(base, catalogue, annee: str, *, gabarit_id: str = "", parcours: str = "",
                  etat: str = "") -> bytes:
    classeur, feuille = classeur_liste("En retard", ENTETES)
    decalage = 0
    while True:
        page = campagne(base, catalogue, annee, gabarit_id=gabarit_id, parcours=parcours,
                        etat=etat, limite=PAQUET, decalage=decalage)
        for ligne in page.en_retard:
            s = ligne.stagiaire
            feuille.append([neutraliser(x) for x in (
                f"{s.nom} {s.prenom}", libelle_parcours(s.parcours), ligne.titre, ligne.echeance,
                ligne.etat, ", ".join(ligne.bloque_par), annee)])
        if len(page.en_retard) < PAQUET:
            break
        decalage += PAQUET
    for colonne, largeur in zip("ABCDEFG", (26, 30, 48, 12, 14, 30, 12)):
        feuille.column_dimensions[colonne].width = largeur
    sortie = BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()
