"""A lot in the dossier de tutorat: each PDF kept as the online form keeps one (its page read by
the stagiaire's trio only) and in the dossier of the roster stagiaire its row names,
« en signature »; a stagiaire not in the roster gets the document all the same (« hors
effectifs »); the rows skipped by « générer quand même » are listed on the lot's page and in its
ZIP. Real LibreOffice, the worker's own functions."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import journal
from service.catalogue.tableur import modele_import
from service.catalogue.validation import valider
from service.cli import main
from service.config import Config
from service.dossier import listes
from service.lots import lots
from service.personnes import acces, effectifs
from service.personnes.demo import comptes_de_demo, effectifs_de_demo
from service.web import create_app, service
from tests.outils import DERNIERE, pdf_texte
from tests.web.outils import nom_telecharge, texte

ID = "compte_rendu_sopa"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The service with the demo accounts and roster (BERNARD Hugo and MOREAU Léa: tuteur;
    LEROY Camille: tuteur2)."""
    dossier = tmp_path_factory.mktemp("lots_dossier")
    app = create_app(Config(donnees=dossier / "d", sorties=dossier / "s"))
    comptes_de_demo(service(app)["base"])
    effectifs_de_demo(service(app)["base"])
    yield app
    travaux = service(app).get("travaux")
    if travaux is not None and travaux._moteur is not None:
        travaux._moteur.fermer()


def tableur(catalogue, stagiaires: list[tuple[str, str]]) -> bytes:
    """The workbook to fill, one row per (NOM, Prénom) from row 2 on, copied from the example;
    a name "" makes a row whose first day of stage is no date."""
    classeur = openpyxl.load_workbook(io.BytesIO(modele_import(catalogue.gabarit(ID).formulaire)))
    feuille = classeur[ID]
    exemple = [c.value for c in feuille[2]]
    for i, (nom, prenom) in enumerate(stagiaires):
        for colonne, valeur in enumerate(exemple, 1):
            feuille.cell(row=2 + i, column=colonne, value=valeur)
        feuille.cell(row=2 + i, column=1, value=nom or "SANSDATE")
        feuille.cell(row=2 + i, column=2, value=prenom)
        if not nom:
            feuille.cell(row=2 + i, column=10, value="31/02/2026")
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def inscrit(app, nom: str):
    (trouve,) = [s for s in effectifs.tous(service(app)["base"]) if f"{s.nom} {s.prenom}" == nom]
    return trouve


def ligne_du_dossier(app, nom: str):
    outils = service(app)
    (ligne,) = [x for x in listes.dossier(outils["base"], outils["catalogue"], inscrit(app, nom))
                if x.doc.gabarit_id == ID]
    return ligne


@pytest.fixture(scope="module")
def lot_fait(app, connecte, catalogue):
    """A lot of five rows launched by the secretariat, « générer quand même »: row 4 has a
    wrong date (skipped), DURAND Paul is in no roster; made by the worker's own task."""
    secretariat = connecte("secretariat")
    contenu = tableur(catalogue, [("BERNARD", "Hugo"), ("LEROY", "Camille"), ("", "Anonyme"),
                                  ("DURAND", "Paul"), ("MOREAU", "Léa")])
    reponse = secretariat.post("/lots", {"gabarit": ID, "format": "pdf", "ignorer_erreurs": "1",
                                         "tableur": (io.BytesIO(contenu), "lot.xlsx")})
    assert reponse.status_code == 302, texte(reponse)
    lot_id = reponse.headers["Location"].rsplit("/", 1)[-1]
    travaux = service(app)["travaux"]
    lot = lots.charger(service(app)["config"].sorties, lot_id)
    assert lot.total == 4
    for debut, fin in lots.paquets(lot):
        travaux._traiter(lot_id, debut, fin)  # what the worker runs for each queued packet
    assert lots.charger(service(app)["config"].sorties, lot_id).etat == "termine"
    return secretariat, lot_id


def test_the_skipped_rows_are_on_the_lot_s_page_and_in_its_zip(app, lot_fait):
    secretariat, lot_id = lot_fait
    page = html.unescape(texte(secretariat.get(f"/lots/{lot_id}")))
    section = page[page.index("Lignes non générées"):]
    assert ("<td>4</td><td>Période de stage : du</td>"
            "<td>« 31/02/2026 » n’est pas une date valide (JJ/MM/AAAA)</td>") in section
    reponse = secretariat.get(f"/lots/{lot_id}/archive.zip")
    with zipfile.ZipFile(io.BytesIO(reponse.data)) as z:
        noms = z.namelist()
        rapport = z.read(lots.NON_GENERES).decode("utf-8")
    assert len([n for n in noms if n.endswith(".pdf")]) == 4
    assert "1 ligne(s) du tableur non générée(s)" in rapport
    assert ("ligne 4, colonne « Période de stage : du » : « 31/02/2026 » n’est pas une date "
            "valide (JJ/MM/AAAA)") in rapport


