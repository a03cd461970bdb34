"""The archive's fixtures: a real clamd for the antivirus' tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def clamd_local():
    """A real clamd (installed by make test) knowing only the tests' signature: see clamav_local.py."""
    from tests.archive.clamav_local import ClamdLocal, trouver_clamd

    if trouver_clamd() is None:
        pytest.skip("clamd absent : make test installe clamav-daemon")
    with ClamdLocal() as clamd:
        yield clamd


@pytest.fixture(scope="session")
def clamd_adresse(clamd_local) -> str:
    """The unix socket of the tests' clamd, as INSPE_CLAMAV would give it."""
    return clamd_local.adresse
