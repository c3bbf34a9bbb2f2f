# Two commands for learners: `make lab` (set up and open the course) and `make test` (what CI checks).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-requirements
# make work needs only the standard library: it runs before (or without) the venv
PYTHON_FOR_WORK = $(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON))
LESSON ?= 01
# tests/two_workers.py schedules the two workers: each notebook's cells together in one kernel, the rest longest first
# (xdist's own loadgroup ignores groups under pytest 9, pytest-xdist#1386: the plugin supplies the scheduler)
NBVAL   = --nbval-current-env -p no:cacheprovider -p tests.two_workers -n 2 --dist loadgroup -q

.PHONY: help install work lab teach progress test lint notebooks slides test-browser screenshots bench clean test-kernels grade test-grading bench-grading nbgrader test-nbgrader bench-hub

help:
	@echo "make lab            set up .venv (once), make work, open JupyterLab on work/"
	@echo "make teach          JupyterLab at the repository root (solutions/, notebooks/, docs/): for teachers"
	@echo "make work           copy lessons you do not have yet into work/ (never overwrites your files)"
	@echo "make progress       your progress per lesson (done / tried / not started) and where to go next"
	@echo "make test           ruff, unit + checker tests, notebooks <-> solutions sync, nbval on every lesson"
	@echo "make notebooks      regenerate notebooks/ from solutions/"
	@echo "make slides LESSON=01   serve a lesson as reveal.js slides with live widgets (Voila)"
	@echo "make test-browser   drive JupyterLab and Voila in a real Chromium (Playwright)"
	@echo "make screenshots    every lesson's figures and widgets at 2x pixels -> screenshots/figures/"
	@echo "make bench          speed goals -> benchmarks/RESULTS.md: training step, widgets in Chromium, lessons, make test"
	@echo "make grade SUBMISSIONS=dir REPORT=dir   grade a class (sandboxed) -> REPORT/grades.csv, REPORT/report.html"
	@echo "make test-grading   grade a hostile class for real in the sandbox (installs bubblewrap)"
	@echo "make bench-grading  CPU-s per notebook, wall time for 40 learners -> benchmarks/GRADING.md"
	@echo "make nbgrader       export the course as an nbgrader course -> nbgrader-course/source/"
	@echo "make test-nbgrader  nbgrader round trip: generate, 3 learners, autograde (own venv .venv-nbgrader)"
	@echo "make bench-hub      10 learners run lessons 01 and 08 on a local JupyterHub -> benchmarks/hub/ (own venv .venv-hub)"

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# Your own copy of the lessons lives in work/ (ignored by git): missing lessons are copied, a file you have is never
# overwritten, a newer course version goes beside it as NN_name.new.ipynb (python -m tools.work).
work:
	$(PYTHON_FOR_WORK) -m tools.work

# JupyterLab with the course's own Jupyter settings (tools/jupyter-config, added to JUPYTER_CONFIG_PATH; the
# user's ~/.jupyter is not touched): no news pop-up, no update check, figures on a neutral frame in the dark theme
# (custom/custom.css, switched on by jupyter_server_config.py there). The URL it prints opens lesson 00 itself
# (default_url), for anyone who copies it into a browser (headless, remote, container, WSL).
# LAB_ARGS adds options, e.g. LAB_ARGS="--no-browser --port=8890".
LAB_ARGS ?=
JUPYTER_LAB = JUPYTER_CONFIG_PATH="$(CURDIR)/tools/jupyter-config$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))" \
  $(abspath $(BIN))/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) --LabApp.news_url=None \
  --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate
lab: $(STAMP) work
	cd work && $(JUPYTER_LAB) --LabApp.default_url=/lab/tree/00_start_here.ipynb $(LAB_ARGS)

# For teachers (docs/teaching.md): the same JupyterLab rooted at the repository, so solutions/ and notebooks/ are
# both reachable; it opens on solutions/.
teach: $(STAMP)
	$(JUPYTER_LAB) --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/solutions $(LAB_ARGS)

# Your progress: read from work/my_nn/progress.json (standard library only, like make work). DIR=notebooks on a hub.
progress:
	$(PYTHON_FOR_WORK) -m tools.progress $(or $(DIR),work)

