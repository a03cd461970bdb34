"""The access matrix: who may do what, asked of service/personnes/acces.py AND of the routes.

Every row is (who, relation to the stagiaire, object, action): the answer of ``acces.peut``,
then the status of the matching web page and API call, so that a route deciding by itself
fails here. Expected answers are issue 15's: the trio reads its stagiaire's documents; the
secretariat (and the administrateur, who administers and reads like it) reads everything and
manages lots, roster and exports; a stagiaire writes nothing but signs her own slot; each slot
is signed by its own signer only; a name typed in a document (a person named in a procedure,
a namesake) gives nothing; signed out, the sign-in page (web) or 401 (API).

Then the slots (``test_matrice_des_cases``): for a dossier's document in each state (nothing,
some, every slot signed; any order or « sequentiel »; sent back), who may sign which slot.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.archive.depot import Archive
from service.personnes import acces
from service.web import service
from tests.web.outils import changer_un_texte, deposer, entetes

GABARIT = "accompagnement_renforce_m2ca"  # a slot for each of the trio, and one for the IA-IPR

# Who, and how each relates to the objects of the trio the row is about. The trio-A accounts
# act on trio A's objects (« own ») and on trio B's (« other »); lea2 and helene2, trio B's,
# bear the names of lea and helene: on trio A's objects they are namesakes.
QUI = {
    "stagiaire": "lea", "tuteur de terrain": "helene", "tuteur Inspé": "claude",
    "inspecteur": "marc", "secrétariat": "secretariat", "administrateur": "admin",
    "nommé dans la procédure": "sylvie",
    "homonyme du stagiaire": "lea2", "homonyme du tuteur": "helene2", "déconnecté": None,
}
# the relation to the objects' stagiaire, for each (who, trio of the objects)
RELATIONS = {("stagiaire", "A"): "stagiaire", ("tuteur de terrain", "A"): "terrain",
             ("tuteur Inspé", "A"): "inspe",
             ("homonyme du stagiaire", "B"): "stagiaire", ("homonyme du tuteur", "B"): "terrain"}
HOMONYMES = {"homonyme du stagiaire", "homonyme du tuteur"}


def trio_des_objets(qui: str, relation: str) -> str:
    """Own trio: A for trio A's accounts (and anyone outside both), B for the namesakes."""
    propre = "B" if qui in HOMONYMES else "A"
    return propre if relation == "propre" else {"A": "B", "B": "A"}[propre]
GESTION = {"secrétariat", "administrateur"}

# object, action → the relations that may; "gestion": secretariat and administrateur;
# the tuteur de terrain is also the author of the document, draft and upload
ATTENDU = {
    ("document", "lire"): {"stagiaire", "terrain", "inspe", "gestion"},
    ("document", "remplir"): {"terrain", "inspe", "gestion"},  # a new one about this stagiaire
    ("document", "signer"): {"stagiaire", "terrain", "inspe"},  # each their own slot
    ("brouillon", "lire"): {"terrain"},
    ("brouillon", "remplir"): {"terrain"},
    ("brouillon", "supprimer"): {"terrain"},
    ("archive", "lire"): {"stagiaire", "terrain", "inspe", "gestion"},
    ("archive", "remplir"): {"terrain", "inspe", "gestion"},  # a new version of the record
    ("archive", "archiver"): {"terrain", "gestion"},  # its depositor, who writes for her
    ("archive", "supprimer"): {"terrain", "gestion"},  # abandon the waiting upload
    ("lot", "lire"): {"gestion"}, ("lot", "remplir"): {"gestion"}, ("lot", "supprimer"): {"gestion"},
    ("dossier", "lire"): {"stagiaire", "terrain", "inspe", "gestion"},
    ("dossier", "remplir"): {"terrain", "inspe", "gestion"},  # its pre-filled forms
    ("dossier", "supprimer"): {"gestion"},  # the roster is replaced by the secretariat
    ("export", "exporter"): {"gestion"},
}
OBJETS = ("document", "brouillon", "archive", "lot", "dossier", "export")
ACTIONS = ("lire", "remplir", "signer", "archiver", "supprimer")

