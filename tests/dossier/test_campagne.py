"""The secretariat's campaign over the dossiers de tutorat, and the grouped reminders.

A roster imported as the secretariat types it, its rows opened by ``suivi``, due dates moved
into the past: the counts, the filters, the late list and whom each late document waits for;
sending back and withdrawing; one reminder a person a day, through a real SMTP server; the
.xlsx export. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from sqlalchemy.orm import Session

from service import journal
from service.archive.courriel import Messagerie
from service.dossier import listes, relances, suivi
from service.dossier.export import exporter_xlsx
from service.dossier.modele import DocumentDuDossier
from service.personnes import effectifs
from service.personnes.comptes import creer_compte
from tests.outils import fixer_echeance, roster_csv

ANNEE = "2026-2027"
JOUR = relances.aujourdhui()
COMPTES = {
    "lea": ("Léa Moreau", "stagiaire", ""),
    "helene": ("Hélène Garnier", "tuteur", "helene.garnier@clairval.example"),
    "claude": ("Claude Martin", "tuteur", "claude.martin@clairval.example"),
    "marc": ("Marc Dumont", "inspecteur", "marc.dumont@clairval.example"),
    "anne": ("Anne Fournier", "tuteur", ""),  # no address
    "karim": ("Karim Benali", "secretariat", "karim.benali@clairval.example"),
}
LIEN = "https://tutorat.clairval.example"


def _jours(n: int) -> dt.date:
    return JOUR + dt.timedelta(days=n)


@pytest.fixture
def monde(base_de_donnees, catalogue):
    """Five stagiaires of four parcours, their dossiers opened, and due dates set:

    MOREAU Léa (SOPA)      compte-rendu, late by 1 day          → Hélène writes it
    DUVAL Hugo (PE)        fiche de personnalisation, 30 days   → Hélène and Claude write it
                           parcours d'individualisation, made by Hélène, in signature, 5 days
                                                                → Marc (IEN) signs first
    PETIT Jules (PE)       fiche de personnalisation, due in 3 days (not late)
    « =2+3 » Eve (SOPA)    compte-rendu, late by 2 days         → Anne (no address)
    ROUX Théo (M2 CA)      lettre de mission, 10 days           → the secretariat
    """
    base = base_de_donnees
    comptes = {i: creer_compte(base, i, nom, role, "x" * 12, courriel)
               for i, (nom, role, courriel) in COMPTES.items()}
    importation = effectifs.importer(base, roster_csv(
        {"nom": "MOREAU", "prenom": "Léa", "parcours": "m1_meef_1d_sopa",
         "compte_stagiaire": "lea", "tuteur_terrain": "helene", "tuteur_inspe": "claude"},
        {"nom": "DUVAL", "prenom": "Hugo", "parcours": "pe_stagiaire", "tuteur_terrain": "helene",
         "tuteur_inspe": "claude", "inspecteur": "marc"},
        {"nom": "PETIT", "prenom": "Jules", "parcours": "pe_stagiaire", "tuteur_terrain": "claude",
         "tuteur_inspe": "helene", "inspecteur": "marc"},
        {"nom": "=2+3", "prenom": "Eve", "parcours": "m1_meef_1d_sopa", "tuteur_terrain": "anne"},
        {"nom": "ROUX", "prenom": "Théo", "parcours": "m2_meef_ca", "tuteur_terrain": "anne"},
    ), "liste.csv")
    assert importation.erreurs == []
    inscrits = {s.nom: s for s in effectifs.tous(base)}
    assert suivi.ouvrir(base, catalogue, list(inscrits.values()), ANNEE) == 5
    parcours_1d = catalogue.gabarit("parcours_individualisation_1d")
    suivi.document_cree(base, catalogue, inscrits["DUVAL"], parcours_1d, "D-ESSAI-000001",
                        comptes["helene"].id, "helene", ANNEE)
    ids = {
        ("MOREAU", "cr"): fixer_echeance(base, "MOREAU", "compte_rendu_sopa", _jours(-1)),
        ("DUVAL", "fiche"): fixer_echeance(base, "DUVAL", "fiche_personnalisation", _jours(-30)),
        ("DUVAL", "1d"): fixer_echeance(base, "DUVAL", "parcours_individualisation_1d", _jours(-5)),
        ("PETIT", "fiche"): fixer_echeance(base, "PETIT", "fiche_personnalisation", _jours(3)),
        ("=2+3", "cr"): fixer_echeance(base, "=2+3", "compte_rendu_sopa", _jours(-2)),
        ("ROUX", "lettre"): fixer_echeance(base, "ROUX", "lettre_mission_tuteurs_m2", _jours(-10)),
    }
    return {"base": base, "comptes": comptes, "inscrits": inscrits, "ids": ids}


def _retards(vue) -> list[tuple[str, str, str, list[str]]]:
    return [(ligne.stagiaire.nom, ligne.doc.gabarit_id, ligne.etat, ligne.bloque_par)
            for ligne in vue.en_retard]


def test_the_campaign_counts_each_gabarit_s_states_and_lists_the_late_ones_with_whom_they_wait_for(
        monde, catalogue):
    vue = listes.campagne(monde["base"], catalogue, ANNEE)
    assert vue.comptes == {"compte_rendu_sopa": {"a_remplir": 2},
                           "fiche_personnalisation": {"a_remplir": 2},
                           "parcours_individualisation_1d": {"en_signature": 1},
                           "lettre_mission_tuteurs_m2": {"a_remplir": 1}}
    assert vue.totaux == {"a_remplir": 5, "en_signature": 1}
    assert vue.nombre_en_retard == 5  # PETIT's fiche is due in three days: not late
    # the oldest due date first; a sequential circuit waits for its first signer only
    assert _retards(vue) == [
        ("DUVAL", "fiche_personnalisation", "À remplir", ["Claude Martin", "Hélène Garnier"]),
        ("ROUX", "lettre_mission_tuteurs_m2", "À remplir", ["le secrétariat"]),
        ("DUVAL", "parcours_individualisation_1d", "En signature", ["Marc Dumont"]),
        ("=2+3", "compte_rendu_sopa", "À remplir", ["Anne Fournier"]),
        ("MOREAU", "compte_rendu_sopa", "À remplir", ["Hélène Garnier"]),
    ]
    assert vue.en_retard[0].echeance == _jours(-30).strftime("%d/%m/%Y")
    assert vue.en_retard[2].reste[0] == "Marc Dumont (IEN ou IA-IPR)"


def test_the_campaign_s_filters_and_pages(monde, catalogue):
    base = monde["base"]
    pe = listes.campagne(base, catalogue, ANNEE, parcours="pe_stagiaire")
    assert set(pe.comptes) == {"fiche_personnalisation", "parcours_individualisation_1d"}
    assert pe.totaux == {"a_remplir": 2, "en_signature": 1}
    assert [(n, g) for n, g, *_ in _retards(pe)] == [
        ("DUVAL", "fiche_personnalisation"), ("DUVAL", "parcours_individualisation_1d")]
    comptes_rendus = listes.campagne(base, catalogue, ANNEE, gabarit_id="compte_rendu_sopa")
    assert set(comptes_rendus.comptes) == {"compte_rendu_sopa"}
    assert [n for n, *_ in _retards(comptes_rendus)] == ["=2+3", "MOREAU"]
    signature = listes.campagne(base, catalogue, ANNEE, etat="en_signature")
    assert [n for n, *_ in _retards(signature)] == ["DUVAL"] and signature.nombre_en_retard == 1
    page_2 = listes.campagne(base, catalogue, ANNEE, limite=2, decalage=2)
    assert page_2.nombre_en_retard == 5
    assert [(n, g) for n, g, *_ in _retards(page_2)] == [
        ("DUVAL", "parcours_individualisation_1d"), ("=2+3", "compte_rendu_sopa")]
    assert listes.campagne(base, catalogue, "2019-2020").nombre_en_retard == 0


def test_a_document_is_sent_back_with_a_reason_and_its_author_is_told(monde, catalogue,
                                                                       serveur_smtp):
    base, ids = monde["base"], monde["ids"]
    with pytest.raises(suivi.EtapeImpossible, match="« À remplir » ne peut pas être renvoyé"):
        suivi.renvoyer(base, ids[("MOREAU", "cr")], "Il manque la date.", "karim")
    with pytest.raises(suivi.EtapeImpossible, match="indiquez la raison"):
        suivi.renvoyer(base, ids[("DUVAL", "1d")], "  ", "karim")
    doc = suivi.renvoyer(base, ids[("DUVAL", "1d")], "La date de la réunion manque.", "karim")
    assert doc.etat == "renvoye" and doc.motif == "La date de la réunion manque."
    with pytest.raises(suivi.EtapeImpossible, match="« Renvoyé » ne peut pas être renvoyé"):
        suivi.renvoyer(base, ids[("DUVAL", "1d")], "Encore.", "karim")
    dernier = journal.entrees(base)[-1]
    assert dernier.qui == "karim" and "En signature → Renvoyé (La date de la réunion manque.)" \
        in dernier.detail

    port, recus = serveur_smtp
    messagerie = Messagerie.depuis(f"smtp://127.0.0.1:{port}", "scolarite@clairval.example")
    rapport = relances.prevenir_renvoi(base, catalogue, messagerie, doc,
                                       lambda action, d: f"{LIEN}/{action}/{d.id}", "karim")
    # the author (Hélène made it), not every writer of the document
    assert rapport.envoyees == ["Hélène Garnier <helene.garnier@clairval.example>"]
    ((destinataires, message),) = recus
    assert destinataires == ["helene.garnier@clairval.example"]
    assert message["Subject"] == ("Document renvoyé : Parcours d’individualisation des professeur.e.s "
                                  "des écoles stagiaires (annexe 2) — DUVAL Hugo")
    corps = message.get_content()
    assert "pour cette raison :\n\nLa date de la réunion manque.\n" in corps.replace("\r\n", "\n")
    assert f"{LIEN}/remplir/{doc.id}" in corps
    assert journal.entrees(base)[-1].quoi == "courriel"
    # a sent-back document waits for its writers again, late: on the campaign's list
    vue = listes.campagne(base, catalogue, ANNEE, etat="renvoye")
    assert _retards(vue) == [("DUVAL", "parcours_individualisation_1d", "Renvoyé",
                              ["Claude Martin", "Hélène Garnier", "Marc Dumont"])]


def test_a_mistaken_document_is_withdrawn_and_no_longer_late(monde, catalogue):
    base, ids = monde["base"], monde["ids"]
    doc = suivi.retirer(base, ids[("ROUX", "lettre")], "Théo a quitté le parcours.", "karim")
    assert doc.etat == "retire" and doc.motif == "Théo a quitté le parcours."
    with pytest.raises(suivi.EtapeImpossible, match="déjà retiré"):
        suivi.retirer(base, ids[("ROUX", "lettre")], "Encore.", "karim")
    with pytest.raises(suivi.EtapeImpossible, match="« Retiré » ne peut pas être renvoyé"):
        suivi.renvoyer(base, ids[("ROUX", "lettre")], "Non.", "karim")
    vue = listes.campagne(base, catalogue, ANNEE)
    assert "ROUX" not in [n for n, *_ in _retards(vue)] and vue.nombre_en_retard == 4
    assert vue.comptes["lettre_mission_tuteurs_m2"] == {"retire": 1}
    assert "À remplir → Retiré (Théo a quitté le parcours.)" in journal.entrees(base)[-1].detail


def test_each_person_gets_one_reminder_a_day_listing_all_that_is_awaited_of_them(
        monde, catalogue, serveur_smtp):
    base = monde["base"]
    port, recus = serveur_smtp
    messagerie = Messagerie.depuis(f"smtp://127.0.0.1:{port}", "scolarite@clairval.example",
                                   "INSPÉ de Clairval")

    def lien(action, doc):
        return f"{LIEN}/{action}/{doc.id}"

    rapport = relances.relancer(base, catalogue, messagerie, lien, ANNEE, "karim", jour=JOUR)
    assert rapport.envoyees == ["Claude Martin <claude.martin@clairval.example>",
                                "Hélène Garnier <helene.garnier@clairval.example>",
                                "Marc Dumont <marc.dumont@clairval.example>"]
    assert rapport.sans_adresse == ["Anne Fournier"] and rapport.echecs == [] and rapport.deja == []
    messages = {destinataires[0]: m for destinataires, m in recus}
    assert len(recus) == 3 == len(messages)  # one each
    helene = messages["helene.garnier@clairval.example"]
    assert helene["Subject"] == "3 documents attendent votre action — INSPÉ de l’académie de Clairval"
    corps = helene.get_content().replace("\r\n", "\n")
    assert corps.startswith("Bonjour Hélène Garnier,\n\nLe secrétariat de l’INSPÉ de l’académie "
                            "de Clairval vous rappelle ces documents")
    ids = monde["ids"]
    fiche_duval = (f"- Fiche de personnalisation de l’accompagnement d’un stagiaire (annexe 1) — "
                   f"DUVAL Hugo — en retard, attendu le {_jours(-30):%d/%m/%Y}\n"
                   f"  {LIEN}/remplir/{ids[('DUVAL', 'fiche')]}")
    assert fiche_duval in corps
    assert f"MOREAU Léa — en retard, attendu le {_jours(-1):%d/%m/%Y}" in corps
    # due within the week: listed with the late ones, not said late
    assert f"PETIT Jules — attendu le {_jours(3):%d/%m/%Y}" in corps
    assert "À signer" not in corps  # the circuit waits for the IEN first
    marc = messages["marc.dumont@clairval.example"].get_content().replace("\r\n", "\n")
    assert "À signer :\n- Parcours d’individualisation" in marc
    assert f"{LIEN}/signer/{ids[('DUVAL', '1d')]}" in marc and "À remplir" not in marc
    claude = messages["claude.martin@clairval.example"]
    assert claude["Subject"].startswith("2 documents attendent votre action")
    assert [e.quoi for e in journal.entrees(base)].count("relance") == 3

    # the same day: nobody twice, whoever asks
    encore = relances.relancer(base, catalogue, messagerie, lien, ANNEE, "karim", jour=JOUR)
    assert encore.envoyees == [] and len(encore.deja) == 3 and len(recus) == 3
    # the next day, from one row of the campaign: only the people that row waits for, and their
    # message lists all that is awaited of them
    demain = relances.relancer(base, catalogue, messagerie, lien, ANNEE, "karim",
                               documents={ids[("MOREAU", "cr")]}, jour=_jours(1))
    assert demain.envoyees == ["Hélène Garnier <helene.garnier@clairval.example>"]
    assert len(recus) == 4 and "DUVAL Hugo" in recus[-1][1].get_content()
    # with no week ahead, only what is late
    assert [a.stagiaire.nom for a in relances.attendus(base, catalogue, ANNEE, JOUR, 0)["claude"]
            ] == ["DUVAL"]


def test_the_late_list_exported_as_a_spreadsheet_with_formulas_neutralised(monde, catalogue):
    contenu = exporter_xlsx(monde["base"], catalogue, ANNEE, gabarit_id="compte_rendu_sopa")
    feuille = openpyxl.load_workbook(io.BytesIO(contenu)).active
    lignes = [[c.value for c in ligne] for ligne in feuille.iter_rows()]
    assert lignes[0] == ["Stagiaire", "Parcours", "Document", "Échéance", "État", "En attente de",
                         "Année universitaire"]
    assert lignes[1] == ["'=2+3 Eve", "M1 MEEF 1er degré (stage SOPA)",
                         "Compte-rendu du tuteur de stage SOPA (m1 MEEF1 mention 1er degré)",
                         f"{_jours(-2):%d/%m/%Y}", "À remplir", "Anne Fournier", ANNEE]
    assert feuille["A2"].data_type == "s"  # text, never a formula
    assert lignes[2][0] == "MOREAU Léa" and lignes[2][5] == "Hélène Garnier"
    assert len(lignes) == 3
    with Session(monde["base"]) as session:
        assert session.get(DocumentDuDossier, monde["ids"][("MOREAU", "cr")]).etat == "a_remplir"


def test_the_daily_command_sends_the_same_reminders_with_the_service_s_links(
        monde, url_base, tmp_path, serveur_smtp, capsys):
    from service.cli import main

    port, recus = serveur_smtp
    environ = {"DATABASE_URL": url_base, "INSPE_DONNEES": str(tmp_path / "d"),
               "INSPE_SORTIES": str(tmp_path / "s"), "INSPE_SMTP": f"smtp://127.0.0.1:{port}",
               "INSPE_COURRIEL": "scolarite@clairval.example"}
    commande = ["dossier-relancer", "--adresse", "https://tutorat.clairval.example/",
                "--annee", ANNEE]
    assert main(commande, environ=environ) == 0
    sortie = capsys.readouterr().out
    assert "relance envoyée : Hélène Garnier <helene.garnier@clairval.example>\n" in sortie
    assert "sans adresse de courriel : Anne Fournier\n" in sortie
    messages = {d[0]: m.get_content() for d, m in recus}
    moreau = monde["inscrits"]["MOREAU"]
    assert (f"https://tutorat.clairval.example/formulaires/compte_rendu_sopa?stagiaire={moreau.id}"
            in messages["helene.garnier@clairval.example"])
    assert "https://tutorat.clairval.example/documents/D-ESSAI-000001/signer" \
        in messages["marc.dumont@clairval.example"]
    # the cron runs again the same day (or the secretariat clicked): nobody twice
    assert main(commande, environ=environ) == 0
    assert "déjà relancé aujourd'hui : Hélène Garnier" in capsys.readouterr().out
    assert len(recus) == 3
    assert main(["dossier-relancer", "--adresse", "tutorat"], environ=environ) == 2
    assert "l'adresse du service web est attendue" in capsys.readouterr().err


def test_only_the_secretariat_and_the_administrateur_may_see_and_act_on_the_campaign():
    from service.personnes import acces
    from service.personnes.comptes import ROLES

    class Compte_:
        def __init__(self, role):
            self.role, self.identifiant, self.id = role, role, 1

    permis = {role for role in ROLES if acces.peut(Compte_(role), "lire", acces.CAMPAGNE)}
    assert permis == {"secretariat", "administrateur"}
    assert {role for role in ROLES if acces.peut(Compte_(role), "remplir", acces.CAMPAGNE)} == permis
    assert not acces.peut(None, "lire", acces.CAMPAGNE)
    assert not acces.peut(Compte_("secretariat"), "supprimer", acces.CAMPAGNE)
