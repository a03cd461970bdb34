"""What the tests of every level share: the catalogue's ids, reading documents the way a person
would see them, editing a .docx the way Word does.

Test modules never import each other: what two of them need lives here (or, for the web, in
tests/web/outils.py), and tests/test_architecture.py checks it.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import unicodedata
import zipfile
from io import BytesIO
from pathlib import Path
from urllib.parse import urljoin

import docx
from docx.oxml.ns import qn
from lxml import etree

from service.catalogue.contexte import date_fr

RACINE = Path(__file__).resolve().parents[1]
SEEDS = RACINE.parent / "shared" / "seeds"

# the eight gabarits of the catalogue (README, « Le catalogue »)
# The newest shipped version of every gabarit (gabarits/manifeste.json).
DERNIERE = 3
IDS = {
    "lettre_mission_sopa", "compte_rendu_sopa", "accompagnement_renforce_m2ca",
    "fiche_personnalisation", "parcours_individualisation_1d", "parcours_individualisation_2d",
    "lettre_mission_tuteurs_m2", "fiche_synthese_collectif",
}

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"


def q(ns, nom):
    return f"{{{ns}}}{nom}"


def texte_docx(contenu: bytes) -> str:
    """The text of a .docx (body, headers, footers) as Word shows it, reopened with python-docx."""
    document = docx.Document(BytesIO(contenu))
    racines = [document.element.body]
    for section in document.sections:
        racines += [section.header._element, section.footer._element]
    morceaux = []
    for racine in racines:
        for el in racine.iter(qn("w:t"), qn("w:br"), qn("w:tab"), qn("w:p")):
            if el.tag == qn("w:t"):
                morceaux.append(el.text or "")
            elif el.tag == qn("w:br"):
                morceaux.append("\n")
            elif el.tag == qn("w:tab"):
                morceaux.append("\t")
            else:
                morceaux.append("\n")
    return "".join(morceaux)


def parties_xml_valides(contenu: bytes) -> None:
    """Every XML part of the package parses (raises otherwise)."""
    with zipfile.ZipFile(BytesIO(contenu)) as z:
        assert z.testzip() is None
        for nom in z.namelist():
            if nom.endswith((".xml", ".rels")):
                etree.fromstring(z.read(nom))


def proprietes(contenu: bytes) -> dict[str, str]:
    with zipfile.ZipFile(BytesIO(contenu)) as z:
        racine = etree.fromstring(z.read("docProps/custom.xml"))
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
    return {p.get("name"): p[0].text for p in racine.iter(f"{ns}property")}


def pdf_texte(pdf: Path | bytes, page: int | None = None, *, brut: bool = False) -> str:
    """The text of a PDF (a file, or its bytes as downloaded) in reading order, by poppler's
    pdftotext; of one page when ``page`` is given. ``brut``: in the order it is written, each
    table cell whole (the reading order mixes the lines of narrow cells side by side)."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    pages += ["-raw"] if brut else []
    contenu = pdf if isinstance(pdf, bytes) else None
    return subprocess.run(["pdftotext", *pages, "-" if contenu else str(pdf), "-"], input=contenu,
                          capture_output=True, check=True).stdout.decode()


def normaliser(texte: str) -> str:
    """Whitespace collapsed, NFC, the seeds' extraction artefact "�" read as "."."""
    texte = unicodedata.normalize("NFC", texte.replace("\ufffd", "."))
    return re.sub(r"\s+", " ", texte).strip()


def valeurs_attendues(valeurs) -> list[str]:
    """Every scalar text a person should find in the document for these example values."""
    if isinstance(valeurs, dict):
        return [t for v in valeurs.values() for t in valeurs_attendues(v)]
    if isinstance(valeurs, list):
        return [t for v in valeurs for t in valeurs_attendues(v)]
    if valeurs is None or valeurs == "":
        return []
    return [str(valeurs)]


def textes_attendus(champs, valeurs) -> list[str]:
    """What a reader must find printed for these values (tick boxes are checked apart)."""
    attendus = []
    for champ in champs:
        valeur = valeurs.get(champ.nom)
        if valeur in (None, "", []):
            continue
        if champ.type == "groupe":
            for ligne in valeur:
                attendus += textes_attendus(champ.champs, ligne)
        elif champ.type == "date":
            attendus.append(date_fr(valeur))
        elif champ.type in ("texte", "texte_long", "entier"):
            attendus += [x for x in str(valeur).split("\n") if x.strip()]
        elif champ.type == "choix" and champ.affichage == "liste":
            attendus.append(valeur)
    return attendus


