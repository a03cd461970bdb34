"""The README documents every setting and every command, found in the code itself (as datasette does).

The environment variables are those the service reads: the names in ``Config.depuis`` and every
``environ.get("…")``, ``environ["…"]`` or ``os.getenv("…")`` under service/, read with ``ast``.
The commands and their options come from the command line's own argparse parser. A variable or a
command added without its line in the README's tables fails here, and so does a line left for
one that is gone.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from service.cli import commandes
from tests.outils import RACINE

NOM_DE_VARIABLE = re.compile(r"[A-Z][A-Z0-9_]+")


def _section(readme: str, titre: str) -> str:
    """The text of a ``## titre`` section, up to the next section of the same level."""
    debut = readme.index(f"\n## {titre}\n")
    fin = readme.find("\n## ", debut + 1)
    return readme[debut: fin if fin != -1 else None]


def _premieres_cellules(section: str) -> list[str]:
    """The first cell of each row of the section's tables, when it is `code`."""
    return re.findall(r"^\| `([^`]+)` \|", section, flags=re.M)


def variables_documentees(readme: str) -> set[str]:
    return set(_premieres_cellules(_section(readme, "Configuration")))


def commandes_documentees(readme: str) -> dict[str, str]:
    """Each command of the README's table: the first word of its first cell → that cell."""
    return {cellule.split()[0]: cellule
            for cellule in _premieres_cellules(_section(readme, "Ligne de commande"))}


def _est_environ(noeud: ast.expr) -> bool:
    return (isinstance(noeud, ast.Name) and noeud.id == "environ") or (
        isinstance(noeud, ast.Attribute) and noeud.attr == "environ")


def _nom_lu(noeud: ast.AST) -> str | None:
    """The variable's name when ``noeud`` reads the environment with a literal name."""
    if isinstance(noeud, ast.Subscript) and _est_environ(noeud.value):
        cle = noeud.slice
    elif isinstance(noeud, ast.Call) and noeud.args and isinstance(noeud.func, ast.Attribute) and (
            (noeud.func.attr == "get" and _est_environ(noeud.func.value))
            or (noeud.func.attr == "getenv" and isinstance(noeud.func.value, ast.Name)
                and noeud.func.value.id == "os")):
        cle = noeud.args[0]
    else:
        return None
    return cle.value if isinstance(cle, ast.Constant) and isinstance(cle.value, str) else None


def variables_lues(racine: Path = RACINE) -> set[str]:
    """Every environment variable the service reads, from its source (nothing is imported)."""
    lues = set()
    for fichier in sorted((racine / "service").rglob("*.py")):
        arbre = ast.parse(fichier.read_text(encoding="utf-8"))
        lues |= {nom for noeud in ast.walk(arbre) if (nom := _nom_lu(noeud))}
    # Config.depuis also names variables through its helper: chemin("INSPE_GABARITS", …)
    config = ast.parse((racine / "service" / "config.py").read_text(encoding="utf-8"))
    (depuis,) = [n for n in ast.walk(config) if isinstance(n, ast.FunctionDef) and n.name == "depuis"]
    lues |= {n.value for n in ast.walk(depuis) if isinstance(n, ast.Constant)
             and isinstance(n.value, str) and NOM_DE_VARIABLE.fullmatch(n.value)}
    return lues


def _readme() -> str:
    return (RACINE / "README.md").read_text(encoding="utf-8")


def test_every_variable_the_service_reads_is_in_the_readme():
    lues = variables_lues()
    assert {"INSPE_GABARITS", "INSPE_SOFFICE", "DATABASE_URL", "PORT"} <= lues  # the search works
    absentes = sorted(lues - variables_documentees(_readme()))
    assert not absentes, f"variables absentes du tableau de « Configuration » du README : {absentes}"


def test_every_variable_in_the_readme_is_read_by_the_service():
    documentees = variables_documentees(_readme())
    assert len(documentees) >= 15
    inconnues = sorted(documentees - variables_lues())
    assert not inconnues, f"variables du README que le service ne lit pas : {inconnues}"


def test_every_command_and_option_is_in_the_readme():
    documentees = commandes_documentees(_readme())
    absentes = sorted(set(commandes()) - set(documentees))
    assert not absentes, f"commandes absentes du tableau « Ligne de commande » du README : {absentes}"
    options_absentes = [
        f"{nom} {option}"
        for nom, sous_parser in commandes().items()
        for action in sous_parser._actions for option in action.option_strings
        if option not in ("-h", "--help")
        and not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", documentees[nom])]
    assert not options_absentes, f"options absentes du README : {options_absentes}"


def test_every_command_in_the_readme_exists():
    inconnues = sorted(set(commandes_documentees(_readme())) - set(commandes()))
    assert not inconnues, f"commandes du README que la ligne de commande ne connaît pas : {inconnues}"


def test_the_search_finds_every_way_of_reading_the_environment(tmp_path):
    """The check can fail: each way the service may read a variable is seen."""
    (tmp_path / "service" / "archive").mkdir(parents=True)
    (tmp_path / "service" / "config.py").write_text(
        "class Config:\n"
        "    @classmethod\n"
        "    def depuis(cls, environ):\n"
        "        def chemin(nom, valeur):\n"
        "            return environ[nom] if environ.get(nom) else valeur\n"
        "        return cls(a=chemin('INSPE_A', 1), b=environ.get('INSPE_B', ''), c='pas une variable')\n")
    (tmp_path / "service" / "archive" / "depot.py").write_text(
        "import os\nfrom os import environ\n"
        "def f(env):\n"
        "    return os.environ.get('INSPE_C'), os.environ['INSPE_D'], os.getenv('INSPE_E'),"
        " environ.get('PORT'), env.get('AUTRE_CHOSE')\n")
    assert variables_lues(tmp_path) == {"INSPE_A", "INSPE_B", "INSPE_C", "INSPE_D", "INSPE_E", "PORT"}


def test_the_tables_are_read_as_a_person_reads_them():
    readme = ("# Titre\n\n## Configuration\n\n| variable | défaut |\n|---|---|\n| `INSPE_X` | 1 |\n\n"
              "## Ligne de commande\n\n| commande | fait |\n|---|---|\n"
              "| `generer ID --format docx\\|pdf [--pdf-simple]` | un document |\n"
              "| `purger` | supprime |\n\n## Tests\n\n| `INSPE_Y` | ailleurs |\n")
    assert variables_documentees(readme) == {"INSPE_X"}
    assert commandes_documentees(readme) == {
        "generer": "generer ID --format docx\\|pdf [--pdf-simple]", "purger": "purger"}
