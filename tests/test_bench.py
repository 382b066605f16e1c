"""The benchmark harness (bench/): seeded generator, corpus scaling, whole-process measuring, verdicts.

The benchmarks themselves run with `make bench`; these tests keep the harness honest at small sizes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import measure  # noqa: E402
import report  # noqa: E402
import scale  # noqa: E402

from otio_scoreplan.analyse import analyse  # noqa: E402
from otio_scoreplan.formats import ReadOptions, read_source  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def test_generator_is_seeded_and_has_the_promised_shape():
    import opentimelineio as otio

    small = generate.SIZES["small"]
    a = generate.build_timeline(small)
    assert otio.adapters.write_to_string(a, "otio_json") == otio.adapters.write_to_string(generate.build_timeline(small), "otio_json")
    assert otio.adapters.write_to_string(a, "otio_json") != otio.adapters.write_to_string(generate.build_timeline(small, seed=8), "otio_json")
    v1 = a.tracks[0]
    assert len(v1.find_clips()) == 50
    assert len(a.tracks) == 5 and [t.kind for t in a.tracks[1:]] == ["Audio"] * 4
    assert v1.duration().rescaled_to(generate.RATE).value == 2880
    assert len(a.tracks.markers) == small.markers == 5
    assert any(m.name.startswith("MUSIC IN") for m in a.tracks.markers)
    assert v1.find_children(descended_from_type=otio.schema.Transition)
    assert (generate.SIZES["reel"].markers, generate.SIZES["feature"].markers) == (50, 300)


@pytest.mark.parametrize("fmt", ["fcp7_xml", "fcpxml", "edl", "otio"])
def test_generated_small_cut_reads_back_with_its_shots_and_markers(tmp_path, fmt):
    path = tmp_path / f"small{generate.FORMATS[fmt][1]}"
    generate.make_one(tmp_path, generate.SIZES["small"], fmt, generate.SEED, path)
    analysis = analyse(read_source(path, ReadOptions(rate=generate.RATE if fmt == "edl" else None)))
    assert len(analysis.shots) == 50
    assert analysis.sequence.duration_frames == 2880
    assert abs(analysis.sequence.rate - 24000 / 1001) < 1e-6
    assert len(analysis.annotations) == 5 and not analysis.unplaced_annotations
    assert any("music in" in a.name.lower() for a in analysis.annotations)


def test_scaled_xmeml_repeats_the_cut_to_the_length_asked(tmp_path):
    src = CORPUS / "premiere" / "nrk_UA4-konsulentteam-CC.xml"
    before = analyse(read_source(src))
    assert scale.copies_for(before.sequence.duration_frames / 25) == 36  # two hours, as make bench makes it
    n, _ = scale.scale_xmeml(src, tmp_path / "ua4.xml", target=500)
    after = analyse(read_source(tmp_path / "ua4.xml"))
    assert n == 3
    assert after.sequence.duration_frames == n * before.sequence.duration_frames >= 500 * 25
    assert len(after.shots) == n * len(before.shots)
    assert len(after.annotations) == n * len(before.annotations)


def test_scaled_edl_shifts_record_times_and_locators(tmp_path):
    src = CORPUS / "avid" / "pycmx_INS4_R1_DX_092117.edl"
    opts = ReadOptions(rate=24.0)
    before = analyse(read_source(src, opts))
    n, events = scale.scale_edl(src, tmp_path / "dx.edl", 24.0, target=2000)
    after = analyse(read_source(tmp_path / "dx.edl", opts))
    assert n == 2 and after.sequence.duration_frames >= 2000 * 24
    assert len(after.audio_clips) == n * len(before.audio_clips)
    assert len(after.annotations) == n * len(before.annotations) > 0
    assert events == n * sum(1 for ln in src.read_text(encoding="utf-8-sig").splitlines() if scale.EVENT.match(ln))


def test_scaled_fcpxml_keeps_markers_and_lanes(tmp_path):
    src = CORPUS / "fcpx" / "fcpx_project.fcpxml"
    before = analyse(read_source(src))
    n, _ = scale.scale_fcpxml(src, tmp_path / "p.fcpxml", target=600)
    assert n == 4
    after = analyse(read_source(tmp_path / "p.fcpxml"))
    assert len(after.shots) == n * len(before.shots)
    assert len(after.annotations) == n * len(before.annotations)
    assert len(after.audio_clips) == n * len(before.audio_clips)


def test_measure_reports_exit_status_peak_memory_and_kills_at_timeout(tmp_path):
    ok = measure.run_once([sys.executable, "-c", "x = bytearray(80 * 2**20)"], tmp_path / "ok.log", 60)
    assert ok.returncode == 0 and ok.peak_mb >= 80
    bad = measure.run_once([sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"], tmp_path / "bad.log", 60)
    assert bad.returncode == 3 and bad.stderr_tail == "boom"
    ballast = bytearray(300 * 2**20)  # noqa: F841 -- the harness's own size must not count as the child's
    small = measure.run_once([sys.executable, "-c", "pass"], tmp_path / "small.log", 60)
    assert small.returncode == 0 and small.peak_mb < 100
    # killed at the timeout (returncode None): no wall-time bound asserted; the timeout leaves the child ample
    # time under load to allocate and say so before the kill, so its peak is read from the live process
    slow = measure.run_once([sys.executable, "-c", "import time; x = bytearray(120 * 2**20); print('ready', flush=True)"
                             "; time.sleep(120)"], tmp_path / "slow.log", 6)
    assert slow.returncode is None and slow.stderr_tail == "ready" and 120 <= slow.peak_mb < 250


def _case(fmt, size, apply_s, otio_s, origin="generated", timed_out=False):
    run = lambda s, rc=0: {"seconds": s, "returncode": rc, "peak_mb": 1.0, "stderr_tail": ""}  # noqa: E731
    otio = {"median": None if timed_out else otio_s, "timed_out": timed_out, "error": "", "peak_mb": 1.0,
            "runs": [run(otio_s, None if timed_out else 0)]}
    return {"name": f"{size}.{fmt}", "fmt": fmt, "size": size, "origin": origin, "shots": 1, "skipped": "",
            "apply": {"median": apply_s, "timed_out": False, "error": "", "peak_mb": 1.0, "runs": [run(apply_s)]},
            "otio": otio}


def test_verdicts_follow_the_targets():
    assert report.verdict(_case("fcp7_xml", "feature", 5.0, 9.0)) == "MISSED"  # 0.56 > 0.5 on the FCP7 feature
    assert report.verdict(_case("fcp7_xml", "feature", 4.0, 9.0)) == "met"
    assert report.verdict(_case("fcpxml", "feature", 5.0, 9.0)) == "met"  # other formats: no slower than OTIO
    assert report.verdict(_case("fcp7_xml", "reel", 12.0, 9.0)) == "(no target)"  # the targets are on the feature
    assert report.verdict(_case("aaf", "feature", 11.0, 10.0)) == "MISSED"
    assert report.verdict(_case("aaf", "feature", 50.0, 240.0, timed_out=True)) == "met (OTIO killed)"
    assert report.ratio_text(_case("aaf", "feature", 60.0, 240.0, timed_out=True)) == "< 0.25"
    cases = [_case("edl", "reel", 2.0, 1.0), _case("edl", "feature", 13.2, 6.0)]
    assert report.growth(cases, "edl", "apply") == pytest.approx(1.1)
    assert report.growth(cases, "edl", "otio") == pytest.approx(1.0)
    assert report.growth(cases, "edl", "apply", "cpu_median") is None  # no CPU figures in these cases


def test_doc_update_replaces_only_the_table():
    doc = f"# Benchmarks\n\nprose\n\n{report.BEGIN}\nold\n{report.END}\n\nmore prose\n"
    new = report.update_doc(doc, "new table\n")
    assert "old" not in new and "new table" in new and new.startswith("# Benchmarks\n\nprose") and new.endswith("more prose\n")
    assert report.BEGIN in report.update_doc("# B\n", "t\n")
