"""The archive on the web and through the API: upload, check, archive, find, who may see what."""

from __future__ import annotations

import io
import json
import re
import zipfile
from urllib.parse import unquote

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import journal
from service.archive.depot import Archive
from service.catalogue.generation import generer
from service.catalogue.tableur import modele_import
from service.catalogue.validation import valider
from service.pdf.sceau import verifier
from service.personnes import effectifs
from service.personnes.comptes import creer_compte, creer_jeton
from service.web import service
from tests.outils import DERNIERE, pdf_texte
from tests.web.outils import HTTPS, champs_du_formulaire, conforme, deposer, entetes, texte


@pytest.fixture(scope="module")
def app(app):
    base = service(app)["base"]
    creer_compte(base, "autre", "Paul Autre", "tuteur", "demo-autre", "autre@clairval.example")
    # the roster's example: MOREAU Léa, trio stagiaire / tuteur / referent (IEN : inspecteur)
    effectifs.importer(base, modele_import(effectifs.DECLARATION), "liste.xlsx")
    return app


def messagerie_reelle(port: int):
    """The client of the SMTP server the test started (the serveur_smtp fixture)."""
    from service.archive.courriel import Messagerie

    return Messagerie.depuis(f"smtp://127.0.0.1:{port}", "scolarite@clairval.example")


def nombre_d_archives(app) -> tuple[int, int]:
    """Records in the index, files in the vault."""
    with Session(service(app)["base"]) as session:
        lignes = session.scalar(select(func.count()).select_from(Archive))
    objets = service(app)["config"].sorties / "archive" / "objets"
    return lignes, len([p for p in objets.rglob("*") if p.is_file()]) if objets.exists() else 0


@pytest.fixture(scope="module")
def compte_rendu(catalogue) -> bytes:
    exemple = catalogue.gabarit("compte_rendu_sopa").formulaire.exemple
    return generer(catalogue, "compte_rendu_sopa", exemple).docx


@pytest.fixture(scope="module")
def archive_tuteur(app, connecte, catalogue, compte_rendu):
    """The example compte-rendu uploaded by the tuteur, checked, corrected once, archived."""
    tuteur = connecte("tuteur")
    reponse = deposer(tuteur, compte_rendu, "compte-rendu MOREAU.docx")
    assert reponse.status_code == 302, texte(reponse)[:2000]
    verification = reponse.headers["Location"]
    assert re.fullmatch(r"/archives/A-\d{4}-\d{6}/v1/verifier", verification)
    numero = verification.split("/")[2]

    page = texte(tuteur.get(verification))
    assert "Vérifiez ce qui a été lu avant d’archiver" in page
    assert 'value="MOREAU"' in page and 'value="École élémentaire Jules-Ferry, Clairval"' in page
    assert 'value="05/10/2026"' in page and f"version {DERNIERE} (la plus récente)" in page
    assert "Signature du tuteur ou de la tutrice : absente" in page
    assert re.search(r'value="Observations"[^>]*checked|checked[^>]*value="Observations"', page)

    declaration = catalogue.gabarit("compte_rendu_sopa").formulaire
    donnees = champs_du_formulaire(declaration, valider(declaration, declaration.exemple))
    # a wrong correction: the French error next to its field, every value kept
    reponse = tuteur.post(verification, dict(donnees, demi_journees_absence="deux",
                                             action="archiver"))
    assert reponse.status_code == 400
    page = texte(reponse)
    bloc = page[page.index('id="demi_journees_absence-erreur"'):][:300]
    assert "« deux » n’est pas un nombre entier" in bloc
    assert 'value="École élémentaire Jules-Ferry, Clairval"' in page
    assert nombre_d_archives(app)[0] == 1 and tuteur.get(f"/archives/{numero}/v1.pdf").status_code == 404

    reponse = tuteur.post(verification, dict(donnees, lieu_stage="École Jules-Ferry, Clairval (site B)",
                                             action="archiver"))
    assert reponse.status_code == 302 and reponse.headers["Location"] == f"/archives/{numero}"
    return numero


