"""Who may do what: the one place that answers « may this account do ACTION on OBJECT ».

Every page, the API, the command line and the archive's search queries ask here;
nothing else decides. People are known by their account and by the roster
(``effectifs``: for each stagiaire, the account holding each position — the trio,
then the IEN / IA-IPR, the chef d'établissement, the responsable de parcours),
never by a name typed in a field nor by an identifier written inside an uploaded file.

Relations of an account to what a document is about (from the roster):

    stagiaire du trio   the roster's ``compte_stagiaire`` of that stagiaire
    tuteur du trio      its ``tuteur_terrain`` or ``tuteur_inspe``
    autre poste         its ``inspecteur``, ``chef_etablissement`` or
                        ``responsable_parcours`` (the positions beyond the trio)
    poste déclaré       (a v2 document) holds, for its stagiaire, a poste its
                        declaration names: ``lu_par``, ``redige_par`` or the
                        ``signe_par`` of one of its slots
    auteur              made the generated document, the draft, or deposited the
                        archive's version
    gestion             the secretariat and the administrateur (by role, any stagiaire)

The table ``REGLES`` below: for each kind of object, which relation (or role)
may do which action. Then two rules that are not a row:

- ``remplir`` a form (a new document): the secretariat (pre-filling, bulk
  lots), and the postes the gabarit's declaration names in ``redige_par`` (v2
  on): with a roster stagiaire, the accounts the roster binds at those positions
  (the IEN too, when the declaration names ``inspecteur``); without
  one, the accounts whose role holds one of those postes (``SIGNATAIRES``). For a
  version-1 declaration (published, immutable: it does not say), the tables
  kept here: the tuteurs of the trio; without a roster stagiaire, the roles in
  ``REDACTEURS`` — a stagiaire never writes her tutors' forms; the lettres de
  mission by the secretariat only (``SECRETARIAT_SEUL``).
- ``signer`` a slot: only while it is open (not signed yet; when the declaration orders
  the slots, ``signatures: ordre: sequentiel``, only once those before it are signed; never
  while its dossier's document is sent back or withdrawn: its correction comes first), and
  only by the account the slot is bound to — the poste the
  declaration's ``signe_par`` names for it (v2 on), else ``CASES`` (v1): the
  trio's position the slot belongs to — the stagiaire signs her own slot, her
  tuteur de terrain his, the IEN / IA-IPR, the chef d'établissement and the
  responsable de parcours the roster binds to the stagiaire theirs. A slot whose
  position the roster leaves empty beyond the trio (no IEN bound), or whose
  poste has no position (pilote), or a document about no roster stagiaire, is
  signed by the document's author if the account's role is the slot's (a chef
  d'établissement or a responsable de parcours has no role: the roster only).
  Nobody signs in someone else's stead: not the secretariat, not the
  administrateur; the name printed is the account's own.
- Archiving a document about a roster stagiaire needs the right to write for
  that stagiaire; a new version of an archived record, the right to write it.

A position is always a stagiaire's: holding it for another stagiaire gives
nothing, and a name typed in a document (« a person named in a procedure »,
a namesake) gives nothing either. The people beyond the trio read the
dossier, and the v2 documents whose declaration names their poste (they sign
the slots it binds to them); a version-1 document (its declaration does not
say) is the trio's, as before, and an archived record is read by its
``lecteurs`` only.

What one may not see does not exist: the web answers 404 (the sign-in page
when signed out), the API 404 (401 without a token).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service.catalogue.validation import cle_de_comparaison

from .effectifs import COLONNES_POSTES, HORS_EFFECTIFS, PARCOURS, POSTES, Stagiaire

ACTIONS = ("lire", "remplir", "signer", "archiver", "supprimer", "exporter", "diffuser")
GESTION = ("secretariat", "administrateur")  # roles, any stagiaire

# objet → relation (or role) → actions. Relations: see the docstring. « remplir » a new
# document is ``ecrit_pour`` (below); « signer » a slot, ``CASES``.
REGLES: dict[str, dict[str, set[str]]] = {
    # a generated document (sorties/documents/<numero>/document.json)
    "document": {
        "secretariat": {"lire"}, "administrateur": {"lire"},
        "auteur": {"lire"}, "stagiaire du trio": {"lire"}, "tuteur du trio": {"lire"},
        "poste déclaré": {"lire"},
    },
    # a draft (a recap before validation, or a saved entry): its author's only
    "brouillon": {"auteur": {"lire", "remplir", "supprimer"}},
    # an archived record (and its pending versions)
    "archive": {
        "secretariat": {"lire", "remplir", "archiver", "supprimer"},
        "administrateur": {"lire", "remplir", "archiver", "supprimer"},
        "auteur": {"lire", "remplir", "archiver", "supprimer"},
        "tuteur du trio": {"lire", "remplir"},
        "stagiaire du trio": {"lire"},
    },
    # sending an archived PDF to the procedure's mailing list
    "diffusion": {"secretariat": {"diffuser"}, "administrateur": {"diffuser"}},
    # bulk lots: the secretariat's and the administrateur's tools
    "lot": {"secretariat": {"lire", "remplir", "supprimer"},
            "administrateur": {"lire", "remplir", "supprimer"}},
    # the roster itself (import, its model)
    "effectifs": {"secretariat": {"lire", "remplir"}, "administrateur": {"lire", "remplir"}},
    # a roster stagiaire's dossier (its entry, its archived documents, pre-filled forms)
    "dossier": {
        "secretariat": {"lire", "remplir", "supprimer"},
        "administrateur": {"lire", "remplir", "supprimer"},
        "tuteur du trio": {"lire", "remplir"}, "stagiaire du trio": {"lire"},
        "autre poste": {"lire"},
    },
    # everything held about one person (GDPR export)
    "export": {"secretariat": {"exporter"}, "administrateur": {"exporter"}},
    # the campaign (every dossier of a year, what is late): read it, send reminders, send a
    # document back to its author or withdraw it
    "campagne": {"secretariat": {"lire", "remplir"}, "administrateur": {"lire", "remplir"}},
    # the administration pages (audit log, accounts): the administrateur only, not the secretariat
    "administration": {"administrateur": {"lire", "remplir"}},
    # the accounts (list, create, change a role, disable): the administrateur's only
    "comptes": {"administrateur": {"lire", "remplir", "supprimer"}},
    # the institution's settings (/admin/etablissement: a new version, a test e-mail)
    "etablissement": {"administrateur": {"lire", "remplir"}},
    # the forms and gabarits (/admin/gabarits: upload a Word form, edit, preview, publish)
    "gabarits": {"administrateur": {"lire", "remplir"}},
}

# Who signs or writes for a declaration's poste (service/catalogue/declaration.py, POSTES):
# (position in the roster, role of an account holding it about no roster stagiaire). None: no
# position (the pilote, the secretariat: by role) or no role (a chef d'établissement or a
# responsable de parcours has no role of their own: only the roster binds them).
SIGNATAIRES = {
    "stagiaire": ("compte_stagiaire", "stagiaire"),
    "tuteur_terrain": ("tuteur_terrain", "tuteur"),
    "tuteur_inspe": ("tuteur_inspe", "tuteur"),
    "inspecteur": ("inspecteur", "inspecteur"),
    "pilote": (None, "tuteur"),
    "secretariat": (None, "secretariat"),
    "chef_etablissement": ("chef_etablissement", None),
    "responsable_parcours": ("responsable_parcours", None),
}

# For the version-1 declarations, which do not say who writes and signs them:
# Who writes a form not tied to a roster stagiaire (by role); with a stagiaire: the tuteurs
# of the trio and the secretariat. A stagiaire writes no form.
REDACTEURS = {"tuteur", "inspecteur", "secretariat", "administrateur"}
SECRETARIAT_SEUL = {"lettre_mission_sopa", "lettre_mission_tuteurs_m2"}

# signature slot → (position in the trio, role of an account signing it outside a trio)
CASES = {
    "signature_tuteur": ("tuteur_terrain", "tuteur"),
    "signature_tuteur_dsden": ("tuteur_terrain", "tuteur"),
    "signature_tuteur_academique": ("tuteur_terrain", "tuteur"),
    "signature_referent": ("tuteur_inspe", "tuteur"),
    "signature_tuteur_universitaire": ("tuteur_inspe", "tuteur"),
    "signature_tuteur_inspe": ("tuteur_inspe", "tuteur"),
    "signature_etudiant": ("compte_stagiaire", "stagiaire"),
    "signature_stagiaire": ("compte_stagiaire", "stagiaire"),
    "signature_ia_ipr": (None, "inspecteur"),
    "signature_ien": (None, "inspecteur"),
    "signature_inspecteur": (None, "inspecteur"),
    "signature_pilote": (None, "tuteur"),
}
# Not here, so signed on no one's behalf on the web in a version-1 document: the chef
# d'établissement's and the responsable de parcours' slots; they sign the Word file (their
# v2 declarations bind these slots to the roster's positions: ``SIGNATAIRES``).


# A dossier's document in these states is signed by nobody (service/dossier/etats.py): sent
# back to its writers, its next version is the one to sign; withdrawn, none is.
HORS_SIGNATURE = ("renvoye", "retire")


# --- the objects ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Postes:
    """The accounts bound to a stagiaire, by position (from the roster): the trio (stagiaire,
    tuteur de terrain, tuteur Inspé), then the IEN / IA-IPR, the chef d'établissement and the
    responsable de parcours. ``compte("inspecteur")``: who holds that position ("": nobody).
    ``membres``: the trio's accounts; ``autres``: those of the positions beyond it."""
    compte_stagiaire: str = ""
    tuteur_terrain: str = ""
    tuteur_inspe: str = ""
    inspecteur: str = ""
    chef_etablissement: str = ""
    responsable_parcours: str = ""

    @classmethod
    def de(cls, stagiaire: Stagiaire | None) -> Postes | None:
        if stagiaire is None:
            return None
        return cls(**{p.colonne: getattr(stagiaire, p.colonne) or "" for p in POSTES.values()})

    def compte(self, poste: str) -> str:
        """The identifiant holding ``poste``: a key of ``effectifs.POSTES`` (« stagiaire »,
        « inspecteur »…) or a roster column (« compte_stagiaire »); "" for a position no
        stagiaire has (``HORS_EFFECTIFS``: pilote, secretariat). KeyError for any other name."""
        if poste in HORS_EFFECTIFS:
            return ""
        colonne = POSTES[poste].colonne if poste in POSTES else poste
        if colonne not in COLONNES_POSTES:
            raise KeyError(f"poste inconnu : {poste}")
        return getattr(self, colonne)

    poste = compte  # the name the slot table (``CASES``) uses

    @property
    def membres(self) -> set[str]:
        """The trio's accounts: those the access rules know."""
        return {x for x in (self.compte_stagiaire, self.tuteur_terrain, self.tuteur_inspe) if x}

    @property
    def autres(self) -> set[str]:
        """The accounts of the positions beyond the trio (IEN, chef d'établissement…)."""
        return self.comptes - self.membres

    @property
    def comptes(self) -> set[str]:
        """Every account holding a position."""
        return {x for x in (getattr(self, p.colonne) for p in POSTES.values()) if x}


