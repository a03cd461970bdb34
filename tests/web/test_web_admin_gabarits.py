"""/admin/gabarits: the administrateur's only; a version prepared from Word, its declaration
edited (errors naming the field, nothing typed lost, a field renamed), previewed, published;
a draft saved on the previous version opening on the new one with what has no place."""

from __future__ import annotations

import re

import pytest
import yaml

from service.conception import travaux
from service.web import service
from service.web.outils import stockage
from tests.outils import DERNIERE, version_suivante_synthese
from tests.web.outils import texte

PAGE = "/admin/gabarits"
ID = "fiche_synthese_collectif"


def _stockage(app):
    with app.app_context():
        return stockage()


def _travail(app) -> travaux.Travail:
    """What an upload of a Word form leaves once recognised (the upload itself: the browser
    test and the command line's)."""
    docx, declaration = version_suivante_synthese()
    return travaux.creer(_stockage(app), b"PK televerse", docx,
                         yaml.safe_load(declaration), id=ID, nouveau=False,
                         source="synthese 2027.docx", auteur="admin (administrateur)", alertes=[])


@pytest.mark.parametrize("role", ["secretariat", "tuteur"])
def test_only_the_administrateur_sees_the_pages(app, connecte, client, role):
    jeton = _travail(app).jeton
    autre = connecte(role)
    for adresse in (PAGE, f"{PAGE}/travaux/{jeton}", f"{PAGE}/travaux/{jeton}/apercu",
                    f"{PAGE}/travaux/{jeton}/propositions",
                    f"{PAGE}/{ID}/pour-word.docx", f"{PAGE}/travaux/{jeton}/modele-import.xlsx"):
        assert autre.get(adresse).status_code == 404, adresse
    assert autre.post(f"{PAGE}/televerser", {"id": ID}, page="/").status_code == 404
    assert autre.post(f"{PAGE}/travaux/{jeton}/publier", {"confirmer": "1"},
                      page="/").status_code == 404
    assert autre.post(f"{PAGE}/travaux/{jeton}/propositions", {"p-p1-garder": "1"},
                      page="/").status_code == 404
    reponse = client.get(PAGE, base_url="https://localhost")
    assert reponse.status_code == 302 and "/connexion" in reponse.headers["Location"]
    admin = connecte("admin")
    assert PAGE in texte(admin.get("/admin")) and admin.get(PAGE).status_code == 200


def test_edit_preview_publish_and_a_draft_opens_on_the_new_version(app, connecte):
    pilote = connecte("tuteur")  # writes the fiche synthèse (a pilote de collectif)
    reponse = pilote.post(f"/formulaires/{ID}", {
        "action": "enregistrer", "collectif": "Bassin nord", "lieu_regroupement": "Collège Camus",
        "autres_ressources": "Le livret du tuteur"})
    assert reponse.status_code == 302

    admin = connecte("admin")
    jeton = _travail(app).jeton
    editeur = f"{PAGE}/travaux/{jeton}"
    assert "commentaire_final" in texte(admin.get(editeur))
    reponse = admin.post(editeur, {"action": "champs", "c-collectif-libelle": "",
                                   "c-collectif-nom": "collectif", "c-collectif-type": "texte",
                                   "c-lieu_regroupement-libelle": "Lieu retenu",
                                   "c-lieu_regroupement-nom": "lieu", "c-lieu_regroupement-type": "texte",
                                   "c-lieu_regroupement-requis": "1"})
    page = texte(reponse)
    assert reponse.status_code == 400
    assert "champ « collectif » : libellé manquant" in page
    assert 'value="Lieu retenu"' in page and 'value="lieu"' in page  # nothing typed is lost

    reponse = admin.post(editeur, {"action": "champs", "c-collectif-libelle": "Collectif",
                                   "c-collectif-nom": "collectif", "c-collectif-type": "texte",
                                   "c-collectif-requis": "1"})
    assert reponse.status_code == 302 and reponse.headers["Location"].endswith("/apercu")
    apercu = texte(admin.get(f"{editeur}/apercu"))
    assert "Champ ajouté : « Commentaire final » (commentaire_final)" in apercu
    assert "Champ retiré : « Autres ressources » (autres_ressources)" in apercu
    assert "Lieu retenu" in apercu and 'value="Collège Jean-Moulin' in apercu  # the web form
    pages = re.findall(rf'src="({editeur}/page-\d+\.jpg)"', apercu)
    assert pages and admin.get(pages[0]).mimetype == "image/jpeg"
    assert admin.get(f"{editeur}/modele-import.xlsx").status_code == 200

    assert admin.post(f"{editeur}/publier", {}, page=f"{editeur}/apercu").status_code == 302
    assert service(app)["catalogue"].gabarit(ID).version == DERNIERE  # not confirmed: not published
    reponse = admin.post(f"{editeur}/publier", {"confirmer": "1"}, page=f"{editeur}/apercu")
    assert reponse.status_code == 302
    liste = texte(admin.get(PAGE))
    assert f"version {DERNIERE + 1}, le " in liste and "synthese 2027.docx" in liste
    nouvelle = service(app)["catalogue"].gabarit(ID)
    assert nouvelle.version == DERNIERE + 1
    assert nouvelle.formulaire.champ("lieu").libelle == "Lieu retenu"
    assert admin.get(editeur).status_code == 404  # the work is done

    formulaires = texte(pilote.get("/formulaires"))
    saisie = re.search(r"saisie=([A-Za-z0-9_-]{20,})", formulaires).group(1)
    page = texte(pilote.get(f"/formulaires/{ID}?saisie={saisie}"))
    assert (f"commencé sur la version {DERNIERE} ; le formulaire est maintenant en version "
            f"{DERNIERE + 1}") in page
    assert "« Autres ressources » : <q>Le livret du tuteur</q>" in page
    assert "« Lieu du présentiel » : <q>Collège Camus</q>" in page  # renamed: no place either
    assert 'value="Bassin nord"' in page


