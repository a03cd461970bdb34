"""Templates that cannot hurt the service: hostile packages refused, marks outside the whitelist
refused, and any template rendered under a wall-clock and a memory limit."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from service.catalogue.bac_a_sable import RenduInterrompu, rendre_avec_limites
from service.catalogue.contexte import contexte
from service.catalogue.declaration import charger
from service.catalogue.generation import preparer
from service.catalogue.marques import ModeleRefuse, verifier_marques, verifier_modele
from service.catalogue.rendu import GabaritInvalide
from tests.catalogue.paquets_hostiles import DEFLATE, bombe, membre, membres_de, paquet, remplacer
from tests.outils import RACINE

GABARITS = sorted((RACINE / "gabarits").glob("*/v*.docx"))
BASE = RACINE / "gabarits" / "fiche_synthese_collectif" / "v2.docx"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _lire(docx: bytes, nom: str) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return z.read(nom).decode("utf-8")


def _avec(parties: dict[str, str | bytes], source: bytes | None = None) -> bytes:
    """``source`` (the base gabarit by default) with these parts written or replaced."""
    membres = membres_de(source or BASE.read_bytes())
    for nom, contenu in parties.items():
        brut = contenu.encode("utf-8") if isinstance(contenu, str) else contenu
        nouveau = membre(nom, brut)
        membres = (remplacer(membres, nom, nouveau) if any(m[0] == nom for m in membres)
                   else [*membres, nouveau])
    return paquet(membres)


def _corps(docx: bytes, xml: str, partie: str = "word/document.xml") -> bytes:
    """``docx`` with ``xml`` (paragraphs) added at the start of a body, header or footer."""
    texte = _lire(docx, partie)
    racine = {"word/document.xml": "<w:body", "word/header1.xml": "<w:hdr",
              "word/footer1.xml": "<w:ftr"}[partie]
    debut = texte.index(">", texte.index(racine)) + 1
    return _avec({partie: texte[:debut] + xml + texte[debut:]}, docx)


def _p(texte: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{texte}</w:t></w:r></w:p>'


# --- hostile packages ----------------------------------------------------------------------

def _macros():
    types = _lire(BASE.read_bytes(), "[Content_Types].xml").replace(
        "</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                    "</Types>")
    return _avec({"[Content_Types].xml": types, "word/vbaProject.bin": b"\0" * 64})


def _relation(partie: str, type_: str, cible: str) -> bytes:
    source = BASE.read_bytes()
    with zipfile.ZipFile(io.BytesIO(source)) as z:
        rels = (z.read(partie).decode() if partie in z.namelist() else
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns='
                '"http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>')
    rels = rels.replace("</Relationships>", f'<Relationship Id="rIdX" Type="{RELS}/{type_}" '
                        f'Target="{cible}" TargetMode="External"/></Relationships>')
    return _avec({partie: rels}, source)


def _includepicture():
    champ = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space='
             '"preserve"> INCLUDEPICTURE "http://exemple.invalid/p.png" \\d </w:instrText></w:r>'
             '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    return _corps(BASE.read_bytes(), champ)


def _entites(corps: str) -> bytes:
    texte = _lire(BASE.read_bytes(), "word/document.xml")
    return _avec({"word/document.xml": texte.replace("?>", "?>" + corps, 1)})


def _bombe():
    texte = _lire(BASE.read_bytes(), "word/document.xml").encode()
    fin = texte.index(b"<w:body>") + len(b"<w:body>")
    brut, crc, taille = bombe(texte[:fin], texte[fin:], 300 * 2**20)
    return paquet(remplacer(membres_de(BASE.read_bytes()), "word/document.xml",
                            ("word/document.xml", brut, DEFLATE, crc, taille)))


RIRES = ('<!DOCTYPE d [<!ENTITY a "hahahahaha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
         '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')


@pytest.mark.parametrize("fabrique, attendu", [
    (_macros, "macros"),
    (lambda: _relation("word/_rels/document.xml.rels", "image", "http://exemple.invalid/i.png"),
     "image liée"),
    (lambda: _relation("word/_rels/settings.xml.rels", "attachedTemplate",
                       "http://exemple.invalid/modele.dotm"), "modèle attaché"),
    (_includepicture, "INCLUDEPICTURE"),
    (lambda: _entites('<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'), "entités"),
    (lambda: _entites(RIRES), "entités"),
    (_bombe, "bombe zip"),
    (lambda: _avec({"word/embeddings/oleObject1.bin": b"\0" * 64}), "objet incorporé"),
    (lambda: _corps(BASE.read_bytes(), '<w:altChunk r:id="rIdX"/>'), "altChunk"),
], ids=["macros", "image-externe", "modele-attache", "includepicture", "xxe", "milliard-de-rires",
        "bombe-zip", "ole", "altchunk"])
def test_a_hostile_template_is_refused_in_french(fabrique, attendu):
    with pytest.raises(ModeleRefuse, match=attendu) as refus:
        verifier_modele(fabrique())
    assert str(refus.value).startswith("modèle refusé : ")


def test_a_control_bound_to_custom_xml_is_unbound():
    """Word would show the custom XML's value in a bound control, not the rendered one."""
    liaison = '<w:dataBinding w:xpath="/r[1]/nom[1]" w:storeItemID="{0A1B2C3D-0000-0000-0000-1}"/>'
    controle = (f'<w:sdt><w:sdtPr><w:tag w:val="nom"/>{liaison}</w:sdtPr><w:sdtContent><w:r>'
                '<w:t>x</w:t></w:r></w:sdtContent></w:sdt>')
    propre = verifier_modele(_corps(BASE.read_bytes(), f"<w:p>{controle}</w:p>"))
    assert "dataBinding" not in _lire(propre, "word/document.xml")
    assert '<w:tag w:val="nom"/>' in _lire(propre, "word/document.xml")


