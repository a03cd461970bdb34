"""The states of a dossier's document, its due date, and who writes and signs it next.

What a declaration says (``parcours``, ``redige_par``, each slot's ``signe_par``,
``signatures: ordre``, ``echeance``) and what the roster binds (the account at
each position of that stagiaire) are read here, never a name typed in a field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service.catalogue import personnes
from service.catalogue.declaration import POSTES as LIBELLES_POSTES
from service.personnes.acces import CASES, SIGNATAIRES
from service.personnes.effectifs import PARCOURS, Stagiaire

ETATS = {
    "a_remplir": "À remplir",
    "brouillon": "Brouillon",
    "a_verifier": "À vérifier",
    "en_signature": "En signature",
    "signe": "Signé",
    "archive": "Archivé",
    "renvoye": "Renvoyé",
    "retire": "Retiré",
}
A_ECRIRE = ("a_remplir", "brouillon", "renvoye")  # waiting for its writers
TERMINES = ("signe", "archive", "retire")  # nothing more is expected of anyone
EN_COURS = tuple(e for e in ETATS if e not in TERMINES)


def annee_universitaire(jour: dt.date) -> str:
    debut = jour.year if jour.month >= 9 else jour.year - 1
    return f"{debut}-{debut + 1}"


def echeance(formulaire, annee: str) -> str:
    """The due date (ISO) of a document of ``formulaire`` in ``annee`` (« 2026-2027 »): a day
    JJ/MM falls in the first year from September on, else in the second; "" when none."""
    regle = getattr(formulaire, "echeance", None)
    if not regle:
        return ""
    debut = int(annee[:4])
    if "jours_apres_debut" in regle:
        return (dt.date(debut, 9, 1) + dt.timedelta(days=regle["jours_apres_debut"])).isoformat()
    jour, mois = (int(x) for x in regle["date"].split("/"))
    annee_du_jour = debut if mois >= 9 else debut + 1
    try:
        return dt.date(annee_du_jour, mois, jour).isoformat()
    except ValueError:  # 29/02 of a common year
        return dt.date(annee_du_jour, mois, 28).isoformat()


def nomme_un_stagiaire(formulaire) -> bool:
    """A document about one stagiaire (a field holds their name): it belongs in a dossier.
    A collective's synthesis or a tuteur's letter does not."""
    return "nom" in personnes.champs(formulaire)


def s_applique(formulaire, stagiaire: Stagiaire) -> bool:
    """Does the stagiaire's parcours have this document? A parcours the settings do not know
    (typed before the list) is given every document about a stagiaire."""
    if not nomme_un_stagiaire(formulaire):
        return False
    parcours = tuple(getattr(formulaire, "parcours", ()) or ())
    return not parcours or stagiaire.parcours not in PARCOURS or stagiaire.parcours in parcours


@dataclass(frozen=True)
class Case:
    """A signature slot of a document, and who the roster binds to it for its stagiaire."""
    champ: str
    libelle: str
    poste: str  # the declaration's poste (« tuteur_terrain »), "" when it does not say
    qualite: str  # « Tuteur ou tutrice de terrain »: printed under the signature
    identifiant: str  # the account bound to it ("" when the roster binds nobody)


def cases(formulaire, stagiaire: Stagiaire | None) -> list[Case]:
    """The slots of ``formulaire`` in declaration order, each with its bound account."""
    signe_par = getattr(formulaire, "signe_par", {}) or {}
    sortie = []
    for champ in formulaire.champs:
        if champ.type != "signature":
            continue
        poste = signe_par.get(champ.nom, "")
        position = SIGNATAIRES.get(poste, (None, None))[0] if poste else CASES.get(
            champ.nom, (None, None))[0]
        identifiant = getattr(stagiaire, position, "") or "" if stagiaire and position else ""
        qualite = LIBELLES_POSTES.get(poste, "") if poste else qualite_de(champ.libelle)
        sortie.append(Case(champ.nom, champ.libelle, poste, qualite, identifiant))
    return sortie


def position(case: Case) -> str:
    """The roster's column that binds ``case`` (« tuteur_terrain », « compte_stagiaire »), ""
    when none does (the pilote, the secretariat, a v1 inspecteur's slot: by role)."""
    if case.poste:
        return SIGNATAIRES.get(case.poste, (None, None))[0] or ""
    return CASES.get(case.champ, (None, None))[0] or ""


def qualite_de(libelle: str) -> str:
    """A slot's label as a qualité, inside a sentence (a version-1 declaration does not name
    the poste): « Signature du tuteur ou de la tutrice » → « tuteur ou de la tutrice »,
    « Signature de l'IEN » → « IEN »."""
    for prefixe in ("Signature de la ", "Signature du ", "Signature de l’", "Signature de l'",
                    "Signature des ", "Signature "):
        if libelle.startswith(prefixe):
            libelle = libelle[len(prefixe):]
            break
    return libelle if libelle[:2].isupper() else libelle[:1].lower() + libelle[1:]


def a_signer(formulaire, stagiaire: Stagiaire | None, signes: set[str]) -> list[Case]:
    """The slots that may be signed now: every unsigned one, or only the first unsigned one
    when the declaration orders them (``signatures: ordre: sequentiel``)."""
    restent = [c for c in cases(formulaire, stagiaire) if c.champ not in signes]
    if getattr(formulaire, "ordre_signatures", "libre") == "sequentiel":
        return restent[:1]
    return restent


def reste(formulaire, stagiaire: Stagiaire | None, signes: set[str]) -> list[Case]:
    """Every slot still unsigned, in order."""
    return [c for c in cases(formulaire, stagiaire) if c.champ not in signes]


def redacteurs(formulaire, stagiaire: Stagiaire | None) -> set[str]:
    """The accounts the roster binds to the postes that write the document (``redige_par``)."""
    qui = set()
    for poste in getattr(formulaire, "redige_par", ()) or ():
        position = SIGNATAIRES.get(poste, (None, None))[0]
        if position and stagiaire is not None and getattr(stagiaire, position, ""):
            qui.add(getattr(stagiaire, position))
    return qui


def lecteurs(formulaire, stagiaire: Stagiaire | None) -> set[str]:
    """The accounts that read a document of ``formulaire`` about ``stagiaire`` (as
    service/personnes/acces.py says for a document): the trio, and from version 2 on the
    accounts the roster binds to the postes its declaration names (``lu_par``, ``redige_par``,
    each slot's ``signe_par``)."""
    if stagiaire is None:
        return set()
    qui = {x for x in (stagiaire.compte_stagiaire, stagiaire.tuteur_terrain,
                       stagiaire.tuteur_inspe) if x}
    if getattr(formulaire, "declare_acteurs", False):
        postes = set(formulaire.lu_par) | set(formulaire.redige_par) | set(
            formulaire.signe_par.values())
        for poste in postes:
            position = SIGNATAIRES.get(poste, (None, None))[0]
            if position and getattr(stagiaire, position, ""):
                qui.add(getattr(stagiaire, position))
    return qui


def libelle_poste(poste: str) -> str:
    return LIBELLES_POSTES.get(poste, poste)
