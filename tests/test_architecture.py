"""The layout is the architecture: packages import one way, lower layers never import upper ones;
and the tests, which mirror the packages, never import one another's modules.

Read from the source with ``ast`` (nothing is imported), so that an import written inside a
function counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.outils import RACINE

SERVICE = RACINE / "service"

# From the bottom up; a package imports only packages of the layers below its own.
COUCHES = [
    {"config", "bd", "stockage"},           # settings; the database and its migrations; files kept
    {"catalogue", "journal"},               # gabarits, declarations, validation, rendering; audit log
    {"pdf", "personnes"},                   # LibreOffice, workshop, seal; accounts, roster, access
    {"archive", "conception"},              # what is kept and found; writing the gabarits
    {"dossier"},                            # the dossier de tutorat: each document's state
    {"fabriques"},                          # service/__init__.py: each part built from the config
    {"lots"},                               # bulk work and its queue (the worker builds its parts)
    {"web"},                                # the pages and the API
    {"cli", "exemples", "schema"},          # commands (``serve`` starts the web)
    {"__main__"},                           # python -m service
]


def _module(fichier: Path, racine: Path = RACINE) -> str:
    parties = list(fichier.relative_to(racine).with_suffix("").parts)
    return ".".join(parties[:-1] if parties[-1] == "__init__" else parties)


def _paquet(module: str) -> str:
    parties = module.split(".")
    return "fabriques" if len(parties) == 1 else parties[1]


def _importes(fichier: Path, racine: Path = RACINE) -> set[str]:
    """The service's modules ``fichier`` imports, as absolute dotted names."""
    module = _module(fichier, racine)
    ici = module.split(".") if fichier.name == "__init__.py" else module.split(".")[:-1]
    importes = set()
    for noeud in ast.walk(ast.parse(fichier.read_text())):
        if isinstance(noeud, ast.Import):
            importes |= {a.name for a in noeud.names if a.name.split(".")[0] == "service"}
        elif isinstance(noeud, ast.ImportFrom):
            if noeud.level:
                base = ".".join(ici[: len(ici) - noeud.level + 1] + ([noeud.module] if noeud.module else []))
            else:
                base = noeud.module or ""
            if base.split(".")[0] != "service":
                continue
            for alias in noeud.names:  # "from service import lots" imports a package
                sous_module = f"{base}.{alias.name}"
                chemin = racine / sous_module.replace(".", "/")
                importes.add(sous_module if chemin.is_dir() or chemin.with_suffix(".py").exists() else base)
    return importes


def _aretes(racine: Path = RACINE) -> dict[tuple[str, str], list[str]]:
    aretes: dict[tuple[str, str], list[str]] = {}
    for fichier in sorted((racine / "service").rglob("*.py")):
        source = _module(fichier, racine)
        for cible in _importes(fichier, racine):
            de, vers = _paquet(source), _paquet(cible)
            if de != vers:
                aretes.setdefault((de, vers), []).append(f"{source} → {cible}")
    return aretes


def _couche(paquet: str) -> int:
    for rang, couche in enumerate(COUCHES):
        if paquet in couche:
            return rang
    raise AssertionError(f"service/{paquet} n'a pas de couche : l'ajouter à COUCHES dans {__file__}")


