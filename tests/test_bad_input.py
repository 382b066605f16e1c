"""Bad input through the real command line: exit status 2, one line on stderr naming the file, no traceback.

Truncated samples, files that are not timelines (text, PNG bytes, empty), hostile XML (entity
expansion, external entities pointing at /etc/passwd and at a URL, an external DTD), nonsense frame
rates (in an xmeml ``<timebase>`` and in ``--rate``), a missing file, an unknown suffix, a folder and
empty timelines. Cases that do not behave yet are marked ``xfail(strict=True)`` with the reason and
the module the fix belongs in, so the mark fails loudly once the fix lands.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import opentimelineio as otio
import pytest
from conftest import SAMPLES, run_cli

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
LETTER = "Dear editor,\nhere are the notes for reel 2: more room for the score in scene 14.\n"


@dataclass(frozen=True)
class BadCase:
    """A file (and arguments) that must be refused in one line."""

    id: str
    make: Callable[[Path], tuple[Path, list[str]]]  # writes the input into a folder; returns path and extra args
    xfail: str = ""  # why it does not behave yet, and where the fix belongs

    def param(self):
        marks = [pytest.mark.xfail(strict=True, reason=self.xfail)] if self.xfail else []
        return pytest.param(self, id=self.id, marks=marks)


def _write(name: str, data: bytes | str, args: tuple[str, ...] = ()) -> Callable[[Path], tuple[Path, list[str]]]:
    def make(folder: Path) -> tuple[Path, list[str]]:
        path = folder / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path, list(args)

    return make


def _truncated(sample: str, fraction: float) -> Callable[[Path], tuple[Path, list[str]]]:
    data = (SAMPLES / sample).read_bytes()
    stem, suffix = sample.rsplit(".", 1)
    return _write(f"{stem}_cut{int(fraction * 100):02d}.{suffix}", data[: max(1, int(len(data) * fraction))])


def _cut_inside(sample: str, marker: bytes, extra: int, args: tuple[str, ...]) -> Callable[[Path], tuple[Path, list[str]]]:
    """The sample cut ``extra`` bytes after ``marker``: in the middle of a line, not at its end."""
    data = (SAMPLES / sample).read_bytes()
    end = data.index(marker) + extra
    assert data[end : end + 1] not in (b"\r", b"\n")
    stem, suffix = sample.rsplit(".", 1)
    return _write(f"{stem}_cut_midline.{suffix}", data[:end], args)


# -- hostile XML ----------------------------------------------------------------------------------

def _bomb(root: str) -> str:
    levels = ['<!ENTITY a "' + "a" * 50 + '">'] + [
        f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">' for i in range(8)
    ]
    return (f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n' + "\n".join(levels) + "\n]>\n"
            f'<{root} version="4"><sequence><name>&i;</name><rate><timebase>25</timebase></rate></sequence></{root}>\n')


def _external_entity(root: str, url: str) -> str:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE {root} [ <!ENTITY x SYSTEM "{url}"> ]>\n'
            f'<{root} version="4"><sequence><name>&x;</name><rate><timebase>25</timebase><ntsc>FALSE</ntsc></rate>'
            f'<media><video><track></track></video></media></sequence></{root}>\n')


PARAMETER_ENTITY = ('<?xml version="1.0"?>\n<!DOCTYPE xmeml [ <!ENTITY % p SYSTEM "file:///etc/passwd"> %p; ]>\n'
                    '<xmeml version="4"/>\n')
EXTERNAL_DTD = ('<?xml version="1.0"?>\n<!DOCTYPE xmeml SYSTEM "http://127.0.0.1:9/xmeml.dtd">\n'
                '<xmeml version="4"><sequence><name>x</name></sequence></xmeml>\n')

# -- rates ----------------------------------------------------------------------------------------

PREMIERE = (SAMPLES / "premiere_sample.xml").read_text(encoding="utf-8")


def _timebase(value: str) -> str:
    return PREMIERE.replace("<timebase>24</timebase>", f"<timebase>{value}</timebase>")


# -- empty timelines ------------------------------------------------------------------------------

EMPTY_XMEML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE xmeml>\n<xmeml version="4"><sequence id="sequence-1">'
    "<duration>0</duration><rate><timebase>25</timebase><ntsc>FALSE</ntsc></rate><name>Sequence 01</name>"
    "<media><video><track><enabled>TRUE</enabled></track></video><audio><track><enabled>TRUE</enabled></track></audio></media>"
    "<timecode><rate><timebase>25</timebase><ntsc>FALSE</ntsc></rate><string>00:00:00:00</string><frame>0</frame>"
    "<displayformat>NDF</displayformat></timecode></sequence></xmeml>\n"
)
EMPTY_FCPXML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n<fcpxml version="1.10"><resources>'
    '<format id="r1" frameDuration="100/2500s" width="1920" height="1080"/></resources><library><event name="e">'
    '<project name="Empty"><sequence format="r1" duration="0s" tcStart="0s" tcFormat="NDF"><spine/></sequence>'
    "</project></event></library></fcpxml>\n"
)
EMPTY_EDL = "TITLE:   Sequence 01\r\nFCM: NON-DROP FRAME\r\n"


def _empty_otio(with_track: bool) -> Callable[[Path], tuple[Path, list[str]]]:
    def make(folder: Path) -> tuple[Path, list[str]]:
        tl = otio.schema.Timeline(name="empty")
        if with_track:
            tl.tracks.append(otio.schema.Track(name="V1"))
        path = folder / ("empty_track.otio" if with_track else "empty_timeline.otio")
        otio.adapters.write_to_file(tl, str(path))
        return path, []

    return make


def _missing(folder: Path) -> tuple[Path, list[str]]:
    return folder / "reel2_v7.xml", []


def _folder(folder: Path) -> tuple[Path, list[str]]:
    path = folder / "reel2.edl"
    path.mkdir()
    return path, []



CASES = [
    # truncated samples
    *[BadCase(f"truncated-{name}-{int(f * 100)}%", _truncated(name, f)).param()
      for name in ("premiere_sample.xml", "resolve_sample.fcpxml", "sample.otio", "avid_sample.aaf")
      for f in (0.001, 0.1, 0.5, 0.97)],
    BadCase("truncated-avid_sample.edl-mid-event", _cut_inside("avid_sample.edl", b"014  A025C001", 40, ("--rate", "29.97"))).param(),
    BadCase("truncated-avid_sample.edl-mid-locator", _cut_inside("avid_sample.edl", b"* LOC: 01:01:11", 12, ("--rate", "29.97"))).param(),
    BadCase("truncated-resolve_sample.edl-mid-event", _cut_inside("resolve_sample.edl", b"007  001", 30, ("--rate", "25"))).param(),
    # not a timeline
    *[BadCase(f"text-as-{suffix}", _write(f"notes.{suffix}", LETTER)).param() for suffix in ("xml", "fcpxml", "edl", "otio", "otioz", "aaf")],
    *[BadCase(f"png-as-{suffix}", _write(f"still.{suffix}", PNG)).param() for suffix in ("xml", "fcpxml", "edl", "otio", "otioz", "aaf")],
    *[BadCase(f"empty-file-{suffix}", _write(f"empty.{suffix}", b"")).param() for suffix in ("xml", "fcpxml", "edl", "otio", "otioz", "aaf")],
    BadCase("html-as-xml", _write("page.xml", "<?xml version='1.0'?><html><body>cut list</body></html>")).param(),
    # hostile XML
    BadCase("entity-bomb-xml", _write("bomb.xml", _bomb("xmeml"))).param(),
    BadCase("entity-bomb-fcpxml", _write("bomb.fcpxml", _bomb("fcpxml"))).param(),
    BadCase("external-entity-file-xml", _write("xxe.xml", _external_entity("xmeml", "file:///etc/passwd"))).param(),
    BadCase("external-entity-file-fcpxml", _write("xxe.fcpxml", _external_entity("fcpxml", "file:///etc/passwd"))).param(),
    BadCase("external-entity-url-xml", _write("xxe_url.xml", _external_entity("xmeml", "http://127.0.0.1:9/evil"))).param(),
    BadCase("parameter-entity-xml", _write("pe.xml", PARAMETER_ENTITY)).param(),
    BadCase("external-dtd-xml", _write("dtd.xml", EXTERNAL_DTD)).param(),
    # rates
    BadCase("timebase-0", _write("timebase0.xml", _timebase("0"))).param(),
    BadCase("timebase-abc", _write("timebase_abc.xml", _timebase("abc"))).param(),
    BadCase("timebase-negative", _write("timebase_neg.xml", _timebase("-24"))).param(),
    *[BadCase(f"rate-option-{label}", _write("cut.edl", (SAMPLES / "avid_sample.edl").read_bytes(), ("--rate", value))).param()
      for label, value in (("0", "0"), ("negative", "-1"), ("abc", "abc"), ("divide-by-zero", "30000/0"))],
    BadCase("rate-option-1000", _write("cut.edl", (SAMPLES / "avid_sample.edl").read_bytes(), ("--rate", "1000"))).param(),
    BadCase("rate-option-too-slow-for-the-list", _write("cut.edl", (SAMPLES / "avid_sample.edl").read_bytes(), ("--rate", "12"))).param(),
    # the file itself
    BadCase("missing-file", _missing).param(),
    BadCase("unknown-suffix", _write("reel2.mov", (SAMPLES / "avid_sample.edl").read_bytes())).param(),
    BadCase("no-suffix", _write("reel2", (SAMPLES / "avid_sample.edl").read_bytes())).param(),
    BadCase("folder", _folder).param(),
    # empty timelines
    BadCase("empty-otio-timeline", _empty_otio(False)).param(),
    BadCase("empty-otio-track", _empty_otio(True)).param(),
    BadCase("empty-edl", _write("empty_list.edl", EMPTY_EDL)).param(),

]


@pytest.mark.parametrize("case", CASES)
def test_refused_in_one_line(case: BadCase, tmp_path: Path) -> None:
    path, args = case.make(tmp_path)
    proc = run_cli("inspect", str(path), *args, timeout=120)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode == 2, f"exit {proc.returncode}: {proc.stderr!r}"
    assert len(lines) == 1, lines
    assert lines[0].startswith("scoreplan: error: "), lines
    assert path.name in lines[0], lines
    assert proc.stdout == ""


EMPTY_SEQUENCES = [
    BadCase("empty-xmeml-sequence", _write("empty_sequence.xml", EMPTY_XMEML)).param(),
    BadCase("empty-fcpxml-spine", _write("empty_spine.fcpxml", EMPTY_FCPXML)).param(),
]


@pytest.mark.parametrize("case", EMPTY_SEQUENCES)
def test_empty_sequence_is_described_but_not_planned(case: BadCase, tmp_path: Path) -> None:
    """An empty sequence with a rate is a real export (Premiere writes them): ``inspect`` describes it
    (issue 2 reads every file plain OTIO reads), while ``spot`` and ``apply`` refuse it in one line."""
    path, args = case.make(tmp_path)
    proc = run_cli("inspect", "--json", str(path), *args)
    assert proc.returncode == 0, proc.stderr
    assert '"duration_frames": 0' in proc.stdout
    for command in (["spot", str(path)], ["apply", str(path), "-o", str(tmp_path / f"out{path.suffix}")]):
        proc = run_cli(*command, *args)
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        assert proc.returncode == 2 and len(lines) == 1, proc.stderr
        assert "empty" in lines[0] and path.name in lines[0]
    assert not (tmp_path / f"out{path.suffix}").exists()


def test_no_file_content_leaks_from_external_entities(tmp_path: Path) -> None:
    """Whatever the verdict, /etc/passwd never reaches the output."""
    path = tmp_path / "xxe.xml"
    path.write_text(_external_entity("xmeml", "file:///etc/passwd"), encoding="utf-8")
    for extra in ([], ["--json"]):
        proc = run_cli("inspect", str(path), *extra)
        assert not re.search(r"root:.*:0:0:", proc.stdout + proc.stderr)


def test_debug_flag_still_shows_one_line_for_user_errors(tmp_path: Path) -> None:
    """--debug only adds tracebacks for internal errors; a user's bad file stays one line."""
    path = tmp_path / "notes.xml"
    path.write_text(LETTER, encoding="utf-8")
    proc = run_cli("--debug", "inspect", str(path))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
