"""Configuration: read once, by the CLI or application factory, never at import.

Embedded defaults work with no setting at all: the project's own gabarits/,
formulaires/ and sorties/, the institution's neutral settings. Each can be changed
through the environment passed to ``Config.depuis``:

    INSPE_GABARITS     folder of the Word templates
    INSPE_FORMULAIRES  folder of the declarations
    INSPE_SORTIES      where generated documents go
    INSPE_STOCKAGE     where the files the service keeps go (service/stockage): a folder, or
                       s3://bucket/préfixe for S3-compatible object storage (default: INSPE_SORTIES)
    INSPE_S3_ENDPOINT  the S3 server's address, http(s)://hôte:port (default: AWS_ENDPOINT_URL,
                       else AWS itself); AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION
                       (or AWS_DEFAULT_REGION, default us-east-1) as for any S3 client; without
                       keys, boto3's own sources (~/.aws, the machine's role)
    INSPE_INSTANCE     YAML file of the institution's settings
    INSPE_DONNEES      the instance's own data (SQLite, the job queue…), default instance/
    INSPE_CLE_SECRETE  the web's secret key, the same on every node (default: made once and kept
                       in the database, which every node shares; this variable, when set, wins)
    INSPE_PHRASE_SCEAU the passphrase the seal's private key is encrypted with in the database, the
                       same on every node and worker (default: none, the key kept in clear there)
    INSPE_SOFFICE      the LibreOffice executable (default: soffice)
    INSPE_LIBREOFFICE  how many LibreOffice instances convert at once (default: one per core)
    INSPE_DELAI        time limit of one conversion, in seconds (default: 60)
    INSPE_FILE         the job queue: "sqlite" (default, in INSPE_DONNEES) or redis://hôte:port/base
    DATABASE_URL       accounts and index (default: SQLite in INSPE_DONNEES)
    INSPE_RETENTION_LOTS  days a finished lot is kept (default: 90)
    INSPE_LOT_ESSAIS   tries of one packet of a lot before the lot is « échoué » (default: 3)
    INSPE_LOT_ATTENTE  seconds between two tries of a packet (default: 30)
    INSPE_CLAMAV       clamd that scans uploads: socket path or tcp://hôte:port (default: none)
    INSPE_SMTP         the SMTP server for reminders: smtp://hôte:port, smtp+starttls://u:p@hôte:port,
                       smtps://… (default: none, e-mail disabled)
    INSPE_COURRIEL     the sender's address of those e-mails
    INSPE_SESSION_INACTIVITE  minutes without a request after which a web session ends (default: 120)
    INSPE_SESSION_MAX  minutes after sign-in after which a web session ends anyway (default: 720)
    INSPE_ADRESSE      the service's public address (https://hôte), for the links sent by e-mail
                       to choose a password (default: the address the request came to)
    INSPE_PROXYS       the reverse proxies whose X-Forwarded-For is believed: addresses or
                       networks, separated by commas (default: none, the peer's address is used)

Single sign-on with OpenID Connect (service/personnes/oidc.py, sso.py), on when the first three are set:

    INSPE_OIDC_EMETTEUR   the identity provider's issuer URL (https://…); its settings are read
                          from <issuer>/.well-known/openid-configuration
    INSPE_OIDC_CLIENT     this service's client id at the provider
    INSPE_OIDC_SECRET     its client secret
    INSPE_OIDC_IDENTIFIANT  the claim that is the account's identifiant (default: preferred_username);
                          one the university assigns and its people cannot change, as an existing
                          account of that identifiant is linked at the first sign-in
    INSPE_OIDC_COURRIEL   the claim that is its e-mail address (default: email)
    INSPE_OIDC_ROLES      how claims give a role to an account created at first sign-in: rules
                          « claim:valeur=rôle » separated by commas, the first that matches wins
                          (e.g. groups:scolarite=secretariat,groups:enseignants=tuteur); roles
                          are those of service/personnes/comptes.py; none matches: refused
    INSPE_OIDC_PORTEES    the scopes asked for, separated by spaces (default: openid profile email;
                          add the one that brings the claims INSPE_OIDC_ROLES reads, e.g. groups)
    INSPE_OIDC_LIBELLE    the sign-in button's label (default: « Se connecter avec l’université »)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Config:
    gabarits: Path = RACINE / "gabarits"
    formulaires: Path = RACINE / "formulaires"
    sorties: Path = RACINE / "sorties"
    stockage: str = ""  # "": the folder ``sorties``; else a folder or s3://bucket/prefix
    s3_point_d_acces: str = ""
    s3_cle: str = ""
    s3_secret: str = ""
    s3_region: str = ""
    etablissement: Path | None = None
    donnees: Path = RACINE / "instance"
    cle_secrete: str = field(default="", repr=False)  # "": the database's (service/bd/instance.py)
    phrase_sceau: str = field(default="", repr=False)  # "": the seal's key in clear in the database
    soffice: str = "soffice"
    instances_libreoffice: int | None = None
    delai_conversion: float = 60
    file_travaux: str = "sqlite"
    retention_lots_jours: int = 90
    essais_paquet: int | None = None  # None: the lots' policy decides (service/lots/reprise.py)
    attente_paquet: float | None = None
    base_de_donnees: str = ""
    antivirus: str = ""
    smtp: str = ""
    courriel: str = ""
    session_inactivite_min: int = 120
    session_max_min: int = 720
    proxys: tuple[str, ...] = ()
    adresse: str = ""
    oidc_emetteur: str = ""
    oidc_client: str = ""
    oidc_secret: str = ""
    oidc_identifiant: str = "preferred_username"
    oidc_courriel: str = "email"
    oidc_roles: str = ""
    oidc_portees: str = "openid profile email"
    oidc_libelle: str = "Se connecter avec l’université"

    def __post_init__(self):
        if not self.base_de_donnees:  # SQLite in the instance's folder by default
            object.__setattr__(self, "base_de_donnees", f"sqlite:///{self.donnees / 'inspe.sqlite3'}")

    @classmethod
    def depuis(cls, environ: Mapping[str, str]) -> Config:
        defaut = cls()

        def chemin(nom, valeur):
            return Path(environ[nom]) if environ.get(nom) else valeur

        return cls(
            gabarits=chemin("INSPE_GABARITS", defaut.gabarits),
            formulaires=chemin("INSPE_FORMULAIRES", defaut.formulaires),
            sorties=chemin("INSPE_SORTIES", defaut.sorties),
            stockage=environ.get("INSPE_STOCKAGE", "").strip(),
            s3_point_d_acces=environ.get("INSPE_S3_ENDPOINT") or environ.get("AWS_ENDPOINT_URL", ""),
            s3_cle=environ.get("AWS_ACCESS_KEY_ID", ""),
            s3_secret=environ.get("AWS_SECRET_ACCESS_KEY", ""),
            s3_region=environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION", ""),
            etablissement=chemin("INSPE_INSTANCE", None),
            donnees=chemin("INSPE_DONNEES", defaut.donnees),
            cle_secrete=environ.get("INSPE_CLE_SECRETE", "").strip(),
            phrase_sceau=environ.get("INSPE_PHRASE_SCEAU", ""),
            soffice=environ.get("INSPE_SOFFICE") or defaut.soffice,
            instances_libreoffice=int(environ["INSPE_LIBREOFFICE"])
            if environ.get("INSPE_LIBREOFFICE") else None,
            delai_conversion=float(environ.get("INSPE_DELAI") or defaut.delai_conversion),
            file_travaux=environ.get("INSPE_FILE") or defaut.file_travaux,
            base_de_donnees=environ.get("DATABASE_URL", ""),
            retention_lots_jours=int(environ.get("INSPE_RETENTION_LOTS") or 90),
            essais_paquet=int(environ["INSPE_LOT_ESSAIS"])
            if environ.get("INSPE_LOT_ESSAIS") else None,
            attente_paquet=float(environ["INSPE_LOT_ATTENTE"])
            if environ.get("INSPE_LOT_ATTENTE") else None,
            antivirus=environ.get("INSPE_CLAMAV", ""),
            smtp=environ.get("INSPE_SMTP", ""),
            courriel=environ.get("INSPE_COURRIEL", ""),
            adresse=environ.get("INSPE_ADRESSE", ""),
            session_inactivite_min=int(environ.get("INSPE_SESSION_INACTIVITE") or 120),
            session_max_min=int(environ.get("INSPE_SESSION_MAX") or 720),
            proxys=tuple(p.strip() for p in environ.get("INSPE_PROXYS", "").split(",") if p.strip()),
            oidc_emetteur=environ.get("INSPE_OIDC_EMETTEUR", "").strip(),
            oidc_client=environ.get("INSPE_OIDC_CLIENT", ""),
            oidc_secret=environ.get("INSPE_OIDC_SECRET", ""),
            oidc_identifiant=environ.get("INSPE_OIDC_IDENTIFIANT") or defaut.oidc_identifiant,
            oidc_courriel=environ.get("INSPE_OIDC_COURRIEL") or defaut.oidc_courriel,
            oidc_roles=environ.get("INSPE_OIDC_ROLES", ""),
            oidc_portees=environ.get("INSPE_OIDC_PORTEES") or defaut.oidc_portees,
            oidc_libelle=environ.get("INSPE_OIDC_LIBELLE") or defaut.oidc_libelle,
        )

    @property
    def oidc(self) -> bool:
        """Is single sign-on configured?"""
        return bool(self.oidc_emetteur and self.oidc_client and self.oidc_secret)
