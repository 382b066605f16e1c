"""The HTML notes in a real headless Chromium (Debian's chromium): the page renders, logs no console error,
and a screenshot is taken; the page fetches nothing (no network) and prints on its own stylesheet.

CI needs the Debian packages ``chromium`` (and ``poppler-utils`` for the PDF checks).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html
from test_notes_goldens import golden_sheet

from otio_scoreplan.notes import render_notes

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason="/usr/bin/chromium is absent (apt-get install chromium)")
CONSOLE = re.compile(r"CONSOLE\(\d+\)\]? ?\"?(.*)")


def chromium_screenshot(page: Path, png: Path, profile: Path, size: str = "1200,1500") -> list[str]:
    """Render ``page`` in headless Chromium into ``png``; return the console messages it logged."""
    run = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
         "--enable-logging=stderr", "--v=0", f"--window-size={size}", f"--screenshot={png}", page.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    return [line for line in run.stderr.splitlines() if "CONSOLE" in line]


def _png_size(png: Path) -> tuple[int, int]:
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


@needs_chromium
def test_page_renders_without_console_errors(tmp_path: Path) -> None:
    page = tmp_path / "notes.html"
    page.write_text(render_notes(golden_sheet(), ".html"), encoding="utf-8")
    png = tmp_path / "notes.png"
    console = chromium_screenshot(page, png, tmp_path / "profile")
    assert console == []
    assert _png_size(png) == (1200, 1500)
    from PIL import Image  # Pillow is there with fpdf2

    image = Image.open(png).convert("RGB")
    colors = {c for _, c in image.getcolors(maxcolors=1 << 20)}
    for cue_color in ("#c0392b", "#e67e22", "#d35d8a"):  # tension, action, romantic bars are painted
        rgb = tuple(int(cue_color[i:i + 2], 16) for i in (1, 3, 5))
        assert rgb in colors, f"no {cue_color} pixels: the cue layout did not render"


@needs_chromium
def test_console_check_sees_errors(tmp_path: Path) -> None:
    """The console check above can fail: a page that logs an error is caught."""
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><html><body><script>console.error('broken page')</script></body></html>")
    console = chromium_screenshot(page, tmp_path / "bad.png", tmp_path / "profile")
    assert any("broken page" in line for line in console)


def test_page_is_self_contained_and_prints() -> None:
    text = render_notes(golden_sheet(), ".html")
    doc = lxml_html.fromstring(text.encode("utf-8"))
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ("src", "href", "srcset", "data"):
            assert attr not in el.attrib, f"<{el.tag} {attr}=...> would load something"
    assert not doc.xpath("//script|//link|//iframe|//img|//object")
    assert "@import" not in text and "url(" not in text
    assert re.findall(r"https?://[^\s\"']+", text) == ["http://www.w3.org/2000/svg"]  # the SVG namespace only
    assert "@media print" in text
    svg = doc.xpath("//*[local-name()='svg']")
    assert len(svg) == 1
    bars = [t.text for t in svg[0].iter("{*}title", "title") if t.text and re.match(r"^\dM\d", t.text)]
    assert [b.split()[0] for b in bars] == [c.id for c in golden_sheet().cues]
    rows = doc.xpath("//table/tbody/tr[not(@class='detail')]/td[1]/text()")
    assert rows == [c.id for c in golden_sheet().cues]


@pytest.mark.skipif(not shutil.which("pdftoppm") or not shutil.which("pdftotext"), reason="poppler-utils is absent")
def test_pdf_renders_and_reads_back(tmp_path: Path) -> None:
    """The PDF, read by poppler (a reader we did not write): one page rendered to PNG, every cue in the text."""
    from otio_scoreplan.notes.pdf import render_pdf

    pdf = tmp_path / "notes.pdf"
    pdf.write_bytes(render_pdf(golden_sheet()))
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    assert _png_size(next(tmp_path.glob("page*.png")))[0] > 600
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for cue in golden_sheet().cues:
        assert cue.id in text
    assert "Spotting notes: Anna (feature)" in text


@needs_chromium
@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is absent")
def test_page_prints_each_cue_whole(tmp_path: Path) -> None:
    """Printed by Chromium (A4 landscape from @media print): the table header on every page, and a cue's
    row never parted from its description and reasons."""
    page = tmp_path / "notes.html"
    page.write_text(render_notes(golden_sheet(), ".html"), encoding="utf-8")
    pdf = tmp_path / "notes.pdf"
    run = subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
                          f"--print-to-pdf={pdf}", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and pdf.exists(), run.stderr[-2000:]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    for cue in golden_sheet().cues:
        where = [i for i, p in enumerate(pages) if re.search(rf"^\s*{cue.id}\s", p, re.M)]
        assert len(where) == 1, cue.id
        assert cue.reasons[-1][:40] in " ".join(pages[where[0]].split()), cue.id
    for p in pages:
        if re.search(r"^\s*\dM\d\s", p, re.M):
            assert re.search(r"Cue\s+Reel\s+Start\s+End", p)
