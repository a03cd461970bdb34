"""A .docx whose zip lies: sizes announced small that inflate huge, wrong CRCs, cut or odd
compression, overlapping or duplicate members. Each is the French refusal (DocxRefuse) after
at most its announced size was inflated: never a 500, a traceback, nor gigabytes held."""

from __future__ import annotations

import bz2
import io
import struct
import zipfile
import zlib

import pytest

from service.catalogue.docx_sur import DocxRefuse, nettoyer_docx, verifier_docx
from service.catalogue.extraction import extraire
from service.cli import main
from tests.catalogue.paquets_hostiles import (
    bombe,
    deflate,
    membre,
    membres_de,
    memoire,
    paquet,
    remplacer,
)

GIO = 2**30


@pytest.fixture(scope="module")
def docx(exemples) -> bytes:
    return exemples["compte_rendu_sopa"].docx


@pytest.fixture(scope="module")
def menteur(docx, tmp_path_factory):
    """word/document.xml followed by 1 GiB of spaces (valid XML), whose headers announce only
    the true document.xml and its CRC: a reader that trusts them keeps the document intact."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        document = z.read("word/document.xml")
    brut, _, _ = bombe(document, b"", GIO)
    membres = remplacer(membres_de(docx), "word/document.xml",
                        ("word/document.xml", brut, 8, zlib.crc32(document), len(document)))
    chemin = tmp_path_factory.mktemp("menteur") / "menteur.docx"
    chemin.write_bytes(paquet(membres))
    return chemin


def _avec(docx: bytes, nom: str, nouveau: tuple) -> bytes:
    return paquet(remplacer(membres_de(docx), nom, nouveau))


def test_a_member_that_inflates_beyond_its_announced_size_is_refused_with_little_memory(
        menteur, catalogue):
    assert menteur.stat().st_size < 2 * 2**20
    with pytest.raises(DocxRefuse, match="ment sur la taille de sa partie « word/document.xml »"):
        verifier_docx(menteur.read_bytes())
    with pytest.raises(DocxRefuse, match="bombe zip"):
        extraire(menteur.read_bytes(), catalogue)
    sortie, croissance = memoire(menteur, "from service.catalogue.docx_sur import nettoyer_docx",
                                 "nettoyer_docx(donnees)")
    assert croissance < 100, f"{croissance} Mio de plus ({sortie})"
    assert sortie.startswith("DocxRefuse le document ment sur la taille"), sortie


def _cas(docx: bytes) -> dict[str, tuple[bytes, str]]:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        document = z.read("word/document.xml")
        styles = z.read("word/styles.xml")
    coupe = deflate(document)[:-40]
    return {
        "CRC faux": (_avec(docx, "word/document.xml",
                           membre("word/document.xml", document, crc=zlib.crc32(document) ^ 1)),
                     "somme de contrôle fausse pour « word/document.xml »"),
        "taille annoncée trop grande": (
            _avec(docx, "word/styles.xml", membre("word/styles.xml", styles,
                                                  taille=len(styles) + 10)),
            "« word/styles.xml » est tronquée"),
        "données tronquées": (_avec(docx, "word/document.xml", membre(
            "word/document.xml", document, brut=coupe)), "données compressées tronquées"),
        "données invalides": (_avec(docx, "word/document.xml", membre(
            "word/document.xml", document, brut=b"\xff" * 200)), "données compressées invalides"),
        "bzip2": (_avec(docx, "word/document.xml", membre(
            "word/document.xml", document, methode=zipfile.ZIP_BZIP2,
            brut=bz2.compress(document))), "méthode de compression inhabituelle"),
        "méthode inconnue": (_avec(docx, "word/document.xml", membre(
            "word/document.xml", document, methode=99, brut=document)),
            "méthode de compression inhabituelle"),
        "document.xml en double": (paquet(membres_de(docx) + [membre(
            "word/document.xml", document.replace(b"<w:body>", b"<w:body><w:p/>"))]),
            "contient deux fois la partie « word/document.xml »"),
        "en double, casse changée": (paquet(membres_de(docx) + [membre(
            "Word/Document.xml", document)]), "contient deux fois la partie"),
        "parties qui se chevauchent": (_chevauchement(docx), "se chevauchent"),
        "chemin Windows": (paquet(membres_de(docx) + [membre("word\\..\\..\\x.xml", b"<a/>")]),
                           "chemin interdit"),
    }


def _chevauchement(docx: bytes) -> bytes:
    """Two central entries pointing at the same local data (the « overlapping » bomb)."""
    simple = paquet(membres_de(docx))
    with zipfile.ZipFile(io.BytesIO(simple)) as z:
        infos = z.infolist()
    debut_central = simple.index(b"PK\x01\x02")
    dernier = simple.rindex(b"PK\x01\x02")
    copie = bytearray(simple[dernier:simple.index(b"PK\x05\x06")])
    copie[46:46 + len(infos[-1].filename)] = b"x" * len(infos[-1].filename)
    central = simple[debut_central:simple.index(b"PK\x05\x06")] + bytes(copie)
    fin = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(infos) + 1, len(infos) + 1,
                      len(central), debut_central, 0)
    return simple[:debut_central] + central + fin


@pytest.mark.parametrize("cas", ["CRC faux", "taille annoncée trop grande", "données tronquées",
                                 "données invalides", "bzip2", "méthode inconnue",
                                 "document.xml en double", "en double, casse changée",
                                 "parties qui se chevauchent", "chemin Windows"])
def test_every_zip_fault_is_the_french_refusal(docx, cas):
    contenu, motif = _cas(docx)[cas]
    with pytest.raises(DocxRefuse, match=motif):
        nettoyer_docx(contenu)


def test_archiver_refuses_a_lying_docx_with_exit_2_and_no_traceback(docx, menteur, tmp_path,
                                                                    capsys):
    environ = {"INSPE_SORTIES": str(tmp_path / "s"), "INSPE_DONNEES": str(tmp_path / "d")}
    cas = _cas(docx)
    for nom, contenu in [("menteur.docx", menteur.read_bytes()),
                         ("crc.docx", cas["CRC faux"][0]),
                         ("double.docx", cas["document.xml en double"][0]),
                         ("bzip2.docx", cas["bzip2"][0])]:
        (tmp_path / nom).write_bytes(contenu)
        assert main(["archiver", str(tmp_path / nom)], environ=environ) == 2, nom
        erreur = capsys.readouterr().err
        assert erreur.startswith(f"{nom} : document refusé : le document "), erreur
        assert not (tmp_path / "s" / "archive").exists()
        assert main(["extraire", str(tmp_path / nom)], environ=environ) == 2, nom
        assert capsys.readouterr().err.startswith(f"{nom} : le document ")
