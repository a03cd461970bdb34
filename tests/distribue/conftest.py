"""The browser of the distributed topology's tests: the browser tests' Chromium, in French."""

from __future__ import annotations

import pytest

from tests.web.outils import CHROMIUM, chromium_francais


@pytest.fixture(scope="module")
def chromium():
    if CHROMIUM is None:
        pytest.skip("chromium absent : make test l'installe")
    with chromium_francais() as navigateur:
        yield navigateur
