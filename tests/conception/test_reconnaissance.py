"""Word is the form designer: a Word-authored form's controls become declared fields, and the
gabarit compiled from it renders and reads back like a shipped one, printing whatever its author
typed as typed."""

from __future__ import annotations

import difflib
import json
import time
import zipfile
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from lxml import etree

from service.catalogue.contexte import contexte
from service.catalogue.declaration import charger, lire
from service.catalogue.etablissement import charger_etablissement
from service.catalogue.extraction import extraire
from service.catalogue.gabarits import Gabarit, verifier_concordance
from service.catalogue.marques import verifier_marques
from service.catalogue.rendu import GabaritCompile
from service.catalogue.validation import valider
from service.conception.pour_word import pour_word
from service.conception.reconnaissance import reconnaitre
from tests.conception.word import (
    case,
    date,
    formulaire,
    groupe_word,
    image,
    lignes_repetees,
    liste,
    p,
    r,
    section_de_paragraphes,
    section_repetable,
    tableau,
    texte_brut,
    texte_riche,
)
from tests.outils import RACINE

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCUMENT = {"id": "d", "numero": "20261204-ABC123", "version": 1, "genere_le": "04/12/2026 10:00"}
MANIFESTE = json.loads((RACINE / "gabarits" / "manifeste.json").read_text())
DERNIERES = {id_: max(map(int, versions)) for id_, versions in MANIFESTE.items()}


@pytest.fixture(scope="module")
def instance():
    return charger_etablissement().parametres


def _declaration(reconnu, id_: str, version: int):
    return lire(yaml.safe_dump(reconnu.declaration, allow_unicode=True),
                f"formulaires/{id_}/v{version}.yaml")


def _rendre(docx: bytes, formulaire, valeurs: dict, instance, tmp_path: Path) -> dict[str, str]:
    chemin = tmp_path / f"{formulaire.id}-{time.monotonic_ns()}.docx"
    chemin.write_bytes(docx)
    return GabaritCompile(chemin).rendre_parties(
        contexte(formulaire, valeurs, instance=instance, document=DOCUMENT))


def _concorde(docx: bytes, formulaire, tmp_path: Path) -> None:
    """What the catalogue checks when it loads a gabarit: template and declaration agree."""
    chemin = tmp_path / f"concordance-{formulaire.id}.docx"
    chemin.write_bytes(docx)
    verifier_concordance(Gabarit(formulaire.id, formulaire.version, formulaire, chemin),
                         GabaritCompile(chemin))


def _lignes(parties: dict[str, str]) -> list[str]:
    lignes = []
    for nom in sorted(parties):
        for p_ in etree.fromstring(parties[nom].encode()).iter(f"{W}p"):
            texte = "".join(t.text or "" for t in p_.iter(f"{W}t"))
            if texte.strip():
                lignes.append(texte)
    return lignes


def _champs(champs, entier_en_texte=True):
    """Names, types, choices, group columns and signers, by name."""
    return {c.nom: ("texte" if c.type == "entier" and entier_en_texte else c.type, c.choix,
                    _champs(c.champs, entier_en_texte), c.signe_par) for c in champs}


@pytest.mark.parametrize("id_", sorted(DERNIERES))
def test_shipped_gabarits_exported_for_word_come_back_field_for_field(id_, instance, tmp_path):
    version = DERNIERES[id_]
    livre = charger(RACINE / "formulaires" / id_ / f"v{version}.yaml")
    gabarit = (RACINE / "gabarits" / id_ / f"v{version}.docx").read_bytes()
    word = pour_word(gabarit)
    with zipfile.ZipFile(BytesIO(word)) as z:
        assert [n for n in z.namelist() if n.endswith((".xml", ".rels"))
                and (b"{{" in z.read(n) or b"{%" in z.read(n))] == []

    reconnu = reconnaitre(word, id_, version)
    # Word has no whole-number control: an « entier » comes back as a short text...
    assert _champs(_declaration(reconnu, id_, version).champs) == _champs(livre.champs)
    # ...and keeps its type when the previous declaration is given, as for a new version.
    _concorde(reconnu.gabarit, _declaration(reconnu, id_, version), tmp_path)
    repris = _declaration(reconnaitre(word, id_, version, precedente=livre), id_, version)
    assert _champs(repris.champs, False) == _champs(livre.champs, False)
    assert (repris.parcours, repris.redige_par) == (livre.parcours, livre.redige_par)

    valeurs = valider(livre, livre.exemple)
    attendu = _lignes(_rendre(gabarit, livre, valeurs, instance, tmp_path))
    obtenu = _lignes(_rendre(reconnu.gabarit, livre, valeurs, instance, tmp_path))
    assert obtenu == attendu, "\n".join(difflib.unified_diff(attendu, obtenu, lineterm=""))
    # the text of the first line and of the following ones, a group of one item and of several
    varie = {"accompagnement_renforce_m2ca": ("Bilan intermédiaire\xa0:",
                                              "Nouveau bilan intermédiaire\xa0:"),
             "lettre_mission_sopa": ("Délégué de stage", "Délégués de stage")}
    assert set(varie.get(id_, ())) <= set(obtenu)


