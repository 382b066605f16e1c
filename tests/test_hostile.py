"""Hostile and broken input (issue 7): whatever the file, the command line exits 0 or 2, never 3.

Every case runs ``scoreplan inspect`` and, when inspect still reads the file, ``spot`` and ``apply -o``
into a sandbox output folder (in this process, through ``otio_scoreplan._cli.main``: hundreds of cases
in seconds). :mod:`hostile.harness` checks each run: exit status 0 or 2, no traceback, an error in one
line naming the file, the input and every other file unchanged (hashed before and after), nothing
written outside the output folder, and nothing at all left in it when the command failed.

Single refusals already pinned by test_bad_input.py (truncated samples, text/PNG/empty files, entity
bombs and external entities in xmeml, bad rates) are not repeated here. Everything is seeded:
a failure prints the file, the mutations and the seed that reproduce it.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import SAMPLES, TIMELINE_SUFFIXES, corpus_files, corpus_id
from hostile.bigedl import big_edl
from hostile.harness import Sandbox, check_file, problems, run_inprocess, run_subprocess, snapshot
from hostile.mutate import MUTATIONS, mutate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix.lower() in TIMELINE_SUFFIXES and p.is_file())
CORPUS = [p for p in corpus_files() if p.is_file()]


def _seed(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def _smallest_per_format() -> list[Path]:
    """The quickest real files to mutate many times: the samples and the corpus' smallest of each suffix."""
    best: dict[str, Path] = {}
    for p in CORPUS:
        s = p.suffix.lower()
        if s not in best or p.stat().st_size < best[s].stat().st_size:
            best[s] = p
    return SAMPLE_FILES + sorted(best.values())


SEED_FILES = _smallest_per_format()


def _assert_ok(broken: list[str], what: str) -> None:
    assert not broken, f"{what}:\n  " + "\n  ".join(broken)


# -- mutations of the real corpus ------------------------------------------------------------------------

# each corpus file gets one mutation of each kind in turn (by its name), so every kind meets every format
KINDS = sorted(MUTATIONS)


@pytest.mark.parametrize("path", CORPUS + SAMPLE_FILES, ids=lambda p: corpus_id(p) if p in CORPUS else p.name)
def test_corpus_file_mutated(path: Path, tmp_path: Path) -> None:
    """Every corpus file and sample, cut short and mutated once more (kind and seed from its name)."""
    seed = _seed(path.name)
    kind = KINDS[seed % len(KINDS)]
    box = Sandbox(tmp_path)
    for kinds in (["truncate"], [kind]):
        target = box.put(f"{'_'.join(kinds)}_{path.name}", mutate(path.read_bytes(), kinds, seed))
        _, broken = check_file(target, box)
        _assert_ok(broken, f"{path.name} {kinds} seed={seed}")


@settings(max_examples=150, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(path=st.sampled_from(SEED_FILES), kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=3),
       seed=st.integers(0, 2**32 - 1))
def test_mutations_never_crash(path: Path, kinds: list[str], seed: int) -> None:
    """Hypothesis-chosen mutation chains of the small real files: inspect, spot and apply keep the promises."""
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        box = Sandbox(Path(tmp))
        target = box.put(path.name, mutate(path.read_bytes(), kinds, seed))
        extra = ["--rate", "25"] if path.suffix.lower() == ".edl" and seed % 2 else []
        _, broken = check_file(target, box, extra)
    _assert_ok(broken, f"{path.name} {kinds} seed={seed} {extra}")


# -- encodings and line ends of valid files: still read --------------------------------------------------

@pytest.mark.parametrize("kind", ["bom", "crlf"])
@pytest.mark.parametrize("path", [p for p in SAMPLE_FILES if p.suffix.lower() in (".xml", ".fcpxml", ".edl")], ids=lambda p: p.name)
def test_bom_and_line_ends_still_read(path: Path, kind: str, tmp_path: Path) -> None:
    """A byte-order mark or Windows/old-Mac line ends leave a valid timeline valid: all three commands succeed."""
    box = Sandbox(tmp_path)
    for seed in (1, 2, 3):  # crlf: seed 3 gives CR-only ends for some files
        target = box.put(f"{kind}{seed}_{path.name}", mutate(path.read_bytes(), [kind], seed))
        runs, broken = check_file(target, box, expect=0)
        _assert_ok(broken, f"{path.name} {kind} seed={seed}")
        assert [r.argv[0] for r in runs] == ["inspect", "spot", "apply"]


def test_edl_in_a_windows_code_page_is_read(tmp_path: Path) -> None:
    """Avid lists on Windows are cp1252: accented clip names read, nothing refused."""
    box = Sandbox(tmp_path)
    text = (SAMPLES / "avid_sample.edl").read_text(encoding="utf-8").replace("SC 12 - INT. KITCHEN", "SC 12 - INT. CAFÉ")
    target = box.put("cafe.edl", text.encode("cp1252"))
    runs, broken = check_file(target, box, ["--rate", "29.97"], expect=0)
    _assert_ok(broken, "cp1252 EDL")
    assert "CAFÉ" in runs[0].stdout


# -- absurd values in place ------------------------------------------------------------------------------

def _replace_once(path: Path, old: str, new: str) -> bytes:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, 1).encode("utf-8")


def _otio_edit(edit) -> bytes:
    doc = json.loads((SAMPLES / "sample.otio").read_text(encoding="utf-8"))
    edit(doc)
    return json.dumps(doc).encode("utf-8")


def _clips(doc: dict) -> list[dict]:
    found: list[dict] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if str(node.get("OTIO_SCHEMA", "")).startswith("Clip"):
                found.append(node)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc)
    return found


def _set_clip_time(key: str, field: str, value: object):
    def edit(doc: dict) -> None:
        _clips(doc)[1]["source_range"][key][field] = value
    return edit


