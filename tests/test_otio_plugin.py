"""The OTIO plugin, tested through OpenTimelineIO's own plugin loader.

In process (the editable install): the manifest OTIO loads holds our ``spotting_notes`` adapter (our file)
and the ``scoreplan_post_plan`` hook; ``.spot`` notes from a plan stored by ``apply`` in a ``.otio`` and from
a timeline planned on the spot, over every corpus file; the studio hooks (the example in
``tests/data/otio_hooks``) and broken ones. Once per session: the wheel, installed into a fresh venv.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import opentimelineio as otio
import pytest
from conftest import REPO, SAMPLES, corpus_files, corpus_id, read_once

from otio_scoreplan.analyse import analyse
from otio_scoreplan.errors import InputError, ScorePlanError
from otio_scoreplan.formats import read_source
from otio_scoreplan.formats.writeback import apply_plan
from otio_scoreplan.otio_plugin import POST_PLAN_HOOK, plugin_manifest
from otio_scoreplan.otio_plugin.hooks import HookError, run_post_plan_hooks
from otio_scoreplan.otio_plugin.spotting import timeline_plan
from otio_scoreplan.plan import make_plan

HOOKS = Path(__file__).parent / "data" / "otio_hooks"
PREMIERE = SAMPLES / "premiere_sample.xml"
RESOLVE = SAMPLES / "resolve_sample.fcpxml"
GENERIC_SUFFIXES = {"xml", "csv", "md", "txt", "json", "html", "pdf", "otio", "edl", "aaf", "fcpxml", "mid"}


def notes_cue_ids(text: str) -> list[str]:
    """The first column of the Markdown cue table of a spotting-notes text."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| Cue |"))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append(line.split("|")[1].strip())
    return rows


def plan_of(path: Path):
    """The session's shared read of ``path`` (never changed here) and the plan ``spot`` makes of it."""
    source, analysis = read_once(path)
    return source, make_plan([analysis])


def applied_otio(tmp_path: Path, path: Path = PREMIERE) -> tuple[Path, list[str]]:
    """``path`` planned and applied to a ``.otio`` (the plan stored in it); that file and the plan's cue ids."""
    source, plan = plan_of(path)
    out = tmp_path / f"{path.stem}.otio"
    apply_plan(source, plan, out)
    return out, [c.id for c in plan.cues]


@pytest.fixture
def studio_manifest(monkeypatch, tmp_path):
    """Load a studio manifest as a studio would (``OTIO_PLUGIN_MANIFEST_PATH``); OTIO's manifest restored after."""

    def load(manifest: Path) -> None:
        monkeypatch.setenv("OTIO_PLUGIN_MANIFEST_PATH", str(manifest))
        otio.plugins.ActiveManifest(force_reload=True)

    def attach(*scripts: str) -> None:
        doc = {
            "OTIO_SCHEMA": "PluginManifest.1",
            "hook_scripts": [{"OTIO_SCHEMA": "HookScript.1", "name": Path(s).stem, "filepath": str(HOOKS / s)}
                             for s in scripts],
            "hooks": {POST_PLAN_HOOK: [Path(s).stem for s in scripts]},
        }
        path = tmp_path / "studio_manifest.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        load(path)

    attach.load = load  # type: ignore[attr-defined]
    yield attach
    monkeypatch.undo()
    otio.plugins.ActiveManifest(force_reload=True)


# --- the plugin as OTIO loads it ---------------------------------------------------------------------------

def test_otio_loads_our_adapter_and_hook():
    manifest = otio.plugins.ActiveManifest(force_reload=True)
    adapter = otio.adapters.from_name("spotting_notes")
    path = Path(adapter.module_abs_path()).resolve()
    assert path == (REPO / "adapters" / "spotting_notes.py").resolve()
    assert Path(adapter.module().__file__).resolve() == path
    assert list(adapter.suffixes) == ["spot"]
    assert manifest.from_filepath("spot") is adapter
    assert adapter.has_feature("write_to_file") and adapter.has_feature("write_to_string")
    assert not adapter.has_feature("read_from_file") and not adapter.has_feature("read_from_string")
    assert POST_PLAN_HOOK in otio.hooks.names()
    assert str((REPO / "otio_scoreplan" / "otio_plugin" / "__init__.py").resolve()) in manifest.source_files
    ours = plugin_manifest()
    assert {s for a in ours.adapters for s in a.suffixes}.isdisjoint(GENERIC_SUFFIXES)
    assert all(os.path.isabs(a.filepath) and Path(a.filepath).is_file() for a in ours.adapters)


