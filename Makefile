# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SAMPLE := sample_timelines/premiere_sample.xml

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,video]'
	touch $@

.PHONY: demo test
OUT := demo_out

demo: $(VENV)/.installed
	@mkdir -p $(OUT)
	@echo "== What the cut holds (scoreplan inspect) =="
	$(VENV)/bin/scoreplan inspect $(SAMPLE)
	@echo "== A temp-music library, synthesised (no real music ships) =="
	$(PY) tools/make_demo_library.py $(OUT)/library
	$(VENV)/bin/scoreplan library $(OUT)/library
	@echo "== The cue plan, with temp picks (scoreplan spot) =="
	$(VENV)/bin/scoreplan spot $(SAMPLE) --library $(OUT)/library
	$(VENV)/bin/scoreplan spot --json $(SAMPLE) --library $(OUT)/library > $(OUT)/premiere_sample.plan.json
	@echo "== The cut written back with cue markers and fitted temp tracks (scoreplan apply) =="
	$(VENV)/bin/scoreplan apply $(SAMPLE) --plan $(OUT)/premiere_sample.plan.json -o $(OUT)/premiere_sample.scoreplan.xml --media-dir $(OUT)/media
	@echo "== The temp-score preview mix (scoreplan render) =="
	$(VENV)/bin/scoreplan render $(OUT)/premiere_sample.plan.json --library $(OUT)/library -o $(OUT)/temp_score_mix.wav
	@echo "== Spotting notes for the composer (scoreplan notes) =="
	@for ext in csv md html pdf mid; do \
	  $(VENV)/bin/scoreplan notes $(OUT)/premiere_sample.plan.json --title "ANNA (demo)" -o $(OUT)/spotting_notes.$$ext || exit 1; \
	done
	$(VENV)/bin/scoreplan notes $(OUT)/premiere_sample.plan.json --title "ANNA (demo)" --cue-sheet $(OUT)/cue_sheet.csv \
	  --avid-markers $(OUT)/avid_markers.txt --resolve-markers $(OUT)/resolve_markers.edl --themes $(OUT)/themes.md
	@echo
	@echo "Outputs are in $(CURDIR)/$(OUT):"
	@echo "  premiere_sample.plan.json      the cue plan with temp picks (edit it, then: scoreplan apply --plan)"
	@echo "  premiere_sample.scoreplan.xml  the cut for Premiere Pro, with cue markers and TEMP MX tracks"
	@echo "  media/                         the fitted temp cues the new clips play (BWF, spotted to timecode)"
	@echo "  temp_score_mix.wav             the whole temp score as one preview mix from the sequence start"
	@echo "  spotting_notes.{csv,md,html,pdf,mid}  spotting notes; .mid is a DAW marker file"
	@echo "  cue_sheet.csv, avid_markers.txt, resolve_markers.edl, themes.md"
	@echo "  library/                       the synthesised temp-music library"

# Two workers (CI has 2 cores): about 7 minutes instead of about 20 on a loaded machine. --dist loadfile keeps
# each test module on one worker, so a module's fixtures (e.g. the AAF write-back pool) run once.
# ruff (lint and import order), the layer contracts (lint-imports) and the strict type check of the plan model
# and the pipeline (mypy) run first; all three are configured in pyproject.toml.
test: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy
	$(PY) -m pytest -q -n 2 --dist loadfile

# The benchmarks of issue 7 (about 20 minutes; never part of `make test`): scoreplan beside plain OTIO,
# printed and written into BENCHMARKS.md. Inputs are made once in bench/out/ (not in git) and reused.
.PHONY: bench
bench: $(VENV)/.installed
	$(PY) bench/run.py --doc BENCHMARKS.md

# The spotting evaluation of issue 13 (about 3 minutes: 72 tuning-grid points per held-out edit; never part of
# `make test`, which runs a one-edit smoke test of it): the planner on real edits with their music taken out,
# against the editors' own music placement (frozen truth in tools/eval/truth/), beside the baselines; the tables go
# into EVALUATION.md.
.PHONY: eval-spotting
eval-spotting: $(VENV)/.installed
	$(PY) tools/eval/run.py --write EVALUATION.md

# The planner's property tests on new random cuts (issue 13), outside `make test` (which keeps their fixed
# examples): SEED defaults to the time and is printed, so a failure replays with the same SEED; EXAMPLES per test.
ifeq ($(origin SEED), undefined)
SEED := $(shell date -u +%s)
endif
EXAMPLES ?= 3000
.PHONY: search-plans
search-plans: $(VENV)/.installed
	@echo "SCOREPLAN_SEED=$(SEED) SCOREPLAN_EXAMPLES=$(EXAMPLES)"
	SCOREPLAN_SEED=$(SEED) SCOREPLAN_EXAMPLES=$(EXAMPLES) $(PY) -m pytest -q -p no:cacheprovider tests/test_plan_properties.py

# Hostile-input fuzzing at scale (issue 7), outside `make test`: seeded mutations of every corpus file
# through inspect/spot/apply, ~10 minutes; prints each kind of finding with a replay command.
FUZZ_CASES ?= 20000
FUZZ_MINUTES ?= 10
FUZZ_SEED ?= 1
.PHONY: fuzz
fuzz: $(VENV)/.installed
	$(PY) fuzz/run.py --cases $(FUZZ_CASES) --minutes $(FUZZ_MINUTES) --seed $(FUZZ_SEED)
