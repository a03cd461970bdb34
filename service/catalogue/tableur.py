"""Spreadsheets for bulk work: the workbook to fill, its reading, and the error report.

The columns derive from the declaration: one per field (French header, from
its label), a repeatable group as numbered columns ("Participants 2 – Nom").
Reading accepts .xlsx and .csv (separator ; or , — UTF-8 or Windows-1252),
headers in any order and matched without regard to case, accents or spaces,
dates as Excel dates or JJ/MM/AAAA text; empty rows are skipped and counted.
Every row then goes through the declaration's validation, like every other
entry point. Text written into any spreadsheet is neutralised against formula
injection.

An uploaded workbook is hostile until checked: its zip package passes
``zip_sur`` (sizes actually inflated, ratios, duplicates, XML entities) before
openpyxl reads anything, it is read as a stream (``read_only``) with a bound on
its rows, and only the sheet the service made (by its name) or else the first
visible one is read, never a hidden one; the reading says which.

The workbook to fill carries, in its custom document properties, the form and
the version it was made for (``origine``): a workbook of another form is
refused with the name of its own, rather than with a list of absent columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.packaging.custom import IntProperty, StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .declaration import Champ, Formulaire
from .nommage import nom_sur
from .televersement import nom_televerse
from .validation import DonneesInvalides, Erreur, cle_de_comparaison, valider
from .zip_sur import ArchiveIllisible, Limites, PaquetRefuse, ouvrir

LIGNES_GROUPE = 5  # numbered columns of a group whose declaration sets no maximum
LIGNES_MODELE = 1000  # rows prepared (formats, lists) in the workbook to fill
FEUILLE_INSTRUCTIONS = "Instructions"
FEUILLE_LISTES = "Listes"
TAILLE_MAX = 10 * 2**20
LIGNES_MAX = 5000  # rows of data a spreadsheet may hold (a lot, a roster)
COLONNES_MAX = 1000  # columns read; further ones are not looked at
LIMITES = Limites(taille=TAILLE_MAX, entrees=500, decompresse=60 * 2**20)
PROPRIETE_FORMULAIRE = "INSPE formulaire"  # custom properties of the workbook to fill
PROPRIETE_VERSION = "INSPE version"
PROPRIETE_TITRE = "INSPE titre"
COPIE_COMPLETE_MAX = 15 * 2**20  # beyond, the error copy holds the values only (memory)
_FORMULE = re.compile(r"^[=+\-@\t\r]")
_ENTETE = PatternFill("solid", fgColor="1F3864")
_ERREUR = PatternFill("solid", fgColor="F8CBAD")


class TableurIllisible(Exception):
    """The file cannot be read as a spreadsheet of this form; the message says why, in French."""


@dataclass(frozen=True)
class Colonne:
    entete: str
    chemin: tuple  # ("stagiaire_nom",) or ("participants", 2, "nom")
    champ: Champ
    requise: bool


def colonnes(formulaire: Formulaire) -> list[Colonne]:
    """The spreadsheet's columns, in the declaration's order."""
    resultat = []
    for champ in formulaire.champs:
        if champ.type == "signature":
            continue
        if champ.type == "groupe":
            for i in range(1, (champ.max or LIGNES_GROUPE) + 1):
                obligatoire = champ.requis and i <= max(champ.min or 1, 1)
                for sous in champ.champs:
                    resultat.append(Colonne(f"{champ.libelle} {i} – {sous.libelle}",
                                            (champ.nom, i, sous.nom), sous,
                                            obligatoire and sous.requis))
        else:
            resultat.append(Colonne(champ.libelle, (champ.nom,), champ, champ.requis))
    return resultat


def classeur_liste(titre: str, entetes: list[str]):
    """A workbook of one sheet ``titre`` for a list to export: its bold header row ``entetes``,
    frozen. Returns (workbook, sheet); rows are appended, each value ``neutraliser``-ed."""
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = titre
    feuille.append(entetes)
    for cellule in feuille[1]:
        cellule.font = Font(bold=True)
    feuille.freeze_panes = "A2"
    return classeur, feuille


def neutraliser(valeur):
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(valeur, str) and _FORMULE.match(valeur):
        return "'" + valeur
    return valeur


def _propre(valeur):
    """A value written back into a spreadsheet: neutralised, without characters XML cannot hold."""
    if isinstance(valeur, str):
        return neutraliser(ILLEGAL_CHARACTERS_RE.sub("", valeur))
    return valeur


def _cle(texte: str) -> str:
    return cle_de_comparaison(str(texte).replace("*", "").replace("–", "-").replace("_", " "))


# --- the workbook to fill -------------------------------------------------------------------

@dataclass(frozen=True)
class Origine:
    """The form (and its version) a workbook of the service was made for."""
    formulaire: str
    version: int
    titre: str

    def __str__(self) -> str:
        return f"« {self.titre} » (version {self.version})"


def modele_import(formulaire: Formulaire, par: str = "document") -> bytes:
    """The .xlsx a secretariat fills: headers, lists, date formats, an example row, instructions
    (« Une ligne par ``par`` »), and the form it is for in its properties (``origine``)."""
    classeur = Workbook()
    for nom, valeur in ((PROPRIETE_FORMULAIRE, formulaire.id),
                        (PROPRIETE_TITRE, formulaire.titre)):
        classeur.custom_doc_props.append(StringProperty(name=nom, value=valeur))
    classeur.custom_doc_props.append(IntProperty(name=PROPRIETE_VERSION, value=formulaire.version))
    feuille = classeur.active
    feuille.title = formulaire.id[:31]
    listes = classeur.create_sheet(FEUILLE_LISTES)
    listes.sheet_state = "hidden"
    cols = colonnes(formulaire)
    exemple = _ligne_exemple(formulaire, cols)
    for n, colonne in enumerate(cols, 1):
        lettre = get_column_letter(n)
        cellule = feuille.cell(row=1, column=n, value=colonne.entete + (" *" if colonne.requise else ""))
        cellule.font = Font(bold=True, color="FFFFFF")
        cellule.fill = _ENTETE
        cellule.alignment = Alignment(wrap_text=True, vertical="top")
        feuille.column_dimensions[lettre].width = min(max(len(colonne.entete) * 0.9, 14), 40)
        valeur = exemple.get(colonne.chemin)
        feuille.cell(row=2, column=n, value=neutraliser(valeur))
        plage = f"{lettre}2:{lettre}{LIGNES_MODELE + 1}"
        if colonne.champ.type == "date":
            for ligne in range(2, min(LIGNES_MODELE, 200) + 2):
                feuille.cell(row=ligne, column=n).number_format = "DD/MM/YYYY"
        if colonne.champ.type == "choix":
            for i, option in enumerate(colonne.champ.choix, 1):
                listes.cell(row=i, column=n, value=neutraliser(option))
            validation = DataValidation(
                type="list", formula1=f"{FEUILLE_LISTES}!${lettre}$1:${lettre}${len(colonne.champ.choix)}",
                allow_blank=not colonne.requise, showErrorMessage=True,
                errorTitle="Valeur non permise",
                error="Choisissez une valeur de la liste : " + ", ".join(colonne.champ.choix)[:200])
            feuille.add_data_validation(validation)
            validation.add(plage)
    feuille.freeze_panes = "A2"
    feuille.row_dimensions[1].height = 45
    _instructions(classeur.create_sheet(FEUILLE_INSTRUCTIONS, 0), formulaire, cols, par)
    classeur.active = 1
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def _decompresse(donnees: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(donnees)) as paquet:
        return sum(i.file_size for i in paquet.infolist())


def _copie_des_valeurs(donnees: bytes, nom: str, feuille: str):
    """The values of the sheet read, in a new workbook: for a workbook too big to load whole
    (openpyxl holds every cell of every sheet) or that its full reader cannot load."""
    classeur = Workbook()
    onglet = classeur.active
    onglet.title = (feuille or "Données")[:31]
    _, lignes = _cellules(donnees, nom, feuille)
    for numero, cellules in enumerate(lignes, 1):
        if numero > LIGNES_MAX + 1000:
            break
        onglet.append([_propre(c) for c in cellules])
    return classeur, onglet


def _ligne_exemple(formulaire: Formulaire, cols: list[Colonne]) -> dict[tuple, object]:
    valeurs = valider(formulaire, formulaire.exemple)
    exemple = {}
    for colonne in cols:
        valeur = valeurs.get(colonne.chemin[0])
        if len(colonne.chemin) == 3:
            lignes = valeur or []
            valeur = (lignes[colonne.chemin[1] - 1].get(colonne.chemin[2])
                      if colonne.chemin[1] <= len(lignes) else None)
        if isinstance(valeur, list):
            valeur = " ; ".join(valeur)
        exemple[colonne.chemin] = valeur
    return exemple


def _instructions(feuille, formulaire: Formulaire, cols: list[Colonne], par: str) -> None:
    lignes = [
        (formulaire.titre, True),
        (f"Une ligne par {par}. La première ligne de la feuille « "
         f"{formulaire.id[:31]} » donne les colonnes ; la deuxième est un exemple à remplacer.", False),
        ("Les colonnes marquées * sont obligatoires. L’ordre des colonnes est libre ; les lignes "
         "vides sont ignorées.", False),
        ("Dates : JJ/MM/AAAA (ou une date Excel). Choix multiples : valeurs séparées par « ; ».", False),
        ("", False),
        ("Colonne | Type | Obligatoire | Valeurs permises ou format | Aide", True),
    ]
    for colonne in cols:
        champ = colonne.champ
        permis = " ; ".join(champ.choix) if champ.choix else {
            "date": "JJ/MM/AAAA", "entier": "nombre entier"}.get(champ.type, "texte")
        lignes.append((f"{colonne.entete} | {_TYPES[champ.type]} | "
                       f"{'oui' if colonne.requise else 'non'} | {permis} | {champ.aide}", False))
    for n, (texte, gras) in enumerate(lignes, 1):
        cellule = feuille.cell(row=n, column=1, value=neutraliser(texte))
        cellule.font = Font(bold=gras)
    feuille.column_dimensions["A"].width = 140


_TYPES = {"texte": "texte court", "texte_long": "texte long", "date": "date",
          "entier": "nombre entier", "choix": "choix dans la liste",
          "choix_multiple": "choix multiple (séparés par ;)"}


# --- reading --------------------------------------------------------------------------------

@dataclass
class LigneLue:
    numero: int  # the row number the spreadsheet shows
    donnees: dict
    colonnes: dict[tuple, int] = field(default_factory=dict)  # chemin → column number (1-based)


@dataclass
class Lecture:
    lignes: list[LigneLue]
    vides: int
    ignorees: list[str]  # headers that match no field
    entetes: dict[tuple, int]  # chemin → column number
    feuille: str = ""  # the sheet read ("" for a .csv)

    @property
    def feuille_lue(self) -> str:
        return f"feuille « {self.feuille} » lue" if self.feuille else ""


def _classeur(donnees: bytes, nom: str, complet: bool = False):
    """The workbook, once its package passed every check; TableurIllisible otherwise."""
    if donnees.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableurIllisible(f"{nom} : c’est un ancien classeur Excel (.xls) ou un classeur "
                               "protégé par mot de passe ; enregistrez-le au format .xlsx")
    if not donnees.startswith(b"PK\x03\x04"):
        raise TableurIllisible(f"{nom} : ce n’est pas un classeur .xlsx lisible")
    try:
        paquet = ouvrir(donnees, "ce tableur", LIMITES)
    except ArchiveIllisible:
        raise TableurIllisible(f"{nom} : ce n’est pas un classeur .xlsx lisible") from None
    except PaquetRefuse as exc:
        raise TableurIllisible(f"{nom} : {exc}") from None
    if any(n.lower().endswith("vbaproject.bin") for n in paquet.namelist()):
        raise TableurIllisible(f"{nom} : ce tableur contient des macros : enregistrez-le en .xlsx")
    try:
        return load_workbook(io.BytesIO(donnees), read_only=not complet, data_only=not complet)
    except Exception as exc:  # anything openpyxl trips on in a hostile file
        raise TableurIllisible(f"{nom} : {_probleme(exc)}") from None


def _probleme(exc: Exception) -> str:
    texte = str(exc).lower()
    if any(m in texte for m in ("xmlchar", "charref", "invalid character", "char 0x")):
        return "ce tableur contient une référence de caractère invalide (&#…;) : il est abîmé"
    if "entity" in texte:
        return "ce tableur est abîmé : il fait référence à une entité XML inconnue"
    if exc.__class__.__name__ in ("XMLSyntaxError", "ParseError"):
        return "ce tableur est abîmé : une de ses parties n’est pas du XML valide"
    return "ce n’est pas un classeur .xlsx lisible"


def choisir_feuille(classeur, attendue: str = "") -> str:
    """The sheet the service made (by its name) if there, else the first visible data sheet."""
    visibles = [f.title for f in classeur.worksheets if f.sheet_state == "visible"]
    if attendue and attendue[:31] in visibles:
        return attendue[:31]
    donnees = [n for n in visibles if n not in (FEUILLE_INSTRUCTIONS, FEUILLE_LISTES)]
    if not donnees:
        raise TableurIllisible("le classeur ne contient aucune feuille de données visible")
    return donnees[0]


def _cellules(donnees: bytes, nom: str, attendue: str) -> tuple[str, Iterator[list]]:
    if nom.lower().endswith(".csv"):
        return "", _csv(donnees, nom)
    classeur = _classeur(donnees, nom)
    try:
        feuille = choisir_feuille(classeur, attendue)
    except TableurIllisible as exc:
        raise TableurIllisible(f"{nom} : {exc}") from None
    return feuille, _lignes_xlsx(classeur, feuille, nom)


def _lignes_xlsx(classeur, feuille: str, nom: str) -> Iterator[list]:
    try:
        onglet = classeur[feuille]
        onglet.reset_dimensions()  # the declared dimension may lie (A1:XFD1048576)
        for ligne in onglet.iter_rows(values_only=True):
            yield list(ligne[:COLONNES_MAX])
    except TableurIllisible:
        raise
    except Exception as exc:  # the sheet is parsed while read: a hostile part fails here
        raise TableurIllisible(f"{nom} : {_probleme(exc)}") from None
    finally:
        classeur.close()


def _csv(donnees: bytes, nom: str = "") -> Iterator[list]:
    if len(donnees) > TAILLE_MAX:
        raise TableurIllisible(f"{nom} : ce tableur dépasse {TAILLE_MAX // 2**20} Mo")
    for encodage in ("utf-8-sig", "cp1252"):
        try:
            texte = donnees.decode(encodage)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableurIllisible(f"{nom} : ce fichier .csv n’est ni en UTF-8 ni en Windows-1252")
    premiere = texte.split("\n", 1)[0]
    separateur = max((";", ",", "\t"), key=premiere.count)
    try:
        yield from csv.reader(io.StringIO(texte), delimiter=separateur)
    except csv.Error:
        raise TableurIllisible(f"{nom} : ce fichier .csv est abîmé (cellule démesurée ou "
                               "guillemets mal fermés)") from None


def _valeur(brute):
    if isinstance(brute, dt.datetime):
        return brute.date() if brute.time() == dt.time() else brute
    if isinstance(brute, float) and brute.is_integer():
        return int(brute)
    if isinstance(brute, str):
        brute = brute.strip()
        return brute or None
    return brute


def origine(donnees: bytes, nom: str) -> Origine | None:
    """The form a workbook the service handed out was made for; None for a .csv, or a workbook
    made elsewhere, or whose properties were lost on the way."""
    if nom.lower().endswith(".csv"):
        return None
    classeur = _classeur(donnees, nom_televerse(nom))
    try:
        proprietes = {p.name: p.value for p in classeur.custom_doc_props}
    finally:
        classeur.close()
    formulaire = proprietes.get(PROPRIETE_FORMULAIRE)
    if not isinstance(formulaire, str) or not formulaire:
        return None
    version = proprietes.get(PROPRIETE_VERSION)
    return Origine(formulaire, version if isinstance(version, int) else 1,
                   str(proprietes.get(PROPRIETE_TITRE) or formulaire))


def verifier_origine(donnees: bytes, nom: str, formulaire: Formulaire) -> None:
    """TableurIllisible naming the workbook's own form when it was made for another one."""
    trouvee = origine(donnees, nom)
    if trouvee is not None and trouvee.formulaire != formulaire.id:
        raise TableurIllisible(f"{nom_televerse(nom)} : ce tableur est celui de {trouvee} : "
                               "choisissez ce document ou téléchargez le bon modèle")


