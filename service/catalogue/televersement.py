"""The name of an uploaded file, as the service stores and shows it.

A browser or an API client sends any name: a path (``..\\..\\x.docx``), NUL and
control characters that some databases refuse, bidi overrides that make
``rapport‮xcod.exe`` look like another name, thousands of characters. Only its
last part is kept, without invisible characters, made safe as a file name on
every system and cut to a length every column holds, its extension kept (it
says how the file is read).
"""

from __future__ import annotations

import re
import unicodedata

from .nommage import nom_sur

LONGUEUR_MAX = 120
_EXTENSION = re.compile(r"(\.[A-Za-z0-9]{1,8})$")


def nom_televerse(nom: str | None) -> str:
    """``nom`` (as sent) made safe to store, show and test for its extension."""
    nom = re.split(r"[/\\]", nom or "")[-1]
    nom = "".join(c for c in nom if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Cn"))
    trouve = _EXTENSION.search(nom)
    extension = trouve.group(1) if trouve else ""
    base = nom_sur(nom[:len(nom) - len(extension)] if extension else nom)
    return base[:LONGUEUR_MAX - len(extension)].rstrip(" .") + extension
