"""Declarations of the documents' fields (formulaires/<id>/v<N>.yaml).

A declaration names every fillable field of one gabarit version once: its
type, French label, whether it is required, its allowed values, its help text,
plus a complete example dataset and the pattern of output file names. The web
form, the spreadsheet columns, the JSON schema, the render context and the
reading back of a completed document all derive from it.

From version 2 on, a declaration also says whom the document concerns and
who does what with it (version 1 declarations are published and immutable: the
access rules and ``personnes.py`` keep their own tables for them)::

    parcours: [m1_meef_1d_sopa]      the stagiaires it applies to: ids of the
                                     settings' ``parcours`` list (checked by the
                                     catalogue, which knows the settings)
    redige_par: [tuteur_terrain]     who writes it: « postes » (``POSTES``)
    lu_par: [stagiaire, …]           who else reads it (beyond its writers and
                                     signers); the trio when absent
    signatures:
      ordre: sequentiel              slots signed in declaration order, or
                                     « libre » (any order; the default)
    echeance: {date: "15/01"}        when it is due in the année universitaire:
                                     a day JJ/MM, or {jours_apres_debut: N}
                                     (days after the year's first day, 1 September)

and on fields::

    signe_par: tuteur_terrain        on each ``type: signature`` field (required
                                     from version 2): the poste that signs it
    personne: stagiaire_nom          on a field naming a person: which person
                                     and what of them (``PERSONNES``)

Loading checks the declaration itself and fails loudly, naming the file and
the field (or key) at fault.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

TYPES = {
    "texte": "texte court",
    "texte_long": "texte long",
    "date": "date",
    "entier": "nombre entier",
    "choix": "choix unique",
    "choix_multiple": "choix multiple",
    "groupe": "groupe répétable",
    "signature": "signature (image)",
}
NOM_VALIDE = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
# Names the templates may use besides the declared fields.
NOMS_RESERVES = {"instance", "gabarit", "document"}
LONGUEUR_TEXTE = 300
LONGUEUR_TEXTE_LONG = 50_000

# Positions relative to a stagiaire (« postes »): the keys shared by the declarations, the
# roster and the access rules.
POSTES = {
    "stagiaire": "stagiaire",
    "tuteur_terrain": "tuteur ou tutrice de terrain",
    "tuteur_inspe": "tuteur ou tutrice Inspé",
    "inspecteur": "IEN ou IA-IPR",
    "chef_etablissement": "chef ou cheffe d’établissement, directeur ou directrice d’école",
    "responsable_parcours": "responsable de parcours",
    "pilote": "pilote d’un collectif de tuteurs",
    "secretariat": "secrétariat",
}
# Who reads a document when its declaration does not say: the trio.
LU_PAR_DEFAUT = ("stagiaire", "tuteur_terrain", "tuteur_inspe")
ORDRES = ("libre", "sequentiel")
# The keys of a declaration file.
CLES = {"titre", "description", "source", "remplie_par", "nom_fichier", "sections", "exemple",
        "parcours", "redige_par", "lu_par", "signatures", "echeance"}
# ``personne:`` values: who a field names and what of them.
PERSONNES = (
    "stagiaire_nom", "stagiaire_prenom", "stagiaire_parcours", "stagiaire_lieu",
    "periode_debut", "periode_fin",
    "tuteur_terrain_nom", "tuteur_terrain_prenom", "tuteur_inspe_nom",
    "inspecteur_nom", "chef_etablissement_nom", "responsable_parcours_nom", "pilote_nom",
)


class DeclarationInvalide(Exception):
    """A declaration file is wrong; the message names the file and the field."""


@dataclass(frozen=True)
class Champ:
    nom: str
    type: str
    libelle: str
    requis: bool = False
    aide: str = ""
    choix: tuple[str, ...] = ()
    affichage: str = "cases"
    min: int | None = None
    max: int | None = None
    longueur_max: int | None = None
    champs: tuple[Champ, ...] = ()
    section: str = ""
    signe_par: str | None = None
    personne: str | None = None

    @property
    def longueur(self) -> int:
        if self.longueur_max:
            return self.longueur_max
        return LONGUEUR_TEXTE_LONG if self.type == "texte_long" else LONGUEUR_TEXTE

    def sous_champ(self, nom: str) -> Champ | None:
        return next((c for c in self.champs if c.nom == nom), None)


@dataclass(frozen=True)
class Section:
    titre: str
    champs: tuple[Champ, ...]


@dataclass(frozen=True)
class Formulaire:
    id: str
    version: int
    titre: str
    description: str
    source: str
    remplie_par: str
    nom_fichier: str
    sections: tuple[Section, ...]
    exemple: dict
    chemin: Path = field(compare=False)
    parcours: tuple[str, ...] = ()
    redige_par: tuple[str, ...] = ()
    lu_par: tuple[str, ...] = LU_PAR_DEFAUT
    ordre_signatures: str = "libre"
    echeance: dict | None = None

    @property
    def declare_acteurs(self) -> bool:
        """Does the declaration say who writes and signs it (version 2 on)? Else the access
        rules' tables for the published version-1 declarations apply."""
        return bool(self.redige_par)

    @property
    def signe_par(self) -> dict[str, str]:
        """Signature slot → the poste that signs it, in declaration order."""
        return {c.nom: c.signe_par for c in self.champs if c.type == "signature" and c.signe_par}

    @property
    def champs(self) -> tuple[Champ, ...]:
        return tuple(c for s in self.sections for c in s.champs)

    def champ(self, nom: str) -> Champ | None:
        return next((c for c in self.champs if c.nom == nom), None)


