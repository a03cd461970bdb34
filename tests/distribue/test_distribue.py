"""The service spread over processes that share only PostgreSQL, Redis and S3 (tests/distribue/):
two web nodes behind nginx, two workers, each with its own empty folder.

In that topology, in this order: a tuteur's journey through the dossier in a real Chromium, its
requests served in turn by both nodes (fill, sign, archived); the archive's round trip (a filled
.docx uploaded, checked, archived, read back); a lot of 300 documents while a worker is killed
and a web node stopped; then ``fsck`` clean, and nothing that matters left in any process's folder
once they all stopped."""

from __future__ import annotations

import io
import json
import re
import signal
import time
import uuid
import zipfile

import pytest
from playwright.sync_api import TimeoutError

from service.bd import instance, ouvrir
from service.catalogue.generation import generer
from tests.distribue import topologie
from tests.web.outils import connecter_demo, tracer_une_signature

ID = "compte_rendu_sopa"
LIGNES = 300
SERVIS: list[str] = []  # the node that served each page the browser asked for (X-Noeud)


@pytest.fixture(scope="module")
def topo():
    with topologie(noeuds=2, workers=2) as t:
        yield t


@pytest.fixture(scope="module")
def page(chromium, topo):
    """A French browser's page; each page's answer notes the node that served it (X-Noeud)."""
    contexte = chromium.new_context(locale="fr-FR", accept_downloads=True,
                                    extra_http_headers={"Accept-Language": "fr-FR,fr;q=0.9"},
                                    viewport={"width": 1100, "height": 900})
    page = contexte.new_page()
    # a page that converts (preview, signature, archive) may wait for a stuck LibreOffice to be
    # replaced (INSPE_DELAI, 60 s) and the conversion tried again: what a person may wait too
    page.set_default_navigation_timeout(150_000)
    page.on("response", lambda r: SERVIS.append(r.headers.get("x-noeud"))
            if r.request.resource_type == "document" else None)
    yield page
    contexte.close()


def test_a_tuteur_fills_signs_and_archives_a_dossier_document_across_both_nodes(page, topo, tmp_path):
    adresse = topo.adresse
    connecter_demo(page, adresse, "tuteur")
    assert page.get_by_role("heading", level=1).inner_text() == "Mes documents"
    # the draft the demo saved (on the first node) taken up, whichever node answers
    page.get_by_role("link", name=re.compile("Reprendre le brouillon.*Hugo BERNARD")).click()
    assert page.get_by_label("Nom du stagiaire *", exact=True).input_value() == "BERNARD"
    page.get_by_label("Nombre de ½ journées d’absence", exact=True).fill("1")
    page.get_by_label("Observations", exact=True).check()
    page.get_by_role("button", name="Voir le document avant de le valider").click()
    page.wait_for_url("**/brouillons/**")
    page.get_by_role("button", name="Valider le document").first.click()
    page.wait_for_url("**/documents/**")
    page.get_by_role("link", name="Signer ce document").click()
    tracer_une_signature(page)
    page.get_by_role("button", name="Signer la version 1").click()
    try:
        page.wait_for_url(re.compile(r".*/documents/[^/]+$"))
    except TimeoutError:  # what the person sees instead
        pytest.fail(f"la signature n'a pas abouti : {page.url}\n{page.locator('main').inner_text()}")
    annonce = page.locator("#archive")
    assert "le document est archivé" in annonce.inner_text()
    annonce.get_by_role("link").click()
    page.wait_for_url("**/archives/A-*")
    with page.expect_download() as attente:
        page.get_by_role("link", name=re.compile("PDF archivé")).click()
    pdf = attente.value.path().read_bytes()
    assert pdf.startswith(b"%PDF-")

    # both nodes served this person's pages, in turn (nginx's round-robin), and its log agrees
    noeuds = {f"127.0.0.1:{n.port}" for n in topo.noeuds}
    assert set(SERVIS) == noeuds, SERVIS
    assert all(topo.servi_par().get(n, 0) > 5 for n in noeuds), topo.servi_par()


