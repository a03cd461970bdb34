"""A Word form without content controls: proposed fields, their preview, and the controls written."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from io import BytesIO

import docx
import pytest

from service.conception.propositions import Decision, apercu_html, appliquer, proposer
from tests.conception.word import HOSTILE, sans_controles
from tests.outils import SEEDS


@pytest.fixture(scope="module")
def forme():
    data = sans_controles()
    return data, {p.libelle: p for p in proposer(data)}


def test_chaque_endroit_a_remplir_est_propose(forme):
    _, props = forme
    attendu = {
        "Nom": "texte", "Prénom": "texte", "Établissement": "texte", "Observations": "texte_long",
        "Niveau d’alerte": "choix_multiple", "Avis favorable": "choix",
        "Activités observées": "choix_multiple", "Tuteur ou tutrice": "texte",
        "Date de la visite": "date", "Bilan de la période": "texte_long", "Lieu": "texte",
        "Date": "date", "Remarques": "texte_long", "Signature du tuteur": "signature",
    }
    assert {libelle: p.type for libelle, p in props.items()} == attendu
    assert props["Niveau d’alerte"].options == ["1", "2", "3"]
    assert props["Activités observées"].options == ["Accueil des élèves", "Conduite de séance"]
    assert props["Établissement"].nom == "etablissement"
    assert props["Date de la visite"].nom == "date_de_la_visite"
    assert [p.id for p in props.values()] == [f"p{i}" for i in range(1, len(attendu) + 1)]


def test_apercu_echappe_le_texte_et_marque_chaque_proposition(forme):
    data, props = forme
    html = apercu_html(data, list(props.values()))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "{{ cycler" in html  # printed as typed, nothing to render it
    for p in props.values():
        assert re.search(rf'<mark id="{p.id}" class="proposition"[^>]* data-type="{p.type}">'
                         rf'<span class="visuellement-cache">[^<]*champ proposé', html), p.libelle
    assert "champ proposé : Nom (texte court)" in html


def _controles(data: bytes) -> dict[str, str]:
    xml = zipfile.ZipFile(BytesIO(data)).read("word/document.xml").decode()
    return {m.group(2): m.group(1) for m in re.finditer(
        r'<w:sdt><w:sdtPr>(?:<w:rPr>.*?</w:rPr>)?<w:alias w:val="([^"]*)"/><w:tag w:val="([^"]*)"/>', xml)}


def test_appliquer_ecrit_des_controles_word(forme, tmp_path):
    data, props = forme
    renommes = {"Nom": ("nom_stagiaire", "Nom du stagiaire"), "Lieu": ("lieu_visite", "Lieu de la visite")}
    decisions = [Decision(p.id, libelle != "Établissement", *renommes.get(libelle, ("", "")))
                 for libelle, p in props.items()]
    sortie = appliquer(data, decisions)
    controles = _controles(sortie)
    assert controles["nom_stagiaire"] == "Nom du stagiaire"
    assert controles["lieu_visite"] == "Lieu de la visite"
    assert controles["niveau_d_alerte_1"] == "1" and controles["niveau_d_alerte_3"] == "3"
    assert controles["avis_favorable#2"] == "non"
    assert "etablissement" not in controles
    xml = zipfile.ZipFile(BytesIO(sortie)).read("word/document.xml").decode()
    assert "Établissement : .............................." in xml  # the dropped place is left as is
    assert re.search(r"<w:t[^>]*>Remarques : </w:t></w:r></w:p><w:sdt>", xml)  # dots under the label
    assert re.search(r'w:val="date_de_la_visite"/>.*?<w:date><w:dateFormat w:val="dd/MM/yyyy"/>', xml)
    assert re.search(r'w:val="prenom"/>.*?<w:showingPlcHdr/><w:text/></w:sdtPr><w:sdtContent>'
                     r"<w:r><w:t[^>]*>______________</w:t>", xml)
    assert re.search(r'w:val="signature_du_tuteur"/>.*?<w:picture/>', xml)
    # texte_long: a rich-text control around its paragraphs
    assert re.search(r'w:val="observations"/>[^§]*?</w:sdtPr><w:sdtContent><w:p>', xml)
    assert HOSTILE.replace("<", "&lt;").replace(">", "&gt;") in xml
    # every other part is unchanged
    avant, apres = zipfile.ZipFile(BytesIO(data)), zipfile.ZipFile(BytesIO(sortie))
    assert avant.namelist() == apres.namelist()
    assert all(avant.read(n) == apres.read(n) for n in avant.namelist() if n != "word/document.xml")
    texte = "\n".join(p.text for p in docx.Document(BytesIO(sortie)).paragraphs)
    assert "Fait à" in texte and "Niveau d’alerte" in texte
    # LibreOffice opens it and prints the form
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice absent")
    (tmp_path / "f.docx").write_bytes(sortie)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profil", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "f.docx")],
                   check=True, capture_output=True, timeout=120)
    pdf = subprocess.run(["pdftotext", str(tmp_path / "f.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    assert "Niveau d’alerte" in pdf and "Signature du tuteur" in pdf and "______________" in pdf


@pytest.mark.skipif(not SEEDS.exists(), reason="les originaux (../shared/seeds) sont absents")
def test_une_fiche_officielle_sans_controles():
    """Seed 004 (the M2 CA alert form), its table's text as typed in Word: one cell per block."""
    lignes = (SEEDS / "004_0dfb33206a16a12b.txt").read_text().splitlines()[14:110]
    d = docx.Document()
    tableau, cellule = d.add_table(rows=0, cols=1), None
    for ligne in lignes:
        if cellule is None or (ligne.startswith("\t") and not ligne.strip()):
            cellule = tableau.add_row().cells[0]
        cellule.add_paragraph(ligne.strip())
    sortie = BytesIO()
    d.save(sortie)
    props = proposer(sortie.getvalue())
    types = {p.libelle: p.type for p in props}
    assert {k: types[k] for k in ("Nom", "Prénom", "Établissement", "Parcours", "Date")} == {
        "Nom": "texte", "Prénom": "texte", "Établissement": "texte", "Parcours": "texte", "Date": "date"}
    alerte = next(p for p in props if p.libelle == "Niveau d’alerte")
    assert (alerte.type, alerte.options) == ("choix_multiple", ["1", "2", "3"])
    assert types["Nom et signature de l’IA-IPR"] == "signature"
    assert sum(t == "signature" for t in types.values()) == 4
    assert sum(t == "texte_long" for t in types.values()) == 2  # the two lists of « - » to write


