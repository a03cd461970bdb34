"""Declarations v2: each says its parcours, who writes, reads and signs it, in which order and
when it is due; a wrong key is refused naming the file and the key; the access rules follow
the declaration for a v2 document and keep their tables for a v1 one."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import yaml

from service import creer_catalogue
from service.catalogue import personnes
from service.catalogue.declaration import POSTES, DeclarationInvalide, charger
from service.catalogue.etablissement import charger_etablissement
from service.catalogue.gabarits import publier
from service.personnes import acces
from tests.outils import DERNIERE, IDS


@pytest.mark.parametrize("id_", sorted(IDS))
def test_every_v2_declaration_says_who_it_concerns_who_writes_and_who_signs(catalogue, id_):
    assert catalogue.versions(id_) == list(range(1, DERNIERE + 1))
    formulaire = catalogue.gabarit(id_).formulaire
    assert formulaire.version == DERNIERE
    connus = charger_etablissement().parcours
    assert formulaire.parcours and set(formulaire.parcours) <= set(connus)
    assert formulaire.redige_par and set(formulaire.redige_par) <= set(POSTES)
    assert formulaire.lu_par and set(formulaire.lu_par) <= set(POSTES)
    assert formulaire.ordre_signatures in ("libre", "sequentiel")
    assert formulaire.echeance and set(formulaire.echeance) <= {"date", "jours_apres_debut"}
    cases = [c.nom for c in formulaire.champs if c.type == "signature"]
    assert list(formulaire.signe_par) == cases, "chaque case de signature dit qui la signe"
    assert set(formulaire.signe_par.values()) <= set(POSTES)
    # the fields naming people are declared, and say what v1's derivation said
    v1 = catalogue.gabarit(id_, 1).formulaire
    assert v1.redige_par == () and v1.signe_par == {}
    assert personnes.champs(formulaire) == personnes.champs(v1)


def test_what_the_declarations_say(catalogue):
    def f(id_):
        return catalogue.gabarit(id_).formulaire
    assert f("compte_rendu_sopa").parcours == ("m1_meef_1d_sopa",)
    assert f("compte_rendu_sopa").redige_par == ("tuteur_terrain",)
    assert f("compte_rendu_sopa").signe_par == {"signature_tuteur": "tuteur_terrain"}
    assert f("lettre_mission_sopa").redige_par == ("secretariat",)
    assert f("lettre_mission_tuteurs_m2").redige_par == ("secretariat",)
    assert "tuteur_inspe" in f("fiche_personnalisation").redige_par
    assert not {"m2a", "du"} & set(f("fiche_personnalisation").parcours)
    deux = f("parcours_individualisation_2d")
    assert deux.ordre_signatures == "sequentiel"
    assert list(deux.signe_par.values()) == [
        "inspecteur", "chef_etablissement", "tuteur_terrain", "tuteur_inspe",
        "responsable_parcours", "stagiaire"]
    assert deux.echeance == {"date": "15/01"}
    assert deux.champ("stagiaire_nom").personne == "stagiaire_nom"
    assert deux.champ("chef_etablissement_nom").personne == "chef_etablissement_nom"


def _modifier(chemin, modifier) -> None:
    declaration = yaml.safe_load(chemin.read_text())
    modifier(declaration)
    chemin.write_text(yaml.safe_dump(declaration, allow_unicode=True))


def _signature(declaration) -> dict:
    return next(c for s in declaration["sections"] for c in s["champs"] if c["type"] == "signature")


@pytest.mark.parametrize("modifier, message", [
    (lambda d: d.update(redige_par=["tuteur_terrain", "concierge"]),
     "« redige_par » : poste « concierge » inconnu"),
    (lambda d: d.update(lu_par=["directeur"]), "« lu_par » : poste « directeur » inconnu"),
    (lambda d: d.pop("redige_par"), "« redige_par » manquant"),
    (lambda d: d.pop("parcours"), "« parcours » manquant"),
    (lambda d: _signature(d).pop("signe_par"),
     "champ « signature_tuteur » : « signe_par » manquant"),
    (lambda d: _signature(d).update(signe_par="recteur"),
     "champ « signature_tuteur » : « signe_par » : poste « recteur » inconnu"),
    (lambda d: d["sections"][0]["champs"][0].update(personne="cousin"),
     "champ « stagiaire_nom » : « personne » : « cousin » inconnu"),
    (lambda d: d.update(signatures={"ordre": "alphabetique"}),
     "« signatures » : ordre « alphabetique » inconnu"),
    (lambda d: d.update(echeance={"date": "31/13"}), "« echeance » : date « 31/13 » invalide"),
    (lambda d: d.update(echeance={"date": "31/04"}), "« echeance » : date « 31/04 » invalide"),
    (lambda d: d.update(echeance={"jours": 30}), "« echeance » : clé « jours » inconnue"),
    (lambda d: d.update(redige=["tuteur_terrain"]), "clé(s) inconnue(s) redige"),
])
def test_a_wrong_key_is_refused_naming_the_file_and_the_key(copie_catalogue, modifier, message):
    chemin = copie_catalogue.formulaires / "compte_rendu_sopa" / "v2.yaml"
    _modifier(chemin, modifier)
    with pytest.raises(DeclarationInvalide) as exc:
        charger(chemin)
    assert message in str(exc.value)
    assert str(chemin) in str(exc.value)


def test_a_v1_declaration_need_not_say_it(copie_catalogue):
    chemin = copie_catalogue.formulaires / "compte_rendu_sopa" / "v1.yaml"
    assert charger(chemin).redige_par == ()


def test_a_parcours_the_institution_does_not_know_is_refused(copie_catalogue):
    chemin = copie_catalogue.formulaires / "compte_rendu_sopa" / "v2.yaml"
    _modifier(chemin, lambda d: d.update(parcours=["m1_meef_1d_sopa", "licence_pro"]))
    manifeste = copie_catalogue.gabarits / "manifeste.json"
    publies = json.loads(manifeste.read_text())
    del publies["compte_rendu_sopa"]["2"]
    manifeste.write_text(json.dumps(publies))
    publier(copie_catalogue.gabarits, copie_catalogue.formulaires, "compte_rendu_sopa")
    with pytest.raises(DeclarationInvalide) as exc:
        creer_catalogue(copie_catalogue)
    assert "« parcours » : « licence_pro » n'est pas un parcours de l'établissement" in str(exc.value)
    assert str(chemin) in str(exc.value)


def test_the_settings_own_the_parcours_list(tmp_path):
    assert list(charger_etablissement().parcours) == [
        "m1_meef_1d_sopa", "m2_meef_ca", "pe_stagiaire", "stagiaire_2d_cpe", "m2a", "du"]
    assert charger_etablissement().parcours["m2_meef_ca"] == "M2 MEEF contractuel alternant"
    propres = tmp_path / "etablissement.yaml"
    propres.write_text("parcours:\n  - id: M1\n    libelle: Master 1\n", encoding="utf-8")
    from service.catalogue.etablissement import ParametresInvalides
    with pytest.raises(ParametresInvalides, match="identifiant « M1 » invalide"):
        charger_etablissement(propres)


# --- the access rules follow the declaration -----------------------------------------------

def _compte(identifiant, role, id_):
    return SimpleNamespace(identifiant=identifiant, role=role, id=id_)


LEA = _compte("lea", "stagiaire", 1)
HELENE = _compte("helene", "tuteur", 2)  # tuteur de terrain of Léa's trio
CLAUDE = _compte("claude", "tuteur", 3)  # tuteur Inspé of Léa's trio
MARC = _compte("marc", "inspecteur", 4)
SECRETARIAT = _compte("secretariat", "secretariat", 5)
POSTES_LEA = {"compte_stagiaire": "lea", "tuteur_terrain": "helene", "tuteur_inspe": "claude"}


def _document(catalogue, id_, version, auteur=SECRETARIAT):
    fiche = {"gabarit_id": id_, "gabarit_version": version, "postes": POSTES_LEA,
             "auteur": auteur.id}
    return acces.Document.de(fiche, catalogue.gabarit(id_, version).formulaire)


def test_the_tutors_slot_of_a_v2_compte_rendu_is_signed_by_the_trios_tuteur_terrain_only(catalogue):
    document = _document(catalogue, "compte_rendu_sopa", 2, auteur=LEA)
    case = acces.Case(document, "signature_tuteur")
    assert acces.peut(HELENE, "signer", case)
    for autre in (LEA, CLAUDE, MARC, SECRETARIAT):  # not even its author, a stagiaire
        assert not acces.peut(autre, "signer", case), autre.identifiant


def test_each_slot_of_a_v2_document_follows_its_signe_par(catalogue):
    document = _document(catalogue, "accompagnement_renforce_m2ca", 2, auteur=MARC)
    signe = {champ: {c.identifiant for c in (LEA, HELENE, CLAUDE, MARC, SECRETARIAT)
                     if acces.peut(c, "signer", acces.Case(document, champ))}
             for champ in document.cases}
    assert signe == {"signature_ia_ipr": {"marc"}, "signature_referent": {"claude"},
                     "signature_tuteur": {"helene"}, "signature_etudiant": {"lea"}}


def test_a_slot_signed_by_a_poste_without_an_account_is_signed_by_no_one(catalogue):
    document = _document(catalogue, "parcours_individualisation_2d", 2)
    for compte in (LEA, HELENE, CLAUDE, MARC, SECRETARIAT):
        assert not acces.peut(compte, "signer", acces.Case(document, "signature_chef_etablissement"))
    case = acces.Case(document, "signature_stagiaire")
    assert acces.peut(LEA, "signer", document)  # the slot is hers…
    assert not acces.peut(LEA, "signer", case)  # …but signed in order: her turn comes last
    avant = [c for c in document.cases if c != "signature_stagiaire"]
    document.fiche["versions"] = [{"signataires": [{"champ": c} for c in avant]}]
    assert acces.peut(LEA, "signer", case)
    document.fiche["versions"] = [{"signataires": [{"champ": c} for c in document.cases]}]
    assert not acces.peut(LEA, "signer", case)  # signed once, never again


def test_a_v1_document_keeps_the_table_of_slots(catalogue):
    document = _document(catalogue, "compte_rendu_sopa", 1)
    assert document.signe_par == ()
    case = acces.Case(document, "signature_tuteur")
    assert acces.peut(HELENE, "signer", case) and not acces.peut(LEA, "signer", case)


def test_who_writes_a_v2_document_is_its_redige_par(catalogue):
    from service.personnes.effectifs import Stagiaire

    lea = Stagiaire(nom="MOREAU", prenom="Léa", compte_stagiaire="lea", tuteur_terrain="helene",
                    tuteur_inspe="claude")

    def ecrivent(id_, stagiaire):
        formulaire = acces.Formulaire.de(catalogue.gabarit(id_).formulaire, stagiaire)
        return {c.identifiant for c in (LEA, HELENE, CLAUDE, MARC, SECRETARIAT)
                if acces.peut(c, "remplir", formulaire)}

    # the compte-rendu SOPA is the tuteur de terrain's; v1's table let the tuteur Inspé write it
    assert ecrivent("compte_rendu_sopa", lea) == {"helene", "secretariat"}
    assert acces.peut(CLAUDE, "remplir", acces.Formulaire("compte_rendu_sopa", lea))
    assert ecrivent("accompagnement_renforce_m2ca", lea) == {"helene", "claude", "secretariat"}
    assert ecrivent("lettre_mission_sopa", lea) == {"secretariat"}
    assert ecrivent("lettre_mission_sopa", None) == {"secretariat"}
    # without a roster stagiaire, by role: the IA-IPR writes the accompagnement, not the SOPA
    assert ecrivent("accompagnement_renforce_m2ca", None) == {"helene", "claude", "marc",
                                                              "secretariat"}
    assert ecrivent("compte_rendu_sopa", None) == {"helene", "claude", "secretariat"}


def test_the_slot_is_bound_by_the_declaration_not_by_its_name(copie_catalogue):
    """A declaration that binds « signature_tuteur » to the stagiaire (a name CASES gives the
    tuteur de terrain) is followed: the access rules read the declaration."""
    chemin = copie_catalogue.formulaires / "compte_rendu_sopa" / "v3.yaml"
    chemin.write_text((copie_catalogue.formulaires / "compte_rendu_sopa" / "v2.yaml").read_text())
    _modifier(chemin, lambda d: _signature(d).update(signe_par="stagiaire"))
    fiche = {"postes": POSTES_LEA, "auteur": SECRETARIAT.id}
    case = acces.Case(acces.Document.de(fiche, charger(chemin)), "signature_tuteur")
    assert acces.peut(LEA, "signer", case) and not acces.peut(HELENE, "signer", case)