def _champ(data: dict, ou: str, section: str, dans_groupe: bool) -> Champ:
    if not isinstance(data, dict):
        raise DeclarationInvalide(f"{ou} : chaque champ doit être un objet (nom, type, libelle…)")
    nom = data.get("nom")
    if not isinstance(nom, str) or not NOM_VALIDE.match(nom):
        raise DeclarationInvalide(
            f"{ou} : nom de champ « {nom} » invalide (minuscules, chiffres et _, 48 caractères au plus)")
    ou = f"{ou}, champ « {nom} »"
    connus = {"nom", "type", "libelle", "requis", "aide", "choix", "affichage", "min", "max",
              "longueur_max", "champs", "signe_par", "personne"}
    inconnus = set(data) - connus
    if inconnus:
        raise DeclarationInvalide(f"{ou} : clé(s) inconnue(s) {', '.join(sorted(inconnus))}")
    type_ = data.get("type")
    if type_ not in TYPES:
        raise DeclarationInvalide(f"{ou} : type « {type_} » inconnu (types : {', '.join(TYPES)})")
    if dans_groupe and type_ in ("groupe", "signature"):
        raise DeclarationInvalide(f"{ou} : un groupe ne peut pas contenir de {TYPES[type_]}")
    libelle = data.get("libelle")
    if not isinstance(libelle, str) or not libelle.strip():
        raise DeclarationInvalide(f"{ou} : libellé manquant")
    choix = tuple(data.get("choix") or ())
    if type_ in ("choix", "choix_multiple"):
        if len(choix) < 2 or not all(isinstance(c, str) and c for c in choix):
            raise DeclarationInvalide(f"{ou} : un choix demande au moins deux valeurs (textes)")
        if len(set(choix)) != len(choix):
            raise DeclarationInvalide(f"{ou} : valeurs de choix en double")
    elif choix:
        raise DeclarationInvalide(f"{ou} : « choix » n'a de sens que pour un champ à choix")
    affichage = data.get("affichage", "cases")
    if affichage not in ("cases", "liste"):
        raise DeclarationInvalide(f"{ou} : affichage « {affichage} » inconnu (cases ou liste)")
    sous = ()
    if type_ == "groupe":
        if not data.get("champs"):
            raise DeclarationInvalide(f"{ou} : un groupe répétable doit déclarer ses champs")
        sous = tuple(_champ(c, ou, section, True) for c in data["champs"])
        _uniques(sous, ou)
    if data.get("requis") and type_ == "signature":
        raise DeclarationInvalide(f"{ou} : une signature ne peut pas être requise à la saisie")
    signe_par = data.get("signe_par")
    if signe_par is not None:
        if type_ != "signature":
            raise DeclarationInvalide(f"{ou} : « signe_par » n'a de sens que pour une signature")
        if signe_par not in POSTES:
            raise DeclarationInvalide(f"{ou} : « signe_par » : poste « {signe_par} » inconnu "
                                      f"(postes : {', '.join(POSTES)})")
    personne = data.get("personne")
    if personne is not None:
        if type_ not in ("texte", "date"):
            raise DeclarationInvalide(f"{ou} : « personne » n'a de sens que pour un texte ou une date")
        if personne not in PERSONNES:
            raise DeclarationInvalide(f"{ou} : « personne » : « {personne} » inconnu "
                                      f"(valeurs : {', '.join(PERSONNES)})")
    return Champ(
        nom=nom, type=type_, libelle=libelle.strip(), requis=bool(data.get("requis", False)),
        aide=str(data.get("aide", "")).strip(), choix=choix, affichage=affichage,
        min=data.get("min"), max=data.get("max"), longueur_max=data.get("longueur_max"),
        champs=sous, section=section, signe_par=signe_par, personne=personne,
    )