def test_les_propositions_acceptees_sont_reconnues_comme_des_controles_de_word(forme):
    """The bridge between the two ways in: what appliquer() writes, reconnaitre() reads back as
    the fields accepted, with their names and types (a lone box aside, which Word cannot say)."""
    from service.catalogue.marques import verifier_marques
    from service.conception.reconnaissance import reconnaitre

    data, props = forme
    decisions = [Decision(p.id, True) for p in props.values()]
    decisions[0] = Decision(props["Nom"].id, True, nom="nom_du_stagiaire")
    formulaire_word = appliquer(data, decisions)
    reconnaissance = reconnaitre(formulaire_word, "fiche_essai")
    verifier_marques(reconnaissance.gabarit)  # only the service's marks, the heading escaped
    declaration = reconnaissance.declaration
    champs = {c["nom"]: c for s in declaration["sections"] for c in s["champs"]}
    attendus = {("nom_du_stagiaire" if p.libelle == "Nom" else p.nom): p.type
                for p in props.values() if p.type != "signature"}
    assert {nom: champs[nom]["type"] for nom in attendus} == attendus
    # a family of boxes is labelled by the text a person reads before them
    assert champs["niveau_d_alerte"] == {"nom": "niveau_d_alerte", "type": "choix_multiple",
                                         "libelle": "Niveau d’alerte", "choix": ["1", "2", "3"]}
    assert champs["activites_observees"]["libelle"] == "Activités observées"
    # the title as typed (data, shown escaped by the pages); as a file name, nothing of its braces
    assert declaration["titre"] == HOSTILE
    assert declaration["nom_fichier"].count("{") == 1 and declaration["nom_fichier"].endswith(
        " - {numero}") and "<" not in declaration["nom_fichier"]
