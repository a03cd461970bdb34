"""Hostile zip packages built byte by byte: lying sizes, wrong CRCs, duplicate members, bombs.

``zipfile`` refuses to write most of these, so the tests write the local headers and the
central directory themselves; a member is (name, stored bytes, method, CRC, announced size).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

DEFLATE = zipfile.ZIP_DEFLATED
_DATE = 0x21  # 01/01/1980


def deflate(contenu: bytes) -> bytes:
    compresseur = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compresseur.compress(contenu) + compresseur.flush()


def membre(nom: str, contenu: bytes, *, taille: int | None = None, crc: int | None = None,
           methode: int = DEFLATE, brut: bytes | None = None) -> tuple:
    """A member whose header says ``taille`` and ``crc`` (by default the true ones)."""
    if brut is None:
        brut = deflate(contenu) if methode == DEFLATE else contenu
    return (nom, brut, methode, zlib.crc32(contenu) if crc is None else crc,
            len(contenu) if taille is None else taille)


def paquet(membres: list[tuple]) -> bytes:
    """A zip file of exactly these members, headers as given."""
    donnees, central = bytearray(), bytearray()
    for nom, brut, methode, crc, taille in membres:
        n = nom.encode()
        decalage = len(donnees)
        donnees += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0x800, methode, 0, _DATE, crc,
                               len(brut), taille, len(n), 0) + n + brut
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0x800, methode, 0, _DATE, crc,
                               len(brut), taille, len(n), 0, 0, 0, 0, 0, decalage) + n
    fin = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(membres), len(membres), len(central),
                      len(donnees), 0)
    return bytes(donnees + central + fin)


def membres_de(source: bytes) -> list[tuple]:
    """The members of a genuine package, to modify before ``paquet``."""
    with zipfile.ZipFile(io.BytesIO(source)) as z:
        return [membre(i.filename, z.read(i)) for i in z.infolist()]


def remplacer(membres: list[tuple], nom: str, nouveau: tuple | None) -> list[tuple]:
    return [nouveau if m[0] == nom else m for m in membres if m[0] != nom or nouveau]


def bombe(debut: bytes, fin: bytes, octets: int, remplissage: bytes = b" ") -> tuple[bytes, int, int]:
    """(deflate stream, CRC, size) of ``debut`` + ``octets`` of ``remplissage`` + ``fin``,
    made a MiB at a time: a GiB of spaces deflates to about one MiB."""
    compresseur = zlib.compressobj(9, zlib.DEFLATED, -15)
    morceau = remplissage * 2**20
    brut = [compresseur.compress(debut)]
    crc = zlib.crc32(debut)
    for _ in range(octets // 2**20):
        brut.append(compresseur.compress(morceau))
        crc = zlib.crc32(morceau, crc)
    brut += [compresseur.compress(fin), compresseur.flush()]
    crc = zlib.crc32(fin, crc)
    return b"".join(brut), crc, len(debut) + octets // 2**20 * 2**20 + len(fin)


# Measures the peak memory of one call in a fresh interpreter: the web process is long-lived,
# so what a call holds at its peak is what the process keeps.
MESURE = """
import resource, sys, pathlib
sys.path.insert(0, {racine!r})
{imports}
donnees = pathlib.Path({chemin!r}).read_bytes()
avant = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    {appel}
    print("ACCEPTÉ")
except Exception as exc:
    print(type(exc).__name__, exc)
print("CROISSANCE", (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - avant) // 1024)
"""


def memoire(chemin, imports: str, appel: str) -> tuple[str, int]:
    """(what the call did, growth of the peak memory in MiB) of ``appel`` on the file's bytes
    (``donnees``), run in a fresh interpreter after ``imports``."""
    import subprocess
    import sys
    from pathlib import Path

    racine = str(Path(__file__).parents[2])
    script = MESURE.format(racine=racine, imports=imports, chemin=str(chemin), appel=appel)
    fin = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=300, cwd=racine)
    assert fin.returncode == 0, fin.stderr[-3000:]
    sortie, croissance = fin.stdout.rsplit("CROISSANCE", 1)
    return sortie.strip(), int(croissance)


def partie(source: bytes, nom: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(source)) as z:
        return z.read(nom)


def tableur_bombe(source: bytes, feuille: str, octets: int, annonce: int | None = None) -> bytes:
    """``source`` (an .xlsx openpyxl wrote) whose sheet part ``feuille`` holds, in the cell A2,
    ``octets`` spaces; its headers honest, or announcing only its first ``annonce`` bytes."""
    xml = partie(source, feuille)
    debut = xml[:xml.index(b'<row r="2"')] + b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
    fin = b"</t></is></c></row></sheetData>" + xml.split(b"</sheetData>", 1)[1]
    brut, crc, taille = bombe(debut, fin, octets)
    if annonce is not None:
        crc, taille = zlib.crc32((debut + b" " * annonce)[:annonce]), annonce
    return paquet(remplacer(membres_de(source), feuille, (feuille, brut, DEFLATE, crc, taille)))