def _set_marker_time(value: object):
    def edit(doc: dict) -> None:
        for node in _clips(doc):
            if node.get("markers"):
                node["markers"][0]["marked_range"]["start_time"]["value"] = value
                return
        raise AssertionError("sample.otio has no clip marker")
    return edit


PREMIERE = SAMPLES / "premiere_sample.xml"
FCPXML = SAMPLES / "resolve_sample.fcpxml"
EDL = SAMPLES / "avid_sample.edl"

ABSURD = {
    "xmeml-negative-duration": ("neg.xml", lambda: _replace_once(PREMIERE, "<duration>", "<duration>-")),
    "xmeml-clip-end-before-start": ("endstart.xml", lambda: _replace_once(PREMIERE, "<end>", "<end>-")),
    "xmeml-timecode-99": ("tc99.xml", lambda: _replace_once(PREMIERE, "<string>01:00:00:00</string>", "<string>99:99:99:99</string>")),
    "xmeml-huge-frame": ("huge.xml", lambda: _replace_once(PREMIERE, "<frame>86400</frame>", "<frame>99999999999999999999999</frame>")),
    "xmeml-marker-in-nan": ("nan.xml", lambda: _replace_once(PREMIERE, "<in>", "<in>NaN</in><x>")),
    "xmeml-marker-in-1e308": ("marker308.xml", lambda: PREMIERE.read_text(encoding="utf-8").replace(
        "<marker>", "<marker><in>1e308</in><x>", 1).replace("<x>", "", 1).encode()),
    "fcpxml-frame-duration-0": ("fd0.fcpxml", lambda: _replace_once(FCPXML, 'frameDuration="', 'frameDuration="0/0s" x="')),
    "fcpxml-negative-duration": ("negd.fcpxml", lambda: _replace_once(FCPXML, ' duration="', ' duration="-')),
    "fcpxml-offset-divide-by-zero": ("div0.fcpxml", lambda: _replace_once(FCPXML, ' offset="', ' offset="1/0s" y="')),
    "fcpxml-tcstart-huge": ("tcs.fcpxml", lambda: _replace_once(FCPXML, ' tcStart="', ' tcStart="99999999999999999999/1s" z="')),
    "edl-record-99": ("tc99.edl", lambda: _replace_once(EDL, "01:00:06;00 01:00:14;00", "99:99:99:99 01:00:14;00")),
    "edl-record-backwards": ("back.edl", lambda: _replace_once(EDL, "01:00:06;00 01:00:14;00", "01:00:14;00 01:00:06;00")),
    "edl-locator-99": ("loc99.edl", lambda: _replace_once(EDL, "* LOC: 01:00:12;00", "* LOC: 99:99:99;99")),
    "edl-fcm-nonsense": ("fcm.edl", lambda: _replace_once(EDL, "FCM: DROP FRAME", "FCM: \x00\x01 FRAME")),
    "otio-clip-rate-0": ("rate0.otio", lambda: _otio_edit(_set_clip_time("duration", "rate", 0))),
    "otio-clip-rate-negative": ("rateneg.otio", lambda: _otio_edit(_set_clip_time("duration", "rate", -24))),
    "otio-clip-duration-negative": ("durneg.otio", lambda: _otio_edit(_set_clip_time("duration", "value", -500))),
    "otio-clip-duration-1e308": ("dur308.otio", lambda: _otio_edit(_set_clip_time("duration", "value", 1e308))),
    "otio-clip-start-1e308": ("start308.otio", lambda: _otio_edit(_set_clip_time("start_time", "value", -1e308))),
    "otio-marker-1e300": ("marker.otio", lambda: _otio_edit(_set_marker_time(1e300))),
    "otio-start-rate-0": ("gst.otio", lambda: _otio_edit(lambda d: d["global_start_time"].update(rate=0))),
}


@pytest.mark.parametrize("name", sorted(ABSURD))
def test_absurd_values(name: str, tmp_path: Path) -> None:
    """Negative durations, rate 0, timecode 99:99:99:99, NaN and 1e308: read or refused, never a crash."""
    filename, make = ABSURD[name]
    box = Sandbox(tmp_path)
    target = box.put(filename, make())
    extra = ["--rate", "29.97"] if filename.endswith(".edl") else []
    _, broken = check_file(target, box, extra, all_commands=True)
    _assert_ok(broken, name)


# Damaged lines a list is read past, each said in a warning (issue 11 follow-ups): never refused, never a crash.
READ_PAST = {
    "edl-locator-letter": ("locx.edl", lambda: _replace_once(EDL, "* LOC: 01:00:12;00", "* LOC: 01:00:12;0X")),
    "edl-locator-three-fields": ("loc3.edl", lambda: _replace_once(EDL, "* LOC: 01:00:12;00", "* LOC: 01:00:12")),
    "edl-locator-frame-45": ("loc45.edl", lambda: _replace_once(EDL, "* LOC: 01:00:12;00", "* LOC: 01:00:12;45")),
    "edl-locator-second-72": ("loc72.edl", lambda: _replace_once(EDL, "* LOC: 01:00:12;00", "* LOC: 01:00:72;00")),
    "edl-record-reversed": ("rev.edl", lambda: _replace_once(EDL, "01:00:14;00 01:00:22;00", "01:00:22;00 01:00:14;00")),
}


@pytest.mark.parametrize("name", sorted(READ_PAST))
def test_damaged_lines_are_read_past(name: str, tmp_path: Path) -> None:
    filename, make = READ_PAST[name]
    box = Sandbox(tmp_path)
    target = box.put(filename, make())
    runs, broken = check_file(target, box, ["--rate", "29.97"], all_commands=True, expect=0)
    _assert_ok(broken, name)
    assert len(runs) >= 3


def test_rate_zero_clip_is_refused_naming_the_clip(tmp_path: Path) -> None:
    """An OTIO clip timed at rate 0 made the duration infinite (internal OverflowError before the fix)."""
    box = Sandbox(tmp_path)
    target = box.put("rate0.otio", ABSURD["otio-clip-rate-0"][1]())
    run = run_inprocess(["inspect", str(target)])
    assert run.code == 2 and "rate0.otio" in run.stderr and "unusable time" in run.stderr, run.stderr


