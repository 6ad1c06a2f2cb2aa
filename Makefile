# Trellis — every target sets up .venv itself; nothing relies on a hand install.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TRUST_STAMP := $(VENV)/.installed-trust
PORT ?= 8000
SCALE ?= L

.PHONY: venv demo serve test lint bench trust clean

# The environment is rebuilt whenever the dependency set changes.
$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/trellis demo --port $(PORT)

serve: $(STAMP)
	$(BIN)/trellis serve --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/trellis manage makemigrations --check --dry-run

test: lint
	$(BIN)/pytest

# Runs on SQLite, and on PostgreSQL too when DATABASE_URL points there (in its own database).
bench: $(STAMP)
	$(BIN)/python -m benchmarks --scale $(SCALE)

# The trust scorecard: every figure against its bar (see SECURITY.md). Its tools (pip-audit,
# bandit, the SBOM writer) are an extra of their own, installed on first use.
$(TRUST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev,trust]"
	@touch $(TRUST_STAMP)

trust: $(TRUST_STAMP)
	$(BIN)/python -m trust $(TRUST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