def test_the_archive_round_trip(page, topo, catalogue, tmp_path):
    adresse = topo.adresse
    docx = generer(catalogue, ID, catalogue.gabarit(ID).formulaire.exemple).docx
    fichier = tmp_path / "compte-rendu MOREAU Léa.docx"
    fichier.write_bytes(docx)
    connecter_demo(page, adresse, "secretariat")
    page.goto(f"{adresse}/archives")
    page.get_by_role("link", name="Déposer un document").click()
    page.get_by_label("Document Word complété (.docx) *").set_input_files(str(fichier))
    page.get_by_role("button", name="Déposer et vérifier").click()
    page.wait_for_url("**/verifier")
    assert page.get_by_label("Nom du stagiaire *", exact=True).input_value() == "MOREAU"
    page.get_by_role("button", name="Archiver", exact=True).click()
    page.wait_for_url(re.compile(r".*/archives/A-\d{4}-\d{6}$"))
    fiche = page.url
    for _ in range(2):  # read back from each node in turn
        page.goto(fiche)
        assert "Archivé" in page.locator("main").inner_text()
        with page.expect_download() as attente:
            page.get_by_role("link", name=re.compile("Word \\(.docx\\)")).first.click()
        assert attente.value.path().read_bytes() == docx
        with page.expect_download() as attente:
            page.get_by_role("link", name=re.compile("PDF archivé")).first.click()
        assert attente.value.path().read_bytes().startswith(b"%PDF-")


def test_a_lot_of_300_survives_a_killed_worker_and_a_stopped_node(page, topo, catalogue):
    adresse = topo.adresse
    exemple = catalogue.gabarit(ID).formulaire.exemple
    lignes = [{**json.loads(json.dumps(exemple, default=str)), "stagiaire_nom": f"STAGIAIRE{n:03d}"}
              for n in range(1, LIGNES + 1)]
    donnees = topo.racine / "lot.json"  # the operator's file, not a process's
    donnees.write_text(json.dumps(lignes, ensure_ascii=False), encoding="utf-8")
    lance = topo.commande("lot", ID, "--donnees", str(donnees), "--format", "pdf",
                          "--par", "secretariat")
    lot_id = lance.stdout.split("\t")[0]
    connecter_demo(page, adresse, "secretariat")

    def etat():
        reponse = page.request.get(f"{adresse}/lots/{lot_id}/etat.json")
        assert reponse.ok, (reponse.status, reponse.text()[:500])
        return reponse.json()

    fin = time.monotonic() + 120
    while etat()["faits"] < 25:  # the first packet done: the workers are at it
        assert time.monotonic() < fin, etat()
        time.sleep(0.5)
    topo.workers[0].arreter(signal.SIGKILL)  # a worker's machine dies, its packet under way
    topo.noeuds[1].arreter()  # a web node is stopped (an upgrade, a machine taken out)
    fin = time.monotonic() + 600
    while (e := etat())["etat"] not in ("termine", "echoue"):
        assert time.monotonic() < fin, e
        time.sleep(2)
    assert e["etat"] == "termine" and e["faits"] == e["total"] == LIGNES, e

    # every document exactly once: in the lot's ZIP, and in the shared storage
    zip_ = page.request.get(f"{adresse}{e['zip']}")
    assert zip_.ok
    with zipfile.ZipFile(io.BytesIO(zip_.body())) as z:
        pdfs = [n for n in z.namelist() if n.endswith(".pdf")]
    assert len(pdfs) == len(set(pdfs)) == LIGNES
    numeros = {f"{lot_id[:8]}-{str(uuid.uuid5(uuid.NAMESPACE_URL, f'inspe-lot:{lot_id}:{n}'))[:6].upper()}"
               for n in range(LIGNES)}
    cles = _cles(topo, "inspe/documents/")
    for numero in numeros:
        fichiers = sorted(c.split("/", 3)[3] for c in cles if c.split("/")[2] == numero)
        assert [f for f in fichiers if f.endswith(".pdf")] == ["v1.pdf"], (numero, fichiers)


def test_fsck_is_clean_and_no_process_leaves_anything_that_matters(topo):
    resultat = topo.commande("fsck", verifier=False)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert not _cles(topo, "inspe/", partiels=True)  # no temporary left on the storage
    # every document above was sealed with the key the database keeps encrypted (INSPE_PHRASE_SCEAU)
    base = ouvrir(topo.commun["DATABASE_URL"])
    cle = json.loads(instance.lire(base, "sceau"))["cle"]
    base.dispose()
    assert cle.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    topo.arreter()
    restes = {p.nom: p.restes() for p in topo.processus()}
    assert not any(restes.values()), "\n".join(f"{nom} : {', '.join(r)}" for nom, r in restes.items() if r)


def _cles(topo, prefixe: str, partiels: bool = False) -> list[str]:
    """The storage's keys under ``prefixe``; ``partiels``: only the temporary ones."""
    client, cles, suite = topo.s3.client(), [], {}
    while True:
        reponse = client.list_objects_v2(Bucket=topo.s3.bucket, Prefix=prefixe, **suite)
        cles += [o["Key"] for o in reponse.get("Contents", [])]
        if not reponse.get("IsTruncated"):
            break
        suite = {"ContinuationToken": reponse["NextContinuationToken"]}
    return [c for c in cles if c.endswith(".partiel")] if partiels else cles
