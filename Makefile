# Collections CRM. Every target works from a fresh clone: the scripts create
# .venv and install what is missing (see scripts/bootstrap.sh).
#
#   make run                    embedded default: SQLite, demo data, web + Celery
#   make test [ARGS="-k foo"]   whole suite on a throw-away PostgreSQL + Redis
#   make bench                  bench/*.py on a throw-away PostgreSQL + Redis
#   make lint                   ruff
#   make messages               update and compile the zh_Hans translations
#   make clean                  remove var/ and staticfiles/ (keeps .venv)

SHELL := /bin/bash
.DEFAULT_GOAL := run
ARGS ?=

# Settings insist on a SECRET_KEY; the i18n commands never use it.
MANAGE := SECRET_KEY="$${SECRET_KEY:-make-messages-only}" .venv/bin/python manage.py
I18N_IGNORE := --ignore=.venv --ignore=tests --ignore=var --ignore=staticfiles --ignore=node_modules

.PHONY: run test bench lint messages clean

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh $(ARGS)

bench:
	bash scripts/bench.sh

lint:
	@test -x .venv/bin/ruff || bash scripts/bootstrap.sh venv
	.venv/bin/ruff check .

messages:
	bash scripts/bootstrap.sh run
	$(MANAGE) makemessages -l zh_Hans $(I18N_IGNORE)
	$(MANAGE) compilemessages $(I18N_IGNORE)

clean:
	rm -rf var staticfiles
