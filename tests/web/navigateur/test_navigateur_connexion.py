"""Signing in from a link, signing, drafts and a locked account, as the demo tuteur sees them in
Chromium: the link's page after sign-in, « Signature apposée » announced, each version said
signed or not, the drafts saying whom they are for at Paris time, and how long a lock lasts."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.personnes.comptes import Compte, creer_compte
from service.web import service
from tests.web.outils import Navigateur, avec_dossiers_de_demo, tracer_une_signature


@pytest.fixture(scope="module")
def app(app):
    # in a thread of its own: the seal runs asyncio, and Playwright's loop runs in this one
    with ThreadPoolExecutor(1) as fil:
        fil.submit(avec_dossiers_de_demo, app).result()
    return app


def _se_connecter(page, identifiant: str, mot_de_passe: str | None = None) -> None:
    page.get_by_label("Identifiant", exact=True).fill(identifiant)
    page.get_by_label("Mot de passe", exact=True).fill(mot_de_passe or f"demo-{identifiant}")
    page.get_by_role("button", name="Se connecter").click()


def test_a_link_opened_signed_out_leads_there_then_the_signature_is_announced(
        page, adresse, captures):
    # the tuteur's sign page, as an e-mail links to it; signed in, the link's numéro
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{adresse}/connexion")
    _se_connecter(page, "tuteur")
    page.wait_for_url(f"{adresse}/")
    lien = page.get_by_role("link", name=re.compile("Signer : Parcours d’individualisation"))
    signer = lien.get_attribute("href")
    page.get_by_role("button", name="Se déconnecter").click()

    page.goto(f"{adresse}{signer}")
    page.wait_for_url(re.compile(r"/connexion\?suivant="))
    assert page.get_by_role("status").filter(
        has_text="la page demandée s’ouvrira ensuite").is_visible()
    page.screenshot(path=str(captures / "connexion-suivant.png"), full_page=True)
    _se_connecter(page, "tuteur")
    page.wait_for_url(f"{adresse}{signer}")  # the page asked for, not the home page
    assert page.get_by_role("heading", level=1).inner_text() == "Signer le document"

    tracer_une_signature(page)
    page.get_by_role("button", name=re.compile("Signer la version")).click()
    page.wait_for_url(re.compile(r"/documents/[^/]+$"))
    annonce = page.get_by_role("status").filter(has_text="Signature apposée")
    assert annonce.is_visible()
    assert "Hélène Garnier (tuteur ou tutrice de terrain), signé le" in annonce.inner_text()
    versions = page.locator(".telechargements").inner_text()
    assert "Version 1 : non signée" in versions
    assert re.search(r"Version 2 : signée par .+ le \d\d/\d\d/\d{4} à \d\d:\d\d", versions)
    assert re.search(r"Version 3 : signée par .+, et par Hélène Garnier \(tuteur ou tutrice "
                     r"de terrain\) le \d\d/\d\d/\d{4} à \d\d:\d\d", versions), versions
    page.screenshot(path=str(captures / "signature-apposee-1280.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 812})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(captures / "signature-apposee-375.png"), full_page=True)


def test_drafts_say_whom_they_are_for_at_paris_time(page, adresse, app, captures):
    with Session(service(app)["base"]) as session:
        tuteur = session.scalar(select(Compte.id).where(Compte.identifiant == "tuteur"))
    dossier = service(app)["config"].sorties / "saisies" / str(tuteur)
    (dossier / ("c" * 32 + ".json")).write_text(json.dumps({
        "gabarit_id": "compte_rendu_sopa", "titre": "Compte-rendu de stage SOPA",
        "donnees": {"stagiaire_nom": "Roussel", "stagiaire_prenom": "Jade"},
        "stagiaire_id": None, "stagiaire": "",
        "enregistre_le": "2026-12-04T13:21:00+00:00"}), encoding="utf-8")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{adresse}/formulaires")
    cartes = page.locator(".liste-cartes").first
    assert cartes.locator(".brouillon-pour", has_text="Pour Hugo BERNARD").is_visible()
    carte = cartes.locator("li").filter(has_text="Jade ROUSSEL")
    assert "Pour Jade ROUSSEL (nom saisi dans le formulaire" in carte.inner_text()
    assert "Enregistré le 04/12/2026 à 14:21" in carte.inner_text()  # 13:21 UTC
    page.screenshot(path=str(captures / "brouillons-1280.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 812})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(captures / "brouillons-375.png"), full_page=True)


def test_a_locked_account_is_told_for_how_long(page, adresse, app, captures):
    creer_compte(service(app)["base"], "etourdi", "Paul Étourdi", "tuteur", "demo-etourdi")
    ailleurs = Navigateur(app)
    ailleurs.client.environ_base["REMOTE_ADDR"] = "198.18.7.7"
    for _ in range(10):
        assert ailleurs.connexion("etourdi", "mauvais").status_code == 401
    page.set_viewport_size({"width": 375, "height": 812})
    page.get_by_role("button", name="Se déconnecter").click()
    _se_connecter(page, "etourdi")
    alerte = page.get_by_role("alert")
    assert ("Trop de tentatives sur ce compte : réessayez dans 10 minutes"
            in alerte.inner_text())
    page.screenshot(path=str(captures / "connexion-bloquee-375.png"), full_page=True)
