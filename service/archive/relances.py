"""Reminders to the tuteurs of documents not sent back, and the distribution of an archived PDF.

A tuteur gets one message listing every document still expected from them;
a stagiaire's documents are asked of their tuteur de terrain and tuteur Inspé.
The people a procedure names (for the accompagnement renforcé: the Inspé, the
responsable de formation, the EAFC) are listed per gabarit in the institution's
settings (``archives: diffusion:``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import journal
from service.catalogue.nommage import nom_sur
from service.personnes.comptes import Compte

from .courriel import CourrielImpossible, Messagerie, PieceJointe
from .depot import Archives
from .recherche import manquants


@dataclass
class Relances:
    envoyees: list[str] = field(default_factory=list)  # to whom
    sans_adresse: list[str] = field(default_factory=list)
    echecs: list[str] = field(default_factory=list)


def relancer(base, catalogue, messagerie: Messagerie, annee: str, par: str) -> Relances:
    nom_etablissement = catalogue.etablissement.parametres.get("nom", "")
    designation = catalogue.etablissement.parametres.get("designation", nom_etablissement)
    par_tuteur: dict[str, list[str]] = {}
    for m in manquants(base, catalogue, annee):
        for tuteur in (m.stagiaire.tuteur_terrain, m.stagiaire.tuteur_inspe):
            if tuteur:
                par_tuteur.setdefault(tuteur, []).append(
                    f"- {m.titre} : {m.stagiaire.nom} {m.stagiaire.prenom}")
    resultat = Relances()
    with Session(base) as session:
        comptes = {c.identifiant: c for c in session.scalars(select(Compte).where(
            Compte.identifiant.in_(par_tuteur)))}
    for identifiant, lignes in sorted(par_tuteur.items()):
        compte = comptes.get(identifiant)
        if compte is None or not compte.courriel:
            resultat.sans_adresse.append(compte.nom if compte else identifiant)
            continue
        un = len(lignes) == 1
        corps = (f"Bonjour {compte.nom},\n\n"
                 f"Le secrétariat de {designation} n'a pas encore reçu, pour l'année {annee}, "
                 f"{'ce document' if un else 'ces documents'} :\n\n" + "\n".join(sorted(lignes)) +
                 f"\n\nVous pouvez {'le' if un else 'les'} remplir en ligne, ou "
                 f"{'le' if un else 'les'} télécharger pré-rempli{'' if un else 's'} depuis "
                 f"« Mes stagiaires », puis {'le' if un else 'les'} déposer une fois "
                 f"complété{'' if un else 's'}.\n\nAvec nos remerciements,\n"
                 f"Le secrétariat de {designation}\n")
        sujet = f"{'Document attendu' if un else 'Documents attendus'} — {nom_etablissement}"
        try:
            messagerie.envoyer([compte.courriel], sujet, corps)
        except CourrielImpossible as exc:
            resultat.echecs.append(f"{compte.nom} : {exc}")
            continue
        resultat.envoyees.append(f"{compte.nom} <{compte.courriel}>")
        journal.noter(base, par, "relance", "", f"relance envoyée à {compte.identifiant} "
                                                f"({len(lignes)} document(s))")
    return resultat


def destinataires(parametres: dict, gabarit_id: str) -> list[dict]:
    """The people the procedure of ``gabarit_id`` names: [{"qui": …, "courriel": …}]."""
    return list(((parametres.get("archives") or {}).get("diffusion") or {}).get(gabarit_id) or [])


def diffuser(archives: Archives, numero: str, messagerie: Messagerie, par: str) -> list[str]:
    """Sends the archived PDF of ``numero`` to its procedure's distribution list."""
    archive = archives.une(numero)
    liste = destinataires(archives.catalogue.etablissement.parametres, archive.gabarit_id)
    derniere = next((v for v in reversed(archive.versions) if v.pdf_sha256), None)
    if not liste or derniere is None:
        raise CourrielImpossible(f"le document n° {numero} n'a pas de liste de diffusion "
                                 "ou n'est pas encore archivé")
    adresses = [d["courriel"] for d in liste]
    nom = nom_sur(f"{archive.stagiaire} - {archive.titre} - {archive.numero}") + ".pdf"
    messagerie.envoyer(
        adresses, f"{archive.titre} — {archive.stagiaire} (n° {numero})",
        f"Bonjour,\n\nVeuillez trouver ci-joint « {archive.titre} » concernant "
        f"{archive.stagiaire}, archivé sous le n° {numero}.\n\nLe secrétariat de "
        f"{archives.catalogue.etablissement.parametres.get('designation', '')}\n",
        [PieceJointe(nom, archives.coffre.lire(derniere.pdf_sha256))])
    journal.noter(archives.base, par, "diffusion", numero, "PDF envoyé à " + ", ".join(adresses))
    return adresses
