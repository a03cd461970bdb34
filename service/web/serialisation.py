"""Kept documents and archive records as the JSON API returns them (see ``api.OPENAPI``)."""

from __future__ import annotations

import json

from flask import url_for

from service.archive.depot import LIBRE, Archive


def document_json(fiche: dict) -> dict:
    """A kept document with its versions and their download addresses."""
    return {
        "numero": fiche["numero"], "document_id": fiche["document_id"], "nom": fiche["nom"],
        "gabarit_id": fiche["gabarit_id"], "gabarit_version": fiche["gabarit_version"],
        "versions": [{"version": v["version"], "genere_le": v["genere_le"],
                      "pdf": url_for("api.fichier", numero=fiche["numero"], version=v["version"],
                                     extension="pdf"),
                      "docx": url_for("api.fichier", numero=fiche["numero"], version=v["version"],
                                      extension="docx")}
                     for v in fiche["versions"]],
    }


def fiche_json(archive: Archive) -> dict:
    """A record with its versions, as the API returns it."""
    archivees = [v for v in archive.versions if v.archive_le]
    return {
        "numero": archive.numero, "titre": archive.titre, "gabarit": archive.gabarit_id,
        "libre": archive.gabarit_id == LIBRE, "stagiaire": archive.stagiaire,
        "tuteur": archive.tuteur, "annee": archive.annee, "statut": archive.statut,
        "statut_libelle": archive.libelle_statut, "conserver_jusqu_au": archive.conserver_jusqu_au,
        "valeurs": json.loads(archivees[-1].valeurs) if archivees else None,
        "versions": [{
            "version": v.version, "nom_fichier": v.nom_fichier, "depose_le": v.depose_le,
            "depose_par": v.depose_par, "archive_le": v.archive_le, "corrige": v.corrige,
            "signe": v.signe, "inchange": v.inchange, "gabarit_version": v.gabarit_version,
            "ancienne_version": v.ancienne_version,
            "docx": url_for("api.fichier_archive", numero=archive.numero, version=v.version,
                            extension="docx"),
            "pdf": url_for("api.fichier_archive", numero=archive.numero, version=v.version,
                           extension="pdf") if v.pdf_sha256 else None,
        } for v in archive.versions],
    }


def resume_json(archive: Archive) -> dict:
    """A search result: the record without its versions."""
    return {"numero": archive.numero, "titre": archive.titre, "gabarit": archive.gabarit_id,
            "stagiaire": archive.stagiaire, "tuteur": archive.tuteur, "annee": archive.annee,
            "statut": archive.statut, "statut_libelle": archive.libelle_statut,
            "versions": len(archive.versions), "modifie_le": archive.modifie_le,
            "url": url_for("api.archive", numero=archive.numero)}
