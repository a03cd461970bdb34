"""The demo's dossiers (``serve --demo``): documents of the demo roster in every state.

A newcomer signing in as the demo tuteur, stagiaire, inspecteur or secretariat finds
something on « Mes documents » and in each dossier: a saved draft, an upload to check,
documents waiting for signatures (some given), a signed one, an archived one, one sent
back with its reason and one withdrawn. They are made as the service makes them (rendered,
converted by LibreOffice, signed, archived, each step through ``suivi``), once: a restart
finds them and leaves everything as it is.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import secrets
from dataclasses import asdict, dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import journal
from service.archive import documents as dossiers
from service.catalogue.contexte import aujourdhui
from service.catalogue.generation import DocumentGenere, rendre, signer
from service.catalogue.signature import preparer_signature
from service.catalogue.signature_document import Signataire
from service.catalogue.validation import DonneesInvalides, en_json, valider
from service.pdf.production import produire_pdfs
from service.personnes import effectifs
from service.personnes.acces import Trio
from service.personnes.comptes import Compte
from service.personnes.effectifs import Stagiaire

from . import circuit, etats, suivi
from .modele import DocumentDuDossier

PAR = "démonstration"
RENVOI = ("La partie « Dispositif proposé » ne dit pas combien d’heures sont prévues : "
          "précisez-les pour chaque difficulté, puis validez à nouveau.")
RETRAIT = "Document ouvert par erreur : la stagiaire a rejoint un autre pôle de formation."


@dataclass
class _Prevu:
    """A document to make: its stagiaire, gabarit, author and the slots signed, in order."""
    stagiaire: str  # « NOM Prénom »
    gabarit_id: str
    auteur: str  # an account's identifiant
    signatures: list[str] = field(default_factory=list)  # slots, signed in this order
    versions: list[DocumentGenere] = field(default_factory=list)


# Who does what in the demo (service/personnes/demo.py's roster): the demo tuteur, Hélène
# Garnier, is tuteur de terrain of MOREAU, BERNARD, FONTAINE and CHEVALIER.
GENERES = [
    # archivé: the compte-rendu of Léa (the demo stagiaire), signed by her tuteur
    _Prevu("MOREAU Léa", "compte_rendu_sopa", "tuteur", ["signature_tuteur"]),
    # en signature, in order: the IEN signed; the tuteur de terrain's turn (« À signer »)
    _Prevu("FONTAINE Inès", "parcours_individualisation_1d", "inspecteur", ["signature_ien"]),
    # en signature: two slots of four given; the inspecteur's is open (« À signer » for her)
    _Prevu("CHEVALIER Manon", "accompagnement_renforce_m2ca", "tuteur",
           ["signature_tuteur", "signature_referent"]),
    # signé (no slot), not archived yet
    _Prevu("CHEVALIER Manon", "lettre_mission_tuteurs_m2", "secretariat"),
    # sent back to its writers with a reason
    _Prevu("FONTAINE Inès", "fiche_personnalisation", "tuteur"),
]


def deja_construit(base, stagiaires: list[Stagiaire]) -> bool:
    """Whether the demo's dossiers were made (a restart), or the roster's dossiers already
    moved on (a real roster): then nothing is touched."""
    with Session(base) as session:
        return session.scalar(select(DocumentDuDossier.id).where(
            DocumentDuDossier.stagiaire_id.in_([s.id for s in stagiaires]),
            DocumentDuDossier.etat != "a_remplir").limit(1)) is not None


def dossiers_de_demo(outils: circuit.Outils) -> int:
    """Makes the demo roster's dossiers in every state; returns how many documents were made
    (0 when already made, or when the roster is not the demo's). A tuteur's saved draft is
    kept in ``outils.stockage`` (a service.stockage), as the web keeps them."""
    base, catalogue = outils.base, outils.catalogue
    stagiaires = {f"{s.nom} {s.prenom}": s for s in effectifs.tous(base)}
    if "MOREAU Léa" not in stagiaires or stagiaires["MOREAU Léa"].compte_stagiaire != "stagiaire" \
            or deja_construit(base, list(stagiaires.values())):
        return 0
    annee = suivi.annee_courante()
    suivi.ouvrir(base, catalogue, list(stagiaires.values()), annee)
    with Session(base) as session:
        comptes = {c.identifiant: c for c in session.scalars(select(Compte))}
    for prevu in GENERES:
        _rendre(outils, prevu, stagiaires[prevu.stagiaire], comptes)
    tous = [v for prevu in GENERES for v in prevu.versions]
    pdfs = iter(produire_pdfs(tous, outils.moteur, outils.sceau))  # one batch for the pool
    for prevu in GENERES:
        _enregistrer(outils, prevu, stagiaires[prevu.stagiaire], comptes, pdfs)
    with Session(base, expire_on_commit=False) as session:
        lignes = {(d.stagiaire_id, d.gabarit_id): d for d in session.scalars(
            select(DocumentDuDossier).where(DocumentDuDossier.annee == annee))}
    circuit.archiver(outils, lignes[stagiaires["MOREAU Léa"].id, "compte_rendu_sopa"])
    suivi.renvoyer(base, lignes[stagiaires["FONTAINE Inès"].id, "fiche_personnalisation"].id,
                   RENVOI, "secretariat")
    suivi.retirer(base, lignes[stagiaires["GIRARD Lucas"].id, "fiche_personnalisation"].id,
                  RETRAIT, "secretariat")
    _depot(outils, stagiaires["LEROY Camille"], comptes["tuteur2"], annee)
    _brouillon(outils, stagiaires["BERNARD Hugo"], comptes["tuteur"])
    return len(GENERES) + 1


def _valeurs(base, gabarit, stagiaire: Stagiaire) -> dict:
    """The declaration's example, with what the roster knows of the stagiaire."""
    formulaire = gabarit.formulaire
    connu = effectifs.preremplissage(base, stagiaire, formulaire)
    try:
        return valider(formulaire, dict(formulaire.exemple) | connu)
    except DonneesInvalides:  # the example's dates do not fit the roster's: the example as is
        return valider(formulaire, formulaire.exemple)


def image_de_signature(nom: str) -> bytes:
    """A handwritten-looking stroke, different for each name (a PNG drawn by PIL)."""
    from PIL import Image, ImageDraw

    graine = hashlib.sha256(nom.encode("utf-8")).digest()
    image = Image.new("RGB", (420, 140), "white")
    dessin = ImageDraw.Draw(image)
    points = []
    for i in range(120):
        x = 20 + i * 3.2
        y = 70 + 28 * math.sin(i / (4 + graine[0] % 4)) * math.cos(i / (9 + graine[1] % 7)) \
            + (graine[2 + i % 20] % 9) - 4
        points.append((x, y))
    dessin.line(points, fill=(20, 30, 90), width=4, joint="curve")
    dessin.line([(40, 112), (380, 100 + graine[3] % 12)], fill=(20, 30, 90), width=3)
    sortie = io.BytesIO()
    image.save(sortie, format="PNG")
    return sortie.getvalue()


def _rendre(outils, prevu: _Prevu, stagiaire: Stagiaire, comptes: dict) -> None:
    """Renders version 1 and each signed version (no PDF yet: they are made in one batch)."""
    gabarit = outils.catalogue.gabarit(prevu.gabarit_id)
    document = rendre(outils.catalogue, gabarit, _valeurs(outils.base, gabarit, stagiaire))
    prevu.versions = [document]
    cases = {c.champ: c for c in etats.cases(gabarit.formulaire, stagiaire)}
    for champ in prevu.signatures:
        case = cases[champ]
        nom = comptes[case.identifiant].nom
        signataire = Signataire(champ, nom, case.qualite or "Signataire",
                                aujourdhui(), preparer_signature(image_de_signature(nom)))
        document = signer(outils.catalogue, document, signataire)
        prevu.versions.append(document)


def _enregistrer(outils, prevu: _Prevu, stagiaire: Stagiaire, comptes: dict, pdfs) -> None:
    """Keeps each version with its PDF and moves the dossier's line as the web does."""
    auteur = comptes[prevu.auteur]
    premier = prevu.versions[0]
    trio = Trio.de(stagiaire)
    suivi.document_cree(outils.base, outils.catalogue, stagiaire, premier.gabarit, premier.numero,
                        auteur.id, auteur.identifiant)
    dossiers.enregistrer(outils.stockage, premier, next(pdfs), auteur=auteur.id,
                         trio=sorted(trio.membres), postes=asdict(trio), stagiaire_id=stagiaire.id)
    journal.noter(outils.base, f"{auteur.identifiant} ({auteur.role})", "création",
                  premier.numero, f"{premier.gabarit.id} ({PAR})")
    for champ, version in zip(prevu.signatures, prevu.versions[1:]):
        dossiers.enregistrer(outils.stockage, version, next(pdfs))
        signataire = version.signataires[-1]
        qui = etats.cases(premier.gabarit.formulaire, stagiaire)
        identifiant = next(c.identifiant for c in qui if c.champ == champ)
        journal.noter(outils.base, f"{identifiant} ({comptes[identifiant].role})", "signature",
                      premier.numero, f"{signataire.champ}, version {version.version}")
        suivi.signature(outils.base, outils.catalogue, premier.numero, champ, identifiant)


def _depot(outils, stagiaire: Stagiaire, tuteur: Compte, annee: str) -> None:
    """The tuteur's completed .docx sent back: « à vérifier » by the secretariat."""
    gabarit = outils.catalogue.gabarit("compte_rendu_sopa")
    document = rendre(outils.catalogue, gabarit, _valeurs(outils.base, gabarit, stagiaire))
    depot = outils.archives.deposer(document.docx, f"{document.nom}.docx", tuteur.identifiant,
                                    compte=tuteur)
    suivi.depot_recu(outils.base, outils.catalogue, stagiaire, gabarit.id, depot.numero, annee,
                     tuteur.identifiant)


def _brouillon(outils, stagiaire: Stagiaire, tuteur: Compte) -> None:
    """A saved draft of the tuteur, half typed, as the web keeps it (service/web/outils.py
    ``cle_saisie``: one JSON file per draft under the account's key): « brouillon »."""
    gabarit = outils.catalogue.gabarit("compte_rendu_sopa")
    donnees = en_json(valider(gabarit.formulaire, effectifs.preremplissage(
        outils.base, stagiaire, gabarit.formulaire), partiel=True))
    donnees["contexte_classe"] = "CE2 de 24 élèves, deux élèves allophones."
    contenu = {"gabarit_id": gabarit.id, "titre": gabarit.titre, "donnees": donnees,
               "stagiaire_id": stagiaire.id, "stagiaire": f"{stagiaire.prenom} {stagiaire.nom}",
               "enregistre_le": suivi.maintenant().isoformat(timespec="seconds")}
    outils.stockage.ecrire(f"saisies/{tuteur.id}/{secrets.token_urlsafe(24)}.json",
                           json.dumps(contenu, ensure_ascii=False).encode("utf-8"))
    suivi.brouillon(outils.base, outils.catalogue, stagiaire, gabarit.id, tuteur.identifiant)
