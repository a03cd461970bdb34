"""A form published from Word, in Chromium: the administrateur downloads a gabarit « pour Word »,
uploads it back as a new version, renames two fields in the declaration editor, looks at the
preview, publishes; then a tuteur fills the new version. axe-core on the editor and the preview
(pages the accessibility gate's walk does not reach: they follow an upload)."""

from __future__ import annotations

import re

import pytest

from tests.outils import DERNIERE, pdf_texte
from tests.web.navigateur.axe import violations

ID = "fiche_synthese_collectif"
TITRE = "Fiche synthèse du collectif de tuteurs"

NOUVELLE = DERNIERE + 1


@pytest.fixture(scope="module")
def page(chromium, adresse):
    """A French page whose context lets axe's script in despite the service's CSP."""
    contexte = chromium.new_context(locale="fr-FR", bypass_csp=True, accept_downloads=True,
                                    extra_http_headers={"Accept-Language": "fr-FR,fr;q=0.9"},
                                    viewport={"width": 1100, "height": 900})
    yield contexte.new_page()
    contexte.close()


def _se_connecter(page, adresse: str, identifiant: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{adresse}/connexion")
    page.get_by_label("Identifiant", exact=True).fill(identifiant)
    page.get_by_label("Mot de passe", exact=True).fill(f"demo-{identifiant}")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/$"))


def _sur_un_telephone(page, nom: str) -> list[str]:
    """axe-core at 375 px too, and nothing wider than the screen."""
    page.set_viewport_size({"width": 375, "height": 900})
    fautes = [f"{nom} à 375 px : {v}" for v in violations(page)]
    large = page.evaluate("document.documentElement.scrollWidth")
    if large > 375:
        fautes.append(f"{nom} à 375 px : la page défile de côté ({large} px de large)")
    page.set_viewport_size({"width": 1100, "height": 900})
    return fautes


def test_a_form_from_word_renamed_previewed_published_then_filled(page, adresse, tmp_path,
                                                                   captures):
    _se_connecter(page, adresse, "admin")
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Formulaires et gabarits").click()
    with page.expect_download() as telechargement:
        page.get_by_role("link", name=f"Télécharger pour Word : {TITRE}").click()
    word = tmp_path / "synthese 2027.docx"
    telechargement.value.save_as(word)

    page.locator(f"#fichier-{ID}").set_input_files(str(word))
    page.get_by_role("button", name=f"Téléverser la nouvelle version de « {TITRE} »").click()
    page.wait_for_url(re.compile(r"/admin/gabarits/travaux/[^/]+$"))
    assert page.get_by_role("heading", level=1).inner_text() == (
        f"Nouvelle version de « {ID} » : déclaration")
    page.screenshot(path=str(captures / "gabarit-editeur.png"), full_page=True)
    fautes = [f"éditeur : {v}" for v in violations(page)] + _sur_un_telephone(page, "éditeur")
    page.locator("#c-lieu_regroupement-nom").fill("lieu")
    page.locator("#c-lieu_regroupement-libelle").fill("Lieu du regroupement")
    page.locator("#c-date_fiche-nom").fill("date_redaction")
    page.get_by_role("button", name="Enregistrer et voir l’aperçu").click()
    page.wait_for_url(re.compile(r"/apercu$"))

    changements = page.locator("#titre-changements + ul").inner_text()
    assert "Champ ajouté : « Lieu du regroupement » (lieu)" in changements
    assert "Champ retiré : « Lieu du présentiel » (lieu_regroupement)" in changements
    assert "(date_redaction)" in changements
    assert page.get_by_label("Lieu du regroupement *").input_value()  # the example, shown
    assert page.locator("img.page").first.is_visible()
    page.screenshot(path=str(captures / "gabarit-apercu.png"), full_page=True)
    fautes += [f"aperçu : {v}" for v in violations(page)] + _sur_un_telephone(page, "aperçu")
    page.get_by_label(re.compile("J’ai relu le formulaire")).check()
    page.get_by_role("button", name=f"Publier la version {NOUVELLE}").click()
    assert page.get_by_role("status").filter(has_text=f"Version {NOUVELLE} de « {TITRE} » publiée"
                                             ).is_visible()
    assert page.get_by_role("cell", name=re.compile(rf"version {NOUVELLE}, le .* par admin")).is_visible()

    _se_connecter(page, adresse, "tuteur")
    page.goto(f"{adresse}/formulaires/{ID}")
    for selecteur, valeur in (("#collectif", "Collectif du bassin nord"), ("#pilote_nom", "LEBRUN"),
                              ("#pilote_prenom", "Sophie"), ("#numero_regroupement", "2"),
                              ("#date_regroupement", "08/12/2026"), ("#lieu", "Salle Condorcet"),
                              ("#participants-0-nom", "FAURE"), ("#participants-0-prenom", "Julien"),
                              ("#problematique", "Conduire l’entretien après une visite."),
                              ("#reponses_envisagees", "Partir de l’auto-analyse."),
                              ("#date_redaction", "10/12/2026")):
        page.locator(selecteur).fill(valeur)
    page.locator("#participants-0-degre-0").check()
    page.locator("#participants-0-anciennete-0").check()
    page.get_by_role("button", name="Voir le document avant de le valider").click()
    page.wait_for_url(re.compile(r"/brouillons/"))
    pdf = page.request.get(adresse + page.get_by_role("link", name="Ouvrir l’aperçu en PDF")
                           .get_attribute("href")).body()
    assert "Salle Condorcet" in pdf_texte(pdf) and "10/12/2026" in pdf_texte(pdf)
    page.get_by_role("button", name="Valider le document").first.click()
    page.wait_for_url(re.compile(r"/documents/"))
    assert not fautes, "\n".join(fautes)


def test_a_form_without_controls_its_proposed_fields_reviewed(page, adresse, tmp_path, captures):
    """« Champs proposés »: the document with each proposal highlighted, one dropped, one renamed;
    the editor then shows the fields kept, with a way back to the proposals. axe-core on it."""
    from tests.conception.word import sans_controles

    word = tmp_path / "fiche de visite.docx"
    word.write_bytes(sans_controles())
    _se_connecter(page, adresse, "admin")
    page.goto(f"{adresse}/admin/gabarits")
    page.locator("#nouvel-id").fill("fiche_visite")
    page.locator("#fichier-nouveau").set_input_files(str(word))
    page.get_by_role("button", name="Téléverser le nouveau formulaire").click()
    page.wait_for_url(re.compile(r"/propositions$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Champs proposés de « fiche_visite »"
    assert page.locator("mark.proposition").first.is_visible()
    page.screenshot(path=str(captures / "gabarit-propositions.png"), full_page=True)
    fautes = [f"propositions : {v}" for v in violations(page)]
    fautes += _sur_un_telephone(page, "propositions")
    ligne = page.locator("fieldset", has=page.get_by_role("link", name="voir dans le document")
                         ).filter(has_text="« Établissement »")
    ligne.get_by_label("Garder ce champ").uncheck()
    nom = page.locator("fieldset").filter(has_text="« Nom »").first
    nom.get_by_label("Nom technique").fill("Nom Stagiaire")
    nom.get_by_label("Libellé").fill("Nom du stagiaire")
    page.get_by_role("button", name="Écrire ces champs dans le document et continuer").click()
    assert page.locator("#resume-erreurs").filter(has_text="nom « Nom Stagiaire » invalide"
                                                  ).is_visible()
    fautes += [f"propositions en erreur : {v}" for v in violations(page)]
    nom = page.locator("fieldset").filter(has_text="« Nom »").first
    assert nom.get_by_label("Libellé").input_value() == "Nom du stagiaire"  # nothing lost
    nom.get_by_label("Nom technique").fill("nom_stagiaire")
    page.get_by_role("button", name="Écrire ces champs dans le document et continuer").click()
    page.wait_for_url(re.compile(r"/admin/gabarits/travaux/[^/]+$"))
    assert page.locator("#c-nom_stagiaire-libelle").input_value() == "Nom du stagiaire"
    assert page.locator("#c-etablissement-nom").count() == 0
    page.get_by_role("link", name="Revoir les champs proposés").click()
    page.wait_for_url(re.compile(r"/propositions$"))
    assert not page.locator("fieldset").filter(has_text="« Établissement »").get_by_label(
        "Garder ce champ").is_checked()  # the choices made are shown again
    assert not fautes, "\n".join(fautes)
