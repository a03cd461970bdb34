"""What a person reads after signing and of their drafts: the « Signature apposée » message,
each version of a document said signed or not (by whom, when), the sign page never offering a
next version it will not make, the drafts saying whom they are for; and every time in Paris
time, whatever the zone a moment was written in (13:21 UTC in December is 14:21 in Paris)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.archive import documents as dossiers
from service.catalogue.contexte import date_fr
from service.catalogue.generation import FUSEAU, generer
from service.personnes.comptes import Compte, authentifier
from service.web import moteur, service
from tests.web.outils import texte, trace_de_signature


def lisible(reponse) -> str:
    """The page's text as read: tags off, entities and spaces as one."""
    sans_balises = re.sub(r"<[^>]+>", " ", texte(reponse))
    return re.sub(r"\s+", " ", html.unescape(sans_balises))


@pytest.mark.parametrize("quand,attendu", [
    ("2026-12-04T13:21:00+00:00", "04/12/2026 à 14:21"),  # winter: UTC+1
    ("2026-07-04T12:21:00Z", "04/07/2026 à 14:21"),  # summer: UTC+2
    ("2026-12-04T23:30:00+00:00", "05/12/2026 à 00:30"),  # the day changes too
    ("2026-12-04T14:21:00+01:00", "04/12/2026 à 14:21"),  # already Paris time
    ("2026-12-04T14:21:00", "04/12/2026 à 14:21"),  # no zone said: as written
    (dt.datetime(2026, 12, 4, 13, 21, tzinfo=dt.UTC), "04/12/2026 à 14:21"),
    ("04/12/2026 14:21", "04/12/2026 14:21"),  # a text that is no ISO date: as it is
])
def test_every_time_shown_is_paris_time(quand, attendu):
    assert date_fr(quand, heure=True) == attendu


def _document_du_tuteur(app, catalogue) -> str:
    """A compte-rendu kept by the demo tuteur (Hélène Garnier), unsigned: its numéro."""
    with app.app_context():
        document = generer(catalogue, "compte_rendu_sopa",
                           catalogue.gabarit("compte_rendu_sopa").formulaire.exemple)
        pool, sceau = moteur(app)
        from service.pdf.production import produire_pdfs
        (pdf,) = produire_pdfs([document], pool, sceau)
    tuteur = authentifier(service(app)["base"], "tuteur", "demo-tuteur")
    dossiers.enregistrer(service(app)["config"].sorties, document, pdf, auteur=tuteur.id)
    return document.numero


def _fiche(app, numero: str) -> Path:
    return dossiers.racine(service(app)["config"].sorties) / numero / "document.json"


def test_after_signing_it_is_said_and_each_version_says_who_signed_it_and_when(
        app, connecte, catalogue):
    numero = _document_du_tuteur(app, catalogue)
    navigateur = connecte("tuteur")
    signer = f"/documents/{numero}/signer"
    avant = lisible(navigateur.get(signer))
    assert ("Votre signature produira la version 2 ; la version 1 reste gardée telle quelle."
            in avant)
    assert "Toutes les signatures" not in avant

    reponse = navigateur.post(signer, {"champ": "signature_tuteur", "trace": trace_de_signature()})
    assert reponse.status_code == 302 and reponse.headers["Location"] == f"/documents/{numero}"
    page = texte(navigateur.get(reponse.headers["Location"]))
    # said where a screen reader says it, once, on the page one lands on
    annonce = re.search(r'<p class="info" role="status">(Signature apposée[^<]*)</p>', page)
    assert annonce is not None
    assert "Signature apposée : Hélène Garnier (tuteur ou tutrice de terrain), signé le" in \
        html.unescape(annonce.group(1))
    maintenant = dt.datetime.now(FUSEAU)
    versions = lisible(navigateur.get(f"/documents/{numero}"))
    assert "Version 1 : non signée" in versions
    heure = re.search(r"Version 2 : signée par Hélène Garnier \(tuteur ou tutrice de terrain\) "
                      r"le (\d\d/\d\d/\d{4}) à (\d\d:\d\d)", versions)
    assert heure is not None, versions
    signee = dt.datetime.strptime(" ".join(heure.groups()), "%d/%m/%Y %H:%M").replace(
        tzinfo=FUSEAU)
    assert abs(signee - maintenant) < dt.timedelta(minutes=2)  # now, in Paris time

    # the sign page: complete, it offers no next version
    apres = lisible(navigateur.get(signer))
    assert "Toutes les signatures de ce document sont apposées." in apres
    assert "produira" not in apres and "Voici ce que vous signez" not in apres

    # a version written in UTC (a moment says its zone): read in Paris time
    fiche = json.loads(_fiche(app, numero).read_text(encoding="utf-8"))
    fiche["versions"][1]["genere_le"] = "2026-12-04T13:21:00+00:00"
    _fiche(app, numero).write_text(json.dumps(fiche, ensure_ascii=False), encoding="utf-8")
    assert ("Version 2 : signée par Hélène Garnier (tuteur ou tutrice de terrain) le 04/12/2026 "
            "à 14:21") in lisible(navigateur.get(f"/documents/{numero}"))


def _brouillon(app, identifiant: str, contenu: dict) -> None:
    """A saved draft, as the form's « Enregistrer le brouillon » writes it."""
    with Session(service(app)["base"]) as session:
        compte_id = session.scalar(select(Compte.id).where(Compte.identifiant == identifiant))
    dossier = service(app)["config"].sorties / "saisies" / str(compte_id)
    dossier.mkdir(parents=True, exist_ok=True)
    (dossier / ("b" * 32 + ".json")).write_text(json.dumps(contenu, ensure_ascii=False),
                                                encoding="utf-8")


def test_drafts_say_whom_they_are_for_and_when_in_paris_time(app, connecte):
    navigateur = connecte("inspecteur")
    _brouillon(app, "inspecteur", {
        "gabarit_id": "compte_rendu_sopa", "titre": "Compte-rendu de stage SOPA",
        "donnees": {"stagiaire_nom": "Moreau", "stagiaire_prenom": "Léa"},
        "stagiaire_id": None, "stagiaire": "", "enregistre_le": "2026-12-04T13:21:00+00:00"})
    page = lisible(navigateur.get("/formulaires"))
    assert ("Pour Léa MOREAU (nom saisi dans le formulaire, hors de la liste des stagiaires)"
            in page)
    assert "Enregistré le 04/12/2026 à 14:21" in page  # 13:21 UTC: 14:21 in Paris
    assert "Reprendre : Compte-rendu de stage SOPA pour Léa MOREAU" in page

    # saved from the form now: kept with its zone, shown in Paris time
    navigateur = connecte("tuteur")
    reponse = navigateur.post("/formulaires/compte_rendu_sopa", {
        "stagiaire_nom": "Durand", "action": "enregistrer"})
    assert reponse.status_code == 302
    page = lisible(navigateur.get("/formulaires"))
    quand = re.search(r"Enregistré le (\d\d/\d\d/\d{4} à \d\d:\d\d)", page).group(1)
    assert abs(dt.datetime.strptime(quand, "%d/%m/%Y à %H:%M").replace(tzinfo=FUSEAU)
               - dt.datetime.now(FUSEAU)) < dt.timedelta(minutes=2)
    assert "Pour DURAND (nom saisi dans le formulaire" in page
