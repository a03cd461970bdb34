"""People asking for documents at once: converted together, each back whole, sealed and alone."""

from __future__ import annotations

import threading

import pytest

from service.catalogue.generation import generer
from service.pdf.atelier import Atelier
from service.pdf.libreoffice import Moteur
from service.pdf.regroupement import Regroupement
from service.pdf.sceau import Sceau, verifier
from tests.outils import normaliser, pdf_texte

NOMS = [("MARTIN", "Inès"), ("BERNARD", "Hugo"), ("PETIT", "Chloé"), ("DURAND", "Malik"),
        ("LEROY", "Zoé"), ("ROUX", "Noé"), ("FAURE", "Anaïs"), ("GIRARD", "Éloïse"),
        ("BONNET", "Jules"), ("DUPONT", "Maël")]


def _documents(catalogue):
    documents = []
    for i, (nom, prenom) in enumerate(NOMS):
        gabarit = "compte_rendu_sopa" if i % 3 else "fiche_personnalisation"
        exemple = catalogue.gabarit(gabarit).formulaire.exemple
        documents.append(generer(catalogue, gabarit, dict(exemple, stagiaire_nom=nom,
                                                          stagiaire_prenom=prenom)))
    return documents


class SceauInterdit(Sceau):
    """The instance's seal, which must not be used in this process."""

    def sceller(self, pdf, identite):
        raise AssertionError("document scellé dans le processus du service, pas par l'atelier")


@pytest.mark.parametrize("par_l_atelier", [False, True], ids=["ici", "atelier"])
def test_people_asking_at_once_each_get_their_own_document(catalogue, moteur, sceau, tmp_path,
                                                          par_l_atelier):
    if par_l_atelier:  # sealed by the workshop's processes, never in this one
        atelier = Atelier(sceau, 2)
        regroupement = Regroupement(moteur, SceauInterdit(sceau.dossier.parent, sceau.nom),
                                    atelier=atelier)
    else:
        atelier, regroupement = None, Regroupement(moteur, sceau)
    documents = _documents(catalogue)
    pdfs: dict[int, bytes] = {}

    def demander(i):
        pdfs[i] = regroupement.produire(documents[i]).pdf

    personnes = [threading.Thread(target=demander, args=(i,)) for i in range(len(documents))]
    for personne in personnes:
        personne.start()
    for personne in personnes:
        personne.join(timeout=120)
    if atelier:
        atelier.fermer()

    assert sorted(pdfs) == list(range(len(documents)))
    assert sum(regroupement.paquets) == len(documents)
    assert max(regroupement.paquets) > 1, "aucun document n'a partagé une conversion"
    for i, document in enumerate(documents):
        verification = verifier(pdfs[i], sceau)
        assert verification.intact, verification.message
        assert verification.identite["document_id"] == document.document_id
        chemin = tmp_path / f"{i}.pdf"
        chemin.write_bytes(pdfs[i])
        texte = normaliser(pdf_texte(chemin))
        assert f"document n° {document.numero} v1 ·" in texte
        assert document.valeurs["stagiaire_nom"] in texte
        assert not any(nom in texte for nom, _ in NOMS if nom != document.valeurs["stagiaire_nom"])


def test_a_document_asked_alone_is_converted_alone(catalogue, moteur, sceau):
    regroupement = Regroupement(moteur, sceau)
    (document,) = _documents(catalogue)[:1]
    assert verifier(regroupement.produire(document).pdf, sceau).intact
    assert regroupement.paquets == [1]


def test_libreoffice_converts_the_next_document_while_the_last_one_is_being_sealed(catalogue,
                                                                                    sceau):
    premier, second = _documents(catalogue)[:2]
    scelle = threading.Event()

    class SceauQuiAttend(Sceau):
        """The instance's seal, which holds the first document until told to go on."""

        def sceller(self, pdf, identite):
            if identite["document_id"] == premier.document_id:
                scelle.wait(60)
            return super().sceller(pdf, identite)

    lent = SceauQuiAttend(sceau.dossier.parent, sceau.nom, pem=sceau.pem)
    with Moteur(1, guichet=False) as moteur:  # one instance: one dispatcher
        regroupement = Regroupement(moteur, lent)
        resultats = []
        personne = threading.Thread(target=lambda: resultats.append(regroupement.produire(premier).pdf))
        personne.start()
        # the second person, asking while the first's document is being sealed, is served
        assert verifier(regroupement.produire(second).pdf, sceau).intact
        assert personne.is_alive() and not resultats
        scelle.set()
        personne.join(timeout=60)
    assert verifier(resultats[0], sceau).intact
