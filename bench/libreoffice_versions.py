"""Debian's LibreOffice (``soffice``) against a second one: speed, pages, line positions.

    .venv/bin/python bench/libreoffice_versions.py /work/lo25/root/usr/lib/libreoffice/program/soffice
        [--lot 60] [--tours 3] [--sortie /tmp/lo-versions]

The second soffice may be unpacked from .deb files (``dpkg -x``) outside the system: its
``usr/lib/x86_64-linux-gnu`` and ``program`` folders are put on LD_LIBRARY_PATH.

(a) timing: the same ``--lot`` compte-rendus converted in one ``soffice --convert-to pdf``
    process, each version in turn, ``--tours`` times;
(b) pages: the eight gabarits' examples and blank forms (rendered with no value) converted by
    both, each page rasterised at 50 dpi, the share of pixels that differ (side-by-side PNGs
    are left in ``--sortie``/cote-a-cote/ to look at);
(c) lines: the distance between the baselines of two wrapped lines of one paragraph and of two
    consecutive paragraphs, measured with ``pdftotext -bbox-layout``, beside what Word's rules
    give from the .docx's declared values (font line height from the font's own metrics,
    ``w:line``/``w:lineRule``, ``w:after``), and the rows' height rules;
(d) where each page's body starts: the first text line below the header, in both.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

from PIL import Image, ImageChops

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service import creer_catalogue  # noqa: E402
from service.catalogue.generation import generer, rendre  # noqa: E402
from service.config import Config  # noqa: E402

ID_LOT = "compte_rendu_sopa"
POLICES = {"Arial": "Liberation Sans", "Calibri": "Carlito", "Times New Roman": "Liberation Serif"}


# --- converting ---------------------------------------------------------------------------

def environnement(soffice: str) -> dict:
    env = dict(os.environ)
    programme = Path(soffice).resolve().parent
    libs = [p for p in (programme, programme.parents[1] / "x86_64-linux-gnu") if p.is_dir()]
    if programme != Path("/usr/lib/libreoffice/program"):
        env["LD_LIBRARY_PATH"] = ":".join(map(str, libs))
    return env


def convertir(soffice: str, fichiers: list[Path], dossier: Path) -> float:
    """One ``soffice --convert-to pdf`` process for all ``fichiers``; its wall time in seconds."""
    dossier.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-versions-") as profil:
        debut = time.perf_counter()
        subprocess.run([soffice, f"-env:UserInstallation={Path(profil).as_uri()}", "--headless",
                        "--norestore", "--convert-to", "pdf", "--outdir", str(dossier),
                        *map(str, fichiers)], capture_output=True, check=True, timeout=900,
                       env=environnement(soffice))
        return time.perf_counter() - debut


def version(soffice: str) -> str:
    with tempfile.TemporaryDirectory(prefix="lo-versions-") as profil:
        r = subprocess.run([soffice, f"-env:UserInstallation={Path(profil).as_uri()}", "--headless",
                            "--version"], capture_output=True, text=True, timeout=120,
                           env=environnement(soffice))
    return r.stdout.strip().split("\n")[0]


# --- the documents ------------------------------------------------------------------------

def documents(dossier: Path, lot: int) -> tuple[list[Path], list[Path]]:
    """(the examples and blank forms, ``lot`` compte-rendus) as .docx in ``dossier``."""
    dossier.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        catalogue = creer_catalogue(Config.depuis(dict(os.environ, INSPE_DONNEES=tmp)))
        formes = []
        for g in catalogue.courants():
            for nom, doc in ((f"{g.id}-exemple", generer(catalogue, g.id, g.formulaire.exemple)),
                             (f"{g.id}-vierge", rendre(catalogue, g, {}))):
                (dossier / f"{nom}.docx").write_bytes(doc.docx)
                formes.append(dossier / f"{nom}.docx")
        exemple = generer(catalogue, ID_LOT, catalogue.gabarit(ID_LOT).formulaire.exemple).docx
    (dossier / "lot").mkdir(exist_ok=True)
    lot_ = []
    for i in range(lot):
        (dossier / "lot" / f"cr-{i:03}.docx").write_bytes(exemple)
        lot_.append(dossier / "lot" / f"cr-{i:03}.docx")
    return formes, lot_


# --- pages --------------------------------------------------------------------------------

def pages(pdf: Path, dossier: Path) -> list[Path]:
    dossier.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(dossier / pdf.stem)], check=True)
    return sorted(dossier.glob(f"{pdf.stem}-*.png"))


def ecart(a: Path, b: Path) -> float:
    """Share of the page's pixels whose grey level differs by more than 48 of 255."""
    ia, ib = Image.open(a).convert("L"), Image.open(b).convert("L")
    if ia.size != ib.size:
        ib = ib.resize(ia.size)
    d = ImageChops.difference(ia, ib).point(lambda v: 255 if v > 48 else 0)
    return d.histogram()[255] / (ia.size[0] * ia.size[1])


