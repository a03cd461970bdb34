"""The audit log on the web (/admin/journal): the administrateur's only, after a recent sign-in;
filters, pages, the chain checked on the page, the export neutralised."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from sqlalchemy import text, update

from service import journal
from service.catalogue.contexte import aujourdhui
from service.personnes.comptes import SessionWeb, maintenant
from service.web import service
from tests.web.outils import texte


@pytest.fixture(scope="module")
def app(app):
    base = service(app)["base"]
    for n in range(60):  # more than a page
        journal.noter(base, "robot (tuteur)", "lecture", f"DOC-{n:03d}", f"stagiaire Durand lu {n}")
    journal.noter(base, "zoe (secretariat)", "formule", "DOC-XLS", "=1+1")
    return app


@pytest.fixture(scope="module")
def admin(connecte):
    return connecte("admin")


def test_only_the_administrateur_sees_it(connecte, client, admin):
    assert "Administration" in texte(admin.get("/"))
    hub = texte(admin.get("/admin"))
    assert "Journal d’audit" in hub
    for qui in ("secretariat", "tuteur", "stagiaire"):
        navigateur = connecte(qui)
        assert "Administration" not in texte(navigateur.get("/"))
        for page in ("/admin", "/admin/journal", "/admin/journal/export.xlsx"):
            assert navigateur.get(page).status_code == 404, (qui, page)
    reponse = client.get("/admin/journal")
    assert reponse.status_code == 302 and "/connexion" in reponse.headers["Location"]


def test_newest_first_paginated_and_filtered(admin):
    page = texte(admin.get("/admin/journal?qui=robot"))
    assert "60 entrées pour ces filtres" in page
    assert page.index("DOC-059") < page.index("DOC-058")  # newest first
    assert "DOC-005" not in page and "Page 1 sur 2" in page
    page2 = texte(admin.get("/admin/journal?qui=robot&page=2"))
    assert "DOC-005" in page2 and "DOC-059" not in page2
    assert "1 entrée" in texte(admin.get("/admin/journal?document=DOC-012"))
    assert "1 entrée" in texte(admin.get("/admin/journal?stagiaire=lu+7&quoi=lecture"))
    assert "Aucune entrée" in texte(admin.get("/admin/journal?quoi=formule&qui=robot"))
    aujourd_hui = aujourdhui().strftime("%d/%m/%Y")
    assert "60 entrées" in texte(admin.get(f"/admin/journal?qui=robot&du={aujourd_hui}&au={aujourd_hui}"))
    assert "Aucune entrée" in texte(admin.get("/admin/journal?qui=robot&au=01/01/2020"))


def test_the_export_neutralises_formulas(admin):
    reponse = admin.get("/admin/journal/export.xlsx?quoi=formule")
    assert reponse.status_code == 200
    feuille = openpyxl.load_workbook(io.BytesIO(reponse.data)).active
    lignes = list(feuille.iter_rows(values_only=True))
    assert lignes[0][0] == "N°" and len(lignes) == 2
    assert lignes[1][5] == "'=1+1" and lignes[1][2] == "zoe (secretariat)"


def test_a_recent_sign_in_is_needed_and_suivant_stays_on_site(app, connecte):
    admin = connecte("admin")
    base = service(app)["base"]
    with base.begin() as connexion:  # every open session signed in 20 minutes ago
        connexion.execute(update(SessionWeb).values(creee_le=maintenant() - dt.timedelta(minutes=20),
                                                    confirmee_le=None))
    reponse = admin.get("/admin/journal?qui=robot")
    assert reponse.status_code == 302
    assert "/admin/confirmer?suivant=/admin/journal?qui%3Drobot" in reponse.headers["Location"]
    cible = reponse.headers["Location"]
    faux = admin.post(cible, {"mot_de_passe": "pas-le-bon"})
    assert faux.status_code == 401 and "Mot de passe incorrect." in texte(faux)
    bon = admin.post(cible, {"mot_de_passe": "demo-admin"})
    assert bon.status_code == 302 and bon.headers["Location"] == "/admin/journal?qui=robot"
    assert "60 entrées" in texte(admin.get("/admin/journal?qui=robot"))
    with base.begin() as connexion:
        connexion.execute(update(SessionWeb).values(confirmee_le=maintenant() - dt.timedelta(minutes=20)))
    ailleurs = admin.post("/admin/confirmer?suivant=https://ailleurs.example/x",
                          {"mot_de_passe": "demo-admin"})
    assert ailleurs.status_code == 302 and ailleurs.headers["Location"] == "/admin"


def test_the_chain_is_checked_on_the_page(app, connecte):
    admin = connecte("admin")
    assert "Journal intègre jusqu’à l’entrée" in texte(admin.get("/admin/journal"))
    base = service(app)["base"]
    with base.begin() as connexion:
        numero = connexion.execute(text("SELECT id FROM journal WHERE document = 'DOC-010'")).scalar()
        connexion.execute(text("UPDATE journal SET detail = 'effacé' WHERE id = :id"), {"id": numero})
    page = texte(admin.get("/admin/journal"))
    assert f"Rupture à l’entrée {numero} : son contenu a été modifié." in page
