"""Which fields name which person, read from the declarations: every gabarit of the catalogue."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from service.bd import ouvrir
from service.catalogue import personnes
from service.catalogue.generation import rendre
from service.catalogue.validation import valider
from service.personnes import effectifs
from service.personnes.comptes import creer_compte
from tests.outils import texte_docx

# A collective of tuteurs: it names its pilot and its participants, no stagiaire.
SANS_STAGIAIRE = {"fiche_synthese_collectif"}

ROSTER = {"nom": "MOREAU", "prenom": "Léa", "parcours": "M1 MEEF 1er degré",
          "lieu": "École élémentaire Jules-Ferry, Clairval",
          "periode_debut": "2026-10-05", "periode_fin": "2026-10-16"}
TUTEURS = {"tuteur_terrain": "Paul GARNIER", "tuteur_inspe": "Inès FAURE"}
AFFICHE = {"periode_debut": "05/10/2026", "periode_fin": "16/10/2026"}


def test_every_gabarit_says_which_field_holds_the_stagiaires_name(catalogue):
    courants = catalogue.courants()
    assert len(courants) == 8
    for gabarit in courants:
        formulaire, roles = gabarit.formulaire, personnes.champs(gabarit.formulaire)
        groupe = personnes.groupe_de_stagiaires(formulaire)
        if gabarit.id in SANS_STAGIAIRE:
            assert "nom" not in roles and groupe is None, gabarit.id
            continue
        assert roles.get("nom") or groupe, f"{gabarit.id} : aucun champ pour le nom du stagiaire"
        if groupe is None:  # one stagiaire: the archive records who, from the example's values
            exemple = formulaire.exemple
            [champ_nom], [champ_prenom] = roles["nom"], roles["prenom"]
            assert personnes.stagiaire(formulaire, exemple) == (
                f"{exemple[champ_nom].upper()} {exemple[champ_prenom]}"), gabarit.id
        else:  # several: the lettre de mission lists them in a group of « Nom », « Prénom »
            assert formulaire.champ(groupe.champ).sous_champ(groupe.nom).libelle == "Nom"


def test_the_tuteur_is_the_field_tuteur_when_a_document_names_both(catalogue):
    formulaire = catalogue.gabarit("parcours_individualisation_1d").formulaire
    roles = personnes.champs(formulaire)
    assert roles["tuteur_terrain"] == ("tuteur_dsden",)
    assert roles["tuteur_inspe"] == ("tuteur_universitaire",)
    assert personnes.tuteur(formulaire, {"tuteur_dsden": "Paul GARNIER",
                                         "tuteur_universitaire": "Inès FAURE"}) == "Paul GARNIER"
    assert personnes.tuteur(formulaire, {"tuteur_universitaire": "Inès FAURE"}) == "Inès FAURE"
    # « Établissement ou UFR du tuteur » is a place, « Titulaire de la classe » hosts the stage
    m2 = personnes.champs(catalogue.gabarit("lettre_mission_tuteurs_m2").formulaire)
    assert "tuteur_etablissement" not in sum(m2.values(), ())
    sopa = personnes.champs(catalogue.gabarit("compte_rendu_sopa").formulaire)
    assert sopa["tuteur_terrain"] == ("tuteur_nom", "titulaire_classe")


@pytest.fixture
def inscrit(tmp_path):
    base = ouvrir(f"sqlite:///{tmp_path / 'base.sqlite'}")
    creer_compte(base, "garnier", TUTEURS["tuteur_terrain"], "tuteur", "x" * 12)
    creer_compte(base, "faure", TUTEURS["tuteur_inspe"], "tuteur", "x" * 12)
    with Session(base, expire_on_commit=False) as session, session.begin():
        stagiaire = effectifs.Stagiaire(**ROSTER, tuteur_terrain="garnier", tuteur_inspe="faure",
                                        compte_stagiaire="lea")
        session.add(stagiaire)
    return base, stagiaire


def test_a_prefilled_document_carries_the_rosters_values(catalogue, inscrit):
    base, stagiaire = inscrit
    connus = ROSTER | TUTEURS
    for gabarit in catalogue.courants():
        formulaire = gabarit.formulaire
        prerempli = effectifs.preremplissage(base, stagiaire, formulaire)
        attendus = {champ: connus[role] for role, champs in personnes.champs(formulaire).items()
                    if role in connus for champ in champs}
        assert prerempli == attendus, gabarit.id
        if gabarit.id not in SANS_STAGIAIRE and personnes.groupe_de_stagiaires(formulaire) is None:
            assert {"MOREAU", "Léa"} <= set(prerempli.values()), gabarit.id
        texte = texte_docx(rendre(catalogue, gabarit, valider(formulaire, prerempli,
                                                              partiel=True)).docx)
        for champ, valeur in prerempli.items():
            role = next(r for r, noms in personnes.champs(formulaire).items() if champ in noms)
            assert AFFICHE.get(role, valeur) in texte, f"{gabarit.id} : {champ} absent du document"
    # the documents about one stagiaire all carry the stagiaire's name and first name
    compte_rendu = catalogue.gabarit("compte_rendu_sopa").formulaire
    texte = texte_docx(rendre(catalogue, catalogue.gabarit("compte_rendu_sopa"), valider(
        compte_rendu, effectifs.preremplissage(base, stagiaire, compte_rendu), partiel=True)).docx)
    for valeur in ("MOREAU", "Léa", "Paul GARNIER", "Clairval", "05/10/2026", "16/10/2026"):
        assert valeur in texte
