"""Signing: one signer at a time, each signature a new version, earlier versions kept."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from service.archive import documents as dossiers
from service.bd import ouvrir
from service.catalogue.contexte import aujourdhui
from service.catalogue.generation import generer, signer
from service.catalogue.signature import SignatureRefusee, preparer_signature
from service.catalogue.signature_document import Signataire
from service.cli import main
from service.config import Config
from service.pdf.production import produire_pdfs
from service.pdf.sceau import verifier
from service.personnes.comptes import creer_compte
from tests.outils import normaliser, pdf_texte


def trace(couleur=(20, 30, 110)) -> bytes:
    image = Image.new("RGB", (640, 220), "white")
    dessin = ImageDraw.Draw(image)
    dessin.line([(40, 160), (130, 40), (200, 170), (290, 60), (380, 150), (600, 80)],
                fill=couleur, width=8)
    tampon = io.BytesIO()
    image.save(tampon, "PNG")
    return tampon.getvalue()


@pytest.fixture(scope="module")
def image():
    return preparer_signature(trace())


def test_two_signers_in_turn_give_three_kept_versions(catalogue, moteur, sceau, image, tmp_path):
    gabarit = catalogue.gabarit("parcours_individualisation_1d")
    v1 = generer(catalogue, gabarit.id, gabarit.formulaire.exemple)
    v2 = signer(catalogue, v1, Signataire("signature_ien", "Sylvie Dumont",
                                          "IEN de circonscription", dt.date(2026, 11, 23), image))
    v3 = signer(catalogue, v2, Signataire("signature_stagiaire", "Léa Moreau",
                                          "professeure stagiaire", dt.date(2026, 11, 24), image))
    pdfs = produire_pdfs([v1, v2, v3], moteur, sceau)
    cles = [dossiers.enregistrer(tmp_path, d, p) for d, p in zip([v1, v2, v3], pdfs)]
    chemins = [tmp_path / cle for cle in cles]
    assert [c.name for c in chemins] == ["v1.pdf", "v2.pdf", "v3.pdf"]
    assert len({c.parent for c in chemins}) == 1  # one document, three versions

    textes = [normaliser(pdf_texte(c)) for c in chemins]
    ien = "Sylvie Dumont (IEN de circonscription), signé le 23/11/2026"
    stagiaire = "Léa Moreau (professeure stagiaire), signé le 24/11/2026"
    assert ien not in textes[0] and stagiaire not in textes[0]
    assert ien in textes[1] and stagiaire not in textes[1]
    assert ien in textes[2] and stagiaire in textes[2]
    for version, (chemin, texte) in enumerate(zip(chemins, textes), 1):
        assert f"document n° {v1.numero} v{version} ·" in texte
        resultat = verifier(chemin.read_bytes(), sceau)
        assert resultat.intact and resultat.identite["document_version"] == str(version)
        assert resultat.identite["document_id"] == v1.document_id
    assert v3.empreinte == v1.empreinte  # signing never changes the values
    with pytest.raises(FileExistsError):
        dossiers.enregistrer(tmp_path, v2, pdfs[1])


def test_a_signature_slot_is_signed_once(catalogue, image):
    gabarit = catalogue.gabarit("compte_rendu_sopa")
    v1 = generer(catalogue, gabarit.id, gabarit.formulaire.exemple)
    v2 = signer(catalogue, v1, Signataire("signature_tuteur", "Hélène Garnier", "tutrice",
                                          dt.date(2026, 11, 23), image))
    with pytest.raises(SignatureRefusee, match="déjà signé par Hélène Garnier"):
        signer(catalogue, v2, Signataire("signature_tuteur", "Autre", "tuteur",
                                         dt.date(2026, 11, 23), image))
    with pytest.raises(SignatureRefusee, match=r"signatures prévues : signature_tuteur\)"):
        signer(catalogue, v1, Signataire("signature_ien", "X", "IEN", dt.date(2026, 11, 23), image))


def test_signing_from_the_command_line(capsys, tmp_path):
    """``--par`` an account: its own slot only, under its own name, dated by the server."""
    environ = {"INSPE_DONNEES": str(tmp_path / "d"), "INSPE_SORTIES": str(tmp_path),
               "INSPE_LIBREOFFICE": "1"}
    base = ouvrir(Config.depuis(environ).base_de_donnees)
    creer_compte(base, "helene", "Hélène Garnier", "tuteur", "x")
    creer_compte(base, "lea", "Léa Moreau", "stagiaire", "x")
    main(["exemple", "compte_rendu_sopa"], environ={})
    (tmp_path / "x.json").write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["generer", "compte_rendu_sopa", "--donnees", str(tmp_path / "x.json"),
                 "--format", "pdf", "--par", "helene"], environ=environ) == 0
    capsys.readouterr()
    (numero,) = [p.name for p in (tmp_path / "documents").iterdir()]

    piege = tmp_path / "signature.png"
    piege.write_bytes(b"%PDF-1.7 pas une image")
    code = main(["signer", numero, "--champ", "signature_tuteur", "--image", str(piege),
                 "--par", "helene"], environ=environ)
    assert code == 2
    assert "signature : " in capsys.readouterr().err
    assert not (tmp_path / "documents" / numero / "v2.pdf").exists()

    vraie = tmp_path / "vraie.png"
    vraie.write_bytes(trace())
    with pytest.raises(SystemExit):  # a typed qualité is no option at all
        main(["signer", numero, "--champ", "signature_tuteur", "--image", str(vraie),
              "--par", "helene", "--qualite", "directrice"], environ=environ)
    assert "--qualite" in capsys.readouterr().err
    # the stagiaire may not sign her tutor's slot, whatever she types
    assert main(["signer", numero, "--champ", "signature_tuteur", "--image", str(vraie),
                 "--par", "lea"], environ=environ) == 2
    assert "« lea » n'a pas le droit de signer la case « signature_tuteur »" in capsys.readouterr().err
    assert main(["signer", numero, "--champ", "signature_tuteur", "--image", str(vraie),
                 "--par", "personne"], environ=environ) == 2
    assert "aucun compte « personne »" in capsys.readouterr().err
    assert not (tmp_path / "documents" / numero / "v2.pdf").exists()

    code = main(["signer", numero, "--champ", "signature_tuteur", "--image", str(vraie),
                 "--par", "helene"], environ=environ)
    assert code == 0
    v2 = Path(capsys.readouterr().out.strip())
    assert v2 == tmp_path / "documents" / numero / "v2.pdf"
    jour = aujourdhui().strftime("%d/%m/%Y")
    # the qualité is the poste the declaration binds to the slot: none is typed any more
    assert f"Hélène Garnier (tuteur ou tutrice de terrain), signé le {jour}" in normaliser(
        pdf_texte(v2))
    fiche = json.loads((v2.parent / "document.json").read_text(encoding="utf-8"))
    assert [v["version"] for v in fiche["versions"]] == [1, 2]
    assert main(["verifier", str(v2)], environ=environ) == 0
    assert f"document n° {numero} version 2" in capsys.readouterr().out

    assert main(["signer", "20990101-XXXXXX", "--champ", "signature_tuteur", "--image",
                 str(vraie), "--par", "helene"], environ=environ) == 2
    assert "aucun document n° 20990101-XXXXXX" in capsys.readouterr().err
