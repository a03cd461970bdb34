"""One LibreOffice instance, driven through UNO: run by Debian's python3 (python3-uno).

Not imported by the service: ``service.pdf.libreoffice`` starts this file as a child
process under the system Python, because the UNO bridge exists only there, and
talks to it with one JSON object per line:

    → {"entree": "/job/a.docx", "sortie": "/job/a.pdf", "pdfa": true}
    ← {"ok": true}  or  {"ok": false, "erreur": "…"}  or  {"ok": false, "mort": true, …}

"mort": soffice died under the document (killed, crashed): this worker quits after
saying so, and the pool retries the document on another instance. Without it, every
later document sent here failed at once with « DisposedException » (a dead bridge).

At start it launches its own ``soffice`` with a user profile of its own (two
instances sharing a profile make one of them fail silently), connects, and
announces {"pret": true, "pid": …}. It knows nothing else of the service.
"""

import json
import os
import signal
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

# Macros never run; links are never updated (nothing is fetched).
PROFIL_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>2</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="UseLocking" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def propriete(nom, valeur):
    p = PropertyValue()
    p.Name, p.Value = nom, valeur
    return p


def repondre(**message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def demarrer(soffice, profil, canal):
    user = os.path.join(profil, "user")
    os.makedirs(user, exist_ok=True)
    with open(os.path.join(user, "registrymodifications.xcu"), "w") as f:
        f.write(PROFIL_XCU)
    processus = subprocess.Popen(
        [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
         "--nolockcheck", "-env:UserInstallation=" + uno.systemPathToFileUrl(profil),
         f"--accept=pipe,name={canal};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(600):
        if processus.poll() is not None:
            raise RuntimeError(f"soffice s'est arrêté au démarrage (code {processus.returncode})")
        try:
            ctx = resolver.resolve(
                f"uno:pipe,name={canal};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            time.sleep(0.05)
    else:
        raise RuntimeError("soffice ne répond pas après 30 s")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    return processus, desktop


def convertir(desktop, entree, sortie, pdfa):
    ouverture = (propriete("Hidden", True), propriete("ReadOnly", True),
                 propriete("UpdateDocMode", 0), propriete("MacroExecutionMode", 0))
    document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(entree), "_blank", 0,
                                            ouverture)
    if document is None:
        raise RuntimeError("LibreOffice n'a pas pu ouvrir le document")
    try:
        # Images are not resampled at export: LibreOffice would do it again for every page
        # (the header's logo), which cost a third of a bulk conversion; ours are already sized
        # (logo, signatures), and lossless keeps them sharp.
        reglages = [propriete("ExportBookmarks", True),
                    propriete("ExportBookmarksToPDFDestination", True),
                    propriete("ReduceImageResolution", False),
                    propriete("UseLosslessCompression", True)]
        # Tagged for screen readers (LibreOffice 7.4 tags a PDF/A-2 even when told not to):
        # structure tree, /Lang from the document's language, /Alt from the pictures'
        # descriptions, TH from the tables' header rows, the title shown (DisplayDocTitle).
        reglages += [propriete("UseTaggedPDF", True), propriete("PDFUACompliance", True),
                     propriete("DisplayPDFDocumentTitle", True)]
        if pdfa:
            reglages.append(propriete("SelectPdfVersion", 2))  # PDF/A-2 (2a when tagged)
        filtre = uno.Any("[]com.sun.star.beans.PropertyValue", tuple(reglages))
        uno.invoke(document, "storeToURL", (uno.systemPathToFileUrl(sortie), (
            propriete("FilterName", "writer_pdf_Export"), propriete("FilterData", filtre))))
    finally:
        document.close(True)


def vivant(processus, desktop):
    """Whether soffice still answers: after a failed document, a dead bridge must not be
    taken for a bad document (and every later one failed too)."""
    if processus.poll() is not None:
        return False
    try:
        desktop.getCurrentComponent()  # any call over the bridge
        return True
    except Exception:  # DisposedException, RuntimeException: the bridge is gone
        return False


def main():
    soffice, profil, canal = sys.argv[1:4]
    processus, desktop = demarrer(soffice, profil, canal)
    try:
        repondre(pret=True, pid=processus.pid)
        for ligne in sys.stdin:
            demande = json.loads(ligne)
            if demande.get("quitter"):
                break
            try:
                convertir(desktop, demande["entree"], demande["sortie"], demande.get("pdfa", True))
                repondre(ok=True)
            except OSError:
                raise  # the service is gone (no one reads the answer)
            except Exception as exc:  # reported to the pool, which decides
                if not vivant(processus, desktop):
                    repondre(ok=False, mort=True, erreur=f"{type(exc).__name__}: {exc}")
                    break
                repondre(ok=False, erreur=f"{type(exc).__name__}: {exc}")
    except OSError:
        pass
    finally:
        # LibreOffice never outlives its worker, however the service ended (stopped, killed
        # mid-conversion): otherwise it stays running, unseen, until the machine restarts
        try:
            desktop.terminate()
        except Exception:
            pass
        try:
            processus.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(0, signal.SIGKILL)  # this worker's group: soffice, and this worker last


if __name__ == "__main__":
    main()