# --- marks -------------------------------------------------------------------------------

PAYLOADS = [
    "{{ cycler.__init__.__globals__.os.popen('touch MARQUEUR').read() }}",
    "{% for x in range(10**9) %}x{% endfor %}",
    "{% for a in participants %}{% for b in participants %}{% for c in participants %}"
    "{{ c.nom }}{% endfor %}{% endfor %}{% endfor %}",
    "{{ ''.__class__.__mro__ }}",
    "{% set x = 1 %}",
    "{% macro m() %}{% endmacro %}",
    "{% include 'word/document.xml' %}",
]


@pytest.mark.parametrize("partie", ["word/document.xml", "word/header1.xml", "word/footer1.xml",
                                    "docProps/core.xml"])
@pytest.mark.parametrize("payload", PAYLOADS, ids=["cycler", "range", "boucles", "mro", "set",
                                                   "macro", "include"])
def test_a_jinja_payload_is_refused_naming_the_part(payload, partie, tmp_path):
    marqueur = tmp_path / "x"
    payload = payload.replace("MARQUEUR", str(marqueur))
    if partie == "docProps/core.xml":
        core = _lire(BASE.read_bytes(), partie)
        docx = _avec({partie: core.replace("</cp:coreProperties>",
                                           f"<dc:title>{payload}</dc:title></cp:coreProperties>")})
        nom = "propriétés du document"
    else:
        docx = _corps(BASE.read_bytes(), _p(payload), partie)
        nom = {"word/document.xml": "corps du document", "word/header1.xml": "en-tête",
               "word/footer1.xml": "pied de page"}[partie]
    with pytest.raises(ModeleRefuse, match=nom) as refus:
        verifier_marques(docx)
    assert "n’est pas permise" in str(refus.value)
    assert not marqueur.exists()


