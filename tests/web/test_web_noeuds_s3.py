"""Two web nodes behind one address: each with its own empty folders, sharing only the database
and the S3 bucket. A person's requests alternate between them: a session opened on A works on B,
a draft saved on A is opened on B, a preview made on A is published from B; nothing a request
keeps is left on either node's disk."""

from __future__ import annotations

import re

import pytest

from service.config import Config
from service.personnes.demo import comptes_de_demo
from service.web import create_app, service
from tests.outils import DERNIERE
from tests.web.outils import Navigateur, texte

ID = "fiche_synthese_collectif"


@pytest.fixture(scope="module")
def noeuds(serveur_s3, tmp_path_factory):
    dossier = tmp_path_factory.mktemp("noeuds")
    commun = {"stockage": f"s3://{serveur_s3.bucket}/noeuds", "s3_point_d_acces": serveur_s3.point_d_acces,
              "s3_cle": serveur_s3.cle, "s3_secret": serveur_s3.secret,
              "base_de_donnees": f"sqlite:///{dossier / 'commune.sqlite3'}"}
    a, b = (create_app(Config(donnees=dossier / n / "d", sorties=dossier / n / "s", **commun))
            for n in "ab")
    b.config["SECRET_KEY"] = a.config["SECRET_KEY"]  # the nodes' one key, as deployed
    comptes_de_demo(service(a)["base"])
    yield a, b
    for app in (a, b):
        if "moteur" in service(app):
            service(app)["moteur"].fermer()
            service(app)["atelier"].fermer()


def _personne(noeuds, identifiant: str) -> tuple[Navigateur, Navigateur]:
    """One person's browser on node A and on node B (one cookie jar), signed in on A."""
    sur_a, sur_b = Navigateur(noeuds[0]), Navigateur(noeuds[1])
    sur_b.client._cookies = sur_a.client._cookies
    assert sur_a.connexion(identifiant).status_code == 302
    return sur_a, sur_b


def _disques_vides(noeuds) -> None:
    for app in noeuds:
        config = service(app)["config"]
        assert not [f for f in config.sorties.rglob("*") if f.is_file()]
        restes = {"saisies", "brouillons", "rapports", "travaux", "pages-v1", "apercu"}
        assert not [f for f in config.donnees.rglob("*") if restes & set(f.parts)]


def test_a_draft_saved_on_a_is_finished_on_b(noeuds, catalogue):
    sur_a, sur_b = _personne(noeuds, "tuteur")
    assert sur_b.get("/").status_code == 200  # the session opened on A
    exemple = catalogue.gabarit("fiche_personnalisation").formulaire.exemple
    donnees = {k: v for k, v in exemple.items() if isinstance(v, (str, int))}
    donnees.update(date_reunion="2026-10-15", date_fiche="2026-10-19", stagiaire_nom="NOEUDS")
    adresse = "/formulaires/fiche_personnalisation"
    assert sur_a.post(adresse, donnees | {"action": "enregistrer"}).status_code == 302

    saisie = re.search(r"saisie=([A-Za-z0-9_-]{20,})", texte(sur_b.get("/formulaires"))).group(1)
    assert 'value="NOEUDS"' in texte(sur_b.get(f"{adresse}?saisie={saisie}"))
    recap = sur_b.post(adresse, donnees | {"action": "apercu", "saisie": saisie},
                       page=f"{adresse}?saisie={saisie}").headers["Location"]
    assert "/brouillons/" in recap
    assert sur_a.get(f"{recap}/page-1.jpg").mimetype == "image/jpeg"
    assert sur_a.get(f"{recap}/apercu.pdf").data.startswith(b"%PDF-")
    document = sur_a.post(f"{recap}/valider", {}, page=recap).headers["Location"]
    numero = document.rsplit("/", 1)[1]
    assert sur_b.get(document).status_code == 200
    assert sur_b.get(f"/documents/{numero}/v1/page-1.jpg").mimetype == "image/jpeg"
    assert sur_a.get(f"/documents/{numero}/v1/page-1.jpg").mimetype == "image/jpeg"
    assert sur_b.get(recap).status_code == 404  # kept: the recap is gone on every node
    _disques_vides(noeuds)


def test_a_gabarit_previewed_on_a_is_published_from_b(noeuds):
    import io

    sur_a, sur_b = _personne(noeuds, "admin")
    word = sur_a.get(f"/admin/gabarits/{ID}/pour-word.docx").data
    reponse = sur_a.post("/admin/gabarits/televerser", {"id": ID, "fichier": (
        io.BytesIO(word), "synthese 2027.docx")}, page="/admin/gabarits")
    editeur = reponse.headers["Location"]
    assert "lieu_regroupement" in texte(sur_b.get(editeur))
    reponse = sur_a.post(editeur, {"action": "champs", "c-lieu_regroupement-nom": "lieu",
                                   "c-lieu_regroupement-libelle": "Lieu du regroupement"})
    assert reponse.status_code == 302 and reponse.headers["Location"].endswith("/apercu")
    apercu = texte(sur_b.get(f"{editeur}/apercu"))
    assert "Champ ajouté : « Lieu du regroupement » (lieu)" in apercu
    pages = re.findall(rf'src="({editeur}/page-\d+\.jpg)"', apercu)
    assert pages and sur_b.get(pages[0]).mimetype == "image/jpeg"
    assert sur_b.get(f"{editeur}/exemple.pdf").data.startswith(b"%PDF-")
    reponse = sur_b.post(f"{editeur}/publier", {"confirmer": "1"}, page=f"{editeur}/apercu")
    assert reponse.status_code == 302
    assert service(noeuds[1])["catalogue"].gabarit(ID).version == DERNIERE + 1
    assert sur_a.get(editeur).status_code == 404  # the work is done, on every node
    _disques_vides(noeuds)

