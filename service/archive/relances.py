"""The distribution of an archived PDF to the people its procedure names.

Those people (for the accompagnement renforcé: the Inspé, the responsable de formation, the
EAFC) are listed per gabarit in the institution's settings (``archives: diffusion:``). The
reminders of documents still expected are the dossier's (service/dossier/relances.py), which
knows each document's parcours, state and whom it waits for.
"""

from __future__ import annotations

from service import journal
from service.catalogue.nommage import nom_sur

from .courriel import CourrielImpossible, Messagerie, PieceJointe
from .depot import Archives


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