def lire(donnees: bytes, nom: str, formulaire: Formulaire) -> Lecture:
    """The rows of a filled spreadsheet, as data dictionaries ready for validation; a workbook
    made for another form is refused with that form's name (``verifier_origine``)."""
    verifier_origine(donnees, nom, formulaire)
    nom = nom_televerse(nom)  # named in every message: as sent, it may be a path or hostile
    feuille, lignes = _cellules(donnees, nom, formulaire.id)
    try:
        entetes = next(lignes)
    except StopIteration:
        raise TableurIllisible(f"{nom} : le fichier est vide") from None
    attendues = {}
    for colonne in colonnes(formulaire):
        attendues[_cle(colonne.entete)] = colonne
        attendues[_cle("_".join(map(str, colonne.chemin)))] = colonne
    positions, ignorees = {}, []
    for n, entete in enumerate(entetes, 1):
        if entete is None or not str(entete).strip():
            continue
        colonne = attendues.get(_cle(entete))
        if colonne is None:
            ignorees.append(str(entete))
        elif colonne.chemin not in positions:
            positions[colonne.chemin] = n
    manquantes = [c.entete for c in colonnes(formulaire)
                  if c.requise and c.chemin not in positions]
    if manquantes:
        raise TableurIllisible(f"{nom} : colonne(s) obligatoire(s) absente(s) : "
                               + ", ".join(f"« {m} »" for m in manquantes))
    lues, vides, en_attente = [], 0, 0
    for numero, cellules in enumerate(lignes, 2):
        valeurs = {chemin: _valeur(cellules[n - 1]) if n - 1 < len(cellules) else None
                   for chemin, n in positions.items()}
        if all(v is None for v in valeurs.values()):
            en_attente += 1  # counted only if data follows: formatted rows at the end are not rows
            continue
        vides, en_attente = vides + en_attente, 0
        if len(lues) == LIGNES_MAX:
            raise TableurIllisible(f"{nom} : ce tableur a plus de {LIGNES_MAX:,} lignes de données "
                                   f"(ligne {numero}) : découpez-le en plusieurs fichiers"
                                   .replace(",", "\u202f"))
        lues.append(LigneLue(numero, _assembler(valeurs), positions))
    return Lecture(lues, vides, ignorees, positions, feuille)