def test_the_lot_s_documents_are_in_their_dossiers_en_signature(app, lot_fait):
    secretariat, lot_id = lot_fait
    for nom in ("BERNARD Hugo", "LEROY Camille", "MOREAU Léa"):
        ligne = ligne_du_dossier(app, nom)
        assert ligne.etat == "En signature", nom
        assert ligne.doc.numero
    # DURAND Paul, in no roster: made all the same, and the lot's page says so
    page = html.unescape(texte(secretariat.get(f"/lots/{lot_id}")))
    hors = page[page.index("Documents hors des dossiers"):]
    assert "<td>5</td><td>DURAND Paul</td><td>hors effectifs</td>" in hors
    assert "BERNARD" not in hors and "LEROY" not in hors


def test_a_lot_s_document_is_read_by_its_trio_only(app, lot_fait, connecte):
    numero = ligne_du_dossier(app, "BERNARD Hugo").doc.numero
    tuteur = connecte("tuteur")  # BERNARD's tuteur de terrain
    reponse = tuteur.get(f"/documents/{numero}")
    assert reponse.status_code == 200
    assert "BERNARD" in html.unescape(texte(reponse))
    pdf = tuteur.get(f"/documents/{numero}/v1.pdf")
    assert pdf.status_code == 200 and "BERNARD" in pdf_texte(pdf.data)
    assert connecte("referent").get(f"/documents/{numero}").status_code == 200  # tuteur Inspé
    assert connecte("tuteur2").get(f"/documents/{numero}").status_code == 404  # LEROY's
    assert connecte("stagiaire").get(f"/documents/{numero}").status_code == 404  # MOREAU's


def test_the_command_line_lot_is_launched_by_an_account_that_may(app, catalogue, capsys):
    config = service(app)["config"]
    fichier = config.donnees / "lot.xlsx"
    fichier.write_bytes(tableur(catalogue, [("BERNARD", "Hugo"), ("DURAND", "Paul"),
                                            ("FONTAINE", "Inès")]))
    environ = {"INSPE_SORTIES": str(config.sorties), "INSPE_DONNEES": str(config.donnees)}
    assert main(["lot", ID, "--donnees", str(fichier), "--par", "tuteur"], environ=environ) == 2
    assert "« tuteur » n'a pas le droit de lancer un lot" in capsys.readouterr().err
    assert main(["lot", ID, "--donnees", str(fichier), "--par", "secretariat"],
                environ=environ) == 0
    lot_id = capsys.readouterr().out.split("\t")[0]
    assert lots.charger(config.sorties, lot_id).auteur["identifiant"] == "secretariat"
    assert [(h.ligne, h.stagiaire, h.raison) for h in lots.hors_dossier(config.sorties, lot_id)] \
        == [(3, "DURAND Paul", "hors effectifs"),
            (4, "FONTAINE Inès", "ce document n'est pas de son parcours")]  # a PE stagiaire


def test_a_packet_made_again_after_a_crash_keeps_one_document_and_one_step(app):
    outils = service(app)
    base, catalogue, sorties = outils["base"], outils["catalogue"], outils["config"].sorties
    with Session(base) as session:
        (secretariat,) = acces.comptes_de(session, ["secretariat"])
    formulaire = catalogue.gabarit(ID).formulaire
    valeurs = valider(formulaire, dict(formulaire.exemple, stagiaire_nom="GUERIN",
                                       stagiaire_prenom="Zoé"))
    lot = lots.creer(sorties, catalogue, ID, [valeurs], base=base, auteur=secretariat)
    pdfs = outils["travaux"]._pdfs
    assert lots.traiter_paquet(sorties, catalogue, lot.id, 0, 1, pdfs, base) == 1
    (sorties / "lots" / lot.id / "paquets" / "0-1.zip").unlink()  # killed before its archive
    assert lots.traiter_paquet(sorties, catalogue, lot.id, 0, 1, pdfs, base) == 1
    numero = ligne_du_dossier(app, "GUERIN Zoé").doc.numero
    assert ligne_du_dossier(app, "GUERIN Zoé").etat == "En signature"
    fiche = json.loads((sorties / "documents" / numero / "document.json").read_text("utf-8"))
    assert len(fiche["versions"]) == 1 and fiche["stagiaire_id"] == inscrit(app, "GUERIN Zoé").id
    with Session(base) as session:
        assert session.scalar(select(func.count()).select_from(journal.Entree).where(
            journal.Entree.quoi == "dossier", journal.Entree.document == numero)) == 1