Trio = Postes  # its former name
TRIO = ("compte_stagiaire", "tuteur_terrain", "tuteur_inspe")  # the trio's positions


@dataclass(frozen=True)
class Formulaire:
    """A new document of ``gabarit_id``, about ``stagiaire`` (a roster entry) or nobody known;
    ``redige_par``: the postes its declaration says write it (v2 on; empty: v1's tables)."""
    gabarit_id: str
    stagiaire: Stagiaire | None = None
    redige_par: tuple[str, ...] = ()
    parcours: tuple[str, ...] = ()  # the parcours it applies to (v2 on; empty: any)

    @classmethod
    def de(cls, formulaire, stagiaire: Stagiaire | None = None) -> Formulaire:
        """A new document of the declaration ``formulaire`` (service.catalogue)."""
        return cls(formulaire.id, stagiaire, tuple(formulaire.redige_par),
                   tuple(formulaire.parcours))

    @property
    def s_applique(self) -> bool:
        """Whether the document is one the stagiaire's parcours has: a parcours the settings do
        not know (typed before the list) or no stagiaire at all restricts nothing."""
        parcours = self.stagiaire.parcours if self.stagiaire is not None else ""
        return not self.parcours or parcours not in PARCOURS or parcours in self.parcours


@dataclass(frozen=True)
class Document:
    """A generated document, from its record (``document.json``), and its gabarit's signature
    slots (``cases``: every slot known here when not said)."""
    fiche: dict = field(hash=False)
    cases: tuple[str, ...] = tuple(CASES)
    # (slot, poste) from a declaration that says who signs each slot (v2 on); empty: CASES
    signe_par: tuple[tuple[str, str], ...] = ()
    # the postes its declaration says write it and read it (v2 on; empty: the trio's rules)
    redige_par: tuple[str, ...] = ()
    lu_par: tuple[str, ...] = ()
    ordre: str = "libre"  # « sequentiel »: each slot only once those before it are signed
    etat: str = ""  # its state in the stagiaire's dossier (service/dossier); "": in none

    @classmethod
    def de(cls, fiche: dict, formulaire, etat: str = "") -> Document:
        """The document of ``fiche``, made with the declaration ``formulaire``: its slots and,
        from version 2 on, who writes, reads and signs each, and in which order; ``etat``: its
        dossier's state."""
        cases = tuple(c.nom for c in formulaire.champs if c.type == "signature")
        v2 = formulaire.declare_acteurs
        return cls(fiche, cases, tuple(formulaire.signe_par.items()),
                   tuple(formulaire.redige_par), tuple(formulaire.lu_par) if v2 else (),
                   formulaire.ordre_signatures, etat)

    @property
    def signees(self) -> set[str]:
        """The slots its latest version holds a signature in."""
        versions = self.fiche.get("versions") or [{}]
        return {s["champ"] for s in versions[-1].get("signataires", ())}

    def ouverte(self, champ: str) -> bool:
        """Is slot ``champ`` open to its signer: not signed yet and, when the declaration orders
        the slots, the first one not signed? Sent back or withdrawn, none is: what is signed
        is the corrected version."""
        if self.etat in HORS_SIGNATURE:
            return False
        signees = self.signees
        if champ in signees:
            return False
        if self.ordre == "sequentiel":
            return next((c for c in self.cases if c not in signees), None) == champ
        return True

    @property
    def postes_declares(self) -> set[str]:
        """The postes its declaration names (lu_par, redige_par, each slot's signe_par)."""
        return set(self.lu_par) | set(self.redige_par) | {p for _, p in self.signe_par}

    def case(self, champ: str) -> tuple[str | None, str | None]:
        """Who signs slot ``champ``: (position in the roster, role about no roster stagiaire)."""
        if self.signe_par:
            poste = dict(self.signe_par).get(champ)
            return SIGNATAIRES.get(poste, (None, None))
        return CASES.get(champ, (None, None))

    @property
    def trio(self) -> Trio | None:
        postes = self.fiche.get("postes")
        return Trio(**postes) if postes else None

    @property
    def membres(self) -> set[str]:
        trio = self.trio
        return trio.membres if trio else set(self.fiche.get("trio") or [])

    def tient_un_poste(self, identifiant: str) -> bool:
        """Does ``identifiant`` hold, for the document's stagiaire (its record's positions), a
        poste its declaration names?"""
        trio = self.trio
        return trio is not None and any(
            trio.compte(position) == identifiant for p in self.postes_declares
            if (position := SIGNATAIRES.get(p, (None, None))[0]) is not None)


