"""Le dossier de tutorat: one record per stagiaire, année universitaire and expected document.

Every channel lands in the same record (``DocumentDuDossier``): the online form
(a saved entry, a recap to check, the validated document), each signature, a
bulk lot, an uploaded .docx, the archiving. Its state says where it stands:

    à remplir → brouillon → à vérifier → en signature (« reste : … ») → signé → archivé
                                   or renvoyé (with the reason) / retiré

``modele``  the table;
``etats``   the states, the due date, who signs next (the declaration's order);
``suivi``   each transition, written with its audit-log entry;
``listes``  « Mes documents », a stagiaire's dossier, the secretariat's campaign;
``relances`` the grouped reminders (one message a person a day), the notice of a document
            sent back;
``export``  the campaign's late documents as a spreadsheet;
``circuit`` what follows a step (the complete document archived);
``redaction`` writing and signing a dossier's document the same way from every channel (a
            correction is the next version of the same numéro; a signature, its account's).

It knows nothing of web requests: the pages, the API, the command line and the
worker call the same functions.
"""
