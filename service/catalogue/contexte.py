"""The render context of a document, derived from its declaration and validated values."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from markupsafe import Markup

from .declaration import Champ, Formulaire

COCHEE, VIDE = "☒", "☐"
FUSEAU = ZoneInfo("Europe/Paris")  # every date and time a person reads, whatever the server's


def aujourdhui() -> dt.date:
    """Today in France: due dates, « en retard » and file names follow the people's calendar,
    not the server's zone (between 23:00 and midnight UTC, the server is a day behind)."""
    return dt.datetime.now(FUSEAU).date()


def date_fr(quand: dt.date | str | None, heure: bool = False) -> str:
    """JJ/MM/AAAA (and « à HH:MM » with ``heure``) from a date, a date-time or its ISO text;
    "" when none; a text that is no date comes back as it is. A moment that says its offset
    (the audit log's, in UTC; a lot's, in Paris time) is read in Paris time: 13:21 UTC in
    December is « 14:21 », as every other page says."""
    if not quand:
        return ""
    if isinstance(quand, str):
        try:
            quand = dt.datetime.fromisoformat(quand)
        except ValueError:
            return quand
    if isinstance(quand, dt.datetime) and quand.tzinfo is not None:
        quand = quand.astimezone(FUSEAU)
    return quand.strftime("%d/%m/%Y à %H:%M" if heure else "%d/%m/%Y")


class Choix:
    """A choice field's value as templates see it.

    ``{{ champ }}`` prints the selected labels; ``{{ champ.coche(2) }}`` prints
    ☒ when the declaration's second option is selected, ☐ otherwise.
    """

    def __init__(self, options: tuple[str, ...], retenues):
        self._options = options
        self._retenues = [o for o in options if o in set(retenues)]

    def coche(self, index: int) -> str:
        return COCHEE if self._options[index - 1] in self._retenues else VIDE

    def __bool__(self) -> bool:
        return bool(self._retenues)

    def __str__(self) -> str:
        return " ; ".join(self._retenues)


def _valeur(champ: Champ, valeur):
    if champ.type == "date":
        return date_fr(valeur)
    if champ.type == "choix":
        return Choix(champ.choix, [valeur] if valeur else [])
    if champ.type == "choix_multiple":
        return Choix(champ.choix, valeur or [])
    if champ.type == "groupe":
        # An empty group still prints one blank line, to fill by hand or to extend in Word.
        return [{c.nom: _valeur(c, ligne.get(c.nom)) for c in champ.champs}
                for ligne in valeur or [{}]]
    if champ.type == "signature":
        # unsigned: room to sign a printed copy by hand
        return valeur if isinstance(valeur, Markup) else "\n\n\n"
    return "" if valeur is None else valeur


def contexte(formulaire: Formulaire, valeurs: dict, *, instance: dict, document: dict,
             signatures: dict[str, Markup] | None = None) -> dict:
    """Context for the template: every declared field plus instance (the institution's settings,
    ``Catalogue.etablissement``: the published gabarits call them ``instance``), gabarit and document."""
    ctx = {c.nom: _valeur(c, valeurs.get(c.nom)) for c in formulaire.champs}
    for nom, image in (signatures or {}).items():
        ctx[nom] = image
    ctx["instance"] = instance
    ctx["gabarit"] = {"id": formulaire.id, "version": formulaire.version, "titre": formulaire.titre}
    ctx["document"] = document
    return ctx