# object, action → (web method, URL, status when allowed) and the API's; None: no such route.
# {s}: the stagiaire's roster id, {d}: document, {b}: draft, {a}: archived record.
ROUTES = {
    ("document", "lire"): (("GET", "/documents/{d}", 200), ("GET", "/api/documents/{d}", 200)),
    ("document", "remplir"): (("GET", f"/formulaires/{GABARIT}?stagiaire={{s}}", 200),
                              ("POST", "/api/documents", 422)),  # allowed: then validated
    ("document", "signer"): (("GET", "/documents/{d}/signer", 200), None),
    ("brouillon", "lire"): (("GET", "/brouillons/{b}", 200), None),
    ("brouillon", "remplir"): (("GET", f"/formulaires/{GABARIT}?brouillon={{b}}", 200), None),
    ("archive", "lire"): (("GET", "/archives/{a}", 200), ("GET", "/api/archives/{a}", 200)),
    ("archive", "archiver"): (("GET", "/archives/{a}/v1/verifier", 200),
                              ("POST", "/api/archives/{a}/versions/1/archiver", 400)),
    ("archive", "supprimer"): (("POST", "/archives/{a}/v1/abandonner", None), None),
    ("lot", "lire"): (("GET", f"/modeles/{GABARIT}.xlsx", 200), None),
    ("lot", "remplir"): (("GET", "/lots", 200), None),
    ("dossier", "lire"): (("GET", "/archives/stagiaire/{s}", 200), None),
    ("dossier", "remplir"): (("GET", f"/stagiaires/{{s}}/{GABARIT}.docx", 200), None),
    ("dossier", "supprimer"): (("GET", "/effectifs", 200), None),
    ("export", "lire"): (("GET", "/archives/stagiaire/{s}/donnees.zip", 200), None),
}


def attendu(qui: str, trio: str, objet: str, action: str) -> bool:
    if objet == "export":
        action = {"lire": "exporter"}.get(action, action)
    permis = ATTENDU.get((objet, action), set())
    if qui in GESTION:
        return "gestion" in permis
    return RELATIONS.get((qui, trio)) in permis


LIGNES = [pytest.param(qui, trio_des_objets(qui, relation), objet, action,
                       id=f"{qui}-{relation} trio-{objet}-{action}")
          for qui in QUI for relation in ("propre", "autre") for objet in OBJETS
          for action in ACTIONS]


def _objet(monde, trio: str, objet: str, action: str):
    """The object as acces.peut takes it, for that trio's stagiaire."""
    objets, base = monde["objets"][trio], monde["base"]
    inscrit = monde["inscrits"][trio]
    if objet == "document":
        if action == "remplir":
            return acces.Formulaire(GABARIT, inscrit)
        chemin = service(monde["app"])["config"].sorties / "documents" / objets["document"]
        cases = tuple(c.nom for c in service(monde["app"])["catalogue"].gabarit(GABARIT)
                      .formulaire.champs if c.type == "signature")
        return acces.Document(json.loads((chemin / "document.json").read_text(encoding="utf-8")),
                              cases)
    if objet == "brouillon":
        return acces.Brouillon(monde["comptes"][TRIO_AUTEUR[trio]].id)
    if objet == "archive":
        with Session(base, expire_on_commit=False) as session:
            archive = session.scalar(select(Archive).where(Archive.numero == objets["archive"]))
            archive.versions  # noqa: B018
        return acces.Depot(archive, archive.versions[0]) if action in ("archiver", "supprimer") \
            else archive
    if objet == "lot":
        return acces.LOT
    if objet == "dossier":
        return inscrit
    return acces.Export(inscrit)


TRIO_AUTEUR = {"A": "helene", "B": "helene2"}


def _statut(monde, identifiant, methode, url, api: bool):
    if api:
        entete = entetes(monde["jetons"][identifiant]) if identifiant else {}
        if methode == "GET":
            return monde["api"].get(url, headers=entete).status_code
        corps = {"gabarit": GABARIT, "stagiaire": None, "donnees": {}} if url == "/api/documents" \
            else {"valeurs": "pas un objet"}
        return monde["api"].post(url, headers=entete, json=corps).status_code
    navigateur = monde["clients"][identifiant]
    if methode == "GET":
        reponse = navigateur.get(url)
    else:
        reponse = navigateur.post(url, {}, page="/connexion" if identifiant is None else "/")
    if reponse.status_code == 302:
        return f"302 {reponse.headers['Location'].split('?')[0]}"  # with the page asked for
    return reponse.status_code