def test_the_upload_is_checked_then_recognised(app, connecte):
    import io

    from service.catalogue.declaration import charger
    from service.conception.pour_word import pour_word
    from tests.outils import RACINE

    admin = connecte("admin")
    reponse = admin.post(f"{PAGE}/televerser", {"id": ID, "fichier": (
        io.BytesIO(b"%PDF-1.7 pas un document"), "synthese.docx")})
    assert reponse.status_code == 400
    assert "synthese.docx : modèle refusé : c’est un PDF, pas un document Word" in texte(reponse)
    reponse = admin.post(f"{PAGE}/televerser", {"nouveau": "1", "id": ID, "fichier": (
        io.BytesIO(b"PK"), "x.docx")})
    assert "ce gabarit existe déjà" in texte(reponse)

    word = pour_word((RACINE / "gabarits" / ID / f"v{DERNIERE}.docx").read_bytes(),
                     charger(RACINE / "formulaires" / ID / f"v{DERNIERE}.yaml"))
    reponse = admin.post(f"{PAGE}/televerser", {"id": ID, "fichier": (io.BytesIO(word),
                                                                      "synthese.docx")})
    assert reponse.status_code == 302
    page = texte(admin.get(reponse.headers["Location"]))
    assert "Nouvelle version de « fiche_synthese_collectif »" in page
    assert 'id="c-participants.degre-libelle"' in page and "À vérifier" in page


def test_a_hostile_upload_is_refused_in_french_and_leaves_nothing(app, connecte):
    import io

    from tests.conception.word import avec_macros, avec_modele_attache, sans_controles

    macros, modele = avec_macros(sans_controles()), avec_modele_attache(sans_controles())
    admin = connecte("admin")
    avant = list(_stockage(app).lister(travaux.RACINE))
    for contenu, attendu in (
            (macros, "fiche.docx : modèle refusé : le document contient des macros"),
            (modele, "fiche.docx : modèle refusé : il fait appel à un modèle attaché hors du "
                     "document (« http://exemple.invalid/modele.dotm »")):
        reponse = admin.post(f"{PAGE}/televerser", {"nouveau": "1", "id": "fiche_visite", "fichier": (
            io.BytesIO(contenu), "fiche.docx")}, page=PAGE)
        assert reponse.status_code == 400 and attendu in texte(reponse)
        assert 'value="fiche_visite"' in texte(reponse)  # what was typed is kept
    assert list(_stockage(app).lister(travaux.RACINE)) == avant
    assert "fiche_visite" not in service(app)["catalogue"].ids()
    assert admin.get("/sante").status_code == 200


