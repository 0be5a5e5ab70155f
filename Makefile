# carnet: `make run` starts it, `make test` checks it. Both bootstrap what they need first.
VENV := .venv
BIN := $(VENV)/bin
PKGS := bot extraction store

.PHONY: bootstrap run chat test lint unit bench audit reference clean

bootstrap:
	@bash scripts/bootstrap.sh

run: bootstrap
	@$(BIN)/carnet run

chat: bootstrap
	@$(BIN)/carnet chat

lint: bootstrap
	$(BIN)/ruff format --check $(PKGS) tests bench scripts
	$(BIN)/ruff check $(PKGS) tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: bootstrap
	$(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS)

test: lint unit

bench: bootstrap
	$(BIN)/python -m bench

audit: bootstrap
	$(BIN)/pip install -q pip-audit
	$(BIN)/pip-audit --skip-editable

reference: bootstrap
	$(BIN)/python scripts/build_reference.py ../shared/data/bdpm

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