def test_upload_check_correct_archive_then_download(app, connecte, archive_tuteur, compte_rendu):
    numero = archive_tuteur
    tuteur = connecte("tuteur")
    page = texte(tuteur.get(f"/archives/{numero}"))
    assert "Compte-rendu du tuteur de stage SOPA" in page and "MOREAU Léa" in page
    assert '<span class="statut statut-archive">Archivé</span>' in page
    assert "École Jules-Ferry, Clairval (site B)" in page and "05/10/2026" in page
    assert re.search(r"<td>oui</td>", page)  # corrected
    assert "2026-2027" in page and "Envoyer le PDF" not in page

    pdf = tuteur.get(f"/archives/{numero}/v1.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    nom = unquote(pdf.headers["Content-Disposition"].split("filename*=UTF-8''")[1])
    assert nom == (f"MOREAU Léa - Compte-rendu du tuteur de stage SOPA (m1 MEEF1 mention 1er "
                   f"degré) - {numero} v1.pdf")
    contenu = pdf_texte(pdf.data)
    assert "Archivé le" in contenu and numero in contenu
    assert verifier(pdf.data, service(app)["sceau"]).identite["archive_numero"] == f"{numero} v1"
    docx = tuteur.get(f"/archives/{numero}/v1.docx")
    assert docx.data == compte_rendu and docx.headers["Content-Disposition"].endswith(".docx")

    # the same file again: recognised, not stored twice
    avant = nombre_d_archives(app)
    reponse = deposer(tuteur, compte_rendu, "encore.docx")
    assert reponse.status_code == 200
    assert f"Ce fichier est déjà archivé sous le n° {numero}" in texte(reponse)
    assert f'href="/archives/{numero}"' in texte(reponse)
    assert nombre_d_archives(app) == avant

    quoi = {(e.qui, e.quoi) for e in journal.entrees(service(app)["base"], numero)}
    assert {("tuteur", "depot"), ("tuteur", "archivage"), ("tuteur (tuteur)", "consultation"),
            ("tuteur (tuteur)", "téléchargement")} <= quoi
    assert journal.verifier_journal(service(app)["base"]) == []


def test_hostile_uploads_are_refused_and_nothing_is_stored(app, connecte, compte_rendu):
    tuteur = connecte("tuteur")
    avant = nombre_d_archives(app)
    reponse = deposer(tuteur, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n", "rapport.docx")
    assert reponse.status_code == 422
    assert "Document refusé : c’est un PDF, pas un document Word" in texte(reponse)
    assert "rien n’a été enregistré" in texte(reponse)

    docm = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(compte_rendu)) as source, zipfile.ZipFile(docm, "w") as sortie:
        for info in source.infolist():
            sortie.writestr(info, source.read(info))
        sortie.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 60)
    reponse = deposer(tuteur, docm.getvalue(), "compte-rendu.docm")
    assert reponse.status_code == 422 and "contient des macros" in texte(reponse)
    assert nombre_d_archives(app) == avant


def test_who_is_outside_the_trio_gets_404(app, connecte, archive_tuteur):
    numero = archive_tuteur
    autre = connecte("autre", "demo-autre")
    for url in (f"/archives/{numero}", f"/archives/{numero}/v1.pdf", f"/archives/{numero}/v1.docx",
                f"/archives/{numero}/v1/verifier"):
        assert autre.get(url).status_code == 404, url
    assert numero not in texte(autre.get("/archives?texte=heterogeneite"))
    assert connecte("stagiaire").get(f"/archives/{numero}").status_code == 200  # in the trio
    assert connecte("secretariat").get(f"/archives/{numero}/v1.pdf").status_code == 200
    quoi = {(e.qui, e.quoi) for e in journal.entrees(service(app)["base"], numero)}
    assert ("autre (tuteur)", "accès refusé") in quoi