@pytest.mark.parametrize("qui,trio,objet,action", LIGNES)
def test_matrice(monde, qui, trio, objet, action):
    identifiant = QUI[qui]
    compte = monde["comptes"][identifiant] if identifiant else None
    permis = attendu(qui, trio, objet, action)
    action_acces = "exporter" if objet == "export" and action == "lire" else action
    assert acces.peut(compte, action_acces, _objet(monde, trio, objet, action), monde["base"]) \
        is permis
    objets = monde["objets"][trio]
    valeurs = {"s": objets["stagiaire"], "d": objets["document"], "b": objets["brouillon"],
               "a": objets["archive"]}
    web, api = ROUTES.get((objet, action), (None, None))
    for route, est_api in ((web, False), (api, True)):
        if route is None:
            continue
        methode, url, statut_permis = route
        if statut_permis is None and permis:
            continue  # a route that would change the world: asked only where it must refuse
        url = url.format(**valeurs)
        if est_api and url == "/api/documents":
            url = "/api/documents"
            statut = _statut_creation(monde, identifiant, objets["stagiaire"])
        else:
            statut = _statut(monde, identifiant, methode, url, est_api)
        if identifiant is None:
            assert statut == (401 if est_api else "302 /connexion")
        else:
            assert statut == (statut_permis if permis else 404), (methode, url)


def _statut_creation(monde, identifiant, stagiaire_id) -> int:
    entete = entetes(monde["jetons"][identifiant]) if identifiant else {}
    return monde["api"].post("/api/documents", headers=entete, json={
        "gabarit": GABARIT, "stagiaire": stagiaire_id, "donnees": {}}).status_code


# --- the scenarios of issue 15 ------------------------------------------------------------

def _documents(monde) -> set[str]:
    racine = service(monde["app"])["config"].sorties / "documents"
    return {p.name for p in racine.iterdir()}


def test_a_stagiaire_cannot_fill_nor_sign_her_tutor_s_compte_rendu(monde, catalogue):
    """Léa fills compte_rendu_sopa about herself and signs her tutor's slot with his name:
    refused on the web and the API, nothing stored."""
    lea, api = monde["clients"]["lea"], monde["api"]
    sid = monde["objets"]["A"]["stagiaire"]
    avant = _documents(monde)
    exemple = catalogue.gabarit("compte_rendu_sopa").formulaire.exemple
    assert lea.get("/formulaires/compte_rendu_sopa").status_code == 404
    assert lea.get(f"/formulaires/compte_rendu_sopa?stagiaire={sid}").status_code == 404
    reponse = lea.post("/formulaires/compte_rendu_sopa", {
        "stagiaire_nom": "MOREAU", "stagiaire_prenom": "Léa", "action": "apercu",
        "stagiaire": sid}, page="/")
    assert reponse.status_code == 404
    for corps in ({"gabarit": "compte_rendu_sopa", "donnees": exemple},
                  {"gabarit": "compte_rendu_sopa", "stagiaire": sid, "donnees": exemple}):
        reponse = api.post("/api/documents", headers=entetes(monde["jetons"]["lea"]), json=corps)
        assert reponse.status_code == 404 and reponse.json["erreurs"][0]["message"] == "introuvable"
    brouillons = service(monde["app"])["config"].sorties / "brouillons" / str(
        monde["comptes"]["lea"].id)
    assert not brouillons.exists() or not any(brouillons.iterdir())
    assert "Compte-rendu" not in lea.get("/formulaires").get_data(as_text=True)  # not offered
    assert "compte_rendu_sopa?stagiaire=" not in lea.get("/").get_data(as_text=True)
    assert "compte_rendu_sopa?stagiaire=" not in lea.get("/mes-stagiaires").get_data(as_text=True)

    # the tutor's own compte-rendu about Léa: she reads it, but its slot is not hers
    reponse = api.post("/api/documents", headers=entetes(monde["jetons"]["helene"]), json={
        "gabarit": "compte_rendu_sopa", "stagiaire": sid, "donnees": exemple})
    assert reponse.status_code == 201
    numero = reponse.json["numero"]
    assert lea.get(f"/documents/{numero}").status_code == 200
    assert lea.get(f"/documents/{numero}/signer").status_code == 404
    reponse = lea.post(f"/documents/{numero}/signer", {
        "champ": "signature_tuteur", "nom": "Hélène Garnier", "qualite": "tutrice",
        "trace": "data:image/png;base64,iVBORw0KGgo="}, page=f"/documents/{numero}")
    assert reponse.status_code == 404
    fiche = json.loads((service(monde["app"])["config"].sorties / "documents" / numero
                        / "document.json").read_text(encoding="utf-8"))
    assert len(fiche["versions"]) == 1 and fiche["versions"][0]["signataires"] == []
    assert _documents(monde) == avant | {numero}
    # her tutor's own page offers him his slot
    page = monde["clients"]["helene"].get(f"/documents/{numero}/signer").get_data(as_text=True)
    assert 'value="signature_tuteur"' in page


