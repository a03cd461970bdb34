"""A zip package (.docx, .xlsx) is hostile until checked, before any library reads a member.

``ouvrir`` reads the central directory first (size of the file, number of
members, declared sizes and ratios, names: duplicates, absolute or parent
paths, encryption, compression methods) and then inflates every member as a
stream, counting the bytes it actually produces: a member whose header lies
about its size, whose CRC is wrong or whose data is cut is refused after at
most its declared size, never after gigabytes. The same pass refuses XML that
declares entities (XXE, billion laughs) or is not in UTF-8, so that no parser
behind — openpyxl, python-docx, lxml, LibreOffice — ever sees one. Once it
passed, every member inflates to exactly its declared size, so reading it
again with ``zipfile`` is bounded by the totals checked here.

Messages are French and name the file as the caller says it (« le document »,
« ce tableur »); the caller turns ``PaquetRefuse`` into its own refusal.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO

MORCEAU = 64 * 2**10  # bytes inflated at a time
_ENTETE_LOCALE = struct.Struct("<4s2B4HL2L2H")
_TETE = 16  # bytes kept from one piece to the next, so that a marker cut in two is still seen
_ENTITES = (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"),
            "<!ENTITY".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"),
            "<!ENTITY".encode("utf-16-be"))
# parts that are not XML (pictures, fonts, printer settings): their first bytes may be anything
_BINAIRES = (".bin", ".odttf", ".ttf", ".otf", ".fntdata", ".png", ".jpg", ".jpeg", ".gif", ".bmp",
             ".tif", ".tiff", ".emf", ".wmf", ".wdp", ".jfif", ".webp", ".ico")
_ENCODAGE = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']*)["']""")


class PaquetRefuse(Exception):
    """Not a package we read; the message says why, in French, with the caller's subject."""


class ArchiveIllisible(PaquetRefuse):
    """Not a zip file at all (or its central directory is unreadable)."""


@dataclass(frozen=True)
class Limites:
    taille: int  # bytes of the uploaded file
    entrees: int  # members
    decompresse: int  # bytes of all members once inflated
    ratio: int = 200  # inflated / compressed, for a member of more than 1 Mo


def _mo(octets: int) -> str:
    return f"{octets / 2**20:,.0f}".replace(",", " ") + " Mo"


def ouvrir(data: bytes, sujet: str, limites: Limites) -> zipfile.ZipFile:
    """The opened package once every check passed; PaquetRefuse (message starting with ``sujet``)."""
    def refus(message: str) -> PaquetRefuse:
        return PaquetRefuse(f"{sujet} {message}")

    if len(data) > limites.taille:
        raise refus(f"dépasse {_mo(limites.taille)}")
    try:
        paquet = zipfile.ZipFile(BytesIO(data))
        infos = paquet.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            UnicodeDecodeError, struct.error):
        raise ArchiveIllisible(f"{sujet} est abîmé (archive illisible)") from None
    if len(infos) > limites.entrees:
        raise refus(f"contient trop de parties ({len(infos)}, au plus {limites.entrees})")
    _noms(infos, refus)
    declare = sum(i.file_size for i in infos)
    if declare > limites.decompresse:
        raise refus(f"ferait {_mo(declare)} une fois décompressé, plus que les "
                    f"{_mo(limites.decompresse)} permis (bombe zip)")
    for info in infos:
        if info.flag_bits & 0x1:
            raise refus("est chiffré ou protégé par mot de passe")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise refus(f"utilise une méthode de compression inhabituelle ({info.compress_type}) : "
                        "enregistrez-le de nouveau depuis Word, Excel ou LibreOffice")
        if info.file_size > 2**20 and info.file_size > limites.ratio * max(info.compress_size, 1):
            raise refus(f"contient une partie anormalement compressée ({info.filename}, "
                        f"{_mo(info.file_size)}) : bombe zip")
    _chevauchements(infos, len(data), refus)
    for info in infos:
        _inflater(data, info, refus)
    return paquet


def _noms(infos: list[zipfile.ZipInfo], refus) -> None:
    vus: set[str] = set()
    for info in infos:
        nom = info.filename
        if (nom.startswith(("/", "\\")) or "\\" in nom or "\0" in nom
                or ".." in nom.split("/") or re.match(r"^[A-Za-z]:", nom)):
            raise refus(f"contient un chemin interdit : {nom[:100]!r}")
        cle = nom.casefold()  # the parts of an Office package are named without regard to case
        if cle in vus:
            raise refus(f"contient deux fois la partie « {nom[:100]} » : il est refusé, car "
                        "deux logiciels pourraient ne pas lire la même")
        vus.add(cle)


