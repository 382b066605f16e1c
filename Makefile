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
	@echo "== The cue plan (scoreplan spot) =="
	$(VENV)/bin/scoreplan spot $(SAMPLE)
	$(VENV)/bin/scoreplan spot --json $(SAMPLE) > $(OUT)/premiere_sample.plan.json
	@echo "== The cut written back with cue markers and temp tracks (scoreplan apply) =="
	$(VENV)/bin/scoreplan apply $(SAMPLE) --plan $(OUT)/premiere_sample.plan.json -o $(OUT)/premiere_sample.scoreplan.xml --media-dir $(OUT)/media
	@echo
	@echo "Outputs are in $(CURDIR)/$(OUT):"
	@echo "  premiere_sample.plan.json      the cue plan (edit it, then: scoreplan apply --plan)"
	@echo "  premiere_sample.scoreplan.xml  the cut for Premiere Pro, with cue markers and TEMP MX tracks"
	@echo "  media/                         the audio the temp clips play"

test: $(VENV)/.installed
	$(PY) -m pytest -q

# The benchmarks of issue 7 (about 20 minutes; never part of `make test`): scoreplan beside plain OTIO,
# printed and written into BENCHMARKS.md. Inputs are made once in bench/out/ (not in git) and reused.
.PHONY: bench
bench: $(VENV)/.installed
	$(PY) bench/run.py --doc BENCHMARKS.md
