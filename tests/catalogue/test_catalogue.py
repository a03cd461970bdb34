"""The catalogue: eight gabarits, immutable published versions, template and declaration in step."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from io import BytesIO

import pytest
import yaml

from service import creer_catalogue
from service.catalogue.declaration import DeclarationInvalide, charger
from service.catalogue.gabarits import publier
from service.catalogue.generation import generer
from service.catalogue.rendu import GabaritInvalide
from service.catalogue.validation import valider
from tests.outils import DERNIERE, IDS, texte_docx

NOUVELLE = DERNIERE + 1


def test_the_eight_documents_of_the_catalogue_are_there(catalogue):
    assert set(catalogue.ids()) == IDS


@pytest.mark.parametrize("id_", sorted(IDS))
def test_each_example_is_complete_and_valid(catalogue, id_):
    formulaire = catalogue.gabarit(id_).formulaire
    valeurs = valider(formulaire, formulaire.exemple)
    vides = [c.nom for c in formulaire.champs
             if c.type != "signature" and valeurs[c.nom] in (None, [], "")]
    assert not vides, f"l'exemple de {id_} ne remplit pas : {vides}"
    for champ in formulaire.champs:
        if champ.type == "groupe":
            assert len(valeurs[champ.nom]) >= 2, f"{id_} : {champ.nom} devrait avoir 2 lignes"


def _remplacer_dans_docx(chemin, avant: str, apres: str) -> None:
    with zipfile.ZipFile(chemin) as z:
        parties = [(i, z.read(i)) for i in z.infolist()]
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parties:
            if info.filename == "word/document.xml":
                texte = data.decode()
                assert avant in texte
                data = texte.replace(avant, apres, 1).encode()
            z.writestr(info, data)
    chemin.write_bytes(buf.getvalue())


def test_a_template_changed_without_a_new_version_is_refused(copie_catalogue):
    chemin = copie_catalogue.gabarits / "compte_rendu_sopa" / "v1.docx"
    _remplacer_dans_docx(chemin, "Lieu du stage", "Lieu du stage modifié")
    with pytest.raises(GabaritInvalide) as exc:
        creer_catalogue(copie_catalogue)
    message = str(exc.value)
    assert "compte_rendu_sopa/v1.docx a changé" in message
    assert "version 2" in message


def test_a_declaration_changed_without_a_new_version_is_refused(copie_catalogue):
    chemin = copie_catalogue.formulaires / "fiche_personnalisation" / "v1.yaml"
    chemin.write_text(chemin.read_text() + "\n# retouche\n")
    with pytest.raises(GabaritInvalide, match="fiche_personnalisation/v1.yaml a changé"):
        creer_catalogue(copie_catalogue)


def test_an_unpublished_version_is_refused_until_published(copie_catalogue):
    dossier_f = copie_catalogue.formulaires / "compte_rendu_sopa"
    dossier_g = copie_catalogue.gabarits / "compte_rendu_sopa"
    declaration = yaml.safe_load((dossier_f / f"v{DERNIERE}.yaml").read_text())
    declaration["titre"] += " (révisé)"
    (dossier_f / f"v{NOUVELLE}.yaml").write_text(yaml.safe_dump(declaration, allow_unicode=True))
    shutil.copy(dossier_g / f"v{DERNIERE}.docx", dossier_g / f"v{NOUVELLE}.docx")
    _remplacer_dans_docx(dossier_g / f"v{NOUVELLE}.docx", "Lieu du stage :", "Lieu du stage (école) :")
    with pytest.raises(GabaritInvalide, match=f"version {NOUVELLE} non publiée"):
        creer_catalogue(copie_catalogue)

    assert publier(copie_catalogue.gabarits, copie_catalogue.formulaires, "compte_rendu_sopa") == NOUVELLE
    catalogue = creer_catalogue(copie_catalogue)
    assert catalogue.versions("compte_rendu_sopa") == list(range(1, NOUVELLE + 1))
    exemple = catalogue.gabarit("compte_rendu_sopa").formulaire.exemple
    # The new version is the default; the old ones stay renderable, unchanged.
    nouveau = generer(catalogue, "compte_rendu_sopa", exemple)
    ancien = generer(catalogue, "compte_rendu_sopa", exemple, version=DERNIERE)
    premier = generer(catalogue, "compte_rendu_sopa", exemple, version=1)
    assert "Lieu du stage (école) :" in texte_docx(nouveau.docx)
    assert "Lieu du stage (école) :" not in texte_docx(ancien.docx)
    assert "Lieu du stage :" in texte_docx(ancien.docx)
    assert "compte_rendu_sopa version 1 ·" in texte_docx(premier.docx)
    assert "compte_rendu_sopa version 2 ·" in texte_docx(generer(catalogue, "compte_rendu_sopa",
                                                                  exemple, version=2).docx)
    # from version 3, the footer says « modèle v3 » and « document … v1 »
    assert f"compte_rendu_sopa · modèle v{DERNIERE} ·" in texte_docx(ancien.docx)
    assert f"compte_rendu_sopa · modèle v{NOUVELLE} ·" in texte_docx(nouveau.docx)
    assert re.search(r"document n° \S+ v1 · généré le", texte_docx(nouveau.docx))


def test_a_published_version_cannot_be_republished_with_other_content(copie_catalogue):
    chemin = copie_catalogue.formulaires / "compte_rendu_sopa" / f"v{DERNIERE}.yaml"
    chemin.write_text(chemin.read_text() + "\n# retouche\n")
    with pytest.raises(GabaritInvalide, match="déjà publiée"):
        publier(copie_catalogue.gabarits, copie_catalogue.formulaires, "compte_rendu_sopa")


def _retirer_champ(chemin, nom: str) -> None:
    declaration = yaml.safe_load(chemin.read_text())
    for section in declaration["sections"]:
        section["champs"] = [c for c in section["champs"] if c["nom"] != nom]
    declaration["exemple"].pop(nom, None)
    chemin.write_text(yaml.safe_dump(declaration, allow_unicode=True))


def _republier(config, id_):
    """Forgets the newest published version of ``id_`` (as if never published), then
    publishes it."""
    chemin = config.gabarits / "manifeste.json"
    manifeste = json.loads(chemin.read_text())
    del manifeste[id_][max(manifeste[id_], key=int)]
    chemin.write_text(json.dumps(manifeste))
    publier(config.gabarits, config.formulaires, id_)


def test_a_template_variable_missing_from_the_declaration_is_named(copie_catalogue):
    _retirer_champ(copie_catalogue.formulaires / "compte_rendu_sopa" / f"v{DERNIERE}.yaml",
                   "lieu_stage")
    _republier(copie_catalogue, "compte_rendu_sopa")
    catalogue = creer_catalogue(copie_catalogue)
    with pytest.raises(GabaritInvalide) as exc:
        catalogue.compile(catalogue.gabarit("compte_rendu_sopa"))
    assert "la variable « lieu_stage » est utilisée mais n'est pas déclarée" in str(exc.value)
    assert f"compte_rendu_sopa/v{DERNIERE}.docx" in str(exc.value)


def test_a_declared_field_that_no_template_uses_is_named(copie_catalogue):
    chemin = copie_catalogue.formulaires / "compte_rendu_sopa" / f"v{DERNIERE}.yaml"
    declaration = yaml.safe_load(chemin.read_text())
    declaration["sections"][0]["champs"].append(
        {"nom": "telephone", "type": "texte", "libelle": "Téléphone"})
    chemin.write_text(yaml.safe_dump(declaration, allow_unicode=True))
    _republier(copie_catalogue, "compte_rendu_sopa")
    catalogue = creer_catalogue(copie_catalogue)
    with pytest.raises(GabaritInvalide) as exc:
        catalogue.compile(catalogue.gabarit("compte_rendu_sopa"))
    assert "le champ « telephone » est déclaré mais" in str(exc.value)
    assert "ne l'utilise nulle part" in str(exc.value)


def test_a_group_column_must_be_used_too(copie_catalogue):
    chemin = copie_catalogue.formulaires / "accompagnement_renforce_m2ca" / f"v{DERNIERE}.yaml"
    declaration = yaml.safe_load(chemin.read_text())
    groupe = next(c for s in declaration["sections"] for c in s["champs"] if c["type"] == "groupe")
    groupe["champs"].append({"nom": "colonne_fantome", "type": "texte", "libelle": "Fantôme"})
    chemin.write_text(yaml.safe_dump(declaration, allow_unicode=True))
    _republier(copie_catalogue, "accompagnement_renforce_m2ca")
    catalogue = creer_catalogue(copie_catalogue)
    with pytest.raises(GabaritInvalide, match="la colonne « colonne_fantome » est déclarée"):
        catalogue.compile(catalogue.gabarit("accompagnement_renforce_m2ca"))


@pytest.mark.parametrize("modification, message", [
    ({"type": "couleur"}, "type « couleur » inconnu"),
    ({"nom": "Nom Invalide"}, "nom de champ « Nom Invalide » invalide"),
    ({"libelle": ""}, "libellé manquant"),
    ({"requis_": True}, "clé(s) inconnue(s) requis_"),
])
def test_a_wrong_declaration_names_its_file_and_field(copie_catalogue, modification, message):
    chemin = copie_catalogue.formulaires / "compte_rendu_sopa" / "v1.yaml"
    declaration = yaml.safe_load(chemin.read_text())
    declaration["sections"][0]["champs"][2].update(modification)
    chemin.write_text(yaml.safe_dump(declaration, allow_unicode=True))
    with pytest.raises(DeclarationInvalide) as exc:
        charger(chemin)
    assert message in str(exc.value)
    assert str(chemin) in str(exc.value)


@pytest.mark.parametrize("id_", sorted(IDS))
def test_the_committed_template_is_what_its_authoring_module_builds(tmp_path, id_):
    """Editing a template's module without publishing a new version fails here."""
    from service.conception import construire
    from tests.outils import RACINE

    shutil.copytree(RACINE / "formulaires", tmp_path / "formulaires")
    construit = construire(id_, tmp_path)
    publie = RACINE / "gabarits" / id_ / construit.name
    assert construit.read_bytes() == publie.read_bytes(), (
        f"service/conception/{id_}.py ne produit plus {publie} : publiez une nouvelle version")


def test_people_asking_at_once_share_one_compiled_template(copie_catalogue):
    import threading

    catalogue = creer_catalogue(copie_catalogue)  # nothing compiled yet
    gabarit = catalogue.gabarit("lettre_mission_sopa")
    depart, compiles = threading.Barrier(6), []

    def demander():
        depart.wait()
        compiles.append(catalogue.compile(gabarit))

    fils = [threading.Thread(target=demander) for _ in range(6)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    assert len(compiles) == 6 and all(c is compiles[0] for c in compiles)
