"""A form's errors as the DSFR/RGAA pattern has them, and dates as a French reader types them.

The summary counts its errors in real French (« 1 erreur », « 3 erreurs »), links each one to its
field (href="#<id of a field one can focus>"), takes the focus (tabindex="-1" autofocus), and each
field's message is tied to it (aria-describedby). « rien n’a été perdu de votre saisie » is said
only once the person has typed something: not over values read from an uploaded file.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from service.catalogue.generation import generer
from tests.web.outils import deposer, texte


def _resume(page: str) -> str:
    debut = page.index('id="resume-erreurs"')
    return page[debut:page.index("</div>", debut)]


def _liens(resume: str) -> list[str]:
    return re.findall(r'<a href="#([^"]+)">', resume)


def _champ(page: str, id_: str) -> str:
    """The opening tag of the field with this id."""
    return re.search(rf'<(?:input|textarea)[^>]*\bid="{re.escape(id_)}"[^>]*>', page).group(0)


@pytest.fixture(scope="module")
def compte_rendu(catalogue) -> dict:
    exemple = catalogue.gabarit("compte_rendu_sopa").formulaire.exemple
    donnees = {k: v for k, v in exemple.items() if isinstance(v, (str, int))}
    return dict(donnees, activites=exemple["activites"], action="apercu")


def test_one_error_is_said_in_the_singular_and_links_to_its_field(connecte, compte_rendu):
    reponse = connecte("tuteur").post("/formulaires/compte_rendu_sopa",
                                      dict(compte_rendu, demi_journees_absence="deux"))
    assert reponse.status_code == 400
    page = texte(reponse)
    resume = _resume(page)
    assert "Le formulaire contient 1 erreur : rien n’a été perdu de votre saisie." in resume
    assert ('<a href="#demi_journees_absence">Nombre de ½ journées d’absence : « deux » '
            "n’est pas un nombre entier</a>") in resume
    assert 'tabindex="-1" autofocus' in resume and "resume.js" in page
    champ = _champ(page, "demi_journees_absence")
    assert 'aria-invalid="true"' in champ
    assert "demi_journees_absence-erreur" in re.search(r'aria-describedby="([^"]+)"', champ).group(1)
    assert page.count('id="demi_journees_absence-erreur"') == 1


def test_every_error_links_to_a_field_one_can_focus_groups_and_choices_too(connecte):
    reponse = connecte("tuteur").post("/formulaires/fiche_synthese_collectif",
                                      {"collectif": "X", "action": "apercu"})
    assert reponse.status_code == 400
    page = texte(reponse)
    resume = _resume(page)
    liens = _liens(resume)
    (nombre,) = re.findall(r"Le formulaire contient (\d+) erreurs : ", resume)
    assert int(nombre) == len(liens) == resume.count("<li>") and "(s)" not in resume.split("</h2>")[0]
    for id_ in liens:  # an input or text area (a choice's first option), never a fieldset
        assert _champ(page, id_)
    # the group's own error (no line filled) leads to its first line, and is shown there too
    assert any(re.fullmatch(r"participants-0-\w+", id_) for id_ in liens), liens
    assert 'id="participants-erreur"' in page


def test_dates_are_typed_and_shown_jj_mm_aaaa_whatever_the_browser(connecte, compte_rendu):
    tuteur = connecte("tuteur")
    page = texte(tuteur.get("/formulaires/compte_rendu_sopa"))
    assert 'type="date"' not in page  # the browser's widget would show its own format
    champ = _champ(page, "periode_debut")
    assert 'type="text"' in champ and 'pattern="[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}"' in champ
    reponse = tuteur.post("/formulaires/compte_rendu_sopa",
                          dict(compte_rendu, periode_debut="5/10/2026", demi_journees_absence="x"))
    assert 'value="5/10/2026"' in texte(reponse)  # given back as typed


def test_nothing_lost_is_said_only_once_the_person_has_typed(connecte, catalogue):
    exemple = catalogue.gabarit("compte_rendu_sopa").formulaire.exemple
    docx = generer(catalogue, "compte_rendu_sopa", exemple).docx
    # two numbers a person typed as words in Word
    entree, sortie = zipfile.ZipFile(io.BytesIO(docx)), io.BytesIO()
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as copie:
        for element in entree.infolist():
            contenu = entree.read(element)
            if element.filename == "word/document.xml":
                for tag, mot in ((b"demi_journees_absence", b"deux"),
                                 (b"seances_animees_etapes_1_2", b"trois")):
                    contenu = re.sub(rb'(<w:tag w:val="' + tag + rb'"/>.*?<w:t[^>]*>)[^<]*(</w:t>)',
                                     rb"\g<1>" + mot + rb"\g<2>", contenu, count=1, flags=re.S)
            copie.writestr(element, contenu)
    tuteur = connecte("tuteur")
    reponse = deposer(tuteur, sortie.getvalue(), "compte-rendu MOREAU.docx")
    assert reponse.status_code == 302
    verification = reponse.headers["Location"]

    page = texte(tuteur.get(verification))
    resume = _resume(page)
    assert "2 valeurs lues dans le document sont à corriger avant d’archiver." in resume
    assert "perdu" not in page  # nothing was typed: the values are the file's
    assert _liens(resume) == ["demi_journees_absence", "seances_animees_etapes_1_2"]

    formulaire = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    reponse = tuteur.post(verification, dict(formulaire, seances_animees_etapes_1_2="3",
                                                 action="archiver"))
    assert reponse.status_code == 400
    resume = _resume(texte(reponse))
    assert "1 valeur à corriger avant d’archiver : rien n’a été perdu de votre saisie." in resume
