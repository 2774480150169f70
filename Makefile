# detector — `make` with no target lists the targets.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help run test lint docs evaluate train bench clean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): setup.cfg pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the package with test tools

MODEL := detector/data/account-model.npz

$(MODEL):
	$(BIN)/detector train -o $(MODEL)

run: $(STAMP) ## set up, train if no model is present, then score the shipped example accounts
	@test -f $(MODEL) || $(MAKE) --no-print-directory $(MODEL)
	$(BIN)/detector score datasets/examples/twibot20_accounts.json -o out/twibot20_scores.csv --as-of 2020-09-01 --top 15
	$(BIN)/detector run --watch texit-rally --config datasets/examples/watches.toml --from datasets/examples/posts/ira_texit_calls.csv --db out/detector.sqlite --data-dir out -o out/reports
	@echo "cron pipeline report: out/reports/report-texit-rally-latest.html (log: out/logs/detector.log)"

test: $(STAMP) ## set up, then lint (ruff, mypy) and run the whole test suite
	$(BIN)/ruff check detector tests bench
	$(BIN)/mypy detector
	$(BIN)/pytest -q -n 2

lint: $(STAMP) ## ruff and mypy
	$(BIN)/ruff check detector tests bench
	$(BIN)/mypy detector

docs: $(STAMP) ## regenerate README.md's command reference from --help (tests/test_docs.py checks it)
	$(BIN)/python tests/test_docs.py --write

evaluate: $(STAMP) ## evaluate the account model on the shipped tables and rewrite EVALUATION.md
	nice $(BIN)/detector evaluate -o EVALUATION.md --card detector/data/account-model.card.json --workers 2 --raw-out out/evaluation

train: $(STAMP) ## retrain the shipped model from datasets/
	$(BIN)/detector train

clean: ## remove the virtual environment and outputs
	rm -rf $(VENV) out