def test_every_package_has_a_layer():
    paquets = {p.name for p in SERVICE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    paquets |= {p.stem for p in SERVICE.glob("*.py") if p.stem != "__init__"}
    for paquet in paquets:
        _couche(paquet)


def test_packages_import_only_lower_layers():
    montantes = [f"{exemple} ({de} est sous {vers})"
                 for (de, vers), exemples in _aretes().items()
                 if _couche(de) <= _couche(vers) for exemple in exemples]
    assert montantes == []


def test_no_import_cycle_between_packages():
    graphe: dict[str, set[str]] = {}
    for de, vers in _aretes():
        graphe.setdefault(de, set()).add(vers)

    def cycle_depuis(depart, chemin):
        for suivant in sorted(graphe.get(chemin[-1], ())):
            if suivant == depart:
                return [*chemin, suivant]
            if suivant not in chemin and (trouve := cycle_depuis(depart, [*chemin, suivant])):
                return trouve
        return None

    cycles = [c for p in sorted(graphe) if (c := cycle_depuis(p, [p]))]
    assert cycles == []


def test_the_checker_sees_an_upward_import(tmp_path):
    """The rule can fail: a lower module importing an upper one, even inside a function."""
    for paquet in ("catalogue", "web"):
        (tmp_path / "service" / paquet).mkdir(parents=True)
        (tmp_path / "service" / paquet / "__init__.py").write_text("")
    (tmp_path / "service" / "catalogue" / "rendu.py").write_text(
        "def f():\n    from ..web import create_app\n")
    assert _aretes(tmp_path) == {("catalogue", "web"): ["service.catalogue.rendu → service.web"]}


def _blueprints_importes(racine: Path = RACINE) -> list[str]:
    """Imports of a blueprint (a web module with ``bp = Blueprint(``) by another web module."""
    web = racine / "service" / "web"
    blueprints = {_module(f, racine) for f in web.glob("*.py") if "bp = Blueprint(" in f.read_text()}
    return [f"{_module(f, racine)} → {cible}"
            for f in sorted(web.rglob("*.py")) if f != web / "__init__.py"
            for cible in sorted(_importes(f, racine) & blueprints)]


def test_web_blueprints_never_import_each_other():
    """What views share lives in web/outils.py and web/serialisation.py, not in another blueprint;
    only the factory (web/__init__.py) imports the blueprints, to register them."""
    assert _blueprints_importes() == []


def test_the_checker_sees_a_blueprint_imported(tmp_path):
    web = tmp_path / "service" / "web"
    web.mkdir(parents=True)
    (web / "__init__.py").write_text("def create_app():\n    from . import api, documents\n")
    (web / "documents.py").write_text("bp = Blueprint('documents', __name__)\n")
    (web / "api.py").write_text("bp = Blueprint('api', __name__)\n"
                                "def f():\n    from .documents import telecharger\n")
    assert _blueprints_importes(tmp_path) == ["service.web.api → service.web.documents"]


# --- the tests -----------------------------------------------------------------------------

def _imports_de_tests(racine: Path = RACINE) -> list[str]:
    """Where a module of tests/ imports a test module (test_*.py) or a conftest.

    What two test modules share belongs in tests/outils.py, tests/web/outils.py or a conftest's
    fixture: a test module imported elsewhere runs its tests twice over or drags its fixtures in.
    """
    fautes = []
    for fichier in sorted((racine / "tests").rglob("*.py")):
        module = _module(fichier, racine)
        ici = module.split(".") if fichier.name == "__init__.py" else module.split(".")[:-1]
        for noeud in ast.walk(ast.parse(fichier.read_text())):
            if isinstance(noeud, ast.Import):
                noms = [a.name for a in noeud.names]
            elif isinstance(noeud, ast.ImportFrom):
                base = noeud.module or ""
                if noeud.level:
                    base = ".".join(ici[: len(ici) - noeud.level + 1] + ([base] if base else []))
                noms = [base, *(f"{base}.{a.name}" for a in noeud.names)]
            else:
                continue
            for nom in noms:
                chemin = (racine / nom.replace(".", "/")).with_suffix(".py")
                if nom.split(".")[0] == "tests" and chemin.is_file() and (
                        chemin.name.startswith("test_") or chemin.name == "conftest.py"):
                    fautes.append(f"{module} → {nom}")
    return fautes


def test_no_test_module_imports_another():
    assert _imports_de_tests() == []


def test_the_checker_sees_a_test_module_imported(tmp_path):
    """The rule can fail: absolute, relative and inside a function; tests/outils.py is allowed."""
    for dossier in ("tests/web", "tests/catalogue"):
        (tmp_path / dossier).mkdir(parents=True)
        (tmp_path / dossier / "__init__.py").write_text("")
    (tmp_path / "tests" / "outils.py").write_text("IDS = set()\n")
    (tmp_path / "tests" / "web" / "conftest.py").write_text("")
    (tmp_path / "tests" / "catalogue" / "test_catalogue.py").write_text("from tests.outils import IDS\n")
    (tmp_path / "tests" / "web" / "test_web.py").write_text(
        "from tests.catalogue.test_catalogue import IDS\n"
        "from . import conftest\n"
        "def f():\n    from tests.outils import IDS\n    import tests.catalogue.test_catalogue\n")
    assert _imports_de_tests(tmp_path) == [
        "tests.web.test_web → tests.catalogue.test_catalogue",
        "tests.web.test_web → tests.web.conftest",
        "tests.web.test_web → tests.catalogue.test_catalogue",
    ]
