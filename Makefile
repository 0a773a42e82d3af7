# The two commands of the README: `make run` and `make test`. Everything else supports them.
VENV := .venv
PYTHON ?= python3
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed-stamp
# The browser tests run axe-core (from the npm registry) on every page they visit.
AXE_VERSION := 4.10.3
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js
MO_FILES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

.PHONY: run test setup model lint translations extract benchmarks clean

# Staff never see candidates' links, so the demo's mail goes to a local catcher that prints
# them (flask mailcatcher); a FAIRSCREEN_MAIL_SERVER set by the caller is used instead.
MAIL_CATCHER_PORT ?= 8025
PORT ?= 5000
# `make run` prints only what a newcomer needs: the installs, migrations, demo seeding, worker
# and web server write to this log, and the address and demo logins come last.
RUN_LOG = $(or $(FAIRSCREEN_INSTANCE_PATH),instance)/run.log

run:
	@mkdir -p $(dir $(RUN_LOG)) && : > $(RUN_LOG)
	@echo "Setting up Fairscreen (the details go to $(RUN_LOG))..."
	@$(MAKE) --no-print-directory setup >> $(RUN_LOG) 2>&1 || { tail -n 25 $(RUN_LOG); exit 1; }
	@$(FLASK) init >> $(RUN_LOG) 2>&1 || { tail -n 25 $(RUN_LOG); exit 1; }
	@$(FLASK) demo >> $(RUN_LOG) 2>&1 || { tail -n 25 $(RUN_LOG); exit 1; }
	@trap 'kill $$web $$worker $$catcher 2>/dev/null' EXIT INT TERM; \
	  export FAIRSCREEN_PUBLIC_URL=$${FAIRSCREEN_PUBLIC_URL:-http://127.0.0.1:$(PORT)}; \
	  if [ -z "$$FAIRSCREEN_MAIL_SERVER" ]; then \
	    export FAIRSCREEN_MAIL_SERVER=127.0.0.1 FAIRSCREEN_MAIL_PORT=$(MAIL_CATCHER_PORT) \
	      FAIRSCREEN_MAIL_USE_TLS=false FAIRSCREEN_MAIL_USERNAME=; \
	    $(FLASK) mailcatcher --port $(MAIL_CATCHER_PORT) 2>> $(RUN_LOG) & catcher=$$!; \
	  fi; \
	  $(FLASK) worker >> $(RUN_LOG) 2>&1 & worker=$$!; \
	  FAIRSCREEN_SESSION_COOKIE_SECURE=$${FAIRSCREEN_SESSION_COOKIE_SECURE:-false} \
	  $(FLASK) run --host 127.0.0.1 --port $(PORT) >> $(RUN_LOG) 2>&1 & web=$$!; \
	  $(FLASK) demo-logins --url http://127.0.0.1:$(PORT) --wait 60 2>> $(RUN_LOG) \
	    || { tail -n 25 $(RUN_LOG); exit 1; }; \
	  wait $$web

# `make test` spreads the suite over every CPU (pytest-xdist, work-stealing, since a few tests
# take a minute and would otherwise leave a worker idle at the end): each worker has its own
# PostgreSQL schema, SQLite files, ports and Redis database. One worker more than the CPUs was
# tried and measured no faster from a fresh clone (12m23s and 12m41s against 12m00s for two, on
# two cores in the same hour). TEST_WORKERS=0 runs it in one process (slower by about half on
# two cores; easier to debug).
TEST_WORKERS ?= logical

test: setup $(AXE)
	$(BIN)/ruff check .
	$(BIN)/pytest --numprocesses $(TEST_WORKERS) --dist worksteal

# The trained model is a build artefact like the catalogues: rebuilt when its config or corpus
# changed (the checksum in its meta.json tells), else left as committed.
setup: $(STAMP) $(MO_FILES)
	$(BIN)/python -m screening.classifier.build --if-stale

# Rebuild the classifier's model layer from screening/classifier/trained/config.cfg and the
# corpus: leave-one-vacancy-out cross-validation sets its thresholds (30 to 55 minutes on two
# cores for 98 vacancies, 32 on 2026-12-08: the folds are trained and scored by one process per CPU,
# MODEL_WORKERS=N for fewer).
# KEEP_FOLDS=DIR keeps the folds' models there and reuses them while their posts, config and
# code are the same: after a lexicon or rule change, a build takes minutes.
KEEP_FOLDS ?=
MODEL_WORKERS ?=
model: $(STAMP)
	$(BIN)/python -m screening.classifier.build $(if $(KEEP_FOLDS),--keep-folds $(KEEP_FOLDS)) \
		$(if $(MODEL_WORKERS),--workers $(MODEL_WORKERS))

$(AXE):
	npm install --silent --no-audit --no-fund --no-save --prefix $(VENV)/axe axe-core@$(AXE_VERSION)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

# Refresh the catalogue after changing user-visible strings, then translate the new entries.
extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

lint: setup
	$(BIN)/ruff check .

benchmarks: setup
	for bench in benchmarks/bench_*.py; do $(BIN)/python $$bench || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