def test_a_payload_rendered_anyway_runs_nothing_and_the_next_render_works(tmp_path, exemple):
    """Defence in depth: even without the whitelist, the sandbox refuses and nothing runs."""
    marqueur = tmp_path / "x"
    docx = _corps(BASE.read_bytes(), _p(
        f"{{{{ cycler.__init__.__globals__.os.popen('touch {marqueur}').read() }}}}"))
    with pytest.raises(GabaritInvalide, match="le modèle"):
        rendre_avec_limites(docx, exemple)
    assert not marqueur.exists()
    assert rendre_avec_limites(BASE, exemple).startswith(b"PK")


def test_the_declaration_narrows_names_and_loops():
    formulaire = charger(RACINE / "formulaires" / "fiche_synthese_collectif" / "v2.yaml")
    docx = _corps(BASE.read_bytes(), _p("{% for x in collectif %}{{ x }}{% endfor %}"))
    verifier_marques(docx)  # a field, without the declaration
    with pytest.raises(ModeleRefuse, match="« collectif » n’est pas un groupe du formulaire"):
        verifier_marques(docx, formulaire)
    with pytest.raises(ModeleRefuse, match="« inconnu » n’est pas un champ"):
        verifier_marques(_corps(BASE.read_bytes(), _p("{{ inconnu }}")), formulaire)


@pytest.mark.parametrize("chemin", GABARITS, ids=lambda c: f"{c.parent.name}-{c.stem}")
def test_every_shipped_gabarit_passes_every_check(chemin):
    formulaire = charger(RACINE / "formulaires" / chemin.parent.name / f"{chemin.stem}.yaml")
    verifier_marques(chemin.read_bytes(), formulaire)
    assert verifier_modele(chemin.read_bytes()) == chemin.read_bytes()


# --- limits ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def exemple(catalogue):
    gabarit, valeurs = preparer(catalogue, "fiche_synthese_collectif",
                                catalogue.gabarit("fiche_synthese_collectif", 2).formulaire.exemple,
                                2)
    return contexte(gabarit.formulaire, valeurs, instance=catalogue.etablissement.parametres,
                    document={"id": "x", "numero": "N-1", "version": 1, "genere_le": "04/12/2026"})


def test_shipped_gabarits_render_identically_under_limits(catalogue):
    for gabarit in (catalogue.gabarit(i, v) for i in catalogue.ids() for v in catalogue.versions(i)):
        _, valeurs = preparer(catalogue, gabarit.id, gabarit.formulaire.exemple, gabarit.version)
        ctx = contexte(gabarit.formulaire, valeurs, instance=catalogue.etablissement.parametres,
                       document={"id": "x", "numero": "N-1", "version": 1, "genere_le": "x"})
        logo = catalogue.etablissement.logo
        attendu = catalogue.compile(gabarit, logo).rendre(ctx, {"gabarit_id": gabarit.id})
        obtenu = rendre_avec_limites(gabarit.chemin, ctx, {"gabarit_id": gabarit.id}, logo=logo)
        with zipfile.ZipFile(io.BytesIO(attendu)) as a, zipfile.ZipFile(io.BytesIO(obtenu)) as o:
            assert a.namelist() == o.namelist()
            assert all(a.read(n) == o.read(n) for n in a.namelist()), gabarit.chemin


def test_a_template_that_loops_is_stopped_and_reported(exemple):
    docx = _corps(BASE.read_bytes(), _p(
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"))
    debut = time.monotonic()
    with pytest.raises(RenduInterrompu, match="a dépassé 1 s : il a été arrêté"):
        rendre_avec_limites(docx, exemple, duree=1)
    assert time.monotonic() - debut < 3
    assert rendre_avec_limites(BASE, exemple).startswith(b"PK")


def test_a_template_that_allocates_too_much_is_stopped(exemple):
    docx = _corps(BASE.read_bytes(), _p(
        "{% for a in range(100000) %}{{ participants[0].nom * 100000 }}{% endfor %}"))
    with pytest.raises(RenduInterrompu, match="a dépassé la mémoire permise \\(512 Mo\\)"):
        rendre_avec_limites(docx, exemple)
    assert rendre_avec_limites(BASE, exemple).startswith(b"PK")
