"""python -m service.conception [--apercu] [ID …]

Builds the templates; with --apercu, also renders each example to
sorties/apercu/<id>.docx, .pdf and PNG pages, to look at (a published version
is not required for a preview).
"""

import argparse
import subprocess
import sys

from service.catalogue.contexte import contexte
from service.catalogue.declaration import charger
from service.catalogue.etablissement import charger_etablissement
from service.catalogue.gabarits import Gabarit, verifier_concordance
from service.catalogue.rendu import GabaritCompile, GabaritInvalide
from service.catalogue.validation import DonneesInvalides, valider
from service.pdf.libreoffice import Moteur

from . import IDS, RACINE, construire

parser = argparse.ArgumentParser(prog="python -m service.conception")
parser.add_argument("--apercu", action="store_true")
parser.add_argument("ids", nargs="*", default=IDS)
args = parser.parse_args()
etablissement = charger_etablissement()
dossier = RACINE / "sorties" / "apercu"
dossier.mkdir(parents=True, exist_ok=True)
apercus = []
for id_ in args.ids:
    chemin = construire(id_)
    print(chemin)
    if not args.apercu:
        continue
    formulaire = charger(RACINE / "formulaires" / id_ / f"{chemin.stem}.yaml")
    try:
        compile_ = GabaritCompile(chemin, logo=etablissement.logo)
        verifier_concordance(Gabarit(id_, formulaire.version, formulaire, chemin), compile_)
        valeurs = valider(formulaire, formulaire.exemple)
    except (GabaritInvalide, DonneesInvalides) as exc:
        sys.exit(str(exc))
    ctx = contexte(formulaire, valeurs, instance=etablissement.parametres,
                   document={"id": "apercu", "numero": "APERÇU", "version": 1,
                             "genere_le": "JJ/MM/AAAA HH:MM"})
    sortie = dossier / f"{id_}.docx"
    sortie.write_bytes(compile_.rendre(ctx, {"gabarit_id": id_}))
    apercus.append(sortie)
with Moteur(guichet=False) as moteur:
    pdfs = moteur.convertir_tous([(d, d.with_suffix(".pdf")) for d in apercus])
for pdf in pdfs:
    for ancien in dossier.glob(f"{pdf.stem}-*.png"):
        ancien.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(dossier / pdf.stem)], check=True)
    print(pdf, "→", ", ".join(sorted(p.name for p in dossier.glob(f"{pdf.stem}-*.png"))))