def test_a_form_without_controls_its_proposals_reviewed_then_published(app, connecte):
    """dots, boxes and a signature cell: one proposal dropped, one renamed, the rest kept; the
    published version declares the fields kept, and its Word file has them as content controls."""
    import io
    import zipfile

    from service.conception.propositions import proposer
    from tests.conception.word import sans_controles

    word = sans_controles()
    props = {p.libelle: p for p in proposer(word)}
    admin = connecte("admin")
    reponse = admin.post(f"{PAGE}/televerser", {"nouveau": "1", "id": "fiche_visite",
                                                "titre": "Fiche de visite", "fichier": (
                                                    io.BytesIO(word), "fiche visite.docx")}, page=PAGE)
    assert reponse.status_code == 302 and reponse.headers["Location"].endswith("/propositions")
    adresse = reponse.headers["Location"]
    editeur = adresse.removesuffix("/propositions")
    assert admin.get(editeur).headers["Location"].endswith("/propositions")  # reviewed first
    page = texte(admin.get(adresse))
    assert "Champs proposés" in page and "&lt;script&gt;" in page
    assert page.count('class="proposition"') >= len(props)
    assert 'id="p-p1-garder" name="p-p1-garder" value="1" checked' in page

    nom, etab = props["Nom"].id, props["Établissement"].id
    champs = {f"p-{p.id}-garder": "1" for p in props.values() if p.id != etab}
    reponse = admin.post(adresse, champs | {f"p-{nom}-nom": "Nom Stagiaire",
                                            f"p-{nom}-libelle": "Nom du stagiaire"})
    page = texte(reponse)
    assert reponse.status_code == 400
    assert "« Nom du stagiaire » : nom « Nom Stagiaire » invalide" in page
    assert f'id="p-{nom}-erreur"' in page and 'value="Nom du stagiaire"' in page  # nothing lost
    assert f'id="p-{etab}-garder" name="p-{etab}-garder" value="1">' in page  # still dropped

    reponse = admin.post(adresse, champs | {f"p-{nom}-nom": "nom_stagiaire",
                                            f"p-{nom}-libelle": "Nom du stagiaire"})
    assert reponse.status_code == 302 and reponse.headers["Location"] == editeur
    page = texte(admin.get(editeur))
    assert "Revoir les champs proposés" in page
    assert 'value="nom_stagiaire"' in page and 'value="etablissement"' not in page

    jeton = editeur.rsplit("/", 1)[1]
    travail = travaux.ouvrir(_stockage(app), jeton)
    declaration = travail.declaration()
    for _, champ in travaux.champs_de(declaration):
        if champ.get("type") == "signature":
            champ["signe_par"] = "tuteur_terrain"
    declaration.update(parcours=["pe_stagiaire"], redige_par=["tuteur_terrain"])
    reponse = admin.post(editeur, {"action": "yaml", "yaml": travaux.texte_yaml(declaration)})
    assert reponse.status_code == 302, texte(reponse)
    assert admin.post(f"{editeur}/publier", {"confirmer": "1"},
                      page=f"{editeur}/apercu").status_code == 302

    publie = service(app)["catalogue"].gabarit("fiche_visite")
    noms = {c.nom for c in publie.formulaire.champs}
    assert {"nom_stagiaire", "prenom", "observations", "signature_du_tuteur"} <= noms
    assert "etablissement" not in noms and "nom" not in noms
    assert next(c for c in publie.formulaire.champs if c.nom == "nom_stagiaire").libelle == (
        "Nom du stagiaire")
    pour_word = admin.get(f"{PAGE}/fiche_visite/pour-word.docx").get_data()
    xml = zipfile.ZipFile(io.BytesIO(pour_word)).read("word/document.xml").decode()
    assert '<w:tag w:val="nom_stagiaire"/>' in xml and "{{" not in xml.replace("{{ cycler", "")


def test_a_mark_the_service_does_not_write_is_refused_before_the_preview(app, connecte):
    """The gabarit's marks checked against the whitelist (marques.verifier_marques) before the
    preview and before publishing: a loop over ``range`` named, nothing previewed."""
    import io
    import zipfile

    travail = _travail(app)
    with zipfile.ZipFile(io.BytesIO(travail.gabarit)) as z:
        parties = {n: z.read(n) for n in z.namelist()}
    parties["word/document.xml"] = parties["word/document.xml"].replace(
        b"<w:body>", b"<w:body><w:p><w:r><w:t>{% for x in range(10**9) %}x{% endfor %}</w:t></w:r>"
                     b"</w:p>", 1)
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w") as z:
        for nom, contenu in parties.items():
            z.writestr(nom, contenu)
    travail.gabarit = sortie.getvalue()
    admin = connecte("admin")
    editeur = f"{PAGE}/travaux/{travail.jeton}"
    reponse = admin.post(editeur, {"action": "yaml", "yaml": travail.texte})
    assert reponse.status_code == 400
    assert "le corps du document : la marque « {% for x in range(10**9) %} » n’est pas permise" in (
        texte(reponse))
    assert not travail.meta.get("valide") and not travail.pages()