def test_manifest_file_alone_through_otio_plugin_manifest_path(tmp_path):
    """With entry points off, the manifest still works from its own folder (relative file paths)."""
    script = textwrap.dedent(f"""
        import opentimelineio as otio
        a = otio.adapters.from_name("spotting_notes")
        tl = otio.adapters.read_from_file({str(SAMPLES / "sample.otio")!r})
        otio.adapters.write_to_file(tl, "x.spot")
        print(a.module_abs_path())
    """)
    env = dict(os.environ, OTIO_DISABLE_ENTRYPOINTS_PLUGINS="1",
               OTIO_PLUGIN_MANIFEST_PATH=str(REPO / "adapters" / "plugin_manifest.json"))
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert Path(run.stdout.strip()).resolve() == (REPO / "adapters" / "spotting_notes.py").resolve()
    assert notes_cue_ids((tmp_path / "x.spot").read_text(encoding="utf-8"))


# --- spotting notes ------------------------------------------------------------------------------------

def test_spot_from_a_plain_otio_timeline_plans_on_the_spot(tmp_path):
    timeline = otio.adapters.read_from_file(str(SAMPLES / "sample.otio"))
    before = otio.adapters.write_to_string(timeline)
    out = tmp_path / "sample.spot"
    otio.adapters.write_to_file(timeline, str(out), adapter_name="spotting_notes", title="ANNA")
    text = out.read_text(encoding="utf-8")
    _, plan = plan_of(SAMPLES / "sample.otio")
    assert plan.cues
    assert notes_cue_ids(text) == [c.id for c in plan.cues]
    seq = plan.sequences[0]
    for cue in plan.cues:
        assert f"| {cue.id} | {cue.reel} | {seq.timecode(cue.start_frame)} | {seq.timecode(cue.end_frame)} |" in text
    assert text.startswith("# Spotting notes: ANNA - ")
    assert otio.adapters.write_to_string(timeline) == before  # the caller's timeline is left as it was
    # chosen by suffix alone, too
    otio.adapters.write_to_file(timeline, str(tmp_path / "again.spot"), title="ANNA")
    assert (tmp_path / "again.spot").read_text(encoding="utf-8") == text


def test_spot_uses_the_plan_apply_stored(tmp_path):
    otio_file, ids = applied_otio(tmp_path)
    timeline = otio.adapters.read_from_file(str(otio_file))
    stored = timeline.metadata["scoreplan"]
    assert stored["plan"]["schema"] == "otio-scoreplan/plan" and stored["plan_input"] == 0
    # a person edits the stored plan: the notes show the edit, so they come from the metadata, not a new plan
    stored["plan"]["cues"][0]["description"] = "EDITED BY THE MUSIC EDITOR"
    text = otio.adapters.write_to_string(timeline, adapter_name="spotting_notes")
    assert notes_cue_ids(text) == ids
    assert "EDITED BY THE MUSIC EDITOR" in text
    plan, doc = timeline_plan(timeline)
    assert doc is not None and [c.id for c in plan.cues] == ids


def test_spot_after_the_cut_changed_plans_again_keeping_ids(tmp_path, caplog):
    otio_file, ids = applied_otio(tmp_path)
    timeline = otio.adapters.read_from_file(str(otio_file))
    picture = next(t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video)
    clip = next(c for c in picture if isinstance(c, otio.schema.Clip))
    clip.source_range = otio.opentime.TimeRange(clip.source_range.start_time,
                                                clip.source_range.duration - otio.opentime.RationalTime(12, clip.source_range.duration.rate))
    with caplog.at_level(logging.WARNING):
        plan, doc = timeline_plan(timeline)
    assert doc is None
    assert any("cut changed" in r.getMessage() for r in caplog.records)
    assert plan.cues and {c.id for c in plan.cues} & set(ids)