def _uniques(champs, ou: str) -> None:
    vus = set()
    for c in champs:
        if c.nom in vus:
            raise DeclarationInvalide(f"{ou} : champ « {c.nom} » déclaré deux fois")
        if c.nom in NOMS_RESERVES:
            raise DeclarationInvalide(f"{ou} : « {c.nom} » est un nom réservé")
        vus.add(c.nom)


def _postes(data: dict, cle: str, chemin: Path, requis: bool) -> tuple[str, ...]:
    valeur = data.get(cle)
    if valeur is None:
        if requis:
            raise DeclarationInvalide(f"{chemin} : « {cle} » manquant (une liste de postes : "
                                      f"{', '.join(POSTES)})")
        return ()
    if not isinstance(valeur, list) or not valeur or not all(isinstance(p, str) for p in valeur):
        raise DeclarationInvalide(f"{chemin} : « {cle} » doit être une liste de postes non vide")
    for poste in valeur:
        if poste not in POSTES:
            raise DeclarationInvalide(f"{chemin} : « {cle} » : poste « {poste} » inconnu "
                                      f"(postes : {', '.join(POSTES)})")
    if len(set(valeur)) != len(valeur):
        raise DeclarationInvalide(f"{chemin} : « {cle} » : poste en double")
    return tuple(valeur)


def _jour_existe(jour: int, mois: int) -> bool:
    try:
        dt.date(2028, mois, jour)  # a leap year: 29/02 exists
    except ValueError:
        return False
    return True


def _echeance(valeur, chemin: Path) -> dict | None:
    if valeur is None:
        return None
    ou = f"{chemin} : « echeance »"
    if not isinstance(valeur, dict) or len(valeur) != 1:
        raise DeclarationInvalide(f"{ou} : un objet {{date: \"JJ/MM\"}} ou {{jours_apres_debut: N}}")
    if "date" in valeur:
        date = valeur["date"]
        m = re.fullmatch(r"(\d\d)/(\d\d)", date) if isinstance(date, str) else None
        if not m or not _jour_existe(int(m.group(1)), int(m.group(2))):
            raise DeclarationInvalide(f"{ou} : date « {date} » invalide (JJ/MM, ex. 15/01)")
        return {"date": date}
    if "jours_apres_debut" in valeur:
        jours = valeur["jours_apres_debut"]
        if not isinstance(jours, int) or isinstance(jours, bool) or not 0 <= jours <= 366:
            raise DeclarationInvalide(
                f"{ou} : « jours_apres_debut » doit être un nombre entier de jours (0 à 366)")
        return {"jours_apres_debut": jours}
    raise DeclarationInvalide(f"{ou} : clé « {next(iter(valeur))} » inconnue "
                              "(date ou jours_apres_debut)")


