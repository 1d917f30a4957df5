# The README's two commands. Both install what they need into .venv first.
.PHONY: run test bench schema

run:    ## install, migrate, create the demo tenant and serve on http://127.0.0.1:8000
	scripts/run

test:   ## install and run the whole suite on SQLite and PostgreSQL
	scripts/test

bench:  ## run the benchmarks (see bench/README.md)
	scripts/install test && .venv/bin/python -m bench

schema: ## rewrite schema/schema.graphql from the built-in plugins
	.venv/bin/tessera schema export