def test_spot_of_one_reel_of_a_two_reel_plan(tmp_path):
    sources = [read_source(PREMIERE), read_source(RESOLVE)]
    plan = make_plan([analyse(s) for s in sources])
    reel2 = [c for c in plan.cues if c.input == 1]
    assert reel2 and len(reel2) < len(plan.cues)
    out = tmp_path / "reel2.otio"
    apply_plan(sources[1], plan, out, input_index=1)
    timeline = otio.adapters.read_from_file(str(out))
    text = otio.adapters.write_to_string(timeline, adapter_name="spotting_notes")
    assert notes_cue_ids(text) == [c.id for c in reel2]
    mine, doc = timeline_plan(timeline)
    assert doc is not None and len(mine.sequences) == 1 and mine.sequences[0].name == plan.sequences[1].name
    assert all(c.input == 0 for c in mine.cues)
    ids = {c.id for c in mine.cues}
    assert all(set(t.cues) <= ids and t.cues for t in mine.themes)


@pytest.mark.parametrize("path", corpus_files(), ids=corpus_id)
def test_corpus_spotting_notes(path, tmp_path):
    """Every readable corpus file: planned on the spot from our reader's timeline, the plan is the one
    ``spot`` makes; applied to a ``.otio`` and read back by plain OTIO, the stored plan is the one used."""
    try:
        source, plan = plan_of(path)
    except ScorePlanError as exc:
        pytest.skip(f"not readable alone: {exc.one_line()[:120]}")
    if plan.sequences[0].duration_frames <= 0:
        pytest.skip("an empty sequence: nothing to plan")
    key = lambda p: [(c.id, c.start_frame, c.end_frame, c.kind) for c in p.cues]  # noqa: E731
    spot, doc = timeline_plan(source.timeline)
    assert doc is None and key(spot) == key(plan)
    seq, mine = plan.sequences[0], spot.sequences[0]
    assert (mine.rate, mine.start_frame, mine.duration_frames) == (seq.rate, seq.start_frame, seq.duration_frames)
    out = tmp_path / "applied.otio"
    apply_plan(source, plan, out)
    timeline = otio.adapters.read_from_file(str(out))
    stored, doc = timeline_plan(timeline)
    assert doc is not None, "the stored plan was not used: the cut read back from the .otio has another fingerprint"
    assert key(stored) == key(plan)
    notes = tmp_path / "applied.spot"
    otio.adapters.write_to_file(timeline, str(notes), adapter_name="spotting_notes")
    text = notes.read_text(encoding="utf-8")
    if plan.cues:
        assert notes_cue_ids(text) == [c.id for c in plan.cues]
    else:
        assert "No cues are planned." in text


def test_adapter_refuses_what_is_not_a_timeline_in_one_line(tmp_path):
    collection = otio.schema.SerializableCollection(name="bin")
    with pytest.raises(InputError, match="writes one Timeline, not a SerializableCollection"):
        otio.adapters.write_to_string(collection, adapter_name="spotting_notes")
    empty = otio.schema.Timeline(name="empty")
    empty.tracks.append(otio.schema.Track(name="V1"))
    empty.global_start_time = otio.opentime.RationalTime(0, 24)
    with pytest.raises(InputError, match=r"^timeline 'empty': the sequence is empty"):
        otio.adapters.write_to_file(empty, str(tmp_path / "x.spot"), adapter_name="spotting_notes")
    assert not (tmp_path / "x.spot").exists()


# --- hooks -------------------------------------------------------------------------------------------

def test_no_hook_attached_gives_the_plan_back():
    _, plan = plan_of(PREMIERE)
    assert list(otio.hooks.scripts_attached_to(POST_PLAN_HOOK)) == []
    assert run_post_plan_hooks(plan) is plan


def test_studio_hook_renumbers_cues_and_themes_follow(studio_manifest):
    studio_manifest.load(HOOKS / "plugin_manifest.json")  # the example manifest, as a studio would use it
    assert list(otio.hooks.scripts_attached_to(POST_PLAN_HOOK)) == ["studio_cue_numbers"]
    _, plan = plan_of(PREMIERE)
    hooked = run_post_plan_hooks(plan, [str(PREMIERE)])
    assert [c.id for c in hooked.cues] == [f"ANNA-1M{int(c.id[2:]):02d}" for c in plan.cues]
    assert [(c.start_frame, c.end_frame) for c in hooked.cues] == [(c.start_frame, c.end_frame) for c in plan.cues]
    assert all(c.reasons[-1] == f"numbered by the studio hook ({POST_PLAN_HOOK})" for c in hooked.cues)
    assert plan.themes and [t.cues for t in hooked.themes] == [tuple(f"ANNA-1M{int(i[2:]):02d}" for i in t.cues)
                                                               for t in plan.themes]
    assert all(t.introduced_by in {c.id for c in hooked.cues} for t in hooked.themes)
    # the adapter runs the hook when it plans on the spot
    timeline = read_source(PREMIERE).timeline
    text = otio.adapters.write_to_string(timeline, adapter_name="spotting_notes")
    assert notes_cue_ids(text) == [c.id for c in hooked.cues]


