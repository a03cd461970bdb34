"""E-mail through the operator's SMTP server: reminders for documents not sent back, and the
distribution of an archived PDF to the people a procedure names.

``INSPE_SMTP`` gives the server (``smtp://hôte:port``, ``smtp+starttls://utilisateur:mot-de-passe@hôte:port``
or ``smtps://…``), ``INSPE_COURRIEL`` the sender's address.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import unquote, urlsplit


class CourrielImpossible(Exception):
    pass


@dataclass(frozen=True)
class PieceJointe:
    nom: str
    contenu: bytes
    type_mime: str = "application/pdf"


@dataclass(frozen=True)
class Messagerie:
    hote: str
    port: int
    expediteur: str
    # the sender's name, or what gives it (the institution's current settings: its name changed
    # on /admin/etablissement signs the next message)
    nom_expediteur: str | Callable[[], str] = ""
    securite: str = ""  # "", "starttls" or "ssl"
    utilisateur: str = ""
    mot_de_passe: str = ""
    delai: float = 30

    @classmethod
    def depuis(cls, adresse: str, expediteur: str,
               nom_expediteur: str | Callable[[], str] = "") -> Messagerie:
        morceaux = urlsplit(adresse)
        securite = {"smtp": "", "smtp+starttls": "starttls", "smtps": "ssl"}.get(morceaux.scheme)
        if securite is None or not morceaux.hostname:
            raise ValueError(f"serveur de courriel invalide : {adresse!r} (attendu : smtp://hôte:port)")
        if not expediteur:
            raise ValueError("INSPE_COURRIEL : l'adresse d'expédition manque")
        return cls(morceaux.hostname, morceaux.port or (465 if securite == "ssl" else 25), expediteur,
                   nom_expediteur, securite, unquote(morceaux.username or ""),
                   unquote(morceaux.password or ""))

    def envoyer(self, destinataires: Sequence[str], sujet: str, corps: str,
                pieces: Iterable[PieceJointe] = ()) -> str:
        """Sends one message; returns its Message-ID. CourrielImpossible says why not, in French."""
        message = EmailMessage()
        nom = self.nom_expediteur() if callable(self.nom_expediteur) else self.nom_expediteur
        message["From"] = formataddr((nom, self.expediteur))
        message["To"] = ", ".join(destinataires)
        message["Subject"] = sujet
        message["Message-ID"] = make_msgid(domain=self.expediteur.partition("@")[2] or None)
        message.set_content(corps)
        for piece in pieces:
            principal, _, secondaire = piece.type_mime.partition("/")
            message.add_attachment(piece.contenu, maintype=principal, subtype=secondaire,
                                   filename=piece.nom)
        try:
            if self.securite == "ssl":
                serveur = smtplib.SMTP_SSL(self.hote, self.port, timeout=self.delai,
                                           context=ssl.create_default_context())
            else:
                serveur = smtplib.SMTP(self.hote, self.port, timeout=self.delai)
            with serveur:
                if self.securite == "starttls":
                    serveur.starttls(context=ssl.create_default_context())
                if self.utilisateur:
                    serveur.login(self.utilisateur, self.mot_de_passe)
                refuses = serveur.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise CourrielImpossible(f"le courriel « {sujet} » n'a pas pu être envoyé "
                                     f"({self.hote}:{self.port} : {exc})") from exc
        if refuses:
            raise CourrielImpossible("adresses refusées par le serveur : " + ", ".join(refuses))
        return message["Message-ID"]
