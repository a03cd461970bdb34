"""Publishing a version from Word: the diff shown, the files in the storage, the row in the
database, every process seeing it without a restart, a changed file stopping the start, and a
draft on the previous version opened on the new one with what has no place any more."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from service import creer_catalogue
from service.bd import ouvrir
from service.catalogue.difference import reporter
from service.catalogue.rendu import GabaritInvalide
from service.cli import main
from service.conception.publication import PublicationRefusee, preparer, publier
from service.web import create_app
from tests.outils import DERNIERE, RACINE, texte_docx, version_suivante_synthese

NOUVELLE = DERNIERE + 1
FORMER = "Le module FORMER – Ressources Parcours M@gistère organisé en 4 blocs"

ID = "fiche_synthese_collectif"


@pytest.fixture
def instance(copie_catalogue):
    base = ouvrir(copie_catalogue.base_de_donnees)
    return copie_catalogue, base, creer_catalogue(copie_catalogue, base)


def _environ(config) -> dict:
    return {**os.environ, "INSPE_GABARITS": str(config.gabarits),
            "INSPE_FORMULAIRES": str(config.formulaires), "INSPE_DONNEES": str(config.donnees),
            "INSPE_SORTIES": str(config.sorties)}


def test_a_new_version_is_compared_published_and_seen_by_another_process(instance, tmp_path):
    config, _, catalogue = instance
    autre = subprocess.Popen(  # another process, started before the publication
        [sys.executable, "-c", "import sys, time\n"
         "from service import creer_catalogue\nfrom service.config import Config\n"
         "import os\nc = creer_catalogue(Config.depuis(os.environ))\n"
         f"print(c.gabarit('{ID}').version, flush=True)\nsys.stdin.readline()\ntime.sleep(2.1)\n"
         f"g = c.gabarit('{ID}')\nprint(g.version, g.formulaire.champ('commentaire_final').libelle)"],
        cwd=RACINE, env=_environ(config), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert autre.stdout.readline().strip() == str(DERNIERE)

    docx, declaration = version_suivante_synthese()
    projet = preparer(catalogue, ID, docx, declaration, tmp_path / "travail")
    lignes = projet.difference.lignes()
    assert projet.version == NOUVELLE
    assert "Champ ajouté : « Commentaire final » (commentaire_final)" in lignes
    assert "Champ retiré : « Autres ressources » (autres_ressources)" in lignes
    assert ("Champ modifié : « lieu_regroupement » : libellé « Lieu du présentiel » → "
            "« Lieu du regroupement »") in lignes
    assert "Texte fixe : − Module expérimental Accompagnement des tuteurs en réseau" in lignes
    assert ("Texte fixe : + Module Accompagnement des tuteurs en réseau, édition 2027"
            in lignes)
    assert "Grille d’observation partagée" in texte_docx(projet.exemple.docx)

    ligne = publier(catalogue, projet, "admin (administrateur)", "synthese 2027.docx")
    assert (ligne.version, ligne.source) == (NOUVELLE, "synthese 2027.docx")
    assert (config.sorties / "catalogue" / "gabarits" / ID / f"v{NOUVELLE}.docx").read_bytes() == docx
    assert catalogue.gabarit(ID).version == NOUVELLE and catalogue.gabarit(ID).publication.id == ligne.id
    assert catalogue.gabarit(ID, DERNIERE).formulaire.champ("autres_ressources")  # kept as it was
    sortie, _ = autre.communicate("\n", timeout=60)
    assert sortie.strip() == f"{NOUVELLE} Commentaire final"

    with pytest.raises(PublicationRefusee, match="vient d’être publiée"):
        publier(catalogue, projet, "admin (administrateur)", "synthese 2027.docx")


def test_a_declaration_error_names_the_field(instance, tmp_path):
    _, _, catalogue = instance
    docx, declaration = version_suivante_synthese()
    declaration = declaration.replace("type: entier", "type: nombre", 1)
    with pytest.raises(PublicationRefusee) as exc:
        preparer(catalogue, ID, docx, declaration, tmp_path / "travail")
    assert exc.value.erreurs == ["champ « numero_regroupement » : type « nombre » inconnu (types "
                                 ": texte, texte_long, date, entier, choix, choix_multiple, "
                                 "groupe, signature)"]


def test_a_published_file_changed_stops_the_start_naming_it(instance, tmp_path, capsys):
    config, base, catalogue = instance
    docx, declaration = version_suivante_synthese()
    publier(catalogue, preparer(catalogue, ID, docx, declaration, tmp_path / "t"), "admin", "x")
    # an instance that kept them in INSPE_DONNEES (before the storage): imported at their load
    (config.sorties / "catalogue").rename(config.donnees / "catalogue")
    assert creer_catalogue(config, base).gabarit(ID, NOUVELLE).publication.version == NOUVELLE
    assert (config.sorties / "catalogue" / "gabarits" / ID / f"v{NOUVELLE}.docx").read_bytes() == docx
    chemin = config.sorties / "catalogue" / "formulaires" / ID / f"v{NOUVELLE}.yaml"
    chemin.write_text(chemin.read_text(encoding="utf-8").replace("Commentaire final", "Autre"),
                      encoding="utf-8")
    with pytest.raises(GabaritInvalide, match=f"{chemin} a changé depuis sa publication"):
        creer_catalogue(config, base).actualiser(maintenant=True)
    with pytest.raises(GabaritInvalide, match="une version publiée est immuable"):
        create_app(config)
    environ = {k: v for k, v in _environ(config).items() if k.startswith("INSPE_")}
    assert main(["gabarits"], environ=environ) == 1
    assert "une version publiée est immuable" in capsys.readouterr().err


def test_a_draft_on_the_previous_version_opens_on_the_new_one_with_what_has_no_place(
        instance, tmp_path):
    _, _, catalogue = instance
    precedente = catalogue.gabarit(ID, DERNIERE).formulaire
    docx, declaration = version_suivante_synthese()
    nouvelle = publier(catalogue, preparer(catalogue, ID, docx, declaration, tmp_path / "t"),
                       "admin", "x") and catalogue.gabarit(ID, NOUVELLE).formulaire
    brouillon = {"collectif": "Bassin nord", "lieu_regroupement": "Collège Camus",
                 "autres_ressources": "Le livret du tuteur", "ressources": [FORMER]}
    report = reporter(nouvelle, brouillon, precedente, DERNIERE)
    assert report.donnees == {"collectif": "Bassin nord", "lieu_regroupement": "Collège Camus",
                              "ressources": [FORMER]}
    assert report.sans_place == [("« Autres ressources »", "Le livret du tuteur")]
    assert report.changes == ["« Lieu du présentiel » : libellé « Lieu du présentiel » → "
                              "« Lieu du regroupement »"]


def test_publier_depuis_word_on_the_command_line(copie_catalogue, tmp_path, capsys):
    from service.catalogue.declaration import charger
    from service.conception.pour_word import pour_word

    environ = {k: v for k, v in _environ(copie_catalogue).items() if k.startswith("INSPE_")}
    word = tmp_path / "Fiche synthèse 2027.docx"
    word.write_bytes(pour_word((RACINE / "gabarits" / ID / f"v{DERNIERE}.docx").read_bytes(),
                               charger(RACINE / "formulaires" / ID / f"v{DERNIERE}.yaml")))
    assert main(["publier", "--depuis", str(word), "--id", ID, "--par", "admin"],
                environ=environ) == 0
    sortie = capsys.readouterr().out
    assert f"{ID} : version {NOUVELLE} — ce qui change :" in sortie
    assert f"{ID} : version {NOUVELLE} publiée" in sortie
    declaration = (copie_catalogue.sorties / "catalogue" / "formulaires" / ID / f"v{NOUVELLE}.yaml"
                   ).read_text(encoding="utf-8")
    assert "redige_par:\n- pilote" in declaration  # the dossier settings carried over

    edition = tmp_path / "v4.yaml"
    edition.write_text(declaration.replace("libelle: Collectif\n", "libelle: Nom du collectif\n"),
                       encoding="utf-8")
    assert main(["publier", "--depuis", str(word), "--id", ID, "--declaration", str(edition)],
                environ=environ) == 0
    assert ("Champ modifié : « collectif » : libellé « Collectif » → « Nom du collectif »"
            in capsys.readouterr().out)
    base = ouvrir(copie_catalogue.base_de_donnees)
    assert creer_catalogue(copie_catalogue, base).gabarit(ID).version == NOUVELLE + 1

    pas_word = tmp_path / "notes.docx"
    pas_word.write_bytes(b"%PDF-1.7 pas un document Word")
    assert main(["publier", "--depuis", str(pas_word)], environ=environ) == 2
    assert "c’est un PDF, pas un document Word" in capsys.readouterr().err

    from tests.conception.word import avec_macros, sans_controles

    sans = tmp_path / "fiche_visite.docx"
    sans.write_bytes(sans_controles())
    assert main(["publier", "--depuis", str(sans)], environ=environ) == 2
    assert "n’a pas de contrôle de contenu Word ; 14 champ(s) y sont proposés" in (
        capsys.readouterr().err)
    macros = tmp_path / "macros.docx"
    macros.write_bytes(avec_macros(sans_controles()))
    assert main(["publier", "--depuis", str(macros), "--id", "fiche_visite"], environ=environ) == 2
    assert "macros.docx : modèle refusé : le document contient des macros" in (
        capsys.readouterr().err)
    assert "fiche_visite" not in creer_catalogue(copie_catalogue, base).ids()


def test_two_publishers_of_one_version_on_sqlite_and_postgresql(copie_catalogue, base_de_donnees,
                                                               tmp_path):
    """The row first: the second publisher of a version is refused, the first one's files kept."""
    un = creer_catalogue(copie_catalogue, base_de_donnees)
    deux = creer_catalogue(copie_catalogue, base_de_donnees)
    docx, declaration = version_suivante_synthese()
    projet_un = preparer(un, ID, docx, declaration, tmp_path / "un")
    projet_deux = preparer(deux, ID, docx, declaration.replace("Commentaire final", "Autre"),
                           tmp_path / "deux")
    publier(un, projet_un, "admin", "un.docx")
    with pytest.raises(PublicationRefusee, match="vient d’être publiée"):
        publier(deux, projet_deux, "autre", "deux.docx")
    deux.actualiser(maintenant=True)
    assert deux.gabarit(ID).formulaire.champ("commentaire_final").libelle == "Commentaire final"
