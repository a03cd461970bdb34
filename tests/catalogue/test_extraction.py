"""A completed document read back: the round trip the archive relies on."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re

import docx as python_docx
import pytest
from lxml import etree

from service.catalogue.docx_sur import DocxRefuse
from service.catalogue.extraction import DocumentNonReconnu, extraire
from service.catalogue.generation import generer, rendre
from service.catalogue.validation import valider
from service.cli import main
from service.conception.wordml import PLACEHOLDER
from tests.outils import IDS, W15, W, Word, q


@pytest.mark.parametrize("id_", sorted(IDS))
def test_every_generated_document_reads_back_exactly(catalogue, exemples, id_):
    document = exemples[id_]
    resultat = extraire(document.docx, catalogue)
    assert resultat.gabarit is document.gabarit and resultat.reconnu_par == "propriétés"
    assert resultat.erreurs == []
    assert resultat.valeurs == document.valeurs
    assert resultat.proprietes["document_id"] == document.document_id


def test_values_edited_as_in_word_are_exactly_what_is_read(catalogue):
    gabarit = catalogue.gabarit("compte_rendu_sopa")
    formulaire = gabarit.formulaire
    connu = {c.nom: formulaire.exemple[c.nom] for c in formulaire.champs if c.requis}
    telecharge = generer(catalogue, gabarit.id, connu)  # the pre-filled form a tuteur downloads
    word = Word(telecharge.docx)
    word.saisir(word.controles("lieu_stage")[0], "École Paul-Bert, Clairval")
    word.saisir(word.controles("commentaires_etapes_3_4")[0], "Bonne progression.",
                "Gestion du temps à travailler.")
    word.saisir(word.controles("demi_journees_absence")[0], "2")
    word.dater(word.controles("periode_fin")[0], dt.date(2026, 10, 23))
    word.cocher("activites#1")
    word.cocher("activites#6")
    word.cocher("c7#3")
    resultat = extraire(word.enregistrer(), catalogue)
    assert resultat.erreurs == []
    valeurs = resultat.valeurs
    assert valeurs["lieu_stage"] == "École Paul-Bert, Clairval"
    assert valeurs["commentaires_etapes_3_4"] == "Bonne progression.\nGestion du temps à travailler."
    assert valeurs["demi_journees_absence"] == 2
    assert valeurs["periode_fin"] == dt.date(2026, 10, 23)
    assert valeurs["activites"] == ["Observations", "Mise en place de situations d’EPS"]
    assert valeurs["c7"] == "Acquis" and valeurs["c1"] is None
    assert valeurs["conseil_1"] is None  # still the dotted line of the blank form
    assert valeurs["stagiaire_nom"] == connu["stagiaire_nom"]


def test_placeholder_dots_typed_beside_are_not_read_as_the_value(catalogue):
    gabarit = catalogue.gabarit("compte_rendu_sopa")
    formulaire = gabarit.formulaire
    connu = {c.nom: formulaire.exemple[c.nom] for c in formulaire.champs if c.requis}
    word = Word(generer(catalogue, gabarit.id, connu).docx)  # v2, published before Word's
    conseil = word.controles("conseil_1")[0]  # placeholder: the renderer shows the dots as one
    assert conseil.find(f"{q(W, 'sdtPr')}/{q(W, 'showingPlcHdr')}") is not None
    word.saisir(conseil, "Soigner l’écriture au tableau" + PLACEHOLDER)  # as typed before
    word.saisir(word.controles("conseil_2")[0], PLACEHOLDER + " Varier les supports… et les "
                "consignes")
    word.saisir(word.controles("commentaires_etapes_3_4")[0], "…………", "Bonne progression.", "",
                "Gestion du temps… à travailler…………", "…………………")
    lieu = word.controles("lieu_stage")[0]  # Word still shows its placeholder: empty
    etree.SubElement(lieu.find(q(W, "sdtPr")), q(W, "showingPlcHdr"))
    lieu.find(f".//{q(W, 't')}").text = "Cliquez ici pour entrer du texte."
    valeurs = extraire(word.enregistrer(), catalogue).donnees
    assert valeurs["conseil_1"] == "Soigner l’écriture au tableau"
    assert valeurs["conseil_2"] == "Varier les supports… et les consignes"
    assert valeurs["commentaires_etapes_3_4"] == (
        "Bonne progression.\n\nGestion du temps… à travailler")
    assert valeurs["lieu_stage"] is None


def test_a_version_built_now_shows_its_dots_as_word_s_placeholder(catalogue, tmp_path):
    """Typing in Word replaces the dots (from v3); the published versions build unchanged
    (test_catalogue)."""
    gabarit = catalogue.gabarit("compte_rendu_sopa")
    formulaire = gabarit.formulaire
    connu = {c.nom: formulaire.exemple[c.nom] for c in formulaire.champs if c.requis}
    word = Word(rendre(catalogue, gabarit, valider(formulaire, connu)).docx)

    def montre_le_placeholder(tag):
        return word.controles(tag)[0].find(f"{q(W, 'sdtPr')}/{q(W, 'showingPlcHdr')}") is not None

    assert montre_le_placeholder("conseil_1") and montre_le_placeholder("date_compte_rendu")
    assert not any(map(montre_le_placeholder, ("stagiaire_nom", "periode_fin")))  # filled
    word.saisir(word.controles("conseil_1")[0], "Soigner l’écriture au tableau")
    valeurs = extraire(word.enregistrer(), catalogue).donnees
    assert valeurs["conseil_1"] == "Soigner l’écriture au tableau"
    assert valeurs["conseil_2"] is None and valeurs["stagiaire_nom"] == connu["stagiaire_nom"]


def test_lines_added_and_removed_in_a_repeating_section(catalogue, exemples):
    document = exemples["fiche_synthese_collectif"]
    word = Word(document.docx)
    (section,) = word.controles("participants")
    items = [s for s in section.iter(q(W, "sdt"))
             if s.find(f"{q(W, 'sdtPr')}/{q(W15, 'repeatingSectionItem')}") is not None]
    nouveau = copy.deepcopy(items[-1])  # Word's "+" copies the last item …
    items[-1].addnext(nouveau)
    for controle in nouveau.iter(q(W, "sdt")):
        tag = controle.find(f"{q(W, 'sdtPr')}/{q(W, 'tag')}")
        if tag is not None and tag.get(q(W, "val")) == "nom":
            word.saisir(controle, "NGUYEN")
    items[0].getparent().remove(items[0])  # … and a line can be deleted
    resultat = extraire(word.enregistrer(), catalogue)
    noms = [ligne["nom"] for ligne in resultat.valeurs["participants"]]
    assert noms == [ligne["nom"] for ligne in document.valeurs["participants"][1:]] + ["NGUYEN"]


def test_a_copy_without_its_properties_is_recognised_by_its_structure(catalogue, exemples):
    document = exemples["parcours_individualisation_2d"]
    resultat = extraire(Word(document.docx).enregistrer(sans_proprietes=True), catalogue)
    assert resultat.reconnu_par == "structure"
    assert resultat.gabarit.id == "parcours_individualisation_2d"
    assert resultat.valeurs == document.valeurs


def test_a_document_not_made_here_is_not_guessed(catalogue):
    autre = python_docx.Document()
    autre.add_paragraph("Compte-rendu libre, écrit à la main.")
    tampon = io.BytesIO()
    autre.save(tampon)
    with pytest.raises(DocumentNonReconnu, match="document libre"):
        extraire(tampon.getvalue(), catalogue)


def test_a_document_whose_controls_lost_their_tags_says_so(catalogue, exemples):
    word = Word(exemples["compte_rendu_sopa"].docx)
    for propriete in word.racine.iter(q(W, "sdtPr")):
        for enfant in list(propriete):
            propriete.remove(enfant)  # what LibreOffice 7.4 does when it saves a .docx
    with pytest.raises(DocumentNonReconnu, match="ont perdu leurs repères"):
        extraire(word.enregistrer(), catalogue)


def test_hostile_files_are_refused_before_reading(catalogue):
    with pytest.raises(DocxRefuse, match="c’est un PDF"):
        extraire(b"%PDF-1.7 ...", catalogue)


def test_extraire_from_the_command_line(capsys, tmp_path, exemples):
    document = exemples["compte_rendu_sopa"]
    word = Word(document.docx)
    word.saisir(word.controles("periode_debut")[0], "31/02/2026")
    word.controles("periode_debut")[0].find(f"{q(W, 'sdtPr')}/{q(W, 'date')}").attrib.pop(
        q(W, "fullDate"))
    (tmp_path / "bon.docx").write_bytes(document.docx)
    (tmp_path / "faux.docx").write_bytes(word.enregistrer())
    assert main(["extraire", str(tmp_path / "bon.docx")], environ={}) == 0
    sortie = json.loads(capsys.readouterr().out)
    assert sortie["gabarit_id"] == "compte_rendu_sopa" and sortie["version_courante"]
    assert sortie["document_numero"] == document.numero
    assert sortie["valeurs"]["periode_debut"] == "2026-10-05"
    assert main(["extraire", str(tmp_path / "faux.docx")], environ={}) == 2
    sortie = capsys.readouterr()
    assert "periode_debut : « 31/02/2026 » n’est pas une date valide (JJ/MM/AAAA)" in sortie.err
    assert re.search(r'"erreurs": \[\s*"periode_debut', sortie.out)
