"""Command line: ``python -m service …`` (also installed as ``inspe-docs``).

One module per noun (gabarits, documents, lots, comptes, serveur, archive, dossier); each adds its
commands to the parser with the function that runs them (``set_defaults(executer=…)``),
so that ``main`` only maps a command to its function. Those functions are thin callers of
the service's packages. Exit status: 0 done, 1 the service cannot work (template,
LibreOffice, the lots' queue), 2 the input is wrong (each problem on its own line, in
French, and nothing written), 3 ``verifier`` found the PDF altered or not sealed here.
"""

from __future__ import annotations

import argparse
import os
import sys

from service.catalogue.rendu import GabaritInvalide
from service.config import Config
from service.lots.file import FileInjoignable
from service.pdf.libreoffice import ConversionImpossible

from . import archive, comptes, documents, dossier, gabarits, lots, serveur
from .commun import DONNEES_INVALIDES, ECHEC, Contexte, ErreurUtilisateur

NOMS = (gabarits, documents, lots, comptes, serveur, archive, dossier)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m service",
        description="Documents du tutorat des stagiaires : gabarits officiels, génération.")
    sub = parser.add_subparsers(dest="commande", required=True, metavar="COMMANDE")
    for nom in NOMS:
        nom.ajouter_commandes(sub)
    return parser


def commandes() -> dict[str, argparse.ArgumentParser]:
    """Each sub-command's parser, by name: what tests/test_documentation.py finds in the README."""
    sous = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sous.choices)


def main(argv: list[str] | None = None, environ=None) -> int:
    args = _parser().parse_args(argv)
    environ = os.environ if environ is None else environ
    try:
        return args.executer(args, Contexte(Config.depuis(environ), environ))
    except ErreurUtilisateur as exc:
        for ligne in exc.lignes:
            print(ligne, file=sys.stderr)
        return DONNEES_INVALIDES
    except (GabaritInvalide, ConversionImpossible, FileInjoignable) as exc:
        print(exc, file=sys.stderr)
        return ECHEC


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
