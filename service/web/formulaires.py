"""Web forms built from the declarations, at request time.

WTForms renders the fields and checks the CSRF token; the values themselves go
through ``service.validation.valider``, the same rules as every other entry
point, and its French messages are put back next to the fields they concern.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.widgets import core as widgets

from service.catalogue.declaration import Champ, Formulaire
from service.catalogue.validation import Erreur

FORMATS = {"date": "format JJ/MM/AAAA", "entier": "nombre entier"}


def html_params(**attributs) -> Markup:
    """WTForms' ``html_params`` (a field's HTML attributes): the same output, five times faster.

    WTForms builds each attribute with ``Markup.format``, which runs Python's
    string.Formatter: a third of the time of a form page went there, and under
    load every page view waits behind the others.
    """
    rendus = []
    for cle, valeur in sorted(attributs.items()):
        cle = str(escape(widgets.clean_key(cle)))
        if valeur is True:
            rendus.append(cle)
        elif valeur is not False:
            rendus.append(f'{cle}="{str(escape(valeur)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(rendus))


# Inputs render their attributes through their class's ``html_params``; text areas,
# selects and lists through the module's.
widgets.Input.html_params = staticmethod(html_params)
widgets.html_params = html_params


def _aide(champ: Champ) -> str:
    morceaux = [champ.aide] if champ.aide else []
    if champ.type in FORMATS:
        morceaux.append(f"({FORMATS[champ.type]})")
    if champ.type == "choix_multiple":
        morceaux.append("(plusieurs choix possibles)")
    return " ".join(morceaux)


def _champ(champ: Champ):
    libelle = champ.libelle + (" *" if champ.requis else "")
    attributs = {"aria-required": "true"} if champ.requis else {}
    if champ.type == "texte_long":
        return TextAreaField(libelle, description=_aide(champ), render_kw={**attributs, "rows": 4})
    if champ.type == "date":
        # A text input, not type=date: the browser would show its own language's format
        # (mm/dd/yyyy in an English one) under a hint saying JJ/MM/AAAA. No inputmode=numeric
        # either: a phone's digit pad has no « / ».
        return StringField(libelle, description=_aide(champ),
                           render_kw={**attributs, "class": "date", "autocomplete": "off",
                                      "pattern": r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}", "maxlength": 10})
    if champ.type == "entier":
        return StringField(libelle, description=_aide(champ),
                           render_kw={**attributs, "inputmode": "numeric"})
    if champ.type == "choix":
        return RadioField(libelle, description=_aide(champ), choices=[SelectChoice(o) for o in champ.choix],
                          validate_choice=False)
    if champ.type == "choix_multiple":
        return SelectMultipleField(libelle, description=_aide(champ),
                                   choices=[SelectChoice(o) for o in champ.choix], validate_choice=False,
                                   widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput())
    return StringField(libelle, description=_aide(champ), render_kw=attributs)


def classe_formulaire(formulaire: Formulaire, lignes: dict[str, int] | None = None):
    """The form class for ``formulaire``; each group shows ``lignes[groupe]`` lines (1 by default)."""
    lignes = lignes or {}
    attributs = {}
    for champ in formulaire.champs:
        if champ.type == "signature":
            continue
        if champ.type == "groupe":
            ligne = type(f"Ligne_{champ.nom}", (Form,), {c.nom: _champ(c) for c in champ.champs})
            attributs[champ.nom] = FieldList(FormField(ligne), label=champ.libelle,
                                             min_entries=max(lignes.get(champ.nom, 1), 1))
        else:
            attributs[champ.nom] = _champ(champ)
    return type(f"Formulaire_{formulaire.id}", (FlaskForm,), attributs)


def donnees(formulaire_web, formulaire: Formulaire) -> dict:
    """What the person typed, in the shape every entry point hands to the validation."""
    resultat = {}
    for champ in formulaire.champs:
        if champ.type == "signature":
            continue
        valeur = formulaire_web[champ.nom].data
        if champ.type == "groupe":
            valeur = [{k: v for k, v in ligne.items() if k != "csrf_token"} for ligne in valeur]
        resultat[champ.nom] = valeur
    return resultat


def pour_le_formulaire(formulaire: Formulaire, valeurs: dict) -> dict:
    """Validated values as the form shows them (dates as a French reader types them, JJ/MM/AAAA)."""
    def convertir(champ, valeur):
        if champ.type == "groupe":
            return [{c.nom: convertir(c, ligne.get(c.nom)) for c in champ.champs}
                    for ligne in valeur or []]
        if isinstance(valeur, dt.date):
            return valeur.strftime("%d/%m/%Y")
        if valeur is None:
            return [] if champ.type == "choix_multiple" else ""
        return str(valeur) if champ.type == "entier" else valeur
    return {c.nom: convertir(c, valeurs.get(c.nom)) for c in formulaire.champs
            if c.type != "signature"}


def poser_erreurs(formulaire_web, erreurs: list[Erreur]) -> list[str]:
    """Puts each message next to its field (or its group); returns those that concern neither."""
    generales = []
    for erreur in erreurs:
        chemin, champ = erreur.chemin, None
        try:
            champ = formulaire_web[chemin[0]]
            if len(chemin) == 3:
                champ = champ.entries[chemin[1] - 1][chemin[2]]
        except (KeyError, IndexError, TypeError):
            champ = None
        if isinstance(champ, FieldList) and len(chemin) == 1:  # « au moins 1 ligne à remplir »
            champ.erreurs_du_groupe = [*getattr(champ, "erreurs_du_groupe", []), erreur.message]
        elif champ is None or isinstance(champ, FieldList):
            generales.append(str(erreur))
        else:
            champ.errors = [*champ.errors, erreur.message]
    return generales


class Signalement(NamedTuple):
    """One line of a form's error summary: what is wrong, and the id of the field to go to."""
    texte: str
    ancre: str | None = None


def _libelle(champ) -> str:
    return champ.label.text.removesuffix(" *")


def _ancre(champ) -> str:
    """The id of the element a summary's link focuses: a choice's first option, else the field."""
    return f"{champ.id}-0" if champ.type in ("RadioField", "SelectMultipleField") else champ.id


def resume_erreurs(formulaire_web, generales=()) -> list[Signalement]:
    """Every error of the page, in the form's order, each with its field's label and anchor
    (the DSFR/RGAA error summary: one link per error, to the field it concerns)."""
    resume = []
    for champ in formulaire_web:
        if champ.type == "CSRFTokenField":
            if champ.errors:
                resume.append(Signalement("La page a expiré : envoyez le formulaire à nouveau."))
        elif isinstance(champ, FieldList):
            premiere = next((s for s in champ.entries[0].form if s.type != "CSRFTokenField"), None) \
                if champ.entries else None
            for message in getattr(champ, "erreurs_du_groupe", []):
                resume.append(Signalement(f"{_libelle(champ)} : {message}",
                                          _ancre(premiere) if premiere else None))
            for numero, ligne in enumerate(champ.entries, 1):
                for sous in ligne.form:
                    if sous.type != "CSRFTokenField":
                        resume += [Signalement(f"{_libelle(champ)}, ligne {numero}, {_libelle(sous)} : "
                                               f"{message}", _ancre(sous)) for message in sous.errors]
        else:
            resume += [Signalement(f"{_libelle(champ)} : {message}", _ancre(champ))
                       for message in champ.errors]
    return resume + [g if isinstance(g, Signalement) else Signalement(str(g)) for g in generales]