@dataclass(frozen=True)
class Case:
    """A signature slot ``champ`` of a generated document."""
    document: Document
    champ: str


@dataclass(frozen=True)
class Brouillon:
    """A draft, kept under its author's account id."""
    auteur: int


@dataclass(frozen=True)
class Depot:
    """A version of an archived record, pending or archived."""
    archive: object
    version: object


LOT, EFFECTIFS, CAMPAGNE = "lot", "effectifs", "campagne"
ADMINISTRATION, COMPTES, ETABLISSEMENT = "administration", "comptes", "etablissement"
GABARITS = "gabarits"


@dataclass(frozen=True)
class Export:
    """Everything held about one roster stagiaire."""
    stagiaire: Stagiaire


# --- the rule -----------------------------------------------------------------------------

def _relations(compte, trio: Trio | None, auteur: bool) -> set[str]:
    relations = {compte.role}
    if auteur:
        relations.add("auteur")
    if trio is not None:
        if compte.identifiant == trio.compte_stagiaire:
            relations.add("stagiaire du trio")
        if compte.identifiant in (trio.tuteur_terrain, trio.tuteur_inspe):
            relations.add("tuteur du trio")
        if compte.identifiant in trio.autres:
            relations.add("autre poste")
    return relations


def _table(objet: str, relations: set[str], action: str) -> bool:
    return any(action in REGLES[objet].get(r, ()) for r in relations)