def _assembler(valeurs: dict[tuple, object]) -> dict:
    """Column values back into the shape every entry point uses (groups as lists of lines)."""
    donnees: dict = {}
    for chemin, valeur in valeurs.items():
        if len(chemin) == 1:
            donnees[chemin[0]] = valeur
        else:
            groupe, i, nom = chemin
            lignes = donnees.setdefault(groupe, [])
            while len(lignes) < i:
                lignes.append({})
            lignes[i - 1][nom] = valeur
    return donnees


@dataclass(frozen=True)
class ErreurCellule:
    ligne: int
    colonne: str  # header, or "" for the whole row
    numero_colonne: int | None
    message: str

    def __str__(self) -> str:
        ou = f"ligne {self.ligne}, colonne « {self.colonne} »" if self.colonne else f"ligne {self.ligne}"
        return f"{ou} : {self.message}"


def valider_lignes(lecture: Lecture, formulaire: Formulaire):
    """(number of the row, validated values) of valid rows, and every problem by row and column."""
    entetes = {c.chemin: c.entete for c in colonnes(formulaire)}
    valides, erreurs = [], []
    for ligne in lecture.lignes:
        try:
            valides.append((ligne.numero, valider(formulaire, ligne.donnees)))
        except DonneesInvalides as exc:
            erreurs += [_situer(ligne, e, entetes) for e in exc.erreurs]
    return valides, erreurs