def test_search_finds_by_a_word_of_a_value_and_exports(connecte, archive_tuteur):
    numero = archive_tuteur
    tuteur = connecte("tuteur")
    page = texte(tuteur.get("/archives?texte=hétérogénéité"))
    assert "1 document trouvé" in page and f'href="/archives/{numero}"' in page
    assert "Déposer un document" in page and "Exporter la liste (.xlsx)" in page
    assert "Aucun document trouvé" in texte(tuteur.get("/archives?texte=zygomatique"))
    assert numero in texte(tuteur.get("/archives?stagiaire=moreau&statut=archive&annee=2026-2027"))
    assert "Aucun document trouvé" in texte(tuteur.get("/archives?statut=recu"))

    export = tuteur.get("/archives/export.xlsx?texte=hétérogénéité")
    assert export.status_code == 200
    feuille = openpyxl.load_workbook(io.BytesIO(export.data)).active
    lignes = [[c.value for c in ligne] for ligne in feuille.iter_rows()]
    assert lignes[0][0] == "N° d'archive" and len(lignes) == 2
    assert lignes[1][0] == numero and lignes[1][2] == "MOREAU Léa" and lignes[1][5] == "Archivé"


def test_the_dossier_of_a_stagiaire_and_what_is_missing(app, connecte, archive_tuteur):
    numero = archive_tuteur
    (moreau,) = [s for s in effectifs.tous(service(app)["base"]) if s.nom == "MOREAU"]
    tuteur = connecte("tuteur")
    assert f"/archives/stagiaire/{moreau.id}" in texte(tuteur.get("/mes-stagiaires"))
    page = texte(tuteur.get(f"/archives/stagiaire/{moreau.id}"))
    assert "Dossier de MOREAU Léa" in page and numero in page
    annee = page[page.index("Documents de l’année"):page.index("Autres documents archivés")]
    assert re.search(r"<h3>Compte-rendu[^<]*</h3>", annee)  # its line, whatever its state
    assert "Fiche de personnalisation" not in annee  # not of her parcours (M1 SOPA)
    assert "Exporter ses données" not in page
    assert connecte("autre", "demo-autre").get(f"/archives/stagiaire/{moreau.id}").status_code == 404
    assert tuteur.get(f"/archives/stagiaire/{moreau.id}/donnees.zip").status_code == 404

    secretariat = connecte("secretariat")
    assert f"/archives/stagiaire/{moreau.id}" in texte(secretariat.get("/effectifs"))
    page = texte(secretariat.get(f"/archives/stagiaire/{moreau.id}"))
    assert "Exporter ses données (.zip)" in page
    export = secretariat.get(f"/archives/stagiaire/{moreau.id}/donnees.zip")
    assert export.status_code == 200
    with zipfile.ZipFile(io.BytesIO(export.data)) as z:
        fiche = json.loads(z.read("donnees.json"))
        assert any(n.endswith("/v1.pdf") for n in z.namelist())
    assert fiche["documents"][0]["numero"] == numero


def test_the_former_missing_documents_page_leads_to_the_campaign(connecte):
    secretariat = connecte("secretariat")
    reponse = secretariat.get("/archives/manquants?annee=2026-2027")
    assert reponse.status_code == 302
    assert reponse.headers["Location"] == "/campagne?annee=2026-2027"
    assert secretariat.get("/archives?statut=attendu").headers["Location"] == "/campagne"
    assert "Documents en retard (campagne)" in texte(secretariat.get("/archives"))
    assert connecte("tuteur").get("/campagne").status_code == 404


def test_a_document_not_recognised_is_archived_as_a_free_document(connecte):
    import docx

    document = docx.Document()
    document.add_paragraph("Attestation de présence au regroupement du 8 décembre.")
    tampon = io.BytesIO()
    document.save(tampon)
    secretariat = connecte("secretariat")
    reponse = deposer(secretariat, tampon.getvalue(), "attestation.docx")
    assert reponse.status_code == 302
    verification = reponse.headers["Location"]
    page = texte(secretariat.get(verification))
    assert "Ce document n’a pas été reconnu" in page and 'value="attestation"' in page
    reponse = secretariat.post(verification, {"titre_libre": "Attestation de présence",
                                              "stagiaire_libre": ""})
    assert reponse.status_code == 400 and "champ obligatoire non rempli" in texte(reponse)
    reponse = secretariat.post(verification, {"titre_libre": "Attestation de présence",
                                              "stagiaire_libre": "BERNARD Paul"})
    assert reponse.status_code == 302
    page = texte(secretariat.get(reponse.headers["Location"]))
    assert "Document libre : Attestation de présence" in page and "BERNARD Paul" in page
    numero = reponse.headers["Location"].rsplit("/", 1)[1]
    pdf = secretariat.get(f"/archives/{numero}/v1.pdf")
    assert "Attestation de présence au regroupement" in pdf_texte(pdf.data)