def ecrit_pour(compte, stagiaire: Stagiaire | None, gabarit_id: str = "",
               redige_par: tuple[str, ...] = ()) -> bool:
    """May ``compte`` write (fill, archive) a document of ``gabarit_id`` about ``stagiaire``?
    ``redige_par``: the postes its declaration says write it (v2 on); empty: v1's tables."""
    if compte is None:
        return False
    if redige_par:
        if compte.role in GESTION:
            return True
        if stagiaire is None:
            return compte.role in {SIGNATAIRES[p][1] for p in redige_par if p in SIGNATAIRES}
        trio = Trio.de(stagiaire)
        return any(trio.poste(position) == compte.identifiant for p in redige_par
                   if (position := SIGNATAIRES.get(p, (None, None))[0]) is not None)
    if gabarit_id in SECRETARIAT_SEUL:
        return compte.role in GESTION
    if compte.role in GESTION:
        return True
    if stagiaire is None:
        return compte.role in REDACTEURS
    trio = Trio.de(stagiaire)
    return compte.identifiant in (trio.tuteur_terrain, trio.tuteur_inspe)


def peut(compte, action: str, objet, base=None) -> bool:
    """May ``compte`` (None: signed out) do ``action`` on ``objet``? ``base``: the database, for
    an archived record (the roster says who its stagiaire's trio is)."""
    if compte is None:
        return False
    if isinstance(objet, Formulaire):
        return action == "remplir" and objet.s_applique and ecrit_pour(
            compte, objet.stagiaire, objet.gabarit_id, objet.redige_par)
    if isinstance(objet, Case):
        return action == "signer" and _signe(compte, objet)
    if isinstance(objet, Document):
        if action == "signer":  # bound to one of its slots (signed, open or still to come)
            return any(_titulaire(compte, Case(objet, champ)) for champ in objet.cases)
        auteur = objet.fiche.get("auteur") is not None and objet.fiche.get("auteur") == compte.id
        if objet.trio is None and compte.identifiant in objet.membres:  # recorded before positions
            return action == "lire"
        relations = _relations(compte, objet.trio, auteur)
        if objet.tient_un_poste(compte.identifiant):
            relations.add("poste déclaré")
        return _table("document", relations, action)
    if isinstance(objet, Brouillon):
        return _table("brouillon", _relations(compte, None, objet.auteur == compte.id), action)
    if isinstance(objet, Depot):
        return _depot(compte, action, objet, base)
    if objet in (LOT, EFFECTIFS, CAMPAGNE, ADMINISTRATION, COMPTES, ETABLISSEMENT, GABARITS):
        return _table(objet, {compte.role}, action)
    if isinstance(objet, Stagiaire):
        return _table("dossier", _relations(compte, Trio.de(objet), False), action)
    if isinstance(objet, Export):
        return _table("export", {compte.role}, action)
    if hasattr(objet, "lecteurs"):  # an archived record
        return _archive(compte, action, objet, base)
    raise TypeError(f"objet inconnu des règles d'accès : {objet!r}")