def _chevauchements(infos: list[zipfile.ZipInfo], taille: int, refus) -> None:
    """Members that share their data (the « overlapping » zip bomb) or point outside the file."""
    fin_precedente = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.header_offset < fin_precedente:
            raise refus("est abîmé (parties qui se chevauchent : bombe zip)")
        fin_precedente = info.header_offset + _ENTETE_LOCALE.size + info.compress_size
        if fin_precedente > taille:
            raise refus("est abîmé (archive tronquée)")


def _donnees(data: bytes, info: zipfile.ZipInfo, refus) -> bytes:
    """The member's compressed bytes, located as ``zipfile`` locates them."""
    debut = info.header_offset
    try:
        entete = _ENTETE_LOCALE.unpack_from(data, debut)
    except struct.error:
        raise refus("est abîmé (archive tronquée)") from None
    if entete[0] != b"PK\x03\x04":
        raise refus("est abîmé (en-tête de partie introuvable)")
    longueur_nom, longueur_extra = entete[10], entete[11]
    debut += _ENTETE_LOCALE.size
    nom_local = data[debut:debut + longueur_nom]
    nom_central = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437",
                                            errors="replace")
    if nom_local != nom_central:
        raise refus(f"est abîmé (la partie « {info.filename[:100]} » porte deux noms)")
    debut += longueur_nom + longueur_extra
    brut = data[debut:debut + info.compress_size]
    if len(brut) != info.compress_size:
        raise refus("est abîmé (archive tronquée)")
    return brut


def _morceaux(brut: bytes, methode: int, plafond: int, refus):
    """The member's bytes, a piece at a time; never more than ``plafond`` + one piece in total."""
    if methode == zipfile.ZIP_STORED:
        for i in range(0, len(brut), MORCEAU):
            yield brut[i:i + MORCEAU]
        return
    inflation = zlib.decompressobj(-15)
    produit, reste = 0, brut
    try:
        while not inflation.eof:
            avant = len(reste)
            morceau = inflation.decompress(reste, MORCEAU)
            reste = inflation.unconsumed_tail
            if not morceau and (not reste or len(reste) == avant):
                break  # input exhausted (or no progress) before the end of the stream
            produit += len(morceau)
            yield morceau
            if produit > plafond:
                return
    except zlib.error:
        raise refus("est abîmé (données compressées invalides)") from None
    if not inflation.eof:
        raise refus("est abîmé (données compressées tronquées)")


def _inflater(data: bytes, info: zipfile.ZipInfo, refus) -> None:
    brut = _donnees(data, info, refus)
    taille, crc, vu, precedent = 0, 0, b"", b""
    for morceau in _morceaux(brut, info.compress_type, info.file_size, refus):
        taille += len(morceau)
        if taille > info.file_size:
            raise refus(f"ment sur la taille de sa partie « {info.filename[:100]} » (annoncée "
                        f"{info.file_size} octets, elle en fait davantage) : bombe zip")
        crc = zlib.crc32(morceau, crc)
        if not vu:
            vu = morceau[:200]
            if not info.filename.lower().endswith(_BINAIRES):
                _encodage(vu, info.filename, refus)
        fenetre = precedent + morceau
        if any(marque in fenetre for marque in _ENTITES):
            raise refus(f"contient des déclarations XML interdites (entités) dans "
                        f"« {info.filename[:100]} »")
        precedent = morceau[-_TETE:]
    if taille != info.file_size:
        raise refus(f"est abîmé (la partie « {info.filename[:100]} » est tronquée)")
    if crc != info.CRC:
        raise refus(f"est abîmé (somme de contrôle fausse pour « {info.filename[:100]} »)")


def _encodage(debut: bytes, nom: str, refus) -> None:
    """XML in another encoding than UTF-8 could hide its declarations from the scan above."""
    if debut.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")) or (
            debut[:2] in (b"<\x00", b"\x00<")):
        raise refus(f"contient du XML qui n’est pas en UTF-8 (« {nom[:100]} »)")
    trouve = _ENCODAGE.match(debut.removeprefix(b"\xef\xbb\xbf"))
    if trouve and trouve.group(1).lower().replace(b"-", b"").replace(b"_", b"") not in (
            b"utf8", b"ascii", b"usascii"):
        raise refus(f"contient du XML qui n’est pas en UTF-8 (« {nom[:100]} »)")
