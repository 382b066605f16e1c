"""The PDF spotting sheet at any density (issue 15): label boxes read back from the PDF itself with pdfminer.six
(not from our layout code) never overlap; a row longer than a page goes on over the next one; the page rendered
to PNG with pdftoppm for a person to look at."""

from __future__ import annotations

import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest

from otio_scoreplan.model import SequenceInfo
from otio_scoreplan.notes.pdf import render_pdf
from otio_scoreplan.notes.sheet import Sheet
from otio_scoreplan.plan.model import Cue, Hit, Plan

pdfminer = pytest.importorskip("pdfminer", reason="pdfminer.six (a test dependency) reads the PDF back")

RATE = 24.0
MOODS = ("tension", "action", "sad", "romantic", "heroic", "mystery", "wonder", "comedy")


def dense_plan(cues: int = 200, minutes: int = 130, reels: int = 1) -> Plan:
    """``cues`` cues over a ``minutes``-long cut (rows of 20 minutes, so the picture runs over several pages),
    every second one overlapping its neighbour (two lanes), scenes every 90 s, a cut every 4 s, hits."""
    n = int(minutes * 60 * RATE)
    seq = SequenceInfo("DENSE_FEATURE_v7", RATE, False, 86400, n, "fcp7_xml")
    step = n // cues
    out = []
    for i in range(cues):
        start = i * step
        end = min(n, start + step + (step // 2 if i % 2 else 0))
        out.append(Cue(start, end, moods=(MOODS[i % len(MOODS)],), id=f"1M{i + 1}", hits=(Hit(start + step // 3, "hit"),),
                       description=f"cue {i + 1} over scene {i // 3 + 1}"))
    scenes = [{"start_frame": s, "end_frame": min(n, s + int(90 * RATE)), "label": f"Scene {k + 1} - INT. ROOM {k + 1} - NIGHT"}
              for k, s in enumerate(range(0, n, int(90 * RATE)))]
    reel_len = n // reels
    analysis = {"shots": [], "cuts": list(range(int(4 * RATE), n, int(4 * RATE))), "transitions": [], "scenes": scenes,
                "reels": [{"number": r + 1, "start_frame": r * reel_len, "end_frame": (r + 1) * reel_len} for r in range(reels)]}
    return Plan([seq], ["sha256:0123456789abcdef"], out, analyses=[analysis], fingerprint="sha256:0123456789abcdef")


def label_boxes(pdf: bytes) -> list[list[tuple[str, float, float, float, float]]]:
    """Per page, each text run the PDF draws (characters placed one after another on one baseline) with its box:
    read from the PDF's own character positions by pdfminer, not from our layout."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=None)  # no layout analysis: every character as drawn, in order
    interpreter = PDFPageInterpreter(manager, device)
    pages = []
    for pdf_page in PDFPage.get_pages(BytesIO(pdf)):
        interpreter.process_page(pdf_page)
        page = device.get_result()
        runs: list[list[LTChar]] = []
        for item in page:
            if not isinstance(item, LTChar):
                continue
            last = runs[-1][-1] if runs else None
            if last is not None and abs(item.x0 - last.x1) < 0.05 and abs(item.y0 - last.y0) < 0.05:
                runs[-1].append(item)
            else:
                runs.append([item])
        boxes = []
        for run in runs:
            text = "".join(c.get_text() for c in run).strip()
            chars = [c for c in run if c.get_text().strip()]
            if text and chars:
                size = max(c.size for c in chars)  # the glyph's em box on its baseline, not the font's full bbox
                base = min(c.matrix[5] for c in chars)
                boxes.append((text, min(c.x0 for c in chars), base - 0.2 * size, max(c.x1 for c in chars), base + 0.75 * size))
        pages.append(boxes)
    return pages


def overlaps(boxes: list[tuple[str, float, float, float, float]]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[1] < b[3] - 0.01 and b[1] < a[3] - 0.01 and a[2] < b[4] - 0.01 and b[2] < a[4] - 0.01:
                out.append((a[0], b[0]))
    return out


@pytest.mark.parametrize("cues,minutes", [(200, 130), (200, 21), (40, 3)], ids=["200-cues-130-min", "200-cues-21-min", "40-cues-3-min"])
def test_no_two_labels_overlap_on_any_page(cues: int, minutes: int) -> None:
    pdf = render_pdf(Sheet(dense_plan(cues, minutes), "Dense"))
    pages = label_boxes(pdf)
    assert len(pages) >= 2
    assert sum(1 for b in pages[0] + pages[1] if b[0].startswith("01:")) >= 10, "the ruler's timecodes are on the page"
    for number, boxes in enumerate(pages, start=1):
        assert overlaps(boxes) == [], f"page {number}: overlapping labels"


def test_the_reader_sees_an_overlap_when_there_is_one() -> None:
    """The check above can fail: two labels drawn on top of each other are found."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 8)
    pdf.text(20, 20, "01:00:10:00")
    pdf.text(30, 20, "01:00:20:00")
    pdf.text(80, 20, "01:00:30:00")
    found = overlaps(label_boxes(bytes(pdf.output()))[0])
    assert found == [("01:00:10:00", "01:00:20:00")]


def test_a_row_longer_than_a_page_goes_on_over_the_next(tmp_path: Path) -> None:
    plan = dense_plan(3, 5)
    long = " ".join(f"word{i}" for i in range(2500))
    plan.cues[1] = Cue(plan.cues[1].start_frame, plan.cues[1].end_frame, id="1M2", description=long)
    pdf = render_pdf(Sheet(plan, "Long"))  # fpdf2 refused such a row ("too high"): exit 3 before
    text = " ".join(t for page in label_boxes(pdf) for t, *_ in page)
    assert "1M2 (cont.)" in text and "word2499" in text and "word0" in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is absent")
def test_dense_page_two_renders_to_png(tmp_path: Path) -> None:
    pdf_path = tmp_path / "dense.pdf"
    pdf_path.write_bytes(render_pdf(Sheet(dense_plan(), "Dense")))
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "2", "-l", "2", str(pdf_path), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
