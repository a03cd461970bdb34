"""The dossier's core: which documents apply to whom, their due dates, who signs each slot and in
which order, and each state a document goes through — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from service import journal
from service.dossier import etats, listes, suivi
from service.dossier.modele import DocumentDuDossier
from service.personnes import effectifs
from service.personnes.comptes import creer_compte
from service.personnes.effectifs import Stagiaire
from tests.outils import roster_csv

COMPTES = {"lea": ("Léa Moreau", "stagiaire"), "helene": ("Hélène Garnier", "tuteur"),
           "claude": ("Claude Martin", "tuteur"), "marc": ("Marc Dumont", "inspecteur"),
           "anne": ("Anne Fournier", "tuteur"), "karim": ("Karim Benali", "tuteur"),
           "hugo": ("Hugo Duval", "stagiaire")}
LEA = {"nom": "MOREAU", "prenom": "Léa", "parcours": "stagiaire_2d_cpe", "compte_stagiaire": "lea",
       "tuteur_terrain": "helene", "tuteur_inspe": "claude", "inspecteur": "marc",
       "chef_etablissement": "anne", "responsable_parcours": "karim"}
HUGO = {"nom": "DUVAL", "prenom": "Hugo", "parcours": "m1_meef_1d_sopa", "compte_stagiaire": "hugo",
        "tuteur_terrain": "helene", "tuteur_inspe": "claude"}
M2A = {"nom": "PETIT", "prenom": "Zoé", "parcours": "m2a", "tuteur_terrain": "helene"}


@pytest.fixture
def base(base_de_donnees):
    for identifiant, (nom, role) in COMPTES.items():
        creer_compte(base_de_donnees, identifiant, nom, role, "x" * 12)
    resultat = effectifs.importer(base_de_donnees, roster_csv(LEA, HUGO, M2A), "liste.csv")
    assert resultat.erreurs == []
    return base_de_donnees


def _stagiaire(base, nom: str) -> Stagiaire:
    return next(s for s in effectifs.tous(base) if s.nom == nom)


def _etat(base, stagiaire, gabarit_id) -> str:
    with Session(base) as session:
        return session.scalar(select(DocumentDuDossier.etat).where(
            DocumentDuDossier.stagiaire_id == stagiaire.id,
            DocumentDuDossier.gabarit_id == gabarit_id))


def test_each_stagiaire_expects_the_documents_of_their_parcours_only(base, catalogue):
    annee = suivi.annee_courante()
    assert suivi.ouvrir(base, catalogue, effectifs.tous(base), annee) == 2
    assert suivi.ouvrir(base, catalogue, effectifs.tous(base), annee) == 0  # made once
    titres = {s.nom: [ligne.doc.gabarit_id for ligne in listes.dossier(base, catalogue, s)]
              for s in effectifs.tous(base)}
    # 1er degré SOPA: the compte-rendu, no lettre de mission of the M2, no fiche de personnalisation;
    # second degré: its fiche de personnalisation; M2A: nothing expected
    assert titres == {"DUVAL": ["compte_rendu_sopa"], "MOREAU": ["fiche_personnalisation"],
                      "PETIT": []}
    # a procedure is opened for one stagiaire when someone starts one, if it applies to them
    with Session(base) as session, session.begin():
        assert suivi.ligne(session, catalogue, _stagiaire(base, "MOREAU"),
                           "parcours_individualisation_2d") is not None
        assert suivi.ligne(session, catalogue, _stagiaire(base, "DUVAL"),
                           "parcours_individualisation_2d") is None  # not his parcours


def test_due_dates_fall_in_the_annee_universitaire():
    class F:
        echeance = {"date": "15/01"}
    assert etats.echeance(F, "2026-2027") == "2027-01-15"
    F.echeance = {"date": "20/10"}
    assert etats.echeance(F, "2026-2027") == "2026-10-20"
    F.echeance = {"jours_apres_debut": 30}
    assert etats.echeance(F, "2026-2027") == "2026-10-01"
    F.echeance = None
    assert etats.echeance(F, "2026-2027") == ""


def test_slots_are_bound_by_the_roster_and_signed_in_order(base, catalogue):
    formulaire = catalogue.gabarit("parcours_individualisation_2d").formulaire
    lea = _stagiaire(base, "MOREAU")
    cases = etats.cases(formulaire, lea)
    assert [(c.poste, c.identifiant) for c in cases] == [
        ("inspecteur", "marc"), ("chef_etablissement", "anne"), ("tuteur_terrain", "helene"),
        ("tuteur_inspe", "claude"), ("responsable_parcours", "karim"), ("stagiaire", "lea")]
    assert cases[0].qualite == "IEN ou IA-IPR"
    # sequential: only the first unsigned slot may be signed
    assert [c.identifiant for c in etats.a_signer(formulaire, lea, set())] == ["marc"]
    assert [c.identifiant for c in etats.a_signer(formulaire, lea, {cases[0].champ})] == ["anne"]
    # free order (the accompagnement renforcé): every unsigned slot at once
    libre = catalogue.gabarit("accompagnement_renforce_m2ca").formulaire
    assert len(etats.a_signer(libre, lea, set())) == 4


def test_a_document_goes_through_its_states_and_the_audit_log_says_each(base, catalogue):
    lea = _stagiaire(base, "MOREAU")
    gabarit = catalogue.gabarit("parcours_individualisation_2d")
    suivi.brouillon(base, catalogue, lea, gabarit.id, "helene")
    assert _etat(base, lea, gabarit.id) == "brouillon"
    suivi.a_verifier(base, catalogue, lea, gabarit.id, "helene")
    assert _etat(base, lea, gabarit.id) == "a_verifier"
    suivi.document_cree(base, catalogue, lea, gabarit, "20261204-ABCDEF", 2, "helene")
    assert _etat(base, lea, gabarit.id) == "en_signature"
    cases = etats.cases(gabarit.formulaire, lea)
    for case in cases[:-1]:
        suivi.signature(base, catalogue, "20261204-ABCDEF", case.champ, case.identifiant)
        assert _etat(base, lea, gabarit.id) == "en_signature"
    ligne = listes.dossier(base, catalogue, lea)[-1]
    assert ligne.reste == ["Léa Moreau (stagiaire)"]
    suivi.signature(base, catalogue, "20261204-ABCDEF", cases[-1].champ, "lea")
    assert _etat(base, lea, gabarit.id) == "signe"
    suivi.archive(base, "20261204-ABCDEF", "A-2026-000001", "circuit")
    assert _etat(base, lea, gabarit.id) == "archive"
    with Session(base) as session:
        details = [e.detail for e in session.scalars(select(journal.Entree).where(
            journal.Entree.quoi == "dossier"))]
    assert any("Brouillon → À vérifier" in d for d in details)
    assert any("En signature → Signé" in d for d in details)
    # a complete document is not replaced by another one through the form
    with pytest.raises(suivi.EtapeImpossible):
        suivi.document_cree(base, catalogue, lea, gabarit, "20261205-OTHER0", 2, "helene")


def test_sent_back_needs_a_reason_and_withdrawn_stays_withdrawn(base, catalogue):
    hugo = _stagiaire(base, "DUVAL")
    gabarit = catalogue.gabarit("compte_rendu_sopa")
    doc = suivi.document_cree(base, catalogue, hugo, gabarit, "20261204-AAAAAA", 2, "helene")
    with pytest.raises(suivi.EtapeImpossible, match="raison"):
        suivi.renvoyer(base, doc.id, "  ", "secretariat")
    suivi.renvoyer(base, doc.id, "La période de stage est fausse.", "secretariat")
    assert _etat(base, hugo, gabarit.id) == "renvoye"
    ligne = listes.dossier(base, catalogue, hugo)[0]
    assert ligne.doc.motif == "La période de stage est fausse." and ligne.etat == "Renvoyé"
    # corrected: the same numéro, signatures to give again
    assert suivi.numero_existant(base, catalogue, hugo, gabarit.id) == "20261204-AAAAAA"
    suivi.retirer(base, doc.id, "Doublon", "secretariat")
    with pytest.raises(suivi.EtapeImpossible):
        suivi.retirer(base, doc.id, "Doublon", "secretariat")
    assert suivi.numero_existant(base, catalogue, hugo, gabarit.id) is None


def test_a_new_import_keeps_each_stagiaire_s_dossier(base, catalogue):
    suivi.ouvrir(base, catalogue, effectifs.tous(base), suivi.annee_courante())
    avant = {s.nom: s.id for s in effectifs.tous(base)}
    # Hugo leaves, Léa changes tuteur Inspé, a newcomer arrives
    resultat = effectifs.importer(base, roster_csv(dict(LEA, tuteur_inspe="helene"), M2A, dict(
        HUGO, nom="NOUVEAU", prenom="Jean", compte_stagiaire="")), "liste.csv")
    assert resultat.erreurs == []
    apres = {s.nom: s.id for s in effectifs.tous(base)}
    assert apres["MOREAU"] == avant["MOREAU"] and apres["PETIT"] == avant["PETIT"]
    assert "DUVAL" not in apres and apres["NOUVEAU"] not in avant.values()
    lea = _stagiaire(base, "MOREAU")
    assert lea.tuteur_inspe == "helene"
    assert [ligne.doc.gabarit_id for ligne in listes.dossier(base, catalogue, lea)] == [
        "fiche_personnalisation"]


def test_mes_documents_sorts_what_each_person_must_do(base, catalogue):
    from types import SimpleNamespace

    lea = _stagiaire(base, "MOREAU")
    gabarit = catalogue.gabarit("parcours_individualisation_2d")
    suivi.document_cree(base, catalogue, lea, gabarit, "20261204-BBBBBB", 2, "helene")

    def mes(identifiant):
        m = listes.mes_documents(base, catalogue, SimpleNamespace(identifiant=identifiant, id=99,
                                                                  role="tuteur"))
        return {cle: [ligne.doc.gabarit_id for ligne in getattr(m, cle)]
                for cle in ("a_remplir", "a_signer", "en_attente", "termines")}

    assert mes("marc")["a_signer"] == ["parcours_individualisation_2d"]  # first in order
    assert mes("lea")["a_signer"] == [] and "parcours_individualisation_2d" in mes("lea")["en_attente"]
    # the fiche de personnalisation is written by the tuteurs: Hélène's to fill, not Léa's
    assert "fiche_personnalisation" in mes("helene")["a_remplir"]
    assert "fiche_personnalisation" in mes("lea")["en_attente"]
    assert mes("hugo")["a_remplir"] == []  # his compte-rendu is his tuteur's to write


def test_each_person_sees_the_documents_they_read_and_their_archive_too(base, catalogue):
    from types import SimpleNamespace

    from service.archive.depot import Archive

    lea = _stagiaire(base, "MOREAU")
    parcours = catalogue.gabarit("parcours_individualisation_2d").formulaire
    fiche = catalogue.gabarit("fiche_personnalisation").formulaire
    # the six signers read the parcours d'individualisation; the fiche, the trio only
    assert etats.lecteurs(parcours, lea) == {"lea", "helene", "claude", "marc", "anne", "karim"}
    assert etats.lecteurs(fiche, lea) == {"lea", "helene", "claude"}
    marc = SimpleNamespace(identifiant="marc", id=98, role="inspecteur")
    vus = listes.mes_documents(base, catalogue, marc)
    assert "fiche_personnalisation" not in [
        ligne.doc.gabarit_id for cle in ("a_remplir", "a_signer", "en_attente", "termines")
        for ligne in getattr(vus, cle)]  # his stagiaire's, not his business
    # archived, the record is read by the same people as the document
    doc = suivi.document_cree(base, catalogue, lea, catalogue.gabarit(
        "parcours_individualisation_2d"), "20261204-CCCCCC", 2, "helene")
    with Session(base) as session, session.begin():
        session.add(Archive(numero="A-2026-000042", cle="essai", gabarit_id=doc.gabarit_id,
                            titre="Parcours", annee="2026-2027", statut="archive",
                            lecteurs="|helene|", cree_le="", modifie_le="",
                            conserver_jusqu_au="2036-01-01"))
    suivi.archive(base, "20261204-CCCCCC", "A-2026-000042", "circuit", catalogue)
    with Session(base) as session:
        lecteurs = session.scalar(select(Archive.lecteurs).where(Archive.numero == "A-2026-000042"))
    assert lecteurs == "|anne|claude|helene|karim|lea|marc|"
