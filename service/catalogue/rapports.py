"""A spreadsheet's highlighted copy (``tableur.rapport_erreurs``), kept for its author to
download from any web node, then forgotten.

``rapports/<jeton>.xlsx`` and ``rapports/<jeton>.nom`` (the name of the file sent) in the
service's storage. It holds the rows of a refused spreadsheet, names included: it is kept a day
(``GARDE_S``), long enough to correct the file, and removed by ``purger`` — which every worker
runs when it starts and then every hour, as ``purger`` on the command line does.
"""

from __future__ import annotations

import re
import secrets
import time

from service.stockage import Absent, Stockage

from .tableur import nom_du_rapport

RACINE = "rapports"
GARDE_S = 86400
NOM_PAR_DEFAUT = "tableur - erreurs surlignées.xlsx"


class RapportIntrouvable(Exception):
    pass


def garder(stockage: Stockage, rapport: bytes, nom: str) -> str:
    """Keeps the highlighted copy of the file sent as ``nom``; returns its token."""
    jeton = secrets.token_urlsafe(16)
    stockage.ecrire(f"{RACINE}/{jeton}.nom", nom_du_rapport(nom).encode("utf-8"))
    stockage.ecrire(f"{RACINE}/{jeton}.xlsx", rapport)  # last: the copy is there once it is
    return jeton


def lire(stockage: Stockage, jeton: str) -> tuple[bytes, str]:
    """The copy of token ``jeton`` and the name to send it under; RapportIntrouvable when there
    is none (never kept, or forgotten)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", jeton):  # token_urlsafe's alphabet, nothing else
        raise RapportIntrouvable(jeton)
    try:
        contenu = stockage.lire(f"{RACINE}/{jeton}.xlsx")
    except Absent:
        raise RapportIntrouvable(jeton) from None
    try:
        nom = stockage.lire(f"{RACINE}/{jeton}.nom").decode("utf-8")
    except Absent:
        nom = NOM_PAR_DEFAUT
    return contenu, nom


def purger(stockage: Stockage, garde_s: float = GARDE_S) -> int:
    """Removes the copies (and their names) older than ``garde_s`` seconds; how many files."""
    avant = time.time() - garde_s
    vieux = [e.cle for e in stockage.lister(RACINE) if e.modifie_le < avant]
    for cle in vieux:
        stockage.supprimer(cle)
    return len(vieux)