def test_abandoning_an_upload_forgets_it(app, connecte, catalogue):
    exemple = catalogue.gabarit("fiche_synthese_collectif").formulaire.exemple
    contenu = generer(catalogue, "fiche_synthese_collectif", exemple).docx
    tuteur = connecte("tuteur")
    avant = nombre_d_archives(app)
    verification = deposer(tuteur, contenu).headers["Location"]
    assert "Ajouter une ligne" in texte(tuteur.get(verification))  # the group's widgets
    numero = verification.split("/")[2]
    # the depositor and the secretariat check an upload; another reader of the record does not
    assert connecte("secretariat").get(verification).status_code == 200
    with Session(service(app)["base"]) as session, session.begin():
        session.scalar(select(Archive).where(Archive.numero == numero)).lecteurs = "|tuteur|stagiaire|"
    assert connecte("stagiaire").get(f"/archives/{numero}").status_code == 200
    assert connecte("stagiaire").get(verification).status_code == 404
    assert "Vérifier et archiver" not in texte(connecte("stagiaire").get(f"/archives/{numero}"))
    reponse = tuteur.post(f"/archives/{numero}/v1/abandonner", {}, page=verification)
    assert reponse.status_code == 302 and reponse.headers["Location"] == "/archives/deposer"
    assert tuteur.get(f"/archives/{numero}").status_code == 404
    assert nombre_d_archives(app) == avant


def test_the_secretariat_sends_the_pdf_to_the_procedures_list(app, connecte, catalogue, serveur_smtp):
    declaration = catalogue.gabarit("accompagnement_renforce_m2ca").formulaire
    contenu = generer(catalogue, "accompagnement_renforce_m2ca", declaration.exemple).docx
    secretariat = connecte("secretariat")
    verification = deposer(secretariat, contenu).headers["Location"]
    numero = verification.split("/")[2]
    donnees = champs_du_formulaire(declaration, valider(declaration, declaration.exemple))
    reponse = secretariat.post(verification, dict(donnees, action="archiver"))
    assert reponse.status_code == 302, texte(reponse)[:3000]
    page = texte(secretariat.get(f"/archives/{numero}"))
    assert "EAFC &lt;ce.eafc@ac-clairval.example&gt;" in page
    assert "L’envoi de courriels n’est pas configuré" in page
    assert re.search(r"<td>non</td>", page)  # archived as read: not corrected

    port, recus = serveur_smtp
    service(app)["messagerie"] = messagerie_reelle(port)
    try:
        assert "Envoyer le PDF à la liste de diffusion" in texte(secretariat.get(f"/archives/{numero}"))
        reponse = secretariat.post(f"/archives/{numero}/diffuser", {}, page=f"/archives/{numero}")
        assert reponse.status_code == 302
        assert "PDF envoyé à inspe-direction-stagiaires@clairval.example" in texte(
            secretariat.get(f"/archives/{numero}"))
    finally:
        del service(app)["messagerie"]
    ((adresses, message),) = recus
    (piece,) = list(message.iter_attachments())
    assert len(adresses) == 3 and piece.get_content().startswith(b"%PDF-")
    assert numero in piece.get_filename()
    # the tuteur (depositor of nothing here, outside this trio) has no such button nor access
    assert connecte("tuteur").post(f"/archives/{numero}/diffuser", {},
                                        page="/archives").status_code == 404


# --- the API ------------------------------------------------------------------------------