def cote_a_cote(a: Path, b: Path, sortie: Path) -> None:
    ia, ib = Image.open(a), Image.open(b)
    img = Image.new("RGB", (ia.size[0] + ib.size[0] + 10, max(ia.size[1], ib.size[1])), "red")
    img.paste(ia, (0, 0))
    img.paste(ib, (ia.size[0] + 10, 0))
    img.save(sortie)


# --- Word's metrics -----------------------------------------------------------------------

def _tables(chemin: str) -> dict[str, bytes]:
    data = Path(chemin).read_bytes()
    n = struct.unpack(">H", data[4:6])[0]
    tables = {}
    for i in range(n):
        tag, _, off, long_ = struct.unpack(">4sIII", data[12 + 16 * i: 28 + 16 * i])
        tables[tag.decode()] = data[off:off + long_]
    return tables


def hauteur_word(police: str) -> float:
    """Word's single line height as a multiple of the font size, from the font file's metrics.

    Word (GDI) sets a line at usWinAscent + usWinDescent plus the external leading, which is
    max(0, hhea.lineGap − ((winAscent + winDescent) − (hhea.ascender − hhea.descender))):
    Arial/Liberation Sans 1.1499, Calibri/Carlito 1.2207.
    """
    fichier = subprocess.run(["fc-match", "-f", "%{file}", POLICES.get(police, police)],
                             capture_output=True, text=True, check=True).stdout
    t = _tables(fichier)
    upm = struct.unpack(">H", t["head"][18:20])[0]
    asc, desc, gap = struct.unpack(">hhh", t["hhea"][4:10])
    win_asc, win_desc = struct.unpack(">HH", t["OS/2"][74:78])
    externe = max(0, gap - ((win_asc + win_desc) - (asc - desc)))
    return (win_asc + win_desc + externe) / upm


def declare(docx: Path) -> dict:
    """The document's default paragraph: font, size, line spacing, space after; its row rules."""
    with zipfile.ZipFile(docx) as z:
        styles = z.read("word/styles.xml").decode()
        document = z.read("word/document.xml").decode()
    defauts = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S).group(0)

    def attr(motif, defaut=None):
        m = re.search(motif, defauts)
        return m.group(1) if m else defaut

    return {"police": attr(r'w:ascii="([^"]+)"', "Times New Roman"),
            "taille": int(attr(r'<w:sz w:val="(\d+)"', "20")) / 2,
            "ligne": int(attr(r'w:line="(\d+)"', "240")),
            "regle": attr(r'w:lineRule="(\w+)"', "auto"),
            "apres": int(attr(r'w:after="(\d+)"', "0")) / 20,
            "rangees": Counter((re.findall(r'w:hRule="(\w+)"', t) or ["atLeast"])[0]
                               for t in re.findall(r"<w:trHeight\b[^>]*>", document))}


def pas_word(d: dict) -> float:
    """Word's baseline-to-baseline distance of two wrapped lines, in points."""
    naturelle = d["taille"] * hauteur_word(d["police"])
    if d["regle"] == "auto":
        return naturelle * d["ligne"] / 240
    if d["regle"] == "exact":
        return d["ligne"] / 20
    return max(naturelle, d["ligne"] / 20)  # atLeast


# --- line positions -----------------------------------------------------------------------