def _formulaire_complet() -> bytes:
    return formulaire(
        p(r("Fiche de visite")),
        p(r("Nom : "), texte_brut("Nom élève", "Nom de l’élève", aide="En capitales.")),
        p(r("Établissement : "), texte_brut("instance", "Établissement")),
        texte_riche("observations", "Observations"),
        p(r("Date : "), date("date_visite", "Date de la visite", "d MMMM yyyy")),
        p(r("Niveau : "), liste("niveau", "Niveau", ["CP", "CE1", "CE2"])),
        p(r("Discipline : "), liste("discipline", "Discipline", ["Français", "EPS"], combo=True)),
        p(case("activites_1"), r(" Observation "), case("activites_2"), r(" Conduite :")),
        groupe_word("Avis", p(case("avis.fav"), r(" Favorable")),
                    p(case("avis.defav"), r(" Défavorable"))),
        section_repetable("visites", "Visites", date("date", "Date"), texte_brut("objet", "Objet"),
                          case("format#1", "Présentiel") + case("format#2", "Distanciel")),
        p(r("Académie : "), texte_brut("instance.academie")),
        p(case("seule"), r(" J’atteste")),
        p(image("signature_tuteur", "Signature du tuteur")),
    )


def test_a_new_form_made_in_word_with_every_kind_of_control(instance, tmp_path):
    reconnu = reconnaitre(_formulaire_complet(), "fiche_visite")
    declaration = _declaration(reconnu, "fiche_visite", 1)
    assert {c.nom: (c.type, c.libelle, c.choix) for c in declaration.champs} == {
        "nom_eleve": ("texte", "Nom de l’élève", ()),
        "instance_2": ("texte", "Établissement", ()),
        "observations": ("texte_long", "Observations", ()),
        "date_visite": ("date", "Date de la visite", ()),
        "niveau": ("choix", "Niveau", ("CP", "CE1", "CE2")),
        "discipline": ("choix", "Discipline", ("Français", "EPS")),
        "activites": ("choix_multiple", "Activites", ("Observation", "Conduite")),
        "avis": ("choix", "Avis", ("Favorable", "Défavorable")),
        "visites": ("groupe", "Visites", ()),
        "signature_tuteur": ("signature", "Signature du tuteur", ()),
    }
    _concorde(reconnu.gabarit, declaration, tmp_path)
    assert declaration.champ("nom_eleve").aide == "En capitales."
    assert declaration.champ("niveau").affichage == "liste"
    assert _champs(declaration.champ("visites").champs) == {
        "date": ("date", (), {}, None), "objet": ("texte", (), {}, None),
        "format": ("choix", ("Présentiel", "Distanciel"), {}, None)}
    assert declaration.signe_par == {"signature_tuteur": "tuteur_terrain"}
    alertes = " ".join(reconnu.alertes)
    for mot in ("« Nom élève » renommé « nom_eleve »", "« instance » renommé",
                "case à cocher isolée « seule »", "modifiable"):
        assert mot in alertes

    # Rendered and read back by the existing extraction, like a shipped gabarit.
    valeurs = valider(declaration, {**declaration.exemple, "activites": ["Conduite"],
                                    "avis": "Défavorable", "date_visite": "03/12/2026"})
    (tmp_path / "g.docx").write_bytes(reconnu.gabarit)
    docx = GabaritCompile(tmp_path / "g.docx").rendre(
        contexte(declaration, valeurs, instance=instance, document=DOCUMENT),
        {"gabarit_id": "fiche_visite", "gabarit_version": "1"})
    texte = "\n".join(_lignes({"d": zipfile.ZipFile(BytesIO(docx)).read(
        "word/document.xml").decode()}))
    assert "Académie : " + instance["academie"] in texte and "03/12/2026" in texte
    catalogue = SimpleNamespace(gabarit=lambda *_: SimpleNamespace(formulaire=declaration))
    relu = extraire(docx, catalogue)
    assert relu.erreurs == []
    lus = ("activites", "avis", "niveau", "visites", "observations", "nom_eleve")
    assert {k: relu.valeurs[k] for k in lus} == {k: valeurs[k] for k in lus}
    assert "\n" in relu.valeurs["observations"]  # a rich text control keeps its line breaks
    assert str(relu.valeurs["date_visite"]) == "2026-12-03"