def _acteurs(data: dict, chemin: Path, version: int, sections) -> dict:
    """parcours, redige_par, lu_par, signatures, echeance: required from version 2 on."""
    v2 = version >= 2
    parcours = data.get("parcours")
    if parcours is None:
        if v2:
            raise DeclarationInvalide(f"{chemin} : « parcours » manquant (les identifiants des "
                                      "parcours de l'établissement concernés)")
        parcours = []
    if not isinstance(parcours, list) or (v2 and not parcours) or not all(
            isinstance(p, str) and p for p in parcours):
        raise DeclarationInvalide(f"{chemin} : « parcours » doit être une liste d'identifiants "
                                  "de parcours non vide")
    signatures = data.get("signatures") or {}
    if not isinstance(signatures, dict) or set(signatures) - {"ordre"}:
        raise DeclarationInvalide(f"{chemin} : « signatures » : seule la clé « ordre » est "
                                  "connue (libre ou sequentiel)")
    ordre = signatures.get("ordre", "libre")
    if ordre not in ORDRES:
        raise DeclarationInvalide(f"{chemin} : « signatures » : ordre « {ordre} » inconnu "
                                  f"({' ou '.join(ORDRES)})")
    if v2:
        for section in sections:
            for champ in section.champs:
                if champ.type == "signature" and not champ.signe_par:
                    raise DeclarationInvalide(
                        f"{chemin}, champ « {champ.nom} » : « signe_par » manquant (le poste "
                        f"qui signe cette case : {', '.join(POSTES)})")
    lu_par = _postes(data, "lu_par", chemin, False) or LU_PAR_DEFAUT
    return {"parcours": tuple(parcours), "redige_par": _postes(data, "redige_par", chemin, v2),
            "lu_par": lu_par, "ordre_signatures": ordre,
            "echeance": _echeance(data.get("echeance"), chemin)}


def charger(chemin: Path) -> Formulaire:
    """Loads and checks one declaration file (formulaires/<id>/v<N>.yaml)."""
    return lire(chemin.read_text(encoding="utf-8"), chemin)


def lire(texte: str, ou: str | Path) -> Formulaire:
    """Checks the YAML text of a declaration; ``ou`` is where it is (or will be) stored,
    « formulaires/<id>/v<N>.yaml »: it gives the gabarit's id and version, and names the
    declaration in every error."""
    chemin = Path(ou)
    m = re.fullmatch(r"v(\d+)\.yaml", chemin.name)
    if not m:
        raise DeclarationInvalide(f"{chemin} : le fichier doit s'appeler v<N>.yaml")
    try:
        data = yaml.safe_load(texte)
    except yaml.YAMLError as exc:
        raise DeclarationInvalide(f"{chemin} : YAML illisible : {exc}") from exc
    if not isinstance(data, dict):
        raise DeclarationInvalide(f"{chemin} : la déclaration doit être un objet YAML")
    inconnues = set(data) - CLES
    if inconnues:
        raise DeclarationInvalide(f"{chemin} : clé(s) inconnue(s) {', '.join(sorted(map(str, inconnues)))} "
                                  f"(clés connues : {', '.join(sorted(CLES))})")
    for cle in ("titre", "nom_fichier", "sections", "exemple"):
        if not data.get(cle):
            raise DeclarationInvalide(f"{chemin} : « {cle} » manquant")
    sections = []
    for i, s in enumerate(data["sections"], 1):
        titre = s.get("titre") or f"Section {i}"
        champs = tuple(_champ(c, str(chemin), titre, False) for c in s.get("champs") or ())
        sections.append(Section(titre=titre, champs=champs))
    version = int(m.group(1))
    formulaire = Formulaire(
        id=chemin.parent.name, version=version, titre=data["titre"],
        description=str(data.get("description", "")).strip(), source=data.get("source", ""),
        remplie_par=data.get("remplie_par", ""), nom_fichier=data["nom_fichier"],
        sections=tuple(sections), exemple=data["exemple"], chemin=chemin,
        **_acteurs(data, chemin, version, sections),
    )
    _uniques(formulaire.champs, str(chemin))
    for nom in re.findall(r"{(\w+)}", formulaire.nom_fichier):
        if not formulaire.champ(nom) and nom not in ("date", "numero"):
            raise DeclarationInvalide(
                f"{chemin} : nom_fichier utilise « {nom} », qui n'est pas un champ déclaré")
    return formulaire


def description(champ: Champ) -> dict:
    """A field as the CLI and the API describe it (JSON)."""
    out = {"nom": champ.nom, "type": champ.type, "libelle": champ.libelle, "requis": champ.requis}
    if champ.aide:
        out["aide"] = champ.aide
    if champ.choix:
        out["choix"] = list(champ.choix)
    if champ.champs:
        out["champs"] = [description(c) for c in champ.champs]
    return out