def lignes(pdf: Path) -> list[list[list[float]]]:
    """Per page, per block (paragraph), the bottom of each text line (pt from the page's top)."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    resultat = []
    for page in re.findall(r"<page .*?</page>", xml, re.S):
        blocs = []
        for bloc in re.findall(r"<block .*?</block>", page, re.S):
            blocs.append([float(y) for y in re.findall(r'<line [^>]*yMax="([\d.]+)"', bloc)])
        resultat.append(blocs)
    return resultat


def pas_mesures(pdf: Path) -> tuple[list[float], list[float]]:
    """(distances between wrapped lines of one block, between the last and first lines of two
    consecutive blocks in the same column when closer than 30 pt)."""
    dans, entre = [], []
    for page in lignes(pdf):
        for bloc in page:
            dans += [round(b - a, 2) for a, b in zip(bloc, bloc[1:]) if 0 < b - a < 30]
        fins = sorted((bloc[0], bloc[-1]) for bloc in page if bloc)
        entre += [round(b[0] - a[1], 2) for a, b in zip(fins, fins[1:]) if 0 < b[0] - a[1] < 30]
    return dans, entre


def premieres_lignes(pdf: Path, sous: float = 70.0) -> list[float]:
    """Per page, the bottom of the first text line below the header (``sous`` pt from the top)."""
    return [min((y for bloc in page for y in bloc if y > sous), default=0.0) for page in lignes(pdf)]


def mode(valeurs: list[float]) -> float | None:
    if not valeurs:
        return None
    return Counter(round(v, 1) for v in valeurs).most_common(1)[0][0]


# --- main ---------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("soffice", help="the second LibreOffice's soffice")
    parser.add_argument("--reference", default="soffice", help="the first one (Debian's)")
    parser.add_argument("--lot", type=int, default=60)
    parser.add_argument("--tours", type=int, default=3)
    parser.add_argument("--sortie", type=Path, default=Path(tempfile.gettempdir()) / "lo-versions")
    args = parser.parse_args()
    shutil.rmtree(args.sortie, ignore_errors=True)
    versions = {"A": args.reference, "B": args.soffice}
    for cle, s in versions.items():
        print(f"{cle} = {version(s)}  ({s})")
    formes, lot = documents(args.sortie / "docx", args.lot)

    print(f"\n(a) {args.lot} compte-rendus, un processus soffice, {args.tours} tours alternés")
    temps = {"A": [], "B": []}
    for _ in range(args.tours):
        for cle, s in versions.items():
            sortie = args.sortie / f"lot-{cle}"
            shutil.rmtree(sortie, ignore_errors=True)
            temps[cle].append(convertir(s, lot, sortie))
    for cle, t in temps.items():
        print(f"  {cle}: " + "  ".join(f"{x:.2f} s" for x in t)
              + f"   ({args.lot / statistics.median(t):.1f} documents/s)")

    print("\n(b) pages à 50 dpi : part des pixels qui diffèrent (A → B)")
    for cle, s in versions.items():
        convertir(s, formes, args.sortie / f"pdf-{cle}")
    cote = args.sortie / "cote-a-cote"
    cote.mkdir()
    for docx in formes:
        pa = pages(args.sortie / "pdf-A" / f"{docx.stem}.pdf", args.sortie / "png-A")
        pb = pages(args.sortie / "pdf-B" / f"{docx.stem}.pdf", args.sortie / "png-B")
        ecarts = []
        for i, (a, b) in enumerate(zip(pa, pb), 1):
            ecarts.append(f"p{i} {100 * ecart(a, b):4.1f} %")
            cote_a_cote(a, b, cote / f"{docx.stem}-p{i}.png")
        nb = "" if len(pa) == len(pb) else f"   PAGES : {len(pa)} → {len(pb)}"
        print(f"  {docx.stem:40} " + "  ".join(ecarts) + nb)

    print("\n(c) interlignes (pt, entre lignes de base) : Word d’après le .docx, puis A et B "
          "(valeur la plus fréquente)")
    print(f"  {'document':40} {'Word':>17} {'A':>13} {'B':>13}  rangées (w:hRule)")
    for docx in formes:
        d = declare(docx)
        w = pas_word(d)
        mesures = {c: pas_mesures(args.sortie / f"pdf-{c}" / f"{docx.stem}.pdf") for c in versions}
        print(f"  {docx.stem:40} {w:6.2f} / {w + d['apres']:6.2f}   "
              + "   ".join(f"{mode(m[0]) or 0:5.1f} / {mode(m[1]) or 0:5.1f}" for m in mesures.values())
              + f"   {dict(d['rangees']) or '—'}")
    print("\n(d) haut du corps de page : bas de la première ligne sous l’en-tête (pt), A → B")
    for docx in formes:
        a, b = (premieres_lignes(args.sortie / f"pdf-{c}" / f"{docx.stem}.pdf") for c in versions)
        print(f"  {docx.stem:40} " + "  ".join(f"p{i} {x:6.1f} → {y:6.1f} ({y - x:+5.1f})"
                                                 for i, (x, y) in enumerate(zip(a, b), 1)))
    d = declare(formes[0])
    print(f"  (Word : {d['police']} {d['taille']} pt × {hauteur_word(d['police']):.4f} × "
          f"{d['ligne']}/240 ({d['regle']}) ; puis + {d['apres']} pt après le paragraphe)")


if __name__ == "__main__":
    main()
