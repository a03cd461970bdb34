"""Rendering: every example fills its template; user text is data, never template code."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from io import BytesIO

import pytest
from jinja2.exceptions import SecurityError
from lxml import etree

from service.catalogue.contexte import contexte
from service.catalogue.generation import generer
from service.catalogue.rendu import GabaritCompile, GabaritInvalide
from service.catalogue.validation import empreinte, valider
from service.conception.wordml import PLACEHOLDER
from tests.catalogue.phrases_officielles import FOIS, ORDRE, PHRASES
from tests.outils import (
    IDS,
    SEEDS,
    normaliser,
    parties_xml_valides,
    pdf_texte,
    proprietes,
    texte_docx,
    textes_attendus,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def cases(contenu: bytes) -> dict[str, tuple[str, str]]:
    """Check box controls by tag: (w14:checked, printed glyph)."""
    with zipfile.ZipFile(BytesIO(contenu)) as z:
        xml = z.read("word/document.xml").decode()
    trouvees = {}
    for sdt in re.findall(r"<w:sdt>(?:(?!<w:sdt>).)*?</w:sdt>", xml, flags=re.S):
        m = re.search(r'<w:tag w:val="([^"]+#\d+)"/>.*?<w14:checked w14:val="([01])"/>'
                      r".*?<w:t[^>]*>([☐☒])</w:t>", sdt, flags=re.S)
        if m:
            trouvees.setdefault(m.group(1), []).append((m.group(2), m.group(3)))
    return trouvees


@pytest.mark.parametrize("id_", sorted(IDS))
def test_the_example_renders_with_every_value(exemples, id_):
    document = exemples[id_]
    parties_xml_valides(document.docx)
    texte = normaliser(texte_docx(document.docx))
    formulaire = document.gabarit.formulaire
    manquants = [v for v in textes_attendus(formulaire.champs, document.valeurs)
                 if normaliser(v) not in texte]
    assert not manquants, f"{id_} : valeurs absentes du document : {manquants}"


@pytest.mark.parametrize("id_", sorted(IDS))
def test_the_chosen_options_are_ticked_and_only_them(exemples, id_):
    document = exemples[id_]
    trouvees = cases(document.docx)
    for champ in document.gabarit.formulaire.champs:
        if champ.type not in ("choix", "choix_multiple") or champ.affichage == "liste":
            continue
        valeur = document.valeurs[champ.nom]
        retenues = set(valeur) if isinstance(valeur, list) else {valeur}
        for i, option in enumerate(champ.choix, 1):
            etat = ("1", "☒") if option in retenues else ("0", "☐")
            assert trouvees.get(f"{champ.nom}#{i}") == [etat], f"{id_} : {champ.nom} « {option} »"


@pytest.mark.parametrize("id_", sorted(IDS))
def test_the_fixed_sentences_of_the_original_are_word_for_word(exemples, id_):
    texte = normaliser(texte_docx(exemples[id_].docx))
    absentes = [phrase for phrase in PHRASES[id_][1] if normaliser(phrase) not in texte]
    assert not absentes, f"{id_} : phrases de l'original absentes : {absentes}"


def test_the_fiche_synthese_boxes_replace_the_seeds_dashes_and_keep_its_resources_whole(exemples):
    texte = normaliser(texte_docx(exemples["fiche_synthese_collectif"].docx))
    # « ☐ - D.Bucheton » and a box of its own for the module FORMER's description were v2's
    assert not re.search(r"[☐☒] ?[-–]|[☐☒] ?Ressources Parcours", texte)


@pytest.mark.skipif(not SEEDS.exists(), reason="les originaux (../shared/seeds) sont absents")
@pytest.mark.parametrize("id_", sorted(IDS))
def test_the_sentences_checked_are_taken_from_the_original(id_):
    seed, phrases = PHRASES[id_]
    original = normaliser(next(SEEDS.glob(f"{seed}_*.txt")).read_text(encoding="utf-8"))
    # Some originals type a straight apostrophe; the templates typeset all of them as ’.
    original = original.replace("'", "’")
    absentes = [p for p in phrases if normaliser(p) not in original]
    assert not absentes, f"{id_} : phrases introuvables dans l'original {seed} : {absentes}"


def test_the_sopa_letter_points_to_its_calendar_annex_on_the_page_it_is(exemples, moteur,
                                                                       tmp_path):
    """The original's « (cf. page 12) » pointed to a page of its booklet, not of this letter."""
    chemin = tmp_path / "lettre.docx"
    chemin.write_bytes(exemples["lettre_mission_sopa"].docx)
    pdf = moteur.convertir(chemin, tmp_path / "lettre.pdf")
    pages = [normaliser(page) for page in pdf_texte(pdf).split("\f")]
    texte = " ".join(pages)
    assert "page 12" not in texte
    renvoi = re.search(r"compte-rendu demandé par l’INSPÉ \(cf\. annexe « (.+?) », page (\d+)\)\.",
                       texte)
    assert renvoi, "le renvoi à l’annexe est absent"
    page = pages[int(renvoi.group(2)) - 1]
    assert f"{renvoi.group(1)} de m1 MEEF1 mention 1er degré 1. Le calendrier de suivi" in page