def test_hooks_run_in_order_each_on_the_last_result(studio_manifest, monkeypatch):
    monkeypatch.setenv("STUDIO_PRODUCTION_CODE", "X")
    studio_manifest("studio_cue_numbers.py", "studio_cue_numbers.py")
    _, plan = plan_of(PREMIERE)
    hooked = run_post_plan_hooks(plan)
    # the second run sees ids that are no longer "1M1": it leaves them alone
    assert [c.id for c in hooked.cues] == [f"X-1M{int(c.id[2:]):02d}" for c in plan.cues]


@pytest.mark.parametrize("script, message", [
    ("duplicate_ids.py", r"hook script 'duplicate_ids' returned a bad plan: malformed plan: cues\[1\] \(1M1\): the same id"),
    ("returns_nothing.py", r"hook script 'returns_nothing' returned NoneType, not an OTIO Timeline"),
    ("raises.py", r"hook script 'raises' failed: RuntimeError: the studio database is offline \(retry later\)$"),
])
def test_broken_hook_is_one_line_error_naming_the_script(studio_manifest, script, message):
    studio_manifest(script)
    _, plan = plan_of(PREMIERE)
    with pytest.raises(HookError, match=message) as info:
        run_post_plan_hooks(plan)
    assert info.value.path == str(HOOKS / script)
    assert "\n" not in info.value.one_line()
    with pytest.raises(HookError):
        otio.adapters.write_to_string(read_source(PREMIERE).timeline, adapter_name="spotting_notes")


# --- the wheel, installed into a fresh venv ---------------------------------------------------------------

WHEEL_SCRIPT = r"""
import json, sys
from pathlib import Path
import opentimelineio as otio
import otio_scoreplan
sample, out = sys.argv[1], Path(sys.argv[2])
adapter = otio.adapters.from_name("spotting_notes")
tl = otio.adapters.read_from_file(sample)
otio.adapters.write_to_file(tl, str(out), adapter_name="spotting_notes", title="ANNA")
otio.adapters.write_to_file(tl, str(out.with_name("by_suffix.spot")))
print(json.dumps({
    "package": otio_scoreplan.__file__,
    "adapter": adapter.module_abs_path(),
    "module": adapter.module().__file__,
    "by_suffix": otio.plugins.ActiveManifest().from_filepath("spot").module_abs_path(),
    "hooks": sorted(otio.hooks.names()),
    "sources": list(otio.plugins.ActiveManifest().source_files),
}))
"""


@pytest.fixture(scope="session")
def wheel_venv(tmp_path_factory) -> Path:
    """The package built as a wheel and installed (with its dependencies from the index) into a fresh venv."""
    root = tmp_path_factory.mktemp("wheel")
    started = time.monotonic()
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q", "-w", str(root / "dist")],
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next((root / "dist").glob("otio_scoreplan-*.whl"))
    venv = root / "venv"
    made = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr[-2000:]
    python = venv / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr[-2000:]
    logging.getLogger(__name__).info("wheel built and installed in %.1f s", time.monotonic() - started)
    return python