lint: $(STAMP)
	$(BIN)/ruff check utils tools tests notebooks solutions benchmarks

# One pytest run shares the two cores between the unit tests, nbval strict on solutions/ and nbval lax on
# notebooks/ (the plugin tests/nbval_lax_notebooks.py makes notebooks/ lax); tests/two_workers.py makes both workers
# finish within a second of each other. Every worker and kernel computes on one BLAS thread: two workers already
# fill the two cores, and a second BLAS thread per process would only wait for a core (measured on the same idle
# machine: 164 s wall and 302 CPU-s with numpy's default threads, 149 s and 271 CPU-s with one). The stored outputs
# were made with the default threads, so strict nbval also proves they do not depend on the thread count (DESIGN
# §4); tests that need several threads set them with threadpoolctl. Of the two workers' time (one run, 2026-12-07),
# 72 s went to the 11 lessons (each runs twice: solutions/ strict, notebooks/ lax), 58 s to the unit and checker
# tests. Compiled code is cached in __pycache__ (ignored by git), also where PYTHONDONTWRITEBYTECODE is set: compileall
# first, since some 30 processes (kernels, workers) import utils and each would compile it again (~0.2 CPU-s per
# process); and pytest may cache the test modules it rewrites for its asserts (measured: collecting takes each
# worker 4.0 s without that cache, 2.6 s with it).
test: $(STAMP) lint
	$(BIN)/python -m compileall -q utils tools
	$(BIN)/python -m tools.build --check
	PYTHONDONTWRITEBYTECODE= OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/python -m pytest --nbval --nbval-sanitize-with tests/sanitize.cfg -p tests.nbval_lax_notebooks $(NBVAL) \
	  --durations=5 tests solutions notebooks

# Stored outputs must not depend on the BLAS kernel or thread count (docs/design.md §4): re-run solutions/ strict under
# several OpenBLAS kernels with one thread. NB=solutions/07_training.ipynb checks one lesson.
KERNELS ?= Haswell SkylakeX Prescott Sandybridge
NB      ?= solutions
# A kernel this CPU cannot execute (SkylakeX needs AVX-512, Haswell AVX2) is skipped with a message: numpy dies with
# "Illegal instruction" under it, and nbval would wait for that kernel forever.
test-kernels: $(STAMP)
	@tested=0; for k in $(KERNELS); do \
	  if ! OPENBLAS_CORETYPE=$$k OPENBLAS_NUM_THREADS=1 timeout 60 $(BIN)/python -c \
	    "import numpy as np; a = np.ones((64, 64)); a @ a" 2>/dev/null; then \
	    echo "== OPENBLAS_CORETYPE=$$k: skipped, this CPU cannot run that kernel"; continue; fi; \
	  echo "== OPENBLAS_CORETYPE=$$k, 1 thread"; \
	  OPENBLAS_CORETYPE=$$k OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest --nbval --nbval-sanitize-with tests/sanitize.cfg \
	    $(NBVAL) $(NB) || exit 1; tested=$$((tested + 1)); done; \
	test $$tested -gt 0 || { echo "no kernel of KERNELS=$(KERNELS) runs on this CPU"; exit 1; }

notebooks: $(STAMP)
	$(BIN)/python -m tools.build

# Slides work offline: reveal.js comes from npm (pinned in tools/slides/package-lock.json), installed once into
# .venv; Voila serves it with the course's template (tools/slides/). Run `make slides` once online before class.
$(VENV)/.installed-slides: tools/slides/package.json tools/slides/package-lock.json $(STAMP)
	command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm)
	$(BIN)/python -m tools.slides --install-assets
	touch $@

slides: $(VENV)/.installed-slides
	$(if $(wildcard solutions/$(LESSON)_*.ipynb),,$(error no lesson solutions/$(LESSON)_*.ipynb: try LESSON=01))
	$(BIN)/python -m tools.slides --serve $(wildcard solutions/$(LESSON)_*.ipynb)

$(VENV)/.installed-browser: requirements-browser.txt $(STAMP)
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	$(BIN)/python -m pip install --quiet -r requirements-browser.txt
	touch $@