def test_a_slot_prints_the_account_s_name_not_a_typed_one(monde):
    """Léa signs her own slot typing her tutor's name: the slot says « Léa Moreau »."""
    import base64
    import io

    from PIL import Image, ImageDraw

    numero = monde["objets"]["A"]["document"]
    lea = monde["clients"]["lea"]
    page = lea.get(f"/documents/{numero}/signer").get_data(as_text=True)
    cases = re.findall(r'<option value="(signature_[a-z_]+)"', page)
    assert cases == ["signature_etudiant"]  # hers only, not the tutors' nor the IA-IPR's
    trace = Image.new("RGB", (400, 120), "white")
    ImageDraw.Draw(trace).line([(20, 90), (200, 20), (380, 100)], fill="navy", width=6)
    tampon = io.BytesIO()
    trace.save(tampon, "PNG")
    reponse = lea.post(f"/documents/{numero}/signer", {
        "champ": "signature_etudiant", "nom": "Hélène Garnier", "qualite": "Tutrice de stage",
        "trace": "data:image/png;base64," + base64.b64encode(tampon.getvalue()).decode()},
        page=f"/documents/{numero}/signer")
    assert reponse.status_code == 302, reponse.get_data(as_text=True)[:1500]
    fiche = json.loads((service(monde["app"])["config"].sorties / "documents" / numero
                        / "document.json").read_text(encoding="utf-8"))
    assert [(s["champ"], s["nom"], s["role"]) for s in fiche["versions"][-1]["signataires"]] \
        == [("signature_etudiant", "Léa Moreau", "stagiaire")]
    # the administrateur reads it but signs nothing that is not his
    admin = monde["clients"]["admin"]
    assert admin.get(f"/documents/{numero}").status_code == 200
    assert admin.get(f"/documents/{numero}/signer").status_code == 404


def test_a_document_id_in_a_file_is_a_claim_not_a_capability(monde):
    """Trio B's tuteur puts trio A's document_id in a .docx and deposits it: a record of its
    own; A's record is untouched and nothing about it is said (issue 15, item 1)."""
    api, jetons = monde["api"], monde["jetons"]
    a = monde["objets"]["A"]
    contrefait = changer_un_texte(a["docx"], "École A", "École A (site B)")
    reponse = api.post("/api/archives", headers=entetes(jetons["helene2"]),
                       data={"fichier": (__import__("io").BytesIO(contrefait), "a.docx")})
    assert reponse.status_code == 201
    assert reponse.json["numero"] != a["archive"] and reponse.json["version"] == 1
    assert api.get(f"/api/archives/{a['archive']}",
                   headers=entetes(jetons["helene2"])).status_code == 404
    assert api.post(f"/api/archives/{a['archive']}/versions/2/archiver",
                    headers=entetes(jetons["helene2"])).status_code == 404
    with Session(monde["base"]) as session:
        archive = session.scalar(select(Archive).where(Archive.numero == a["archive"]))
        assert len(archive.versions) == 1 and archive.lecteurs == "|claude|helene|lea|"
    # the same file as A's upload: « already deposited », never A's number
    reponse = api.post("/api/archives", headers=entetes(jetons["helene2"]),
                       data={"fichier": (__import__("io").BytesIO(a["docx"]), "a.docx")})
    assert reponse.status_code == 422 and a["archive"] not in reponse.get_data(as_text=True)
    page = deposer(monde["clients"]["helene2"], a["docx"]).get_data(as_text=True)
    assert "Ce fichier a déjà été déposé" in page and a["archive"] not in page
    # trio A's tuteur Inspé, who writes for Léa, sends a new version: it is one
    corrige = changer_un_texte(a["docx"], "École A", "École A, bâtiment 2")
    reponse = api.post("/api/archives", headers=entetes(jetons["claude"]),
                       data={"fichier": (__import__("io").BytesIO(corrige), "a.docx")})
    assert reponse.status_code == 201
    assert reponse.json["numero"] == a["archive"] and reponse.json["version"] == 2