def test_otio_in_latin1_is_refused_before_apply(tmp_path: Path) -> None:
    """OTIO JSON with Latin-1 bytes in a name: OTIO read it but apply could not write it back (exit 3)."""
    box = Sandbox(tmp_path)
    data = (SAMPLES / "sample.otio").read_bytes().replace(b'"12B-2"', '"12B-2 café"'.encode("latin-1"), 1)
    target = box.put("latin1.otio", data)
    runs, broken = check_file(target, box, all_commands=True)
    _assert_ok(broken, "latin-1 otio")
    assert all(r.code == 2 and "not UTF-8" in r.stderr for r in runs), [r.stderr for r in runs]


def test_damaged_aaf_that_reads_but_cannot_be_edited(tmp_path: Path) -> None:
    """make fuzz (seed 4, case 954): bytes flipped in duplicates.aaf's directory; the adapter still reads it
    but pyaaf2 fails on the copy while apply adds mobs (was an internal IndexError)."""
    path = next((p for p in CORPUS if p.name == "duplicates.aaf"), None)
    if path is None:
        pytest.skip("duplicates.aaf is not in this corpus")
    box = Sandbox(tmp_path)
    target = box.put("damaged.aaf", mutate(path.read_bytes(), ["absurd"], 2414597676))
    runs, broken = check_file(target, box, all_commands=True)
    _assert_ok(broken, "damaged AAF")
    assert runs[-1].code == 2 and "damaged" in runs[-1].stderr, runs[-1].stderr


# -- hostile XML ---------------------------------------------------------------------------------------

def _deep(root: str, depth: int) -> bytes:
    inner = "<a>" * depth + "</a>" * depth
    if root == "xmeml":
        return (f'<?xml version="1.0"?><xmeml version="4"><sequence><name>deep</name><rate><timebase>25</timebase>'
                f"</rate><media><video><track>{inner}</track></video></media></sequence></xmeml>").encode()
    return (f'<?xml version="1.0"?><fcpxml version="1.10"><resources><format id="r1" frameDuration="1/25s"/></resources>'
            f'<library><event name="e"><project name="p"><sequence format="r1" duration="10s"><spine>{inner}</spine>'
            "</sequence></project></event></library></fcpxml>").encode()


def _huge_attribute(root: str, megabytes: int) -> bytes:
    blob = b"A" * (megabytes * 2**20)
    if root == "xmeml":
        return (b'<?xml version="1.0"?><xmeml version="4"><sequence id="' + blob + b'"><name>x</name>'
                b"<rate><timebase>25</timebase></rate></sequence></xmeml>")
    return (b'<?xml version="1.0"?><fcpxml version="1.10"><resources><format id="r1" frameDuration="1/25s" name="'
            + blob + b'"/></resources></fcpxml>')


def _xxe_fcpxml(url: str) -> bytes:
    text = FCPXML.read_text(encoding="utf-8")
    head, rest = text.split("<fcpxml", 1)
    head = head.replace("<!DOCTYPE fcpxml>", "")
    return (head + f'<!DOCTYPE fcpxml [ <!ENTITY x SYSTEM "{url}"> ]>\n<fcpxml' + rest.replace('name="', 'name="&x;', 1)).encode()


def _xinclude() -> bytes:
    text = PREMIERE.read_text(encoding="utf-8")
    return text.replace("<xmeml version=\"4\">", '<xmeml version="4" xmlns:xi="http://www.w3.org/2001/XInclude">', 1) \
        .replace("<name>", '<name><xi:include href="/etc/passwd" parse="text"/>', 1).encode()


HOSTILE_XML = {
    "deep-nesting-xmeml": ("deep.xml", lambda: _deep("xmeml", 100_000)),
    "deep-nesting-fcpxml": ("deep.fcpxml", lambda: _deep("fcpxml", 100_000)),
    "nesting-200-xmeml": ("deep200.xml", lambda: _deep("xmeml", 200)),
    "attribute-100MB-xmeml": ("attr.xml", lambda: _huge_attribute("xmeml", 100)),
    "attribute-100MB-fcpxml": ("attr.fcpxml", lambda: _huge_attribute("fcpxml", 100)),
    "external-entity-fcpxml-attribute": ("xxe_attr.fcpxml", lambda: _xxe_fcpxml("file:///etc/passwd")),
    "external-entity-fcpxml-url": ("xxe_url.fcpxml", lambda: _xxe_fcpxml("http://127.0.0.1:9/x")),
    "xinclude-xmeml": ("xinclude.xml", _xinclude),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_XML))
def test_hostile_xml(name: str, tmp_path: Path) -> None:
    """Deep nesting, a 100 MB attribute, external entities in FCPXML, XInclude: refused or read, never leaked."""
    filename, make = HOSTILE_XML[name]
    box = Sandbox(tmp_path)
    target = box.put(filename, make())
    runs, broken = check_file(target, box, all_commands=True)
    _assert_ok(broken, name)
    for r in runs:
        assert "root:x:0:0" not in r.stdout + r.stderr
    if name.startswith(("deep-", "attribute-", "external-")):
        assert all(r.code == 2 for r in runs), [r.stderr for r in runs]


