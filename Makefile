# Two commands for learners: `make lab` (set up and open the course) and `make test` (what CI checks).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-requirements
# make work needs only the standard library: it runs before (or without) the venv
PYTHON_FOR_WORK = $(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON))
LESSON ?= 01
NBVAL   = --nbval-current-env -p no:cacheprovider -n 2 --dist loadfile -q

.PHONY: help install work lab test lint notebooks slides test-browser bench clean test-kernels

help:
	@echo "make lab            set up .venv (once), make work, open JupyterLab on work/"
	@echo "make work           copy lessons you do not have yet into work/ (never overwrites your files)"
	@echo "make test           ruff, unit + checker tests, notebooks <-> solutions sync, nbval on every lesson"
	@echo "make notebooks      regenerate notebooks/ from solutions/"
	@echo "make slides LESSON=01   serve a lesson as reveal.js slides with live widgets (Voila)"
	@echo "make test-browser   drive JupyterLab and Voila in a real Chromium (Playwright)"
	@echo "make bench          benchmarks -> benchmarks/RESULTS.md (installs requirements-bench.txt)"

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# Your own copy of the lessons lives in work/ (ignored by git): missing lessons are copied, a file you have is never
# overwritten, a newer course version goes beside it as NN_name.new.ipynb (python -m utils.work).
work:
	$(PYTHON_FOR_WORK) -m utils.work

lab: $(STAMP) work
	cd work && $(abspath $(BIN))/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) 00_start_here.ipynb

lint: $(STAMP)
	$(BIN)/ruff check utils tests notebooks solutions benchmarks

test: $(STAMP) lint
	$(BIN)/python -m utils.build --check
	MPLBACKEND=Agg $(BIN)/python -m pytest -n 2 -q -p no:cacheprovider tests
	$(BIN)/python -m pytest --nbval --nbval-sanitize-with tests/sanitize.cfg $(NBVAL) solutions
	$(BIN)/python -m pytest --nbval-lax $(NBVAL) notebooks

# Stored outputs must not depend on the BLAS kernel or thread count (DESIGN §4): re-run solutions/ strict under
# several OpenBLAS kernels with one thread. NB=solutions/07_training.ipynb checks one lesson.
KERNELS ?= Haswell SkylakeX Prescott Sandybridge
NB      ?= solutions
test-kernels: $(STAMP)
	@for k in $(KERNELS); do echo "== OPENBLAS_CORETYPE=$$k, 1 thread"; \
	  OPENBLAS_CORETYPE=$$k OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest --nbval --nbval-sanitize-with tests/sanitize.cfg \
	    $(NBVAL) $(NB) || exit 1; done

notebooks: $(STAMP)
	$(BIN)/python -m utils.build

slides: $(STAMP)
	$(BIN)/voila --template=reveal --strip_sources=True --Voila.ip=127.0.0.1 $(wildcard solutions/$(LESSON)_*.ipynb)

$(VENV)/.installed-browser: requirements-browser.txt $(STAMP)
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	$(BIN)/python -m pip install --quiet -r requirements-browser.txt
	touch $@

test-browser: $(VENV)/.installed-browser
	RUN_BROWSER_TESTS=1 $(BIN)/python -m pytest -q -p no:cacheprovider -x tests/browser --durations=0

$(VENV)/.installed-bench: requirements-bench.txt $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	touch $@

bench: $(VENV)/.installed-bench
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache screenshots
	find . -name __pycache__ -prune -exec rm -rf {} +