def test_a_forged_archive_does_not_enter_the_stagiaire_s_dossier(monde):
    """An inspecteur outside the trios of both Léa Moreau deposits a document about her: he
    cannot archive it, and it is not in her dossier nor readable by her (issue 15, item 3)."""
    marc = monde["clients"]["marc"]
    a = monde["objets"]["A"]
    faux = changer_un_texte(a["docx"], "École A", "École A (faux)")
    reponse = deposer(marc, faux, "faux.docx")
    assert reponse.status_code == 302
    numero = reponse.headers["Location"].split("/")[2]
    assert reponse.headers["Location"] == f"/archives/{numero}"  # not to « vérifier »
    assert marc.get(f"/archives/{numero}/v1/verifier").status_code == 404
    assert monde["api"].post(f"/api/archives/{numero}/versions/1/archiver",
                             headers=entetes(monde["jetons"]["marc"])).status_code == 404
    lea = monde["clients"]["lea"]
    assert lea.get(f"/archives/{numero}").status_code == 404
    sid = monde["objets"]["A"]["stagiaire"]
    dossier = monde["clients"]["secretariat"].get(f"/archives/stagiaire/{sid}").get_data(as_text=True)
    assert a["archive"] in dossier and numero not in dossier


def test_the_personal_data_export_holds_that_person_only(monde):
    """Two roster stagiaires named MOREAU Léa: each export holds its own record, not the
    namesake's; a name is matched exactly, never as a pattern."""
    import io
    import zipfile

    from service.archive.conservation import exporter_personne

    secretariat = monde["clients"]["secretariat"]
    for trio, autre in (("A", "B"), ("B", "A")):
        contenu = secretariat.get(f"/archives/stagiaire/{monde['objets'][trio]['stagiaire']}"
                                  "/donnees.zip")
        assert contenu.status_code == 200
        with zipfile.ZipFile(io.BytesIO(contenu.data)) as z:
            donnees = json.loads(z.read("donnees.json"))
        numeros = {d["numero"] for d in donnees["documents"]}
        assert monde["objets"][trio]["archive"] in numeros
        assert monde["objets"][autre]["archive"] not in numeros
        assert [e["lieu"] for e in donnees["effectifs"]] == [f"École {trio}"]
    archives = service(monde["app"]).get("archives")
    from service import creer_archives

    archives = archives or creer_archives(service(monde["app"])["config"],
                                          service(monde["app"])["catalogue"], monde["base"])
    with zipfile.ZipFile(io.BytesIO(exporter_personne(monde["base"], archives.coffre, "%",
                                                      "secretariat"))) as z:
        donnees = json.loads(z.read("donnees.json"))
    assert donnees["documents"] == [] and donnees["effectifs"] == []