def test_the_services_additions_to_the_mission_letters_are_marked(exemples):
    for id_ in ("lettre_mission_sopa", "lettre_mission_tuteurs_m2"):
        texte = normaliser(texte_docx(exemples[id_].docx))
        assert texte.count("Informations ajoutées par le service") == 1, id_
    assert "Fait à" not in normaliser(texte_docx(exemples["lettre_mission_sopa"].docx))
    m2 = normaliser(texte_docx(exemples["lettre_mission_tuteurs_m2"].docx))
    assert "version applicable au 30-09-2020" in m2 and "Bruno Vasseur" in m2


def _dans_l_ordre(texte: str, morceaux: list[str]) -> list[str]:
    """The pieces not found after the one before them (none: all in this order)."""
    hors, debut = [], 0
    for morceau in morceaux:
        i = texte.find(normaliser(morceau), debut)
        if i < 0:
            hors.append(morceau)
        else:
            debut = i + len(normaliser(morceau))
    return hors


@pytest.mark.parametrize("id_", sorted(ORDRE))
def test_fixed_text_keeps_the_order_of_the_original(exemples, id_):
    seed, morceaux = ORDRE[id_]
    hors = _dans_l_ordre(normaliser(texte_docx(exemples[id_].docx)), morceaux)
    assert not hors, f"{id_} : hors de l'ordre de l'original : {hors}"
    if SEEDS.exists():
        original = normaliser(next(SEEDS.glob(f"{seed}_*.txt")).read_text(encoding="utf-8"))
        assert not _dans_l_ordre(original.replace("'", "’"), morceaux), "ordre pris à l'original"


@pytest.mark.parametrize("id_", sorted(FOIS))
def test_fixed_text_is_printed_where_the_grid_rates_it(exemples, id_):
    texte = normaliser(texte_docx(exemples[id_].docx))
    comptes = {phrase: texte.count(normaliser(phrase)) for phrase, _ in FOIS[id_]}
    assert comptes == {phrase: fois for phrase, fois in FOIS[id_]}


def test_each_document_carries_its_identity(catalogue, exemples):
    document = exemples["compte_rendu_sopa"]
    props = proprietes(document.docx)
    assert props["gabarit_id"] == "compte_rendu_sopa"
    assert props["gabarit_version"] == str(document.gabarit.version)
    assert props["document_id"] == document.document_id
    assert props["genere_le"].startswith(document.genere_le.strftime("%Y-%m-%dT%H:%M"))
    assert props["donnees_sha256"] == empreinte(document.valeurs)
    assert re.fullmatch(r"[0-9a-f]{64}", props["donnees_sha256"])
    encore = generer(catalogue, "compte_rendu_sopa", document.gabarit.formulaire.exemple)
    assert proprietes(encore.docx)["document_id"] != props["document_id"]
    assert proprietes(encore.docx)["donnees_sha256"] == props["donnees_sha256"]
    assert f"document n° {document.numero}" in texte_docx(document.docx)


HOSTILES = {
    "balises": '<w:p>gras</w:p> & "citation" \'apostrophe\' <script>alert(1)</script>',
    "jinja": "{{ 7*7 }} {% for x in range(3) %}boucle{% endfor %} {# note #} {{ instance }}",
    "controle": "début\x00\x07\x1b\x0bfin",
    "emoji": "Très bien 👩‍🏫🎓 ✔",
    "decompose": "e\u0301le\u0300ve, c\u0327a, o\u0302",
    "lignes": "première ligne\nseconde ligne\tavec tabulation",
}


def test_hostile_values_print_literally_and_the_docx_stays_valid(catalogue, moteur, tmp_path):
    exemple = dict(catalogue.gabarit("compte_rendu_sopa").formulaire.exemple)
    exemple["commentaires_etapes_1_2"] = "\n".join(HOSTILES.values())
    long_ = ("Vingt mille caractères. " * 900)[:20_000]
    exemple["commentaires_etapes_3_4"] = long_
    exemple["lieu_stage"] = HOSTILES["jinja"]
    exemple["stagiaire_prenom"] = HOSTILES["decompose"][:20]
    document = generer(catalogue, "compte_rendu_sopa", exemple)
    parties_xml_valides(document.docx)
    texte = texte_docx(document.docx)
    assert HOSTILES["balises"] in texte
    assert HOSTILES["jinja"] in texte
    # the body (before the header and footer, whose time of generation may hold "49")
    corps = texte.split(catalogue.etablissement.parametres["nom"])[0]
    assert "49" not in corps and "boucle" not in corps.replace("{% for x in range(3) %}boucle", "")
    assert "débutfin" in texte  # characters XML forbids are removed
    assert HOSTILES["emoji"] in texte
    assert unicodedata.normalize("NFC", HOSTILES["decompose"]) in texte
    assert "première ligne\nseconde ligne\tavec tabulation" in texte
    assert long_.strip() in texte

    chemin = tmp_path / "hostile.docx"
    chemin.write_bytes(document.docx)
    pdf = pdf_texte(moteur.convertir(chemin, tmp_path / "hostile.pdf"))
    assert "{{ 7*7 }}" in pdf and "<script>alert(1)</script>" in pdf
    assert "Très bien" in pdf


