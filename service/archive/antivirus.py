"""Antivirus: a client of clamd's INSTREAM protocol, written with the standard library's socket.

Uploaded Word documents are archived; where the operator sets INSPE_CLAMAV (a clamd socket),
an upload is stored only once clamd has called it clean, so no one can download one before.
Any doubt (daemon unreachable, odd answer, size limit exceeded) raises AntivirusIndisponible,
never "clean": the upload is then refused, nothing kept, and the person tries again later.
"""

from __future__ import annotations

import socket
import struct

TAILLE_MORCEAU = 64 * 1024
EN_ATTENTE = "le document n'a pas été archivé : réessayez dans quelques minutes"


class AntivirusIndisponible(Exception):
    """clamd can't be reached or didn't say clearly whether the document is clean."""


class Antivirus:
    """clamd at ``adresse``: a unix socket path, or ``tcp://hôte:port``."""

    def __init__(self, adresse: str, delai: float = 60):
        self.adresse = adresse
        self.delai = delai
        self.chemin: str | None = None
        self.hote: str | None = None
        self.port: int | None = None
        if adresse.startswith("tcp://"):
            hote, _, port = adresse.removeprefix("tcp://").rstrip("/").rpartition(":")
            if not hote or not port.isdigit():
                raise ValueError(f"adresse d'antivirus invalide : {adresse!r} "
                                 "(attendu : tcp://hôte:port ou le chemin d'une socket)")
            self.hote, self.port = hote.strip("[]"), int(port)  # [::1] → ::1
        elif adresse:
            self.chemin = adresse
        else:
            raise ValueError("adresse d'antivirus vide")

    def __repr__(self):
        return f"Antivirus({self.adresse!r})"

    def analyser(self, data: bytes) -> str | None:
        """The name of the signature clamd found in ``data``, or None when clean."""
        with self._connexion() as s:
            try:
                s.sendall(b"zINSTREAM\0")
                for debut in range(0, len(data), TAILLE_MORCEAU):
                    morceau = data[debut:debut + TAILLE_MORCEAU]
                    s.sendall(struct.pack(">I", len(morceau)) + morceau)
                s.sendall(struct.pack(">I", 0))
            except (BrokenPipeError, ConnectionResetError):
                pass  # clamd stopped reading (size limit): its reply says why
            except OSError as e:
                raise self._indisponible(e) from e
            reponse = self._lire(s)
        if reponse == "stream: OK":
            return None
        if reponse.startswith("stream: ") and reponse.endswith(" FOUND"):
            return reponse.removeprefix("stream: ").removesuffix(" FOUND")
        if "size limit exceeded" in reponse:
            raise AntivirusIndisponible(
                f"le document ({len(data)} octets) dépasse la taille que l'antivirus accepte "
                f"(StreamMaxLength de clamd) : {EN_ATTENTE}")
        if reponse.endswith("ERROR"):
            raise AntivirusIndisponible(f"l'antivirus signale une erreur ({reponse}) : {EN_ATTENTE}")
        raise AntivirusIndisponible(f"réponse inattendue de l'antivirus ({reponse!r}) : {EN_ATTENTE}")

    def ping(self) -> bool:
        """Whether clamd answers PONG."""
        try:
            with self._connexion() as s:
                s.sendall(b"zPING\0")
                return self._lire(s) == "PONG"
        except (AntivirusIndisponible, OSError):
            return False

    def _connexion(self) -> socket.socket:
        try:
            if self.chemin is None:
                return socket.create_connection((self.hote, self.port), timeout=self.delai)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.settimeout(self.delai)
                s.connect(self.chemin)
            except OSError:
                s.close()
                raise
            return s
        except OSError as e:
            raise self._indisponible(e) from e

    def _lire(self, s: socket.socket) -> str:
        """The reply, up to its terminating NUL (or the end of the connection)."""
        recu = b""
        try:
            while b"\0" not in recu:
                bloc = s.recv(4096)
                if not bloc:
                    break
                recu += bloc
        except OSError as e:
            raise self._indisponible(e) from e
        return recu.split(b"\0", 1)[0].decode("utf-8", "replace").strip()

    def _indisponible(self, erreur: OSError) -> AntivirusIndisponible:
        cause = "délai dépassé" if isinstance(erreur, TimeoutError) else erreur
        return AntivirusIndisponible(f"l'antivirus ne répond pas ({self.adresse} : {cause}) : {EN_ATTENTE}")


def depuis_config(config) -> Antivirus | None:
    """The configured antivirus (INSPE_CLAMAV), or None when there is none."""
    return Antivirus(config.antivirus) if config.antivirus else None