def test_the_api_round_trip(app, client, catalogue):
    base = service(app)["base"]
    jetons = {qui: creer_jeton(base, qui) for qui in ("tuteur", "autre")}
    declaration = catalogue.gabarit("fiche_personnalisation").formulaire
    contenu = generer(catalogue, "fiche_personnalisation", declaration.exemple).docx

    reponse = client.post("/api/archives", headers=entetes(jetons["tuteur"]),
                          data={"fichier": (io.BytesIO(b"%PDF-1.7 faux"), "faux.docx")})
    assert reponse.status_code == 422
    assert conforme(reponse, "/api/archives", "post")["erreurs"][0]["message"] == (
        "c’est un PDF, pas un document Word")
    reponse = client.post("/api/archives", headers=entetes(jetons["tuteur"]), data={})
    assert reponse.status_code == 400 and conforme(reponse, "/api/archives", "post")

    reponse = client.post("/api/archives", headers=entetes(jetons["tuteur"]),
                          data={"fichier": (io.BytesIO(contenu), "fiche.docx")})
    assert reponse.status_code == 201
    depot = conforme(reponse, "/api/archives", "post")
    assert depot["gabarit"] == "fiche_personnalisation" and depot["deja_archive"] is False
    assert depot["valeurs"]["stagiaire_nom"] == declaration.exemple["stagiaire_nom"]
    assert depot["erreurs"] == []
    numero, chemin = depot["numero"], "/api/archives/{numero}/versions/{version}/archiver"

    valeurs = dict(depot["valeurs"], date_fiche="31/02/2026")
    reponse = client.post(f"/api/archives/{numero}/versions/1/archiver",
                          headers=entetes(jetons["tuteur"]), json={"valeurs": valeurs})
    assert reponse.status_code == 422
    (erreur,) = conforme(reponse, chemin, "post")["erreurs"]
    assert erreur["champ"] == "date_fiche" and "n’est pas une date valide" in erreur["message"]
    refuse = client.post(f"/api/archives/{numero}/versions/1/archiver",
                         headers=entetes(jetons["autre"]))
    assert refuse.status_code == 404 and conforme(refuse, chemin, "post")

    reponse = client.post(f"/api/archives/{numero}/versions/1/archiver",
                          headers=entetes(jetons["tuteur"]))
    assert reponse.status_code == 200
    fiche = conforme(reponse, chemin, "post")
    # no signature slot in this gabarit: the core counts it as "signe"
    assert fiche["statut"] in ("archive", "signe") and fiche["versions"][0]["archive_le"]
    assert fiche["versions"][0]["corrige"] is False
    pdf = client.get(fiche["versions"][0]["pdf"], headers=entetes(jetons["tuteur"]))
    assert pdf.status_code == 200 and numero in pdf_texte(pdf.data)

    mot = declaration.exemple["stagiaire_nom"]
    trouves = conforme(client.get(f"/api/archives?texte={mot}&gabarit=fiche_personnalisation",
                                  headers=entetes(jetons["tuteur"])), "/api/archives", "get")
    assert trouves["total"] == 1 and trouves["resultats"][0]["numero"] == numero
    rien = conforme(client.get("/api/archives?texte=zygomatique", headers=entetes(jetons["tuteur"])),
                    "/api/archives", "get")
    assert rien == {"total": 0, "page": 1, "resultats": []}
    lu = conforme(client.get(f"/api/archives/{numero}", headers=entetes(jetons["tuteur"])),
                  "/api/archives/{numero}", "get")
    assert lu["valeurs"]["stagiaire_nom"] == declaration.exemple["stagiaire_nom"]
    refuse = client.get(f"/api/archives/{numero}", headers=entetes(jetons["autre"]))
    assert refuse.status_code == 404 and conforme(refuse, "/api/archives/{numero}", "get")

    reponse = client.post("/api/archives", headers=entetes(jetons["tuteur"]),
                          data={"fichier": (io.BytesIO(contenu), "fiche.docx")})
    assert conforme(reponse, "/api/archives", "post")["deja_archive"] is True


def test_errors_are_french_pages_and_the_api_s_json(connecte):
    tuteur = connecte("tuteur")
    page = tuteur.get("/archives/A-2026-999999")
    assert page.status_code == 404 and "Page introuvable" in texte(page)
    assert "Not Found" not in texte(page) and '<html lang="fr">' in texte(page)
    trop = tuteur.client.post("/archives/deposer", base_url=HTTPS, data=b"x" * (13 * 2**20),
                              content_type="application/octet-stream")
    assert trop.status_code == 413 and "Fichier trop volumineux" in texte(trop)
    api = tuteur.client.get("/api/inexistant", base_url=HTTPS)
    assert api.status_code in (401, 404) and api.is_json