def test_a_template_cannot_reach_python_internals(tmp_path, catalogue):
    """The sandbox refuses unsafe attribute access even in a template an administrator edits."""
    source = catalogue.gabarit("fiche_personnalisation").chemin
    with zipfile.ZipFile(source) as z:
        parties = [(i, z.read(i)) for i in z.infolist()]
    chemin = tmp_path / "piege.docx"
    with zipfile.ZipFile(chemin, "w") as z:
        for info, data in parties:
            if info.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b"<w:p><w:r><w:t>{{ instance.__class__.__mro__"
                                                  b"[1].__subclasses__() }}</w:t></w:r></w:p></w:body>")
            z.writestr(info, data)
    gabarit = catalogue.gabarit("fiche_personnalisation")
    ctx = contexte(gabarit.formulaire, valider(gabarit.formulaire, gabarit.formulaire.exemple),
                   instance=catalogue.etablissement.parametres,
                   document={"numero": "1", "version": 1, "genere_le": ""})
    with pytest.raises(GabaritInvalide, match="unsafe") as exc:
        GabaritCompile(chemin).rendre(ctx, {})
    assert isinstance(exc.value.__cause__, SecurityError)


def test_validation_is_the_one_of_the_declaration(catalogue):
    formulaire = catalogue.gabarit("compte_rendu_sopa").formulaire
    valeurs = valider(formulaire, formulaire.exemple)
    assert valeurs["c7"] == "En cours d’acquisition"


@pytest.mark.parametrize("id_", sorted(IDS))
def test_a_form_with_only_its_required_fields_prints_dotted_lines_to_fill(catalogue, id_):
    """What a tuteur downloads pre-filled: the rest is left to complete by hand or in Word."""
    formulaire = catalogue.gabarit(id_).formulaire
    requis = {c.nom: formulaire.exemple[c.nom] for c in formulaire.champs if c.requis}
    document = generer(catalogue, id_, requis)
    parties_xml_valides(document.docx)
    texte = texte_docx(document.docx)
    if any(not c.requis and c.type in ("texte", "texte_long", "date", "entier")
           for c in formulaire.champs):
        assert PLACEHOLDER in texte
    donnes = set(requis) | {s.nom for c in formulaire.champs if c.nom in requis for s in c.champs}
    for groupe in (c for c in formulaire.champs if c.type == "groupe" and c.nom not in requis):
        # an empty repeatable group still offers one line
        assert re.search(rf'<w:tag w:val="{groupe.champs[0].nom}', _document_xml(document.docx))
    for tag, etats in cases(document.docx).items():
        if tag.split("#")[0] not in donnes:
            assert set(etats) == {("0", "☐")}, f"{id_} : {tag} coché sans donnée"


def _document_xml(contenu: bytes) -> str:
    with zipfile.ZipFile(BytesIO(contenu)) as z:
        return z.read("word/document.xml").decode()


def test_a_blank_accompagnement_offers_the_next_bilan_to_write_by_hand(catalogue, exemples):
    """Printed before any bilan, the form ends as the original, with a « Nouveau bilan
    intermédiaire » to write by hand; once bilans are written, the second one is that one."""
    id_ = "accompagnement_renforce_m2ca"
    formulaire = catalogue.gabarit(id_).formulaire
    requis = {c.nom: formulaire.exemple[c.nom] for c in formulaire.champs if c.requis}
    vierge = normaliser(texte_docx(generer(catalogue, id_, requis).docx))
    assert normaliser("Bilan intermédiaire :") in vierge
    assert vierge.count(normaliser("Nouveau bilan intermédiaire :")) == 1
    rempli = normaliser(texte_docx(exemples[id_].docx))
    assert rempli.count(normaliser("Nouveau bilan intermédiaire :")) == 1


@pytest.mark.parametrize("id_", ["accompagnement_renforce_m2ca", "parcours_individualisation_1d",
                                 "parcours_individualisation_2d"])
def test_each_signature_has_a_box_of_2_5_cm_to_sign_by_hand(catalogue, id_):
    formulaire = catalogue.gabarit(id_).formulaire
    requis = {c.nom: formulaire.exemple[c.nom] for c in formulaire.champs if c.requis}
    xml = etree.fromstring(_document_xml(generer(catalogue, id_, requis).docx).encode())
    signatures = {c.nom for c in formulaire.champs if c.type == "signature"}
    hauteurs = {}
    for sdt in xml.iter(W + "sdt"):
        tag = sdt.find(f"{W}sdtPr/{W}tag")
        if tag is not None and tag.get(W + "val") in signatures:
            rangee = next(a for a in sdt.iterancestors(W + "tr"))
            h = rangee.find(f"{W}trPr/{W}trHeight")
            hauteurs[tag.get(W + "val")] = int(h.get(W + "val")) if h is not None else 0
    assert set(hauteurs) == signatures
    assert all(h >= 1418 for h in hauteurs.values()), hauteurs  # 2.5 cm