def test_deeply_nested_otio_json_does_not_crash_the_process(tmp_path: Path) -> None:
    """100,000 nested JSON arrays in an .otio's metadata: a recursive parser would overflow the C stack."""
    box = Sandbox(tmp_path)
    doc = (SAMPLES / "sample.otio").read_text(encoding="utf-8")
    target = box.put("deep.otio", doc.replace('"metadata": {}', '"metadata": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}", 1).encode())
    before = snapshot(box.root)
    run = run_subprocess(["inspect", str(target)], cwd=box.cwd, timeout=120)  # own process: a crash must not take pytest
    _assert_ok(problems(run, [target.name], before, snapshot(box.root)), "deep otio json")


# -- hostile paths -----------------------------------------------------------------------------------------

def _climbing_refs(box: Sandbox, fmt: str) -> Path:
    """The sample with every media reference climbing out of the media folder into ``root/escape``."""
    climb = "../" * 12 + str(box.root / "escape" / "A012C003.mov").lstrip("/")
    if fmt == "xml":
        text = PREMIERE.read_text(encoding="utf-8")
        import re
        text = re.sub(r"<pathurl>[^<]*</pathurl>", f"<pathurl>file://localhost/{climb}</pathurl>", text)
        return box.put("climb.xml", text.encode())
    if fmt == "fcpxml":
        text = FCPXML.read_text(encoding="utf-8")
        import re
        text = re.sub(r'src="[^"]*"', f'src="file:///{climb}"', text)
        return box.put("climb.fcpxml", text.encode())
    doc = json.loads((SAMPLES / "sample.otio").read_text(encoding="utf-8"))
    for clip in _clips(doc):
        for ref in (clip.get("media_references") or {}).values():
            if "target_url" in ref:
                ref["target_url"] = "../../../../" + climb
    return box.put("climb.otio", json.dumps(doc).encode())


@pytest.mark.parametrize("fmt", ["xml", "fcpxml", "otio"])
def test_media_references_climbing_out(fmt: str, tmp_path: Path) -> None:
    """Media paths full of ``..``: apply still writes only into the output folder, nothing at the climbed-to place."""
    box = Sandbox(tmp_path)
    target = _climbing_refs(box, fmt)
    (box.root / "escape").mkdir()
    runs, broken = check_file(target, box, all_commands=True)
    _assert_ok(broken, f"climbing references ({fmt})")
    assert list((box.root / "escape").iterdir()) == []


def test_hostile_plan_strings(tmp_path: Path) -> None:
    """An edited plan: ids with ``../`` and slashes write nothing outside; control characters and ranges
    far past the cut are refused (before the fix: an internal error, and a silent WAV of ~190 TB)."""
    box = Sandbox(tmp_path)
    target = box.put("cut.xml", PREMIERE.read_bytes())
    spot = run_inprocess(["spot", "--json", str(target)])
    assert spot.code == 0, spot.stderr
    good = json.loads(spot.stdout)
    output = box.out / "cut.scoreplan.xml"
    variants = {
        "climbing-ids": (lambda d: [c.update(id="../../../escape/" + c["id"] + "/x\\y") for c in d["cues"]], 0),
        "control-characters": (lambda d: d["cues"][0].update(id="1M1\x00\x07"), 2),
        "range-past-the-cut": (lambda d: d["cues"][0].update(end_frame=10**12), 2),
        "negative-start": (lambda d: d["cues"][0].update(start_frame=-10**9), 2),
        "not-a-number": (lambda d: d["cues"][0].update(start_frame="NaN"), 2),
    }
    for name, (edit, expect) in variants.items():
        doc = json.loads(json.dumps(good))
        edit(doc)
        plan = box.put(f"{name}.plan.json", json.dumps(doc).encode())
        before = snapshot(box.root)
        run = run_inprocess(["apply", str(target), "--plan", str(plan), "-o", str(output)], cwd=box.cwd)
        _assert_ok(problems(run, [plan.name, target.name], before, snapshot(box.root), expect=expect), name)
        shutil.rmtree(box.out)
        box.out.mkdir()


def _same_file_spellings(box: Sandbox, target: Path) -> dict[str, str]:
    os.link(target, box.out / "hardlink.xml")
    (box.out / "symlink.xml").symlink_to(target)
    return {
        "same-path": str(target),
        "dot-dot": str(box.inp / ".." / "in" / "." / target.name),
        "relative": os.path.relpath(target, box.cwd),
        "hardlink": str(box.out / "hardlink.xml"),
        "symlink": str(box.out / "symlink.xml"),
    }


def test_output_equal_to_the_input_is_refused(tmp_path: Path) -> None:
    """-o naming the input (directly, through ``..``, relative, a hard link or a symlink) never changes it."""
    box = Sandbox(tmp_path)
    target = box.put("cut.xml", PREMIERE.read_bytes())
    for name, output in _same_file_spellings(box, target).items():
        before = snapshot(box.root)
        run = run_inprocess(["apply", str(target), "-o", output], cwd=box.cwd)
        after = snapshot(box.root)
        assert run.code == 2, (name, run.stderr)
        assert "overwrite the input" in run.stderr, (name, run.stderr)
        assert after == before, name
        assert sorted(p.name for p in box.out.iterdir()) == ["hardlink.xml", "symlink.xml"], name


@pytest.mark.parametrize("how", ["missing-folder", "output-is-a-folder", "media-dir-missing-parent"])
def test_output_folder_problems(how: str, tmp_path: Path) -> None:
    """A missing output folder is refused and not created (apply used to create it for its temp media)."""
    box = Sandbox(tmp_path)
    target = box.put("cut.xml", PREMIERE.read_bytes())
    argv = ["apply", str(target), "-o", str(box.out / "missing" / "cut.xml")]
    if how == "output-is-a-folder":
        (box.out / "cut.xml").mkdir()
        argv = ["apply", str(target), "-o", str(box.out / "cut.xml")]
    if how == "media-dir-missing-parent":  # the user named a new media folder: apply makes it (exit 0)
        argv = ["apply", str(target), "-o", str(box.out / "cut.xml"), "--media-dir", str(box.out / "a" / "b")]
    before = snapshot(box.root)
    run = run_inprocess(argv, cwd=box.cwd)
    _assert_ok(problems(run, [target.name, "cut.xml"], before, snapshot(box.root),
                        expect=0 if how == "media-dir-missing-parent" else 2), how)
    assert not (box.out / "missing").exists()


def _read_only(folder: Path, on: bool) -> None:
    """Make ``folder`` unwritable even for root (the immutable flag), or writable again."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: cannot make a folder read-only")
        subprocess.run(["chattr", "+i" if on else "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555 if on else 0o755)


@pytest.mark.parametrize("where", ["output-folder", "media-folder"])
def test_read_only_output_folder(where: str, tmp_path: Path) -> None:
    """A read-only output (or media) folder: one line naming it, exit 2, nothing written."""
    box = Sandbox(tmp_path)
    target = box.put("cut.xml", PREMIERE.read_bytes())
    argv = ["apply", str(target), "-o", str(box.out / "cut.scoreplan.xml")]
    locked = box.out
    if where == "media-folder":
        locked = box.out / "media"
        locked.mkdir()
        argv += ["--media-dir", str(locked)]
    _read_only(locked, True)
    try:
        before = snapshot(box.root)
        run = run_inprocess(argv, cwd=box.cwd)
        after = snapshot(box.root)
    finally:
        _read_only(locked, False)
    _assert_ok(problems(run, ["cut.scoreplan.xml", "media", "scoreplan_silence"], before, after, expect=2), where)
    assert "writable" in run.stderr or "ermission" in run.stderr, run.stderr


# -- archives that are not what they say ---------------------------------------------------------------------

def _zip(members: dict[str, bytes]) -> bytes:
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


ARCHIVES = {
    "aaf-that-is-a-zip": ("cut.aaf", lambda: _zip({"cut.xml": PREMIERE.read_bytes()})),
    "otio-that-is-a-zip": ("cut.otio", lambda: _zip({"content.otio": (SAMPLES / "sample.otio").read_bytes()})),
    "otioz-zip-slip": ("slip.otioz", lambda: _zip({"content.otio": (SAMPLES / "sample.otio").read_bytes(),
                                                   "version.txt": b"1.0.0", "../../escape/evil.txt": b"x",
                                                   "/tmp/scoreplan-hostile-evil.txt": b"x"})),
    "otioz-bomb": ("bomb.otioz", lambda: _zip({"content.otio": b'{"OTIO_SCHEMA": "Timeline.1", "name": "' + b" " * (20 * 2**20) + b'"}',
                                               "version.txt": b"1.0.0"})),
    "aaf-header-then-zip": ("head.aaf", lambda: bytes.fromhex("d0cf11e0a1b11ae1") + _zip({"x": b"y" * 10000})),
}


@pytest.mark.parametrize("name", sorted(ARCHIVES))
def test_archives(name: str, tmp_path: Path) -> None:
    """An AAF that is a renamed zip, an .otio that is a zip, an .otioz with ``../`` members or a bomb."""
    filename, make = ARCHIVES[name]
    box = Sandbox(tmp_path)
    target = box.put(filename, make())
    _, broken = check_file(target, box, all_commands=True)
    _assert_ok(broken, name)
    assert not Path("/tmp/scoreplan-hostile-evil.txt").exists()
    assert not (box.root / "escape").exists()


# -- a list of 100,000 events ----------------------------------------------------------------------------------

EDL_EVENTS = 100_000
EDL_MEMORY = 1536 * 2**20  # address space of the whole process, interpreter and libraries included


def _record_ranges(text: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, str]]]:
    """Each event's record frames and clip name, and each locator's frame and text, read with split()
    (not with our scanner): the list is ours, made by ``big_edl`` at 25 fps non-drop."""
    def frames(tc: str) -> int:
        hh, mm, ss, ff = (int(p) for p in tc.split(":"))
        return ((hh * 60 + mm) * 60 + ss) * 25 + ff

    events: list[tuple[int, int, str]] = []
    locators: list[tuple[int, str]] = []
    for line in text.splitlines():
        if line.startswith("* FROM CLIP NAME:"):
            a, b, _ = events[-1]
            events[-1] = (a, b, line.split(":", 1)[1].strip())
        elif line.startswith("* LOC:"):
            _, _, tc, _, rest = line.split(None, 4)
            locators.append((frames(tc), rest.strip()))
        elif line[:1].isdigit():
            fields = line.split()
            events.append((frames(fields[-2]), frames(fields[-1]), ""))
    return events, locators


def test_edl_of_100000_events(tmp_path: Path) -> None:
    """100,000 cuts read in bounded memory (the process runs under a 1.5 GB address-space cap): every
    event a shot at the record frames the list states, every locator an annotation. (How long it takes is
    the benchmark's business: bench/run.py times this list.)"""
    box = Sandbox(tmp_path)
    data = big_edl(EDL_EVENTS)
    target = box.put("huge.edl", data)
    cap = lambda: resource.setrlimit(resource.RLIMIT_AS, (EDL_MEMORY, EDL_MEMORY))  # noqa: E731
    before = snapshot(box.root)
    run = run_subprocess(["inspect", "--json", "--rate", "25", str(target)], cwd=box.cwd, timeout=600, preexec_fn=cap)
    _assert_ok(problems(run, [target.name], before, snapshot(box.root), expect=0), "100k EDL")
    doc = json.loads(run.stdout)
    events, locators = _record_ranges(data.decode("ascii"))
    assert len(events) == EDL_EVENTS
    assert [(s["start_frame"], s["end_frame"], s["name"], s["kind"]) for s in doc["shots"]] == \
        [(a, b, name, "clip") for a, b, name in events]
    assert doc["sequence"]["duration_frames"] == events[-1][1]
    assert sorted((a["frame"], a["name"]) for a in doc["annotations"]) == sorted(locators)


_READ_UNDER_CAP = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
from otio_scoreplan.errors import InputError
from otio_scoreplan.formats import MAX_TIMELINE_BYTES, read_bytes
small, sparse = sys.argv[1:]
print(len(read_bytes(small)))
try:
    read_bytes(sparse)
except InputError as exc:
    print(exc)
"""


def test_whole_file_reads_ask_memory_for_the_file_not_the_limit(tmp_path: Path) -> None:
    """A timeline is read whole under the 100,000-event list's address-space cap although the size limit
    (2 GB) is above the cap, and a file one byte over the limit (sparse) is refused naming it, not read:
    ``read(limit + 1)`` asked for the whole limit up front, a MemoryError for every input under the cap."""
    from otio_scoreplan.formats import MAX_TIMELINE_BYTES

    assert MAX_TIMELINE_BYTES > EDL_MEMORY  # else this test could not fail
    small = tmp_path / "cut.edl"
    small.write_bytes(big_edl(50))
    sparse = tmp_path / "sparse.edl"
    with open(sparse, "wb") as fh:
        fh.truncate(MAX_TIMELINE_BYTES + 1)
    code = _READ_UNDER_CAP.format(cap=EDL_MEMORY)
    run = subprocess.run([sys.executable, "-c", code, str(small), str(sparse)], capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    size, refusal = run.stdout.splitlines()
    assert int(size) == small.stat().st_size
    assert refusal.startswith(f"{sparse}: ") and "larger than 2048 MB" in refusal


REPRODUCERS = Path(os.environ.get("SCOREPLAN_REPRODUCERS", Path(__file__).resolve().parents[2] / "shared" / "reproducers"))
REPRODUCER_FILES = sorted(p for p in REPRODUCERS.rglob("*") if p.is_file())


@pytest.mark.parametrize("path", REPRODUCER_FILES, ids=lambda p: str(p.relative_to(REPRODUCERS)))
def test_every_shared_reproducer_in_its_role(path: Path, tmp_path: Path) -> None:
    """Every file of ../shared/reproducers/ (by glob) given as a timeline, and as what it is: a plan to
    ``apply --plan``, ``notes`` and ``spot --previous``, a rules file to ``spot``/``apply --rules``, a timeline
    to inspect, spot and apply. Exit 0 or 2 in one line naming it; nothing changed or left behind."""
    box = Sandbox(tmp_path)
    target = box.put(path.name, path.read_bytes())
    cut = box.put("cut.xml", PREMIERE.read_bytes())
    output = box.out / "cut.scoreplan.xml"
    suffix = path.suffix.lower()
    argvs = [["inspect", str(target)]]
    if suffix == ".json":
        argvs += [["apply", str(cut), "--plan", str(target), "-o", str(output)],
                  ["notes", str(target), "-o", str(box.out / "notes.md")],
                  ["spot", "--json", str(cut), "--previous", str(target)]]
    elif suffix == ".toml":
        argvs += [["spot", "--json", str(cut), "--rules", str(target)],
                  ["apply", str(cut), "--rules", str(target), "-o", str(output)]]
    broken: list[str] = []
    for argv in argvs:
        before = snapshot(box.root)
        run = run_inprocess(argv, cwd=box.cwd)
        broken += [f"{argv[0]}: {p}" for p in problems(run, [target.name], before, snapshot(box.root))]
        shutil.rmtree(box.out)
        box.out.mkdir()
    if suffix in TIMELINE_SUFFIXES:
        broken += check_file(target, box)[1]
    _assert_ok(broken, str(path.relative_to(REPRODUCERS)))


# -- issue 11, "Say nothing false": every row of its table, through the command line under this harness ------------
# (the readers' rows are pinned in detail by test_honest_read.py, the plan's by test_hand_edits.py, the media
# descriptions by test_media_descriptions.py, the editor's music by test_editors_tracks.py: here each row runs as a
# user meets it, and the harness checks what every hostile case must keep: exit 0 or 2, one line naming the file,
# inputs unchanged, nothing left behind on failure)

_EDL_DF = ("TITLE: DF TEST\nFCM: DROP FRAME\n\n"
           "001  AX       V     C        01:00:00:00 01:00:10:00 01:00:00:00 01:00:10:00 \n"
           "002  BX       V     C        02:00:00:00 02:00:50:00 01:00:10:00 01:01:00:00 \n")
_EDL_MIDNIGHT = ("TITLE: MIDNIGHT\nFCM: NON-DROP FRAME\n\n"
                 "001  AX       V     C        01:00:00:00 01:01:00:00 23:59:00:00 00:00:00:00 \n"
                 "002  BX       V     C        02:00:00:00 02:01:00:00 00:00:00:00 00:01:00:00 \n"
                 "* LOC: 00:00:30:00 RED     AFTER MIDNIGHT\n")
MOSER = next((p for p in CORPUS if p.name == "nrk_Multicam_Moser_1.xml"), None)


def _xmeml_cut(marker_in: str = "10", tc: str = "01:00:00:00") -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<xmeml version="4"><sequence id="s1"><name>S</name>'
            "<rate><timebase>25</timebase><ntsc>FALSE</ntsc></rate><duration>3000</duration>"
            "<media><video><track><clipitem id='a'><name>a</name><rate><timebase>25</timebase></rate><start>0</start>"
            "<end>3000</end><in>0</in><out>3000</out><file id='f-a'><name>a.mov</name><pathurl>file:///a.mov</pathurl>"
            "<rate><timebase>25</timebase></rate><duration>9000</duration></file></clipitem></track></video></media>"
            f"<marker><name>SWELL</name><in>{marker_in}</in><out>-1</out></marker>"
            f"<timecode><rate><timebase>25</timebase></rate><string>{tc}</string></timecode>"
            "</sequence></xmeml>\n").encode()


def _spot(box: Sandbox, cut: Path, name: str = "plan.json") -> tuple[Path, dict]:
    run = run_inprocess(["spot", "--json", str(cut)], cwd=box.cwd)
    assert run.code == 0, run.stderr
    doc = json.loads(run.stdout)
    return box.put(name, run.stdout.encode()), doc


def _edited(box: Sandbox, doc: dict, edit, name: str = "edited.json") -> Path:
    doc = json.loads(json.dumps(doc))
    edit(doc)
    return box.put(name, json.dumps(doc).encode())


def _longer(doc: dict) -> None:  # (a plan without its shots: the fingerprint string kept, the length edited)
    del doc["inputs"][0]["shots"]
    doc["sequence"]["duration_frames"] = doc["inputs"][0]["sequence"]["duration_frames"] = \
        doc["inputs"][0]["sequence"]["duration_frames"] * 100


def _hit_far_out(doc: dict) -> None:
    doc["cues"][0]["hits"] = [{"frame": -500, "label": "far"}]


def _same_ids(doc: dict) -> None:
    doc["cues"][1]["id"] = doc["cues"][0]["id"]


def _row_cases(box: Sandbox) -> dict[str, tuple[list[str], int, list[str], list[str]]]:
    """Row -> (argv, exit status, words the output must hold, names the error may give)."""
    premiere = box.put("cut.xml", PREMIERE.read_bytes())
    edl_df, midnight = box.put("df.edl", _EDL_DF.encode()), box.put("midnight.edl", _EDL_MIDNIGHT.encode())
    plan, doc = _spot(box, premiere)
    other = box.put("other.xml", _xmeml_cut())
    other_plan, _ = _spot(box, other, "other.json")
    odd = box.out / "dir #1 ?x"
    return {
        "rate contradicting the file's own": (["inspect", "--rate", "25", str(premiere)], 2,
                                              ["contradicts the file's own rate of 23.976"], ["cut.xml"]),
        "EDL drop frame at 25": (["inspect", "--rate", "25", str(edl_df)], 2, ["DROP FRAME", "29.97 and 59.94"],
                                 ["df.edl"]),
        "EDL crossing midnight": (["inspect", "--json", "--rate", "25", str(midnight)], 0,
                                  ['"duration_frames": 3000', "midnight"], []),
        "plan edited to a longer duration": (["apply", str(premiere), "--plan", str(_edited(box, doc, _longer, "long.json")),
                                              "-o", str(box.out / "o.xml")], 2, ["must match"], ["long.json"]),
        "hit outside its cue": (["apply", str(premiere), "--plan", str(_edited(box, doc, _hit_far_out, "hit.json")),
                                 "-o", str(box.out / "o.xml")], 2, ["outside its cue"], ["hit.json"]),
        "duplicate cue ids": (["notes", str(_edited(box, doc, _same_ids, "ids.json")), "-o", str(box.out / "n.md")], 2,
                              ["same id"], ["ids.json"]),
        "unreadable marker frame": (["inspect", "--json", str(box.put("marker.xml", _xmeml_cut(marker_in="abc")))], 0,
                                    ["'SWELL'", "left out"], []),
        "unreadable start timecode": (["inspect", str(box.put("tc.xml", _xmeml_cut(tc="01:xx:00:00")))], 2,
                                      ["'01:xx:00:00' cannot be read"], ["tc.xml"]),
        "previous plan of another show": (["spot", "--json", "--previous", str(other_plan), str(premiere)], 0,
                                          ["shares neither the sequence name nor any shot"], []),
        "pathurl of temp media percent-encoded": (["apply", str(premiere), "--plan", str(plan), "-o",
                                                   str(box.out / "o.xml"), "--media-dir", str(odd)], 0,
                                                  ["dir%20%231%20%3Fx"], []),
        "notes all or nothing": (["notes", str(plan), "-o", str(box.out / "ok.md"), "--cue-sheet",
                                  str(box.out / "nodir" / "cs.csv")], 2, [], ["cs.csv", "nodir"]),
    }


# the table's rows that need a real export or a media check, run in tests of their own below
_OWN_TESTS = ("media description matches the file", "no second temp over the editor's own music",
              "temp on the editor's own empty music tracks")
SAY_NOTHING_FALSE_ROWS = 13  # rows of issue 11's table


def test_say_nothing_false_every_row_has_a_case(tmp_path: Path) -> None:
    # one row ("unreadable marker frame ... bad start timecode") has two cases; the multi-reel half of the --rate
    # row is test_honest_read.test_multi_reel_spot_keeps_each_reels_own_rate
    assert len(_row_cases(Sandbox(tmp_path))) + len(_OWN_TESTS) == SAY_NOTHING_FALSE_ROWS + 1


def test_say_nothing_false_rows_through_the_command_line(tmp_path: Path) -> None:
    box = Sandbox(tmp_path)
    cases = _row_cases(box)
    broken: list[str] = []
    for row, (argv, code, words, names) in cases.items():
        before = snapshot(box.root)
        run = run_inprocess(argv, cwd=box.cwd)
        after = snapshot(box.root)
        broken += [f"{row}: {p}" for p in problems(run, names or ["(none)"], before, after, expect=code)]
        text = run.stdout + run.stderr
        for rel in (r for r in after if r not in before and r.endswith(".xml")):
            text += (box.root / rel).read_text(encoding="utf-8", errors="replace")
        broken += [f"{row}: {w!r} not said" for w in words if w not in text]
        shutil.rmtree(box.out)
        box.out.mkdir()
    _assert_ok(broken, "say nothing false")


def test_say_nothing_false_written_media_are_described_as_they_are(tmp_path: Path) -> None:
    """Row: the FCP7 XML declared <depth>16 for 24-bit WAVs: every media description matches the file."""
    import wave

    from lxml import etree

    box = Sandbox(tmp_path)
    premiere = box.put("cut.xml", PREMIERE.read_bytes())
    out = box.out / "o.xml"
    run = run_inprocess(["apply", str(premiere), "-o", str(out), "--media-dir", str(box.out / "media")], cwd=box.cwd)
    assert run.code == 0, run.stderr
    files = [f for f in etree.parse(str(out)).getroot().iter("file") if f.find("pathurl") is not None
             and (f.get("id") or "").startswith("scoreplan-")]
    assert files
    for f in files:
        from urllib.parse import unquote, urlparse

        path = Path(unquote(urlparse(f.findtext("pathurl")).path))
        with wave.open(str(path)) as w:
            assert int(f.findtext("media/audio/samplecharacteristics/depth")) == 8 * w.getsampwidth()
            assert int(f.findtext("media/audio/samplecharacteristics/samplerate")) == w.getframerate()
            assert int(f.findtext("media/audio/channelcount")) == w.getnchannels()


@pytest.mark.skipif(MOSER is None, reason="the corpus' Premiere multicam export")
def test_say_nothing_false_the_editors_music_and_music_tracks(tmp_path: Path) -> None:
    """Rows: no second temp over the editor's own music (the cue marker still goes in, the summary names the
    music); temp on the editor's own empty music tracks (here with the planner's cues made planner-proposed)."""
    from lxml import etree

    box = Sandbox(tmp_path)
    cut = box.put("cut.xml", MOSER.read_bytes())
    out = box.out / "o.xml"
    run = run_inprocess(["apply", str(cut), "-o", str(out)], cwd=box.cwd)
    assert run.code == 0, run.stderr
    assert run.stdout.count("the editor's music plays") == 3
    seq = etree.parse(str(out)).getroot().find("sequence")
    assert not [c for c in seq.iter("clipitem") if (c.get("id") or "").startswith("scoreplan-")]
    assert len([m for m in seq.findall("marker") if "[scoreplan]" in (m.findtext("comment") or "")]) == 3
    _, doc = _spot(box, cut)
    proposed = _edited(box, doc, lambda d: [c.__setitem__("origin", "auto") for c in d["cues"]])
    shutil.rmtree(box.out)
    box.out.mkdir()
    before = snapshot(box.root)
    run = run_inprocess(["apply", str(cut), "--plan", str(proposed), "-o", str(out)], cwd=box.cwd)
    _assert_ok(problems(run, ["cut.xml"], before, snapshot(box.root), expect=0), "apply on the editor's tracks")
    assert "on the editor's empty music track A7 'Musikk 2 stereo'" in run.stdout
    tracks = etree.parse(str(out)).getroot().find("sequence").findall("media/audio/track")
    home = [t for t in tracks if t.get("MZ.TrackName") == "Musikk 2 stereo"]
    assert len(home) == 2 and all(t.findall("clipitem") for t in home)


# -- our own words for what a library would say in its own (issue 11, small items) ---------------------------------

_LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE xmeml [<!ENTITY a "ha">'
           + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
           + ']>\n<xmeml version="4"><sequence><name>&j;</name></sequence></xmeml>\n')


@pytest.mark.parametrize(("name", "data", "words"), [
    ("laughs.xml", _LAUGHS.encode(), "entities that expand without end (an entity bomb)"),
    ("cut.xml", b'<?xml version="1.0"?>\n<xmeml version="4"><sequence><name>S</name>', "not well-formed XML at line 2"),
    ("undefined.xml", b'<?xml version="1.0"?>\n<xmeml version="4">&z;</xmeml>', "an entity it does not define"),
])
def test_xml_refusals_are_in_our_words(name: str, data: bytes, words: str, tmp_path: Path) -> None:
    box = Sandbox(tmp_path)
    target = box.put(name, data)
    run = run_inprocess(["inspect", str(target)], cwd=box.cwd)
    assert run.code == 2 and words in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert "xmlCtxt" not in run.stderr and "<string>" not in run.stderr and "amplification" not in run.stderr


@pytest.mark.parametrize("fraction", [0.5, 0.1])
def test_a_truncated_aaf_is_said_to_be_cut_short(fraction: float, tmp_path: Path) -> None:
    data = (SAMPLES / "avid_sample.aaf").read_bytes()
    box = Sandbox(tmp_path)
    target = box.put("cut.aaf", data[: int(len(data) * fraction)])
    before = snapshot(box.root)
    run = run_inprocess(["inspect", str(target)], cwd=box.cwd)
    _assert_ok(problems(run, ["cut.aaf"], before, snapshot(box.root), expect=2), "truncated AAF")
    assert "the AAF is cut short" in run.stderr and "KeyError" not in run.stderr and "IndexError" not in run.stderr
    whole = box.put("whole.aaf", data)  # the whole file is not said to be cut short
    assert run_inprocess(["inspect", str(whole)], cwd=box.cwd).code == 0


def test_a_temp_pinned_to_a_device_is_said_to_be_one(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A plan pinning /dev/zero as a cue's temp: apply and render go on without it, saying what it is (a device,
    not a missing file), and read nothing from it."""
    box = Sandbox(tmp_path / "box")
    cut = box.put("cut.xml", PREMIERE.read_bytes())
    _, doc = _spot(box, cut)
    pinned = _edited(box, doc, lambda d: d["cues"][0].__setitem__("temp", {"path": "/dev/zero", "title": "zero"}))
    import wave

    lib = tmp_path / "lib"  # (outside the sandbox: the library keeps its scan cache)
    lib.mkdir()
    with wave.open(str(lib / "tone.wav"), "wb") as w:  # a one-piece library: 20 s of a quiet square wave
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes((b"\x00\x08" * 20 + b"\x00\xf8" * 20) * 4000)
    for argv in (["apply", str(cut), "--plan", str(pinned), "-o", str(box.out / "o.xml")],
                 ["render", str(pinned), "--library", str(lib), "-o", str(box.out / "mix.wav")]):
        caplog.clear()
        before = snapshot(box.root)
        run = run_inprocess(argv, cwd=box.cwd)
        _assert_ok(problems(run, ["pinned.json"], before, snapshot(box.root), expect=0), argv[0])
        said = caplog.text + run.stderr
        assert "/dev/zero" in said and "is a character device, not a regular file" in said, said
        assert "not found" not in said and "does not exist" not in said
        shutil.rmtree(box.out)
        box.out.mkdir()