class Word:
    """Edits a .docx the way Word does when a person fills its controls."""

    def __init__(self, contenu: bytes):
        self.parties = {}
        with zipfile.ZipFile(BytesIO(contenu)) as z:
            self.parties = {n: z.read(n) for n in z.namelist()}
        self.racine = etree.fromstring(self.parties["word/document.xml"])

    def controles(self, tag):
        return [s for s in self.racine.iter(q(W, "sdt"))
                if (t := s.find(f"{q(W, 'sdtPr')}/{q(W, 'tag')}")) is not None
                and t.get(q(W, "val")) == tag]

    def saisir(self, controle, *lignes):
        """Types ``lignes`` over the control's content; Word then no longer shows a placeholder."""
        for marque in controle.findall(f"{q(W, 'sdtPr')}/{q(W, 'showingPlcHdr')}"):
            marque.getparent().remove(marque)
        contenu = controle.find(q(W, "sdtContent"))
        for enfant in list(contenu):
            contenu.remove(enfant)
        run = etree.SubElement(contenu, q(W, "r"))
        for i, ligne in enumerate(lignes):
            if i:
                etree.SubElement(run, q(W, "br"))
            etree.SubElement(run, q(W, "t")).text = ligne

    def cocher(self, tag, coche=True):
        (controle,) = self.controles(tag)
        controle.find(f"{q(W, 'sdtPr')}/{q(W14, 'checkbox')}/{q(W14, 'checked')}").set(
            q(W14, "val"), "1" if coche else "0")
        controle.find(f".//{q(W, 't')}").text = "☒" if coche else "☐"

    def dater(self, controle, date: dt.date):
        controle.find(f"{q(W, 'sdtPr')}/{q(W, 'date')}").set(
            q(W, "fullDate"), f"{date.isoformat()}T00:00:00Z")
        self.saisir(controle, date.strftime("%d/%m/%Y"))

    def enregistrer(self, sans_proprietes=False) -> bytes:
        self.parties["word/document.xml"] = etree.tostring(self.racine, xml_declaration=True,
                                                           encoding="UTF-8", standalone=True)
        tampon = BytesIO()
        with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as z:
            for nom, data in self.parties.items():
                if not (sans_proprietes and nom == "docProps/custom.xml"):
                    z.writestr(nom, data)
        return tampon.getvalue()


def roster_csv(*lignes: dict) -> bytes:
    """A roster as the secretariat types it (service.personnes.effectifs): the model's headers,
    one row per stagiaire, keys the roster's columns (nom, prenom, parcours, tuteur_terrain…)."""
    from service.catalogue.tableur import colonnes
    from service.personnes.effectifs import DECLARATION

    entetes = {c.chemin[0]: c.entete for c in colonnes(DECLARATION)}
    cles = list(entetes)
    sortie = [";".join(entetes[c] for c in cles)]
    sortie += [";".join(str(ligne.get(c, "")) for c in cles) for ligne in lignes]
    return ("\n".join(sortie) + "\n").encode("utf-8")