def test_a_grouped_list_and_the_text_of_the_first_line_written_in_word(instance, tmp_path):
    """A section over the delegates grouped by university, with « Délégué » or « Délégués »
    and one row per delegate; a group whose first line says « Bilan » and the next ones
    « Nouveau bilan »."""
    delegues = tableau(
        "<w:tr><w:tc>" + p(r("Site")) + "</w:tc><w:tc>"
        + p(liste("groupe.pluriel", "", ["Délégué", "Délégués"]), r(" de stage")) + "</w:tc></w:tr>",
        lignes_repetees("groupe.elements", "", texte_brut("site"), texte_brut("courriel")))
    docx = formulaire(
        section_de_paragraphes("instance.delegues_stage|universite", "Délégués",
                               p(texte_brut("groupe.universite")), delegues),
        section_repetable("bilans", "Bilans",
                          liste("ligne.premier", "", ["Bilan", "Nouveau bilan"]) + r(" : "),
                          texte_brut("avancees", "Avancées")))
    reconnu = reconnaitre(docx, "suivi")
    declaration = _declaration(reconnu, "suivi", 1)
    assert _champs(declaration.champs) == {
        "bilans": ("groupe", (), {"avancees": ("texte", (), {}, None)}, None)}
    assert reconnu.alertes == []
    _concorde(reconnu.gabarit, declaration, tmp_path)
    verifier_marques(reconnu.gabarit, declaration)
    valeurs = valider(declaration, {"bilans": [{"avancees": "A"}, {"avancees": "B"}]})
    de_retour = reconnaitre(pour_word(reconnu.gabarit, declaration), "suivi")  # Word and back
    assert _lignes(_rendre(de_retour.gabarit, declaration, valeurs, instance, tmp_path)) == (
        _lignes(_rendre(reconnu.gabarit, declaration, valeurs, instance, tmp_path)))
    assert _lignes(_rendre(reconnu.gabarit, declaration, valeurs, instance, tmp_path)) == [
        "Université de Clairval", "Site", "Délégués de stage",
        "Campus de Clairval-Centre", "camille.roussel@univ-clairval.example",
        "Campus des Tanneurs", "hugo.bertin@univ-clairval.example",
        "Campus de Saint-Aubin", "ines.marchal@univ-clairval.example",
        "Université du Littoral de Clairval", "Site", "Délégué de stage",
        "Campus de Port-Clair", "theo.guillon@univ-littoral-clairval.example",
        "Bilan : ", "A", "Nouveau bilan : ", "B"]


PIEGES = ("{{ cycler.__init__.__globals__ }}", "{% for x in range(10**9) %}x{% endfor %}",
          "{# commentaire", "{{ 7*7 }}")


def test_jinja_typed_by_the_author_prints_as_typed(instance, tmp_path):
    # A mark split across runs (as Word splits text) and across paragraphs too.
    docx = formulaire(
        p(r(PIEGES[0])), p(r(PIEGES[1])), p(r("{"), r("{ 7*7 }"), r("}")), p(r("{")),
        p(r("% if true %}")), p(r("Nom : "), texte_brut("nom", "Nom")),
        entete=PIEGES[2] + " " + PIEGES[0], pied=PIEGES[1], titre=PIEGES[3],
        entete_xml=p(r("Réf. "), texte_brut("{{ nom }}", "{% raw %}")))
    reconnu = reconnaitre(docx, "piege")
    declaration = _declaration(reconnu, "piege", 1)
    assert [c.nom for c in declaration.champs] == ["nom", "nom_2"]
    assert declaration.titre == PIEGES[3]  # the document's title, as typed
    chemin = tmp_path / "piege.docx"
    chemin.write_bytes(reconnu.gabarit)
    compile_ = GabaritCompile(chemin)
    assert compile_.variables() <= {"nom", "nom_2", "instance", "gabarit", "document"}
    debut = time.monotonic()
    parties = compile_.rendre_parties(contexte(declaration, {"nom": "Durand", "nom_2": "X"},
                                               instance=instance, document=DOCUMENT))
    assert time.monotonic() - debut < 1
    lignes = _lignes(parties)
    for piege in (PIEGES[0], PIEGES[1], "{{ 7*7 }}", "{", "% if true %}", "Nom : Durand",
                  PIEGES[2] + " " + PIEGES[0], "Réf. X"):
        assert piege in lignes
    assert "49" not in "".join(lignes)

    # Downloaded for Word, edited, uploaded back: the same text, the same fields.
    de_retour = reconnaitre(pour_word(reconnu.gabarit, declaration), "piege")
    with zipfile.ZipFile(BytesIO(pour_word(reconnu.gabarit, declaration))) as z:
        assert b"{{ '{' }}" not in z.read("word/document.xml")
    assert de_retour.declaration["sections"] == reconnu.declaration["sections"]
    (tmp_path / "retour.docx").write_bytes(de_retour.gabarit)
    assert _lignes(GabaritCompile(tmp_path / "retour.docx").rendre_parties(contexte(
        declaration, {"nom": "Durand", "nom_2": "X"}, instance=instance,
        document=DOCUMENT))) == lignes
