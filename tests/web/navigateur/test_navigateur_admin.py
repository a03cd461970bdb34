"""The administration in Chromium, as the administrateur and the secretariat go through it: the
hub, an account created then disabled (the flash, its link to the campaign where its slot is
given to someone else), the audit log filtered and said intact, the password asked again after
15 minutes, « Mes sessions » ending another session, and « Mot de passe oublié ? » from the
sign-in page to the link received, the password chosen and the sign-in."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.catalogue.contexte import aujourdhui
from service.personnes.comptes import SessionWeb
from service.web import service
from tests.web.navigateur.axe import violations
from tests.web.outils import campagne_en_retard


@pytest.fixture(scope="module")
def reglages(serveur_smtp_du_module) -> dict:
    port, _ = serveur_smtp_du_module
    return {"smtp": f"smtp://127.0.0.1:{port}", "courriel": "secretariat@clairval.example"}


@pytest.fixture(scope="module")
def app(app, catalogue):
    """The late documents of tests/web/outils.py; DUVAL Hugo's parcours waits for the IEN's
    signature (Sylvie Dumont, « inspecteur »), kept as the service keeps a document."""
    campagne_en_retard(service(app)["base"], catalogue, aujourdhui(),
                       service(app)["config"].sorties)
    return app


def _axe(page, nom: str, captures) -> list[str]:
    """axe-core's violations on a state of a page the accessibility gate's walk does not meet
    (a disabled account; test_accessibilite.py walks the demo's pages)."""
    page.screenshot(path=str(captures / f"{nom}.png"), full_page=True)
    return [f"{nom} : {v}" for v in violations(page)]


@pytest.fixture(scope="module")
def page(chromium, adresse):
    """A French page whose context lets axe's script in despite the service's CSP."""
    contexte = chromium.new_context(locale="fr-FR", bypass_csp=True,
                                    extra_http_headers={"Accept-Language": "fr-FR,fr;q=0.9"},
                                    viewport={"width": 1100, "height": 900})
    yield contexte.new_page()
    contexte.close()


def _se_connecter(page, adresse: str, identifiant: str, mot_de_passe: str | None = None) -> None:
    page.goto(f"{adresse}/connexion")
    page.get_by_label("Identifiant", exact=True).fill(identifiant)
    page.get_by_label("Mot de passe", exact=True).fill(mot_de_passe or f"demo-{identifiant}")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/$"))


def _lien_recu(messages, destinataire: str) -> str:
    fin = time.monotonic() + 10
    while time.monotonic() < fin:
        corps = [m.get_content() for a, m in messages if destinataire in a]
        if corps:
            return re.search(r"https?://\S+/mot-de-passe/\S+", corps[-1]).group(0)
        time.sleep(0.05)
    raise AssertionError(f"aucun courriel pour {destinataire}")


def _statut(page, texte: str):
    return page.get_by_role("status").filter(has_text=texte)


def test_the_administrateur_s_pages(page, adresse, app, captures):
    _se_connecter(page, adresse, "admin")
    page.get_by_role("link", name="Administration").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Administration"
    page.get_by_role("link", name="Comptes", exact=True).click()
    page.wait_for_url(f"{adresse}/admin/comptes")

    # an account created: its link is sent
    page.get_by_label("Identifiant", exact=True).fill("p.nouvel")
    page.get_by_label("Nom et prénom").fill("Paul Nouvel")
    page.get_by_label("Rôle", exact=True).select_option(label="Inspecteur (IA-IPR / IEN)")
    page.get_by_label("Adresse électronique", exact=True).fill("p.nouvel@clairval.example")
    page.get_by_role("button", name="Créer le compte").click()
    assert _statut(page, "Compte « p.nouvel » créé : un lien pour choisir son mot de passe a "
                         "été envoyé à p.nouvel@clairval.example.").is_visible()

    # the IEN's account disabled: the flash says what it leaves, and where to give it away
    page.get_by_role("button", name="Désactiver inspecteur").click()
    annonce = _statut(page, "Compte « inspecteur » désactivé")
    assert "Il laisse 1 signature ou rédaction en attente" in annonce.inner_text()
    fautes = _axe(page, "admin-comptes-desactive", captures)  # its « Supprimer » too
    annonce.get_by_role("link", name="réattribuer depuis la campagne").click()
    page.wait_for_url(f"{adresse}/campagne#desactives")
    section = page.get_by_role("region", name="Signatures en attente d’un compte désactivé")
    ligne = section.get_by_role("row").filter(has_text="DUVAL Hugo")
    assert "Sylvie Dumont" in ligne.inner_text()
    fautes += _axe(page, "campagne-compte-desactive", captures)
    assert not fautes, "\n".join(fautes)
    ligne.get_by_label(re.compile("Nouveau compte")).select_option(label="Paul Nouvel (p.nouvel)")
    ligne.get_by_role("button", name=re.compile("Réattribuer")).click()
    assert _statut(page, "« inspecteur » remplacé par « p.nouvel »").is_visible()
    assert _statut(page, "Courriel « document à signer » envoyé à : p.nouvel.").is_visible()
    assert page.get_by_role("heading", name="Signatures en attente d’un compte désactivé").count() == 0

    # the audit log, filtered, and said intact
    page.goto(f"{adresse}/admin")
    page.get_by_role("link", name="Journal d’audit").click()
    assert re.fullmatch(r"Journal intègre jusqu’à l’entrée \d+\.",
                        _statut(page, "Journal intègre").inner_text())
    page.get_by_label("Action").select_option("poste_reattribue")
    page.get_by_role("button", name="Afficher").click()
    assert page.get_by_role("heading", name="1 entrée pour ces filtres").is_visible()
    assert "IEN ou IA-IPR : inspecteur → p.nouvel" in page.locator("table").inner_text()

    # 16 minutes after signing in: the password again, then the page asked for
    with Session(service(app)["base"]) as session, session.begin():
        for ouverte in session.scalars(select(SessionWeb)):
            ouverte.creee_le -= dt.timedelta(minutes=16)
            ouverte.confirmee_le = None
    page.goto(f"{adresse}/admin/comptes?q=nouvel")
    page.wait_for_url(re.compile(r"/admin/confirmer\?suivant="))
    assert page.get_by_role("heading", level=1).inner_text() == "Confirmer votre mot de passe"
    page.get_by_label("Mot de passe").fill("demo-admin")
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url(f"{adresse}/admin/comptes?q=nouvel")
    assert page.get_by_role("cell", name="Paul Nouvel").is_visible()


def test_my_sessions_and_a_forgotten_password(page, adresse, chromium, serveur_smtp_du_module,
                                              captures):
    _, messages = serveur_smtp_du_module
    # « Mes sessions »: the tuteur signed in elsewhere ends that other session
    ailleurs = chromium.new_context(locale="fr-FR")
    autre = ailleurs.new_page()
    _se_connecter(autre, adresse, "tuteur")
    _se_connecter(page, adresse, "tuteur")
    page.get_by_role("link", name="Mes sessions").click()
    assert page.get_by_role("heading", name="2 sessions ouvertes").is_visible()
    page.get_by_role("button", name="Terminer toutes les autres sessions").click()
    assert page.get_by_role("heading", name="1 session ouverte").is_visible()
    autre.goto(f"{adresse}/")
    autre.wait_for_url(re.compile(r"/connexion"))
    ailleurs.close()
    page.get_by_role("button", name="Se déconnecter").click()

    # « Mot de passe oublié ? »: the link received, a password chosen, signed in with it
    page.goto(f"{adresse}/connexion")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    page.get_by_label("Adresse électronique du compte").fill("tuteur@clairval.example")
    page.get_by_role("button", name="Recevoir un lien").click()
    assert _statut(page, "Si un compte correspond à cette adresse").is_visible()
    page.goto(_lien_recu(messages, "tuteur@clairval.example"))
    page.get_by_label("Nouveau mot de passe").fill("une phrase de passe neuve")
    page.get_by_label("Le même, une seconde fois").fill("une phrase de passe neuve")
    page.screenshot(path=str(captures / "mot-de-passe-choisir.png"), full_page=True)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    page.wait_for_url(re.compile(r"/connexion"))
    assert _statut(page, "Mot de passe enregistré : connectez-vous.").is_visible()
    _se_connecter(page, adresse, "tuteur", "une phrase de passe neuve")
    assert page.get_by_role("button", name="Se déconnecter").is_visible()
