"""The web service with its files on a real S3 server (INSPE_STOCKAGE=s3://…): a document made
through the API is kept in the bucket, read back from it, and nothing of it is on the local disk,
not even its page pictures (made once, in the bucket, for every web node)."""

from __future__ import annotations

import socket

import pytest

from service.personnes.comptes import creer_jeton
from service.web import service
from tests.web.outils import conforme, entetes


@pytest.fixture(scope="module")
def reglages(serveur_s3) -> dict:
    return {"stockage": f"s3://{serveur_s3.bucket}/web", "s3_point_d_acces": serveur_s3.point_d_acces,
            "s3_cle": serveur_s3.cle, "s3_secret": serveur_s3.secret}


def test_a_document_made_through_the_api_is_kept_in_the_bucket(app, client, connecte, catalogue,
                                                              serveur_s3):
    jeton = creer_jeton(service(app)["base"], "tuteur")
    reponse = client.post("/api/documents", headers=entetes(jeton), json={
        "gabarit": "fiche_personnalisation",
        "donnees": catalogue.gabarit("fiche_personnalisation").formulaire.exemple})
    assert reponse.status_code == 201, reponse.json
    document = conforme(reponse, "/api/documents", "post")
    numero = document["numero"]

    objets = serveur_s3.client().list_objects_v2(Bucket=serveur_s3.bucket, Prefix=f"web/documents/{numero}/")
    assert sorted(o["Key"].rsplit("/", 1)[1] for o in objets["Contents"]) == [
        "document.json", "v1.docx", "v1.pdf"]
    pdf = client.get(document["versions"][0]["pdf"], headers=entetes(jeton))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert client.get(f"/api/documents/{numero}", headers=entetes(jeton)).json["numero"] == numero
    tuteur = connecte("tuteur")  # its page, and its pictures drawn from the PDF in the bucket
    assert f"/documents/{numero}/v1.pdf" in tuteur.get(f"/documents/{numero}").get_data(as_text=True)
    assert tuteur.get(f"/documents/{numero}/v1.pdf").data == pdf.data
    image = tuteur.get(f"/documents/{numero}/v1/page-1.jpg")
    assert image.status_code == 200 and image.data.startswith(b"\xff\xd8")
    local = service(app)["config"].sorties
    assert not [f for f in local.rglob("*") if f.is_file()]  # its pictures too: in the bucket
    assert serveur_s3.client().head_object(Bucket=serveur_s3.bucket,
                                           Key=f"web/documents/{numero}/pages-v1/page-1.jpg")


def test_sante_says_when_the_storage_does_not_answer(app, client, serveur_s3):
    from service.stockage.s3 import S3

    assert client.get("/sante").status_code == 200
    with socket.socket() as s:  # a port where nothing listens
        s.bind(("127.0.0.1", 0))
        ailleurs = f"http://127.0.0.1:{s.getsockname()[1]}"
    avant = service(app)["stockage"]
    service(app)["stockage"] = S3.depuis(f"s3://{serveur_s3.bucket}/web", point_d_acces=ailleurs,
                                         cle=serveur_s3.cle, secret=serveur_s3.secret)
    try:
        reponse = client.get("/sante")
    finally:
        service(app)["stockage"] = avant
    assert reponse.status_code == 503
    assert reponse.json["detail"].startswith(f"en panne : le stockage (S3(s3://{serveur_s3.bucket}/web/)) "
                                             "ne répond pas")