def _signe(compte, case: Case) -> bool:
    return case.document.ouverte(case.champ) and _titulaire(compte, case)


def _titulaire(compte, case: Case) -> bool:
    """Is ``compte`` the one who signs slot ``case`` (whether it is open or not)?"""
    poste, role = case.document.case(case.champ)
    if (poste is None and role is None) or case.champ not in case.document.cases \
            or not peut(compte, "lire", case.document):
        return False
    trio = case.document.trio
    if poste is not None and trio is not None:  # the account the roster binds to the slot
        titulaire = trio.poste(poste)
        if titulaire or poste in TRIO:
            return titulaire == compte.identifiant
    # a slot of no roster position, of a position beyond the trio the roster leaves empty, or a
    # document about no roster stagiaire: its author, by role
    auteur = case.document.fiche.get("auteur")
    return role is not None and auteur is not None and auteur == compte.id and compte.role == role


def _deposants(archive) -> set[str]:
    return {v.depose_par for v in archive.versions}


def _archive(compte, action: str, archive, base) -> bool:
    if action == "lire":
        return compte.role in GESTION or f"|{compte.identifiant}|" in (archive.lecteurs or "")
    if action == "diffuser":
        return _table("diffusion", {compte.role}, action)
    auteur = compte.identifiant in _deposants(archive)
    relations = _relations(compte, None, auteur)
    if compte.role not in GESTION and base is not None:
        for inscrit in concernes(base, archive.stagiaire_cle):
            if _lie(archive.lecteurs or "", inscrit):  # not a namesake's record
                relations |= _relations(compte, Trio.de(inscrit), False) - {"stagiaire du trio"}
    return _table("archive", relations, action)