def test_the_command_line_asks_the_same_rules(monde, tmp_path, capsys):
    """``archiver --par`` an account: its rights; ``export-personne "%"``: no pattern, nothing."""
    import io
    import zipfile

    from service.cli import main

    config = service(monde["app"])["config"]
    environ = {"INSPE_DONNEES": str(config.donnees), "INSPE_SORTIES": str(config.sorties)}
    fichier = tmp_path / "faux.docx"
    fichier.write_bytes(changer_un_texte(monde["objets"]["A"]["docx"], "École A", "École A (CLI)"))
    assert main(["archiver", str(fichier), "--par", "marc"], environ=environ) == 2
    erreur = capsys.readouterr().err
    assert "« marc » n'a pas le droit de l'archiver" in erreur and "il reste « reçu »" in erreur
    numero = re.search(r"reçu sous le n° (A-\d{4}-\d{6})", erreur).group(1)
    with Session(monde["base"]) as session:
        archive = session.scalar(select(Archive).where(Archive.numero == numero))
        assert archive.statut == "recu" and archive.lecteurs == "|marc|"
    assert main(["export-personne", "%", "-o", str(tmp_path / "tout.zip")], environ=environ) == 0
    with zipfile.ZipFile(io.BytesIO((tmp_path / "tout.zip").read_bytes())) as z:
        assert json.loads(z.read("donnees.json"))["documents"] == []


# --- the slots, in each state of a dossier's document ---------------------------------------
#
# A trio of its own (Lucas, Julien, Nathalie, and Marc bound as the IEN) and one roster entry
# per document, so that each is the first of its dossier's slot: an accompagnement renforcé
# (slots in any order) and a parcours d'individualisation 1er degré (« sequentiel »), each with
# nothing, some, then every slot signed; one sent back by the secretariat. Who may sign which
# slot is asked of acces.peut, of the web's signing route and of the API's: allowed, the route
# goes on to the picture (an empty one: 400 on the web, 422 from the API) and stores nothing.

SIGNATAIRES_QUI = {
    "stagiaire": "lucas", "tuteur de terrain": "julien", "tuteur Inspé": "nathalie",
    "IEN lié": "marc", "IEN non lié": "sylvie", "tuteur d'un autre trio": "helene",
    "secrétariat": "secretariat", "administrateur": "admin",
}
TRIO_C = {"lucas": ("Lucas Girard", "stagiaire"), "julien": ("Julien Perrin", "tuteur"),
          "nathalie": ("Nathalie Caron", "tuteur")}
LIBRE, SEQUENTIEL = "accompagnement_renforce_m2ca", "parcours_individualisation_1d"
# each slot → who signs it (the declaration's signe_par, bound by the roster)
TITULAIRES = {
    "signature_ia_ipr": "IEN lié", "signature_referent": "tuteur Inspé",
    "signature_tuteur": "tuteur de terrain", "signature_etudiant": "stagiaire",
    "signature_ien": "IEN lié", "signature_tuteur_dsden": "tuteur de terrain",
    "signature_tuteur_universitaire": "tuteur Inspé", "signature_stagiaire": "stagiaire",
}
SLOTS = {LIBRE: ("signature_ia_ipr", "signature_referent", "signature_tuteur",
                 "signature_etudiant"),
         SEQUENTIEL: ("signature_ien", "signature_tuteur_dsden",
                      "signature_tuteur_universitaire", "signature_stagiaire")}
# document → (gabarit, slots signed in that order, renvoyé?, its dossier's state, the open slots)
ETATS = {
    "libre, rien de signé": (LIBRE, (), False, "en_signature", set(SLOTS[LIBRE])),
    "libre, une case signée": (LIBRE, ("signature_tuteur",), False, "en_signature",
                               {"signature_ia_ipr", "signature_referent", "signature_etudiant"}),
    "libre, tout signé": (LIBRE, ("signature_etudiant", "signature_tuteur", "signature_referent",
                                  "signature_ia_ipr"), False, "archive", set()),
    "libre, renvoyé": (LIBRE, ("signature_tuteur",), True, "renvoye", set()),
    "séquentiel, rien de signé": (SEQUENTIEL, (), False, "en_signature", {"signature_ien"}),
    "séquentiel, deux cases signées": (SEQUENTIEL, SLOTS[SEQUENTIEL][:2], False, "en_signature",
                                       {"signature_tuteur_universitaire"}),
    "séquentiel, tout signé": (SEQUENTIEL, SLOTS[SEQUENTIEL], False, "archive", set()),
}


