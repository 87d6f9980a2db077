# The README's two commands are `make demo` and `make test`; both set everything up first.
.PHONY: setup demo test bench lint format clean

setup:
	bash scripts/setup.sh

demo: setup
	.venv/bin/cxm-lab run params/demo.yaml

test: setup
	.venv/bin/python -m pytest

bench: setup
	.venv/bin/python -m pip install -q -r requirements-bench.txt
	for b in benchmarks/bench_*.py; do .venv/bin/python $$b || exit 1; done

lint:
	.venv/bin/ruff check cxm_lab tests benchmarks notebooks
	.venv/bin/ruff format --check cxm_lab tests benchmarks notebooks

format:
	.venv/bin/ruff format cxm_lab tests benchmarks notebooks
	.venv/bin/ruff check --fix cxm_lab tests benchmarks notebooks

clean:
	rm -rf reports/*/ .pytest_cache .hypothesis