def fixer_echeance(base, nom: str, gabarit_id: str, jour: dt.date) -> int:
    """Sets the due date of stagiaire ``nom``'s row of ``gabarit_id`` (a date in the past makes
    it late); returns the row's id."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from service.dossier.modele import DocumentDuDossier
    from service.personnes.effectifs import Stagiaire

    with Session(base) as session, session.begin():
        doc = session.scalars(select(DocumentDuDossier).join(
            Stagiaire, Stagiaire.id == DocumentDuDossier.stagiaire_id).where(
            Stagiaire.nom == nom, DocumentDuDossier.gabarit_id == gabarit_id)).one()
        doc.echeance = jour.isoformat()
        return doc.id


# the client of the service at the test provider (tests/oidc/fournisseur.mjs), as Config fields
CLIENT_OIDC = {"oidc_client": "inspe-docs", "oidc_secret": "secret-de-test-inspe-docs",
               "oidc_portees": "openid profile email groups",
               "oidc_roles": "groups:scolarite=secretariat,groups:enseignants=tuteur"}


def par_le_fournisseur(url: str, login: str, navigateur=None) -> str:
    """Goes through the test provider (tests/oidc) from its authorization ``url``, signing in as
    ``login`` on its form, as a browser would (``navigateur``: a requests.Session, to keep its
    cookies across journeys); the address it sends back to, with the code and the state."""
    import requests

    navigateur = navigateur or requests.Session()
    reponse = navigateur.get(url, allow_redirects=False)
    for _ in range(10):
        if reponse.is_redirect:
            suivante = urljoin(reponse.url, reponse.headers["Location"])
            if not suivante.startswith(url.split("/auth")[0]):
                return suivante
            reponse = navigateur.get(suivante, allow_redirects=False)
        else:
            action = re.search(r'<form[^>]*action="([^"]+)"', reponse.text)
            assert action, reponse.text[-500:]
            caches = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', reponse.text))
            reponse = navigateur.post(urljoin(reponse.url, action.group(1)), allow_redirects=False,
                                      data={**caches, "login": login, "password": "x"})
    raise AssertionError("le fournisseur ne renvoie pas vers le service")


# --- a new version of a shipped gabarit, as an administrator would publish it ---------------

def version_suivante_synthese() -> tuple[bytes, str]:
    """fiche_synthese_collectif's newest version changed as the next one would be: « autres_ressources »
    renamed « commentaire_final », the place's label changed, a fixed paragraph rewritten.
    Returns the template (with the service's marks) and its declaration (YAML text)."""
    import yaml

    source = RACINE / "gabarits" / "fiche_synthese_collectif" / f"v{DERNIERE}.docx"
    remplacements = {
        "{{ autres_ressources or": "{{ commentaire_final or",
        "Module expérimental Accompagnement des tuteurs en réseau":
            "Module Accompagnement des tuteurs en réseau, édition 2027",
    }
    sortie = BytesIO()
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as w:
        for info in z.infolist():
            data = z.read(info)
            if info.filename == "word/document.xml":
                texte = data.decode("utf-8")
                for avant, apres in remplacements.items():
                    assert avant in texte
                    texte = texte.replace(avant, apres)
                data = texte.encode("utf-8")
            w.writestr(info, data)
    declaration = yaml.safe_load((RACINE / "formulaires" / "fiche_synthese_collectif"
                                  / f"v{DERNIERE}.yaml").read_text(encoding="utf-8"))
    for section in declaration["sections"]:
        for champ in section["champs"]:
            if champ["nom"] == "autres_ressources":
                champ.update(nom="commentaire_final", libelle="Commentaire final")
            elif champ["nom"] == "lieu_regroupement":
                champ["libelle"] = "Lieu du regroupement"
    declaration["exemple"]["commentaire_final"] = declaration["exemple"].pop("autres_ressources")
    return sortie.getvalue(), yaml.safe_dump(declaration, allow_unicode=True, sort_keys=False)


def ecriture_interrompue(stockage, cle: str, donnees: bytes = b"moiti") -> str:
    """What a writer of ``cle`` that died mid-way leaves in ``stockage`` (service/stockage): its
    temporary, never put in place. Returns the temporary's key."""
    from service.stockage import Dossier
    from service.stockage.base import cle_temporaire

    temporaire = cle_temporaire(cle)
    if isinstance(stockage, Dossier):
        stockage.chemin(temporaire).parent.mkdir(parents=True, exist_ok=True)
        stockage.chemin(temporaire).write_bytes(donnees)
    else:
        stockage.client.put_object(Bucket=stockage.bucket, Key=stockage.prefixe + temporaire, Body=donnees)
    return temporaire


def rangs_des_paquets(ou, lot_id: str) -> list[int]:
    """Every row found in a lot's packet archives (service/lots/lots.py), repetitions kept, sorted:
    each row once when none was made twice."""
    from service.lots import lots

    stockage = lots.stockage_de(ou)
    rangs = []
    for entree in stockage.lister(lots.cle(lot_id, "paquets")):
        with zipfile.ZipFile(BytesIO(stockage.lire(entree.cle))) as z:
            rangs += [int(nom) for nom in z.namelist()]
    return sorted(rangs)