# every static figure and widget image of the lessons, at 2x pixels, in one folder (ignored by git);
# `make test-browser` adds screenshots/figures/lab_*.png: each widget with its controls in Chromium at DPR 2
screenshots: $(STAMP)
	$(BIN)/python -m tools.screenshots

test-browser: $(VENV)/.installed-browser $(VENV)/.installed-slides
	RUN_BROWSER_TESTS=1 $(BIN)/python -m pytest -q -p no:cacheprovider -x tests/browser --durations=0

$(VENV)/.installed-bench: requirements-bench.txt $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	touch $@

# The speed goals the tests must not assert (a busy machine is slow, not broken): the training step against a
# bare-numpy floor and PyTorch, every widget in Chromium against its budget and the bare round trip, every lesson's
# Run All, `make test`. Run it on an idle machine; each table carries the load average it was measured at.
bench: $(VENV)/.installed-bench $(VENV)/.installed-browser
	$(BIN)/python -m benchmarks.run

# Grading a class (docs/grading.md). The sandbox is bubblewrap; without a sandbox that passes its self-test grading
# refuses (exit 2) unless GRADE_FLAGS=--no-sandbox.
SUBMISSIONS ?= submissions
REPORT      ?= report
GRADE_FLAGS ?=
BWRAP_INSTALL = command -v bwrap >/dev/null || (apt-get update -qq && apt-get install -y -qq bubblewrap) || \
  echo "could not install bubblewrap (apt-get install bubblewrap): grading will refuse without a sandbox"
grade: $(STAMP)
	@$(BWRAP_INSTALL)
	$(BIN)/python -m tools.grade $(SUBMISSIONS) --out $(REPORT) $(GRADE_FLAGS)

# the grader's unit tests, then a hostile class graded for real (escapes as root, forgeries, memory hogs, layouts)
test-grading: $(STAMP)
	@$(BWRAP_INSTALL)
	RUN_GRADING_TESTS=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_grade.py tests/test_grading_hostile.py \
	  --durations=5

# CPU-seconds per notebook and wall time for 40 learners x one lesson -> benchmarks/GRADING.md
bench-grading: $(STAMP)
	@$(BWRAP_INSTALL)
	$(BIN)/python -m benchmarks.bench_grading

NBGRADER_COURSE ?= nbgrader-course
nbgrader: $(STAMP)
	$(BIN)/python -m tools.nbgrader_export --out $(NBGRADER_COURSE)

# nbgrader gets its own venv: its JupyterLab extensions do not belong in a learner's JupyterLab (.venv).
NBG_VENV = .venv-nbgrader
$(NBG_VENV)/.installed: requirements.txt requirements-grading.txt
	test -x $(NBG_VENV)/bin/python || $(PYTHON) -m venv $(NBG_VENV)
	$(NBG_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(NBG_VENV)/bin/python -m pip install --quiet -r requirements.txt -r requirements-grading.txt
	touch $@

test-nbgrader: $(NBG_VENV)/.installed
	PATH="$(CURDIR)/$(NBG_VENV)/bin:$$PATH" $(NBG_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/test_nbgrader.py

# A local JupyterHub with 10 simulated learners (docs/hub.md): own venv, configurable-http-proxy from npm.
HUB_VENV = .venv-hub
$(HUB_VENV)/.installed: requirements.txt requirements-hub.txt benchmarks/hub/package-lock.json
	command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq nodejs npm)
	test -x $(HUB_VENV)/bin/python || $(PYTHON) -m venv $(HUB_VENV)
	$(HUB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(HUB_VENV)/bin/python -m pip install --quiet -r requirements.txt -r requirements-hub.txt
	cd benchmarks/hub && npm ci --no-audit --no-fund --loglevel=error
	touch $@

bench-hub: $(HUB_VENV)/.installed
	$(HUB_VENV)/bin/python -m benchmarks.bench_hub --learners 10 --lesson 01
	$(HUB_VENV)/bin/python -m benchmarks.bench_hub --learners 10 --lesson 08

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache screenshots
	find . -name __pycache__ -prune -exec rm -rf {} +
