"""The clamd client against a real clamd (tests/archive/clamav_local.py) knowing one signature of ours."""

from __future__ import annotations

import socket
import threading
import zipfile
from io import BytesIO

import docx
import pytest

from service.archive.antivirus import Antivirus, AntivirusIndisponible, depuis_config
from service.config import Config
from tests.archive.clamav_local import LIMITE_FLUX_MO, MARQUEUR, SIGNATURE

# clamd names a signature from a database it didn't sign itself "….UNOFFICIAL"
NOM_DETECTE = f"{SIGNATURE}.UNOFFICIAL"


def docx_avec(texte: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(texte)
    sortie = BytesIO()
    document.save(sortie)
    return sortie.getvalue()


@pytest.fixture(scope="module", params=["unix", "tcp"])
def antivirus(request, clamd_local) -> Antivirus:
    return Antivirus(clamd_local.adresse if request.param == "unix" else clamd_local.adresse_tcp)


def test_a_clean_docx_is_clean(antivirus):
    assert antivirus.ping()
    assert antivirus.analyser(docx_avec("Attestation de stage")) is None
    assert antivirus.analyser(b"") is None


def test_the_signature_is_found_in_raw_bytes(antivirus):
    assert antivirus.analyser(b"%PDF-1.7 avant " + MARQUEUR + b" apres") == NOM_DETECTE


def test_the_signature_is_found_inside_the_docx_zip(antivirus):
    contenu = docx_avec(f"Attestation {MARQUEUR.decode()} fin")
    with zipfile.ZipFile(BytesIO(contenu)) as z:  # really compressed: only clamd's unzip sees it
        assert z.getinfo("word/document.xml").compress_type == zipfile.ZIP_DEFLATED
    assert MARQUEUR not in contenu
    assert antivirus.analyser(contenu) == NOM_DETECTE


def test_a_stream_over_clamd_s_limit_is_not_called_clean(antivirus):
    with pytest.raises(AntivirusIndisponible, match="dépasse la taille que l'antivirus accepte"):
        antivirus.analyser(b"\0" * (LIMITE_FLUX_MO * 1024 * 1024 + 1))
    assert antivirus.analyser(b"encore disponible") is None


def test_nothing_listening_is_unavailable(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for adresse in (str(tmp_path / "absent.sock"), f"tcp://127.0.0.1:{port}"):
        antivirus = Antivirus(adresse, delai=2)
        assert not antivirus.ping()
        with pytest.raises(AntivirusIndisponible) as erreur:
            antivirus.analyser(b"document")
        message = str(erreur.value)
        assert message.startswith(f"l'antivirus ne répond pas ({adresse} : ")
        assert message.endswith(": le document n'a pas été archivé : réessayez dans quelques minutes")


def serveur_factice(reponse: bytes | None):
    """A one-connection server that reads the request, then answers ``reponse`` (None: never)."""
    serveur = socket.create_server(("127.0.0.1", 0))
    fin = threading.Event()

    def servir():
        connexion, _ = serveur.accept()
        with connexion:
            recu = b""
            while not recu.endswith(b"\0\0\0\0"):  # the zero-length terminator
                bloc = connexion.recv(65536)
                if not bloc:
                    return
                recu += bloc
            if reponse is None:
                fin.wait(5)
            else:
                connexion.sendall(reponse)

    threading.Thread(target=servir, daemon=True).start()
    return serveur, fin, f"tcp://127.0.0.1:{serveur.getsockname()[1]}"


@pytest.mark.parametrize("reponse, nom", [
    (b"stream: OK\0", None),
    (b"stream: Win.Test.EICAR_HDB-1 FOUND\0", "Win.Test.EICAR_HDB-1"),
])
def test_replies_ok_or_found(reponse, nom):
    serveur, _, adresse = serveur_factice(reponse)
    with serveur:
        assert Antivirus(adresse, delai=2).analyser(b"document") == nom


@pytest.mark.parametrize("reponse, message", [
    (b"stream: Can't allocate memory ERROR\0", "l'antivirus signale une erreur"),
    (b"UNKNOWN COMMAND\0", "réponse inattendue"),
    (b"", "réponse inattendue"),
    (None, "l'antivirus ne répond pas .*délai dépassé"),
])
def test_any_other_reply_is_unavailable(reponse, message):
    serveur, fin, adresse = serveur_factice(reponse)
    with serveur:
        with pytest.raises(AntivirusIndisponible, match=message):
            Antivirus(adresse, delai=0.5).analyser(b"document")
        fin.set()


def test_addresses():
    tcp = Antivirus("tcp://clamav.interne:3310")
    assert (tcp.hote, tcp.port, tcp.chemin) == ("clamav.interne", 3310, None)
    ipv6 = Antivirus("tcp://[::1]:3310/")
    assert (ipv6.hote, ipv6.port) == ("::1", 3310)
    unix = Antivirus("/run/clamav/clamd.ctl")
    assert (unix.chemin, unix.hote) == ("/run/clamav/clamd.ctl", None)
    for invalide in ("tcp://clamav.interne", "tcp://:3310", "tcp://hote:port", ""):
        with pytest.raises(ValueError):
            Antivirus(invalide)


def test_configuration(clamd_adresse):
    assert depuis_config(Config.depuis({})) is None
    antivirus = depuis_config(Config.depuis({"INSPE_CLAMAV": clamd_adresse}))
    assert antivirus.adresse == clamd_adresse and antivirus.ping()
