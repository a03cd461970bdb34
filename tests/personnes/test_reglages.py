"""The settings' versions in the database, on SQLite and PostgreSQL: the YAML file as version 1,
a change as version 2 with its audit entry, another process seeing it without a restart, a
change started from an older version refused, the errors naming their field."""

from __future__ import annotations

import copy

import pytest

from service import journal
from service.catalogue.etablissement import charger_etablissement
from service.personnes import reglages
from service.personnes.reglages import Reglages, ReglagesInvalides, valider
from tests.outils import IDS


def test_une_version_est_gardee_et_vue_des_autres_processus(base_de_donnees, monkeypatch):
    monkeypatch.setattr(reglages, "FRAICHEUR", 0)
    monkeypatch.setattr(reglages, "_EN_VIGUEUR", reglages._EN_VIGUEUR)  # this process's, after
    fichier = charger_etablissement()
    web, worker = Reglages(base_de_donnees, fichier), Reglages(base_de_donnees, fichier)
    assert worker.courant().numero == 1 and worker.courant() is fichier
    assert [v.auteur for v in web.historique()] == [reglages.AUTEUR_YAML]
    proposes = copy.deepcopy(fichier.parametres)
    proposes["signataires"]["directeur"]["nom"] = "Anne Martin"
    deux = web.enregistrer(proposes, "admin (administrateur)", depuis=1)
    assert deux.numero == 2 and deux.parametres["signataires"]["directeur"]["nom"] == "Anne Martin"
    # another process (a lot's worker) sees it, and still finds version 1 for older documents
    assert worker.courant().numero == 2
    assert worker.version(1).parametres["signataires"]["directeur"]["nom"] == "Bruno Vasseur"
    assert worker.version(2).logo.png == fichier.logo.png
    historique = worker.historique()
    assert [(v.numero, v.auteur) for v in historique] == [
        (2, "admin (administrateur)"), (1, reglages.AUTEUR_YAML)]
    assert historique[0].resume == "signataires.directeur.nom : Bruno Vasseur → Anne Martin"
    entree = journal.entrees(base_de_donnees)[-1]
    assert (entree.qui, entree.quoi, entree.document) == (
        "admin (administrateur)", "parametres_etablissement", "version 2")
    assert journal.verifier_journal(base_de_donnees) == []
    # nothing changed: no new version; a change made from version 1 when 2 exists: refused
    assert web.enregistrer(proposes, "admin (administrateur)").numero == 2
    proposes["sigle"] = "INSPÉ-C"
    with pytest.raises(ReglagesInvalides, match="la version 2 a été enregistrée entre-temps"):
        worker.enregistrer(proposes, "admin (administrateur)", depuis=1)


def test_les_erreurs_nomment_le_champ():
    parametres = copy.deepcopy(charger_etablissement().parametres)
    parametres["signataires"]["directeur"]["nom"] = " "
    parametres["parcours"] = [p for p in parametres["parcours"] if p["id"] != "du"]
    parametres["parcours"].append({"id": "Licence", "libelle": "Licence"})
    parametres["archives"]["diffusion"]["inconnu"] = []
    parametres["archives"]["conservation_ans"]["lettre_mission_sopa"] = 0
    erreurs = [str(e) for e in valider(parametres, gabarits=IDS,
                                       parcours_utilises={"du": "la liste des stagiaires (X Y)"})]
    assert erreurs == [
        "« signataires.directeur.nom » : à renseigner",
        "« parcours » : n° 6 : identifiant « Licence » invalide (minuscules, chiffres et _)",
        "« parcours » : « du » ne peut pas être retiré : la liste des stagiaires (X Y) l’utilise "
        "encore",
        "« archives.conservation_ans.lettre_mission_sopa » : « 0 » : un nombre entier d’années, "
        "1 au moins",
        "« archives.diffusion.inconnu » : « inconnu » n’est pas un gabarit du catalogue",
    ]
