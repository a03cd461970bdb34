"""Content controls built from a declaration: the template says where, the declaration says what.

    f = Champs(formulaire)
    f("stagiaire_nom")        # the right control for the field's type
    f.case("c1", 2)           # check box of the field's 2nd option
    f.cases("niveau_alerte")  # ☐ 1   ☐ 2   ☐ 3
    f.sous("bilans", "date", "ligne")   # a group column, inside {%tr for ligne in bilans %}
"""

from __future__ import annotations

from service.catalogue.declaration import Champ, Formulaire

from . import wordml


class Champs:
    def __init__(self, formulaire: Formulaire):
        self.formulaire = formulaire

    def _champ(self, nom: str) -> Champ:
        champ = self.formulaire.champ(nom)
        if champ is None:
            raise KeyError(f"{self.formulaire.chemin} ne déclare pas « {nom} »")
        return champ

    def libelle(self, nom: str) -> str:
        return self._champ(nom).libelle

    def choix(self, nom: str) -> tuple[str, ...]:
        return self._champ(nom).choix

    def __call__(self, nom: str, **kw) -> str:
        return controle(self._champ(nom), nom, **kw)

    def case(self, nom: str, index: int) -> str:
        champ = self._champ(nom)
        return wordml.case(nom, index, nom, champ.choix[index - 1])

    def cases(self, nom: str, **kw) -> list[str]:
        champ = self._champ(nom)
        return wordml.cases(nom, nom, list(champ.choix), **kw)

    def sous(self, groupe: str, nom: str, variable: str, **kw) -> str:
        champ = self._champ(groupe).sous_champ(nom)
        if champ is None:
            raise KeyError(f"{self.formulaire.chemin} : « {groupe} » n'a pas de colonne « {nom} »")
        return controle(champ, f"{variable}.{nom}", **kw)

    def sous_case(self, groupe: str, nom: str, variable: str, index: int) -> str:
        champ = self._champ(groupe).sous_champ(nom)
        return wordml.case(f"{variable}.{nom}", index, nom, champ.choix[index - 1])

    def sous_cases(self, groupe: str, nom: str, variable: str, **kw) -> list[str]:
        champ = self._champ(groupe).sous_champ(nom)
        return wordml.cases(f"{variable}.{nom}", nom, list(champ.choix), **kw)

    def signature(self, nom: str, intitule: str, *, nom_signataire: str | None,
                  date: str | None, largeur: int) -> str:
        return wordml.bloc_signature(
            intitule, nom=self(nom_signataire) if nom_signataire else None,
            date=self(date) if date else None, signature=self(nom), largeur=largeur)


def controle(champ: Champ, expr: str, **kw) -> str:
    """The content control for ``champ``, printing the Jinja expression ``expr``."""
    tag = champ.nom
    if champ.type == "date":
        return wordml.champ_date(expr, tag, champ.libelle)
    if champ.type == "choix" and champ.affichage == "liste":
        return wordml.liste_deroulante(expr, tag, list(champ.choix), champ.libelle)
    if champ.type in ("choix", "choix_multiple"):
        return "".join(wordml.cases(expr, tag, list(champ.choix), **kw))
    if champ.type == "signature":
        return wordml.zone_signature(expr, tag, champ.libelle)
    return wordml.champ(expr, tag, champ.libelle, **kw)
