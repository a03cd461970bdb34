"""The signing circuit of the dossier (service/dossier/circuit.py): who is told by e-mail, when,
and the complete document archived by itself with its « Certificat de signature »; a failure of
LibreOffice at the last signature leaves it « signé », and ``fsck --reparer`` archives it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service import creer_archives, creer_moteur, journal
from service.archive import documents as dossiers
from service.archive.courriel import Messagerie
from service.bd import ouvrir
from service.catalogue.contexte import aujourdhui
from service.catalogue.generation import rendre, signer
from service.catalogue.signature import preparer_signature
from service.catalogue.signature_document import Signataire
from service.catalogue.validation import valider
from service.cli import main
from service.config import Config
from service.dossier import circuit, etats, suivi
from service.dossier.modele import DocumentDuDossier
from service.pdf.libreoffice import ConversionImpossible
from service.pdf.sceau import verifier
from service.personnes import effectifs
from service.personnes.comptes import Compte
from service.personnes.demo import comptes_de_demo, effectifs_de_demo
from service.personnes.effectifs import Stagiaire
from tests.outils import DERNIERE, normaliser, pdf_texte

PDF_ESSAI = b"%PDF-1.7 version signee (essai)"  # the e-mails do not read the versions' PDFs


@pytest.fixture
def instance(tmp_path, catalogue):
    """A fresh instance (database, outputs, archive) with the demo accounts and roster."""
    config = Config(sorties=tmp_path / "s", donnees=tmp_path / "d")
    base = ouvrir(config.base_de_donnees)
    comptes_de_demo(base)
    effectifs_de_demo(base)
    with Session(base) as session, session.begin():  # the stagiaires sign their own slot
        session.execute(update(Stagiaire).where(Stagiaire.nom.in_(["CHEVALIER", "LAMBERT"]))
                        .values(compte_stagiaire="stagiaire"))
    yield config, base, creer_archives(config, catalogue, base)
    base.dispose()


def _outils(instance, catalogue, moteur, sceau, smtp=None) -> circuit.Outils:
    config, base, archives = instance
    messagerie = Messagerie("127.0.0.1", smtp, "secretariat@inspe.example") if smtp else None
    return circuit.Outils(base, catalogue, config.sorties, archives, moteur, sceau, messagerie,
                          lambda numero: f"https://docs.inspe.example/documents/{numero}/signer")


def _stagiaire(base, nom: str) -> Stagiaire:
    with Session(base) as session:
        return session.scalar(select(Stagiaire).where(Stagiaire.nom == nom))


def _compte(base, identifiant: str) -> Compte:
    with Session(base) as session:
        return session.scalar(select(Compte).where(Compte.identifiant == identifiant))


def _creer(outils: circuit.Outils, gabarit_id: str, nom: str) -> str:
    """The document made online for stagiaire ``nom`` (its example's values), then its circuit."""
    gabarit = outils.catalogue.gabarit(gabarit_id)
    stagiaire = _stagiaire(outils.base, nom)
    connu = effectifs.preremplissage(outils.base, stagiaire, gabarit.formulaire)
    valeurs = valider(gabarit.formulaire, dict(gabarit.formulaire.exemple, **connu))
    document = rendre(outils.catalogue, gabarit, valeurs)
    postes = {c: getattr(stagiaire, c) for c in ("compte_stagiaire", "tuteur_terrain",
                                                 "tuteur_inspe", "inspecteur",
                                                 "chef_etablissement", "responsable_parcours")}
    suivi.document_cree(outils.base, outils.catalogue, stagiaire, gabarit, document.numero,
                        None, "secretariat")
    dossiers.enregistrer(outils.stockage, document, PDF_ESSAI, trio=sorted(stagiaire.trio),
                         postes=postes, stagiaire_id=stagiaire.id)
    circuit.suite(outils, document.numero, "secretariat")
    return document.numero


def _trace() -> bytes:
    image = Image.new("RGB", (400, 140), "white")
    ImageDraw.Draw(image).line([(20, 110), (120, 30), (220, 120), (380, 40)], fill="navy", width=6)
    tampon = io.BytesIO()
    image.save(tampon, "PNG")
    return tampon.getvalue()


def _signer(outils: circuit.Outils, numero: str, case: etats.Case):
    """``case``'s account signs, as the sign page does (its PDF aside), then the circuit follows."""
    compte = _compte(outils.base, case.identifiant)
    document = dossiers.charger(outils.stockage, numero, outils.catalogue)
    signe = signer(outils.catalogue, document, Signataire(
        case.champ, compte.nom, case.qualite, aujourdhui(), preparer_signature(_trace())))
    dossiers.enregistrer(outils.stockage, signe, PDF_ESSAI)
    journal.noter(outils.base, f"{compte.identifiant} ({compte.role})", "signature", numero,
                  f"{case.champ}, version {signe.version}")
    suivi.signature(outils.base, outils.catalogue, numero, case.champ, compte.identifiant)
    return circuit.suite(outils, numero, compte.identifiant)


def _cases(outils, gabarit_id: str, nom: str) -> list[etats.Case]:
    gabarit = outils.catalogue.gabarit(gabarit_id)
    return etats.cases(gabarit.formulaire, _stagiaire(outils.base, nom))


def _ligne(base, numero: str) -> DocumentDuDossier:
    with Session(base) as session:
        return suivi.par_numero(session, numero)


def _corps(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_no_email_without_an_smtp_server_and_one_per_person_per_step(
        instance, catalogue, moteur, sceau, serveur_smtp):
    port, recus = serveur_smtp
    sans = _outils(instance, catalogue, moteur, sceau)
    numero = _creer(sans, "accompagnement_renforce_m2ca", "CHEVALIER")
    assert not [e for e in journal.entrees(sans.base, numero) if e.quoi == circuit.INVITATION]

    # e-mail configured later: the next step tells each signer of the free-order circuit once
    outils = _outils(instance, catalogue, moteur, sceau, port)
    circuit.suite(outils, numero, "secretariat")
    assert sorted(r for destinataires, _ in recus for r in destinataires) == [
        "inspecteur@clairval.example", "referent@clairval.example",
        "stagiaire@clairval.example", "tuteur@clairval.example"]
    (_, message), = [m for m in recus if m[0] == ["tuteur@clairval.example"]]
    titre = catalogue.gabarit("accompagnement_renforce_m2ca").titre
    assert message["Subject"] == f"Document à signer : {titre} — Manon CHEVALIER"
    corps = normaliser(_corps(message))
    assert corps.startswith("Bonjour Hélène Garnier,")
    assert f"« {titre} » concernant Manon CHEVALIER (n° {numero}) attend votre signature" in corps
    assert "(tuteur ou tutrice de terrain)" in corps
    echeance = dt.date.fromisoformat(_ligne(outils.base, numero).echeance)
    assert f"Il est attendu pour le {echeance:%d/%m/%Y}." in corps
    assert f"https://docs.inspe.example/documents/{numero}/signer" in corps

    # someone signs: the others, told already, are not told again; nor on a second call
    tuteur = next(c for c in _cases(outils, "accompagnement_renforce_m2ca", "CHEVALIER")
                  if c.identifiant == "tuteur")
    assert _signer(outils, numero, tuteur).etat == "en_signature"
    circuit.suite(outils, numero, "secretariat")
    assert len(recus) == 4


def test_an_ordered_circuit_tells_each_signer_in_turn_then_archives_with_its_certificate(
        instance, catalogue, moteur, sceau, serveur_smtp):
    port, recus = serveur_smtp
    outils = _outils(instance, catalogue, moteur, sceau, port)
    numero = _creer(outils, "parcours_individualisation_2d", "LAMBERT")
    cases = _cases(outils, "parcours_individualisation_2d", "LAMBERT")
    assert [c.identifiant for c in cases] == ["ipr", "principal", "tuteur3", "referent2",
                                              "responsable", "stagiaire"]
    for n, case in enumerate(cases):
        # only the one whose turn it is was told, once
        assert [d for d, _ in recus] == [[f"{c.identifiant}@clairval.example"] for c in cases[:n + 1]]
        assert "c’est à présent votre tour" in normaliser(_corps(recus[-1][1]))
        ligne = _signer(outils, numero, case)
    assert len(recus) == len(cases)  # nobody is told after the last signature
    assert ligne.etat == "archive" and ligne.archive_numero

    archive = outils.archives.une(ligne.archive_numero)
    pdf = outils.archives.coffre.lire(archive.derniere.pdf_sha256)
    assert verifier(pdf, sceau).intact
    derniere = pdf_texte(pdf, page=_pages(pdf))
    texte = normaliser(derniere)
    assert "Certificat de signature" in texte and f"Numéro du document : {numero}" in texte
    assert f"parcours_individualisation_2d, version {DERNIERE}" in texte and "version 7" in texte
    for nom in ("Olivier Marchal", "Anne Fournier", "Sophie Lemaire", "Nathalie Caron",
                "Karim Benali", "Léa Moreau"):
        assert nom in texte
    for identifiant in ("ipr", "principal", "tuteur3", "referent2", "responsable", "stagiaire"):
        assert identifiant in texte
    aujourd_hui = dt.datetime.now(dt.UTC).astimezone(circuit.certificat.FUSEAU)
    assert len(re.findall(rf"{aujourd_hui:%d/%m/%Y} à \d\d:\d\d:\d\d", texte)) >= 6
    v7 = dossiers.racine(outils.stockage) / numero / "v7.docx"
    assert hashlib.sha256(v7.read_bytes()).hexdigest() in texte.replace(" ", "")
    assert archive.derniere.docx_sha256 == hashlib.sha256(v7.read_bytes()).hexdigest()
    assert f"Archivé le {aujourd_hui:%d/%m/%Y}" in texte  # the archive's stamp, on that page too


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


SOFFICE_EN_PANNE = "#!/bin/sh\necho 'LibreOffice en panne (essai)' >&2\nexit 1\n"


def test_libreoffice_down_at_the_last_signature_leaves_it_signed_and_fsck_archives_it(
        instance, catalogue, moteur, sceau, tmp_path, capsys):
    config, base, _ = instance
    outils = _outils(instance, catalogue, moteur, sceau)
    numero = _creer(outils, "accompagnement_renforce_m2ca", "CHEVALIER")
    *premieres, derniere = _cases(outils, "accompagnement_renforce_m2ca", "CHEVALIER")
    for case in premieres:
        _signer(outils, numero, case)
    soffice = tmp_path / "soffice"
    soffice.write_text(SOFFICE_EN_PANNE)
    soffice.chmod(0o755)
    with creer_moteur(Config(soffice=str(soffice), sorties=config.sorties,
                             donnees=config.donnees)) as en_panne:
        outils.moteur = en_panne
        with pytest.raises(ConversionImpossible):  # the page says it, and logs it
            _signer(outils, numero, derniere)
    ligne = _ligne(base, numero)
    assert ligne.etat == "signe" and ligne.archive_numero is None  # never lost, never stuck

    environ = {"INSPE_SORTIES": str(config.sorties), "INSPE_DONNEES": str(config.donnees)}
    assert main(["fsck"], environ=environ) == 0
    assert f"reste : document n° {numero} signé, pas encore archivé" in capsys.readouterr().out
    # a row changed a moment ago may be being archived: left for the next run
    assert main(["fsck", "--reparer"], environ=environ) == 0
    assert "archivé sous le n°" not in capsys.readouterr().out
    with Session(base) as session, session.begin():
        session.execute(update(DocumentDuDossier).where(DocumentDuDossier.numero == numero)
                        .values(modifie_le=(suivi.maintenant() - dt.timedelta(hours=1))
                                .isoformat()))
    assert main(["fsck", "--reparer"], environ=environ) == 0
    sortie = capsys.readouterr().out
    ligne = _ligne(base, numero)
    assert ligne.etat == "archive"
    assert f"réparé : document n° {numero} signé, archivé sous le n° {ligne.archive_numero}" in sortie
    archive = outils.archives.une(ligne.archive_numero)
    pdf = outils.archives.coffre.lire(archive.derniere.pdf_sha256)
    assert "Certificat de signature" in pdf_texte(pdf, page=_pages(pdf))
    chemin = tmp_path / "archive.pdf"
    chemin.write_bytes(pdf)
    assert main(["verifier", str(chemin)], environ=environ) == 0
    assert "INTACT : l'archive n°" in capsys.readouterr().out


def test_a_document_sent_back_and_corrected_is_a_new_round_everyone_is_told_again(
        instance, catalogue, moteur, sceau, serveur_smtp):
    port, recus = serveur_smtp
    outils = _outils(instance, catalogue, moteur, sceau, port)
    numero = _creer(outils, "parcours_individualisation_2d", "LAMBERT")
    premier, *_ = _cases(outils, "parcours_individualisation_2d", "LAMBERT")
    _signer(outils, numero, premier)
    assert [d for d, _ in recus] == [["ipr@clairval.example"], ["principal@clairval.example"]]

    ligne = _ligne(outils.base, numero)
    suivi.renvoyer(outils.base, ligne.id, "La discipline est fausse.", "secretariat")
    document = dossiers.charger(outils.stockage, numero, catalogue)
    gabarit = catalogue.gabarit("parcours_individualisation_2d")
    corrige = rendre(catalogue, gabarit, dict(document.valeurs, discipline="Mathématiques"),
                     identite=(document.document_id, numero), version=document.version + 1)
    suivi.document_cree(outils.base, catalogue, _stagiaire(outils.base, "LAMBERT"), gabarit,
                        numero, None, "ipr")
    dossiers.enregistrer(outils.stockage, corrige, PDF_ESSAI)
    circuit.suite(outils, numero, "ipr")
    # the signatures are to be given again, in order: the first signer is told again
    assert [d for d, _ in recus][2:] == [["ipr@clairval.example"]]