@pytest.fixture(scope="module")
def etats(monde, catalogue):
    """Trio C's documents, one per state of ``ETATS``, made and signed through the API."""
    from service.catalogue.validation import en_json
    from service.dossier import suivi
    from service.personnes.comptes import creer_compte, creer_jeton
    from service.personnes.effectifs import Stagiaire, preremplissage
    from tests.web.outils import Navigateur, dossier_de, trace_de_signature

    base, api, app = monde["base"], monde["api"], monde["app"]
    for identifiant, (nom, role) in TRIO_C.items():
        monde["comptes"][identifiant] = creer_compte(base, identifiant, nom, role, f"mdp-{identifiant}")
        monde["jetons"][identifiant] = creer_jeton(base, identifiant)
        monde["clients"][identifiant] = Navigateur(app)
        assert monde["clients"][identifiant].connexion(identifiant, f"mdp-{identifiant}") \
            .status_code == 302
    documents = {}
    for k, (nom, (gabarit, signees, renvoye, etat, _)) in enumerate(ETATS.items()):
        with Session(base, expire_on_commit=False) as session, session.begin():
            inscrit = Stagiaire(nom="GIRARD", prenom=f"Lucas {k}", lieu="École C",
                                compte_stagiaire="lucas", tuteur_terrain="julien",
                                tuteur_inspe="nathalie", inspecteur="marc")
            session.add(inscrit)
        declaration = catalogue.gabarit(gabarit).formulaire
        donnees = declaration.exemple | en_json(preremplissage(base, inscrit, declaration))
        reponse = api.post("/api/documents", headers=entetes(monde["jetons"]["julien"]), json={
            "gabarit": gabarit, "stagiaire": inscrit.id, "donnees": donnees})
        assert reponse.status_code == 201, reponse.json
        numero = reponse.json["numero"]
        for champ in signees:
            qui = SIGNATAIRES_QUI[TITULAIRES[champ]]
            reponse = api.post(f"/api/documents/{numero}/signatures",
                               headers=entetes(monde["jetons"][qui]),
                               json={"champ": champ, "image": trace_de_signature()})
            assert reponse.status_code == 201, (nom, champ, reponse.json)
        if renvoye:
            suivi.renvoyer(base, dossier_de(base, inscrit.id, gabarit).id, "à corriger",
                           "secretariat")
        assert dossier_de(base, inscrit.id, gabarit).etat == etat, nom
        documents[nom] = numero
    return documents


LIGNES_CASES = [pytest.param(qui, document, champ, id=f"{qui}-{document}-{champ}")
                for document, (gabarit, *_) in ETATS.items() for champ in SLOTS[gabarit]
                for qui in SIGNATAIRES_QUI]


@pytest.mark.parametrize("qui,document,champ", LIGNES_CASES)
def test_matrice_des_cases(monde, etats, qui, document, champ):
    """Slot ``champ`` of a document in that state: signed by its own signer while it is open
    (in the declaration's order when it says « sequentiel »), by nobody else, ever."""
    from service.web.outils import document_acces

    permis = champ in ETATS[document][4] and TITULAIRES[champ] == qui
    identifiant, numero = SIGNATAIRES_QUI[qui], etats[document]
    fiche = json.loads((service(monde["app"])["config"].sorties / "documents" / numero
                        / "document.json").read_text(encoding="utf-8"))
    with monde["app"].test_request_context():
        objet = acces.Case(document_acces(fiche), champ)  # the record and its dossier's state
    assert acces.peut(monde["comptes"][identifiant], "signer", objet, monde["base"]) is permis
    web = monde["clients"][identifiant].post(f"/documents/{numero}/signer", {"champ": champ},
                                             page="/")
    assert web.status_code == (400 if permis else 404)
    api = monde["api"].post(f"/api/documents/{numero}/signatures",
                            headers=entetes(monde["jetons"][identifiant]),
                            json={"champ": champ, "image": "data:image/png;base64,"})
    assert api.status_code == (422 if permis else 404), api.json
    apres = json.loads((service(monde["app"])["config"].sorties / "documents" / numero
                        / "document.json").read_text(encoding="utf-8"))
    assert apres["versions"] == fiche["versions"]  # nothing signed meanwhile
