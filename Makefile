# The project's entry points; each script installs what it needs into .tools/ first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help setup dev db test lint typecheck unit e2e openapi package loadtest bench fuzz

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## Install Node 22 (if needed), npm dependencies and FerretDB
	@scripts/setup.sh

dev: ## Start the database and both apps; Ctrl-C stops everything
	@scripts/dev.sh

db: ## Only the local database (FerretDB on 27017), for `nest start <app> --watch`
	@scripts/db.sh

test: ## Everything CI runs: lint, type-check, unit, e2e (real database), infrastructure checks
	@scripts/test.sh

lint: setup ## ESLint and Prettier
	@scripts/run.sh npm run lint

typecheck: setup ## TypeScript, no emit
	@scripts/run.sh npm run typecheck

unit: setup ## Unit and controller tests
	@scripts/run.sh npm run test:unit

e2e: setup ## e2e tests against a real database (MONGODB_URI, Docker or FerretDB)
	@scripts/run.sh npm run test:e2e

openapi: setup ## Regenerate apps/<app>/openapi.json from the code
	@scripts/run.sh npm run openapi

fuzz: setup ## Schemathesis against both apps' openapi.json (>= 1,000 cases each, 0 failures; starts the stack if needed)
	@scripts/fuzz.sh

package: setup ## Deployable Azure Functions packages: dist/functions/<app>/ and <app>.zip
	@scripts/run.sh npm run package

bench: setup ## Cold start (bundled vs unbundled) and audit append vs plain insert (needs FerretDB)
	@scripts/run.sh npm run bench

USERS ?= 10
DURATION ?= 60s
P95_MS ?= 1000
PROFILE ?= seed
loadtest: ## Locust against the local stack (starts it if needed): make loadtest USERS=10 DURATION=60s P95_MS=1000 PROFILE=seed|stress
	@scripts/loadtest.sh --users $(USERS) --duration $(DURATION) --p95-ms $(P95_MS) --profile $(PROFILE)