def test_wheel_in_a_fresh_venv_registers_our_adapter(wheel_venv, tmp_path):
    site = Path(subprocess.run([str(wheel_venv), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTIO_", "PYTHON", "VIRTUAL_ENV"))}
    out = tmp_path / "sample.spot"
    run = subprocess.run([str(wheel_venv), "-c", WHEEL_SCRIPT, str(SAMPLES / "sample.otio"), str(out)],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    facts = json.loads(run.stdout)
    ours = site / "otio_scoreplan"
    assert Path(facts["package"]).parent == ours  # not the source tree
    assert Path(facts["adapter"]) == ours / "adapters" / "spotting_notes.py"
    assert Path(facts["module"]) == Path(facts["adapter"]) == Path(facts["by_suffix"])
    assert POST_PLAN_HOOK in facts["hooks"]
    assert str(ours / "otio_plugin" / "__init__.py") in facts["sources"]
    text = out.read_text(encoding="utf-8")
    _, plan = plan_of(SAMPLES / "sample.otio")
    assert notes_cue_ids(text) == [c.id for c in plan.cues] and plan.cues
    assert notes_cue_ids((tmp_path / "by_suffix.spot").read_text(encoding="utf-8")) == notes_cue_ids(text)
    # a studio hook, attached the studio's way, runs in the installed package too
    env["OTIO_PLUGIN_MANIFEST_PATH"] = str(HOOKS / "plugin_manifest.json")
    run = subprocess.run([str(wheel_venv), "-c", WHEEL_SCRIPT, str(SAMPLES / "sample.otio"), str(tmp_path / "hooked.spot")],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    hooked = notes_cue_ids((tmp_path / "hooked.spot").read_text(encoding="utf-8"))
    assert hooked == [f"ANNA-1M{int(c.id[2:]):02d}" for c in plan.cues]


def test_cli_spot_and_apply_run_the_post_plan_hook(tmp_path):
    """`scoreplan spot` and `apply` (planning on the spot) pass their plan through the studio's hook."""
    import json
    import os
    import subprocess
    import sys

    env = dict(os.environ, OTIO_PLUGIN_MANIFEST_PATH=str(HOOKS / "plugin_manifest.json"), STUDIO_PRODUCTION_CODE="TEST")
    sample = REPO / "sample_timelines" / "premiere_sample.xml"
    run = lambda *a: subprocess.run([sys.executable, "-m", "otio_scoreplan", *a], capture_output=True, text=True,  # noqa: E731
                                    env=env, timeout=300)
    proc = run("spot", "--json", str(sample))
    assert proc.returncode == 0, proc.stderr
    ids = [c["id"] for c in json.loads(proc.stdout)["cues"]]
    assert ids and all(i.startswith("TEST-1M0") for i in ids), ids
    out = tmp_path / "cut.xml"
    proc = run("apply", str(sample), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "<name>TEST-1M01" in out.read_text(encoding="utf-8")


DECODE_SCRIPT = r"""
import json, subprocess, sys
import numpy as np
from otio_scoreplan.audio.decode import decode, decode_segment, ffmpeg_exe
from otio_scoreplan.audio.bwf import write_bwf
folder = sys.argv[1]
tone = (0.2 * np.sin(2 * np.pi * 440 * np.arange(48000 * 2) / 48000)).astype(np.float32)
write_bwf(folder + "/tone.wav", np.stack([tone, tone], axis=1))
out = {}
for ext in ("mp3", "aiff", "m4a"):
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-i", folder + "/tone.wav", folder + "/tone." + ext], check=True)
    samples = decode(folder + "/tone." + ext)
    seg = decode_segment(folder + "/tone." + ext)
    out[ext] = [int(samples.shape[0]), int(samples.shape[1]), float(np.sqrt(np.mean(samples ** 2))), len(seg)]
print(json.dumps(out))
"""


def test_mp3_aiff_m4a_decode_in_a_fresh_venv_with_nothing_on_path(wheel_venv, tmp_path):
    """pip alone sets audio up: the installed package decodes MP3, AIFF and M4A through imageio-ffmpeg's own
    ffmpeg, with no ffmpeg or ffprobe on PATH (pydub would ask for ffprobe)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTIO_", "PYTHON", "VIRTUAL_ENV", "IMAGEIO"))}
    env["PATH"] = str(tmp_path / "empty")
    run = subprocess.run([str(wheel_venv), "-c", DECODE_SCRIPT, str(tmp_path)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    facts = json.loads(run.stdout)
    for ext, (frames, channels, rms, ms) in facts.items():
        assert channels == 2, ext
        assert abs(frames - 96000) <= 2048, (ext, frames)  # encoders pad by a few hundred samples at most
        assert abs(rms - 0.2 / 2 ** 0.5) < 0.02, (ext, rms)  # the tone itself, not silence or noise
        assert abs(ms - 2000) < 50, (ext, ms)
