"""PDF output: every page stamped, metadata that identifies, PDF/A, sealed, verifiable."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pypdf
import pytest

from service.catalogue.generation import generer
from service.cli import main
from service.pdf.production import produire_pdfs
from service.pdf.sceau import verifier
from tests.outils import DERNIERE, IDS, normaliser, pdf_texte, textes_attendus


@pytest.mark.parametrize("id_", sorted(IDS))
def test_each_example_is_a_pdf_with_its_values_and_a_stamp_on_every_page(exemples, pdfs_exemples,
                                                                           id_):
    document = exemples[id_]
    chemin = pdfs_exemples[id_]
    verification = subprocess.run(["qpdf", "--check", str(chemin)], capture_output=True, text=True)
    assert verification.returncode == 0, verification.stdout + verification.stderr
    # each cell whole, a word cut at its hyphen put back together (« Physique- chimie »)
    texte = re.sub(r"(?<=\w)-\s+", "-", normaliser(pdf_texte(chemin, brut=True)))
    manquants = [v for v in textes_attendus(document.gabarit.formulaire.champs, document.valeurs)
                 if normaliser(v)[:60] not in texte]
    assert not manquants, f"{id_} : valeurs absentes du PDF : {manquants}"
    nombre = len(pypdf.PdfReader(chemin).pages)
    pied = (f"{id_} · modèle v{document.gabarit.version} · document n° {document.numero} "
            f"v1 · généré le {document.genere_le:%d/%m/%Y %H:%M}")
    for n in range(1, nombre + 1):
        page = normaliser(pdf_texte(chemin, page=n))
        assert pied in page and f"page {n}/{nombre}" in page, f"{id_} : page {n} sans tampon"


@pytest.mark.parametrize("id_", ["compte_rendu_sopa", "lettre_mission_sopa"])
def test_metadata_identify_the_document_in_info_and_xmp(exemples, pdfs_exemples, catalogue, id_):
    document = exemples[id_]
    lecteur = pypdf.PdfReader(pdfs_exemples[id_])
    info = lecteur.metadata
    assert info["/GabaritId"] == id_
    assert info["/GabaritVersion"] == str(document.gabarit.version)
    assert info["/DocumentId"] == document.document_id
    assert info["/DocumentVersion"] == "1"
    assert info["/DonneesSha256"] == document.empreinte
    assert info["/Author"] == catalogue.etablissement.parametres["nom"]
    assert info["/Title"] == document.nom
    assert id_ in info["/Subject"]
    # PDF/A: the XMP metadata say the same as the information dictionary.
    xmp = lecteur.xmp_metadata
    assert xmp.pdfaid_part == "2" and xmp.pdfaid_conformance == "B"
    assert xmp.dc_title == {"x-default": info["/Title"]}
    assert xmp.dc_creator == [info["/Author"]]
    assert xmp.dc_description == {"x-default": info["/Subject"]}
    assert xmp.pdf_producer == info["/Producer"]
    assert xmp.xmp_creator_tool == info["/Creator"]


def test_every_font_is_embedded(pdfs_exemples):
    for chemin in pdfs_exemples.values():
        polices = subprocess.run(["pdffonts", str(chemin)], capture_output=True, text=True,
                                 check=True).stdout.splitlines()[2:]
        assert polices and all(" yes " in ligne for ligne in polices), polices


def test_verifier_says_which_document_and_that_it_is_intact(exemples, pdfs_exemples, sceau):
    document = exemples["compte_rendu_sopa"]
    resultat = verifier(pdfs_exemples["compte_rendu_sopa"].read_bytes(), sceau)
    assert resultat.intact
    assert resultat.message.startswith(f"INTACT : le document n° {document.numero} version 1 "
                                       f"(gabarit compte_rendu_sopa version {DERNIERE}")


def test_a_byte_altered_copy_is_reported_as_tampered(pdfs_exemples, sceau, tmp_path):
    original = pdfs_exemples["fiche_personnalisation"].read_bytes()
    altere = bytearray(original)
    # change one character of a page's content, well inside the sealed bytes
    position = original.index(b"stream", len(original) // 4) + 20
    altere[position] ^= 0x01
    resultat = verifier(bytes(altere), sceau)
    assert not resultat.intact and resultat.message.startswith("ALTÉRÉ")
    ajoute = verifier(original + b"\n1 0 obj\n(ajout)\nendobj\n", sceau)
    assert not ajoute.intact and "ALTÉRÉ" in ajoute.message


def test_verifier_from_the_command_line(pdfs_exemples, config, tmp_path, capsys):
    environ = {"INSPE_DONNEES": str(config.donnees)}
    assert main(["verifier", str(pdfs_exemples["compte_rendu_sopa"])], environ=environ) == 0
    assert "INTACT" in capsys.readouterr().out
    copie = tmp_path / "copie.pdf"
    donnees = bytearray(pdfs_exemples["compte_rendu_sopa"].read_bytes())
    donnees[len(donnees) // 2] ^= 0x20
    copie.write_bytes(bytes(donnees))
    assert main(["verifier", str(copie)], environ=environ) == 3
    assert "ALTÉRÉ" in capsys.readouterr().out
    autre = tmp_path / "autre.pdf"
    autre.write_bytes(b"%PDF-1.4\n%%EOF\n")
    assert main(["verifier", str(autre)], environ=environ) == 3
    assert "copie.pdf" not in capsys.readouterr().out


def test_a_pdf_sealed_by_another_instance_is_not_trusted(pdfs_exemples, catalogue, tmp_path):
    from service.pdf.sceau import Sceau

    autre = Sceau(tmp_path, "Un autre établissement")
    resultat = verifier(pdfs_exemples["compte_rendu_sopa"].read_bytes(), autre)
    assert not resultat.intact and resultat.message.startswith("SCEAU INCONNU")


def test_plain_pdf_on_request(catalogue, moteur, sceau):
    document = generer(catalogue, "fiche_synthese_collectif",
                       catalogue.gabarit("fiche_synthese_collectif").formulaire.exemple)
    (pdf,) = produire_pdfs([document], moteur, sceau, pdfa=False)
    lecteur = pypdf.PdfReader(__import__("io").BytesIO(pdf))
    racine = lecteur.trailer["/Root"]
    xmp = racine["/Metadata"].get_object().get_data() if "/Metadata" in racine else b""
    assert b"pdfaid" not in xmp
    assert verifier(pdf, sceau).intact


def test_generer_pdf_writes_sealed_pdfa(capsys, config, tmp_path):
    exemple = tmp_path / "x.json"
    main(["exemple", "compte_rendu_sopa"], environ={})
    exemple.write_text(capsys.readouterr().out, encoding="utf-8")
    environ = {"INSPE_DONNEES": str(config.donnees), "INSPE_LIBREOFFICE": "1"}
    code = main(["generer", "compte_rendu_sopa", "--donnees", str(exemple), "--format", "pdf",
                 "--sortie", str(tmp_path / "out")], environ=environ)
    assert code == 0
    chemin = Path(capsys.readouterr().out.strip())
    assert chemin.name == "MOREAU Léa - compte-rendu SOPA - 2026-10-05.pdf"
    assert main(["verifier", str(chemin)], environ=environ) == 0
    assert re.search(r"INTACT : le document n° \d{8}-[0-9A-F]{6} version 1", capsys.readouterr().out)
