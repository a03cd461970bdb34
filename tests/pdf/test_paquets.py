"""Bulk PDF: packets converted at once, split back into documents identical in what they show."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pypdf
import pytest

from service.catalogue.generation import generer
from service.cli import main
from service.pdf.paquets import pages_des_documents, pdf_pour_impression, produire_lot, titre_signet
from service.pdf.production import produire_pdfs
from service.pdf.sceau import verifier
from tests.outils import normaliser, pdf_texte


@pytest.fixture(scope="module")
def lot(catalogue):
    """Seven compte-rendus for seven different stagiaires, one with a long comment."""
    exemple = catalogue.gabarit("compte_rendu_sopa").formulaire.exemple
    documents = []
    for i, (nom, prenom) in enumerate([("MARTIN", "Inès"), ("BERNARD", "Hugo"),
                                       ("PETIT", "Chloé"), ("DURAND", "Malik"),
                                       ("LEROY", "Zoé"), ("ROUX", "Noé"), ("FAURE", "Anaïs")]):
        donnees = dict(exemple, stagiaire_nom=nom, stagiaire_prenom=prenom)
        if i == 3:  # a longer document: its page count differs from the others
            donnees["commentaires_etapes_1_2"] = "Observation détaillée. " * 300
        documents.append(generer(catalogue, "compte_rendu_sopa", donnees))
    return documents


@pytest.fixture(scope="module")
def pdfs_lot(lot, moteur, sceau):
    return produire_lot(lot, moteur, sceau, auteur=sceau.nom, taille=3)


def test_each_document_of_a_packet_comes_out_whole_and_alone(lot, pdfs_lot, tmp_path):
    assert len(pdfs_lot) == len(lot)
    for document, pdf in zip(lot, pdfs_lot):
        chemin = tmp_path / f"{document.numero}.pdf"
        chemin.write_bytes(pdf)
        lecteur = pypdf.PdfReader(chemin)
        nombre = len(lecteur.pages)
        for n in range(1, nombre + 1):
            page = normaliser(pdf_texte(chemin, page=n))
            assert f"document n° {document.numero} v1 ·" in page
            assert f"page {n}/{nombre}" in page
        texte = normaliser(pdf_texte(chemin))
        assert f"Stagiaire : {document.valeurs['stagiaire_nom']} " in texte
        autres = [d.valeurs["stagiaire_nom"] for d in lot if d is not document]
        assert not any(f"Stagiaire : {nom} " in texte for nom in autres)
    assert len(pypdf.PdfReader(io.BytesIO(pdfs_lot[3])).pages) > len(
        pypdf.PdfReader(io.BytesIO(pdfs_lot[0])).pages)


def test_a_packet_gives_the_pages_a_single_conversion_gives(lot, pdfs_lot, moteur, sceau):
    (seul,) = produire_pdfs([lot[3]], moteur, sceau)
    assert len(pypdf.PdfReader(io.BytesIO(seul)).pages) == len(
        pypdf.PdfReader(io.BytesIO(pdfs_lot[3])).pages)


def test_a_pdf_without_a_packets_marks_is_not_split_at_a_guess(pdfs_lot):
    # a document split from its packet has lost the marks of where it lay: no pages are invented
    with pytest.raises(KeyError, match="inspedebut1"):
        pages_des_documents(pdfs_lot[0], 1)


def test_each_split_document_is_sealed_pdfa_with_its_own_identity(lot, pdfs_lot, sceau, tmp_path):
    for document, pdf in zip(lot, pdfs_lot):
        resultat = verifier(pdf, sceau)
        assert resultat.intact, resultat.message
        assert resultat.identite["document_id"] == document.document_id
        lecteur = pypdf.PdfReader(io.BytesIO(pdf))
        info, xmp = lecteur.metadata, lecteur.xmp_metadata
        assert info["/Title"] == document.nom and info["/DonneesSha256"] == document.empreinte
        assert xmp.pdfaid_part == "2" and xmp.pdfaid_conformance == "B"
        assert xmp.dc_title == {"x-default": info["/Title"]}
        assert xmp.dc_creator == [info["/Author"]] and xmp.pdf_producer == info["/Producer"]
        assert "/OutputIntents" in lecteur.trailer["/Root"]
    chemin = tmp_path / "un.pdf"
    chemin.write_bytes(pdfs_lot[0])
    assert subprocess.run(["qpdf", "--check", str(chemin)], capture_output=True).returncode == 0
    polices = subprocess.run(["pdffonts", str(chemin)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    assert polices and all(" yes " in ligne for ligne in polices)


def test_the_print_ready_pdf_starts_each_document_on_an_odd_page(lot, pdfs_lot, tmp_path):
    chemin = tmp_path / "impression.pdf"
    chemin.write_bytes(pdf_pour_impression([titre_signet(d) for d in lot], pdfs_lot))
    lecteur = pypdf.PdfReader(chemin)
    signets = lecteur.outline
    assert [s.title for s in signets] == [f"{d.nom} (n° {d.numero})" for d in lot]
    debuts = [lecteur.get_destination_page_number(s) for s in signets]
    assert all(n % 2 == 0 for n in debuts)  # page index 0, 2, 4 … : odd page numbers
    for document, debut in zip(lot, debuts):
        assert f"document n° {document.numero}" in pdf_texte(chemin, page=debut + 1)


def test_generer_a_list_as_pdf_with_a_print_file(capsys, config, tmp_path, lot):
    donnees = [dict(d.gabarit.formulaire.exemple, stagiaire_nom=d.valeurs["stagiaire_nom"],
                    stagiaire_prenom=d.valeurs["stagiaire_prenom"]) for d in lot[:4]]
    (tmp_path / "x.json").write_text(json.dumps(donnees, ensure_ascii=False), encoding="utf-8")
    environ = {"INSPE_DONNEES": str(config.donnees), "INSPE_SORTIES": str(tmp_path / "s"),
               "INSPE_LIBREOFFICE": "1"}
    code = main(["generer", "compte_rendu_sopa", "--donnees", str(tmp_path / "x.json"),
                 "--format", "pdf", "--impression", "--sortie", str(tmp_path / "out")],
                environ=environ)
    assert code == 0
    chemins = [Path(x) for x in capsys.readouterr().out.split("\n") if x]
    assert [c.name[:12] for c in chemins[:4]] == ["MARTIN Inès ", "BERNARD Hugo", "PETIT Chloé ",
                                                  "DURAND Malik"]
    assert chemins[4].name.startswith("compte_rendu_sopa - impression de 4 documents - ")
    assert len(pypdf.PdfReader(chemins[4]).outline) == 4
    assert len(list((tmp_path / "s" / "documents").iterdir())) == 4