def _situer(ligne: LigneLue, erreur: Erreur, entetes: dict[tuple, str]) -> ErreurCellule:
    chemin = erreur.chemin
    if chemin in entetes:
        return ErreurCellule(ligne.numero, entetes[chemin], ligne.colonnes.get(chemin), erreur.message)
    # a whole group (too few lines …): name the group
    libelle = next((e.split(" 1 – ")[0] for c, e in entetes.items() if c[:1] == chemin[:1]), "")
    return ErreurCellule(ligne.numero, libelle, None, erreur.message)


# --- the error report -----------------------------------------------------------------------

def nom_du_rapport(nom: str) -> str:
    """The highlighted copy's file name: the name sent, so that a person finds their file."""
    envoye = nom_televerse(nom)
    souche = envoye.rsplit(".", 1)[0] if "." in envoye else envoye
    return nom_sur(f"{souche} - erreurs surlignées") + ".xlsx"


def rapport_erreurs(donnees: bytes, nom: str, erreurs: list[ErreurCellule],
                    feuille: str = "") -> bytes:
    """A copy of the spreadsheet's sheet ``feuille`` (the one read), faulty cells highlighted and
    commented (.xlsx). Merged cells are split, formulas and illegal characters neutralised."""
    nom = nom_televerse(nom)
    if nom.lower().endswith(".csv"):
        classeur = Workbook()
        onglet = classeur.active
        onglet.title = "Données"
        for cellules in _csv(donnees, nom):
            onglet.append([_propre(c) for c in cellules])
    elif _decompresse(donnees) > COPIE_COMPLETE_MAX:
        classeur, onglet = _copie_des_valeurs(donnees, nom, feuille)
    else:
        try:
            classeur = _classeur(donnees, nom, complet=True)
            onglet = classeur[choisir_feuille(classeur, feuille)]
            for plage in list(onglet.merged_cells.ranges):
                onglet.unmerge_cells(str(plage))
            for ligne in onglet.iter_rows():
                for cellule in ligne:
                    if cellule.data_type == "f" or isinstance(cellule.value, str):
                        cellule.value = _propre(str(cellule.value))
                        cellule.data_type = "s"
        except Exception:  # what the full reader trips on: a copy of the values read
            classeur, onglet = _copie_des_valeurs(donnees, nom, feuille)
    par_cellule: dict[tuple[int, int], list[str]] = {}
    for erreur in erreurs:
        colonne = erreur.numero_colonne or 1
        par_cellule.setdefault((erreur.ligne, colonne), []).append(
            (f"{erreur.colonne} : " if erreur.colonne and not erreur.numero_colonne else "")
            + erreur.message)
    for (ligne, colonne), messages in par_cellule.items():
        cellule = onglet.cell(row=ligne, column=colonne)
        cellule.fill = _ERREUR
        cellule.comment = Comment("\n".join(messages), "Contrôle des données", width=320, height=120)
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()