def test_a_worker_archives_by_itself_what_stays_signe(app, lot_fait, monkeypatch):
    """A document left « signé » (a lot's document without slots, an archiving that failed) is
    archived by the worker's own watch, once it is five minutes old, as fsck --reparer would."""
    from service.dossier.modele import DocumentDuDossier
    from service.lots import file

    outils = service(app)
    doc_id = ligne_du_dossier(app, "MOREAU Léa").doc.id
    with Session(outils["base"]) as session, session.begin():
        doc = session.get(DocumentDuDossier, doc_id)
        doc.etat, doc.modifie_le = "signe", "2026-01-01T00:00:00+01:00"
    travaux = outils["travaux"]
    assert travaux.archiver_les_signes()[0][2] is True
    ligne = ligne_du_dossier(app, "MOREAU Léa")
    assert ligne.etat == "Archivé" and ligne.doc.archive_numero.startswith("A-")
    assert travaux.archiver_les_signes() == []  # nothing left
    # a younger one is left to the page that is archiving it
    with Session(outils["base"]) as session, session.begin():
        session.get(DocumentDuDossier, ligne_du_dossier(app, "LEROY Camille").doc.id).etat = "signe"
    assert travaux.archiver_les_signes() == []
    monkeypatch.setattr(file, "ARCHIVAGE_APRES_S", -60)
    assert [ok for _, _, ok in travaux.archiver_les_signes()] == [True]


def test_the_document_to_generate_is_chosen_and_a_workbook_says_its_own(app, connecte, catalogue):
    secretariat = connecte("secretariat")
    page = html.unescape(texte(secretariat.get("/lots")))
    # nothing chosen beforehand: the first document of the list is no default
    assert re.search(r'<select id="gabarit" name="gabarit" required>\s*'
                     r'<option value="">— choisir —</option>', page)
    contenu = tableur(catalogue, [("MOREAU", "Léa")])
    reponse = secretariat.post("/lots", {"gabarit": "lettre_mission_sopa", "format": "docx",
                                         "tableur": (io.BytesIO(contenu), "lot.xlsx")})
    page = html.unescape(texte(reponse))
    assert reponse.status_code == 400
    titre = catalogue.gabarit(ID).titre
    assert (f"lot.xlsx : ce tableur est celui de « {titre} » (version {DERNIERE}) : choisissez ce "
            "document ou téléchargez le bon modèle") in page
    assert "absente" not in page
    # no document chosen (a browser ignoring « required »): the workbook's own
    reponse = secretariat.post("/lots", {"gabarit": "", "format": "docx",
                                         "tableur": (io.BytesIO(contenu), "lot.xlsx")})
    assert reponse.status_code == 302, texte(reponse)
    lot_id = reponse.headers["Location"].rsplit("/", 1)[-1]
    assert lots.charger(service(app)["config"].sorties, lot_id).gabarit_id == ID
    # a .csv says nothing: a document must be chosen
    reponse = secretariat.post("/lots", {"gabarit": "", "format": "docx",
                                         "tableur": (io.BytesIO(b"Nom;Prenom\n"), "lot.csv")})
    assert reponse.status_code == 400
    assert "choisissez le document à générer" in html.unescape(texte(reponse))


def test_the_highlighted_copy_and_the_zip_have_names_a_person_reads(app, lot_fait, catalogue):
    secretariat, lot_id = lot_fait
    contenu = tableur(catalogue, [("MOREAU", "Léa"), ("", "Anonyme")])
    reponse = secretariat.post("/lots", {"gabarit": ID, "format": "docx",
                                         "tableur": (io.BytesIO(contenu), "SOPA novembre.xlsx")})
    assert reponse.status_code == 400
    lien = re.search(r'<a href="([^"]+)">Télécharger le tableur avec les cellules fautives',
                     texte(reponse)).group(1)
    assert nom_telecharge(secretariat.get(lien)) == "SOPA novembre - erreurs surlignées.xlsx"
    # the ZIP: the document's title and a date that sorts, no internal id
    nom = nom_telecharge(secretariat.get(f"/lots/{lot_id}/archive.zip"))
    assert re.fullmatch(re.escape(catalogue.gabarit(ID).titre) + r" - 4 documents - "
                        r"20\d\d-\d\d-\d\d \d\dh\d\d\.zip", nom), nom


def test_deleting_a_lot_is_confirmed_saying_how_many_documents_go(app, lot_fait):
    secretariat, lot_id = lot_fait
    page = html.unescape(texte(secretariat.get(f"/lots/{lot_id}")))
    # one click does not delete: the page only links to the confirmation
    assert f'action="/lots/{lot_id}/supprimer"' not in page
    assert f'<a class="bouton secondaire" href="/lots/{lot_id}/supprimer">Supprimer le lot</a>' in page
    confirmation = html.unescape(texte(secretariat.get(f"/lots/{lot_id}/supprimer")))
    assert "Le lot et ses 4 documents seront supprimés du service" in confirmation
    assert ">Supprimer le lot et ses 4 documents</button>" in confirmation
    assert lots.charger(service(app)["config"].sorties, lot_id)  # still there
    reponse = secretariat.post(f"/lots/{lot_id}/supprimer", {})
    assert reponse.status_code == 302
    with pytest.raises(lots.LotIntrouvable):
        lots.charger(service(app)["config"].sorties, lot_id)