def _depot(compte, action: str, depot: Depot, base) -> bool:
    """A version: its depositor (or the secretariat) archives or abandons it while it waits;
    archiving it into a roster stagiaire's dossier needs the right to write for them."""
    archive, version = depot.archive, depot.version
    if action == "lire":
        return _archive(compte, "lire", archive, base)
    if action not in ("archiver", "supprimer") or version.archive_le:
        return False
    if compte.role not in GESTION and version.depose_par != compte.identifiant:
        return False
    if action == "archiver" and base is not None and compte.role not in GESTION:
        inscrits = concernes(base, archive.stagiaire_cle)
        return not inscrits or any(ecrit_pour(compte, s, archive.gabarit_id) for s in inscrits)
    return True


# --- the roster, the archive's readers and the search queries -----------------------------

def concernes(base, stagiaire_cle: str) -> list[Stagiaire]:
    """The roster stagiaires a document names (by name: what a document says it is about)."""
    if not stagiaire_cle:
        return []
    with Session(base) as session:
        return [s for s in session.scalars(select(Stagiaire))
                if cle_de_comparaison(f"{s.nom} {s.prenom}") == stagiaire_cle]


def lecteurs(session, stagiaire_cle: str, gabarit_id: str, deposants: set[str], comptes) -> str:
    """The ``lecteurs`` column of an archived record: who, beyond the secretariat, reads it —
    its depositors and the trio of the roster stagiaire it is about, when one of ``comptes``
    (who deposited or archived it) may write for that stagiaire. "|id|id|"."""
    qui = set(deposants)
    inscrits = [s for s in session.scalars(select(Stagiaire))
                if stagiaire_cle and cle_de_comparaison(f"{s.nom} {s.prenom}") == stagiaire_cle]
    for inscrit in inscrits:
        if any(c is not None and (c.role not in GESTION or len(inscrits) == 1)
               and ecrit_pour(c, inscrit, gabarit_id) for c in comptes):
            qui |= Trio.de(inscrit).membres
    return "|" + "|".join(sorted(qui)) + "|"


def filtre_archives(requete, compte, colonne):
    """``requete`` limited to the records ``compte`` may read (``colonne``: Archive.lecteurs)."""
    if compte.role in GESTION:
        return requete
    return requete.where(colonne.contains(f"|{compte.identifiant}|"))


def _lie(lecteurs: str, stagiaire: Stagiaire) -> bool:
    """Is a record (its ``lecteurs``) bound to ``stagiaire``'s trio? The same test as
    ``filtre_dossier``, in Python."""
    if stagiaire.compte_stagiaire:
        return f"|{stagiaire.compte_stagiaire}|" in lecteurs
    return any(f"|{m}|" in lecteurs for m in Trio.de(stagiaire).membres)


def filtre_dossier(requete, stagiaire: Stagiaire, colonne):
    """The records of ``stagiaire``'s dossier: bound to their trio, not to a namesake's."""
    membres = Trio.de(stagiaire).membres
    if stagiaire.compte_stagiaire:
        return requete.where(colonne.contains(f"|{stagiaire.compte_stagiaire}|"))
    return requete.where(or_(*[colonne.contains(f"|{m}|") for m in membres]))


@dataclass(frozen=True)
class Operateur:
    """Who runs the command line on the server without ``--par``: the server's operator, with
    the secretariat's rights (its shell reaches the database anyway); no account, signs nothing."""
    identifiant: str
    role: str = "secretariat"
    id: None = None
    nom: str = ""


def comptes_de(session, identifiants) -> list:
    """The accounts of ``identifiants``; one that is no account is the command line's operator."""
    from .comptes import Compte

    trouves = {c.identifiant: c for c in session.scalars(
        select(Compte).where(Compte.identifiant.in_(set(identifiants))))}
    return [trouves.get(i) or Operateur(i) for i in sorted(set(identifiants))]
