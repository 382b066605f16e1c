"""``scoreplan render INPUT --library DIR -o MIX.wav``: choose, fit and render the whole temp score.

INPUT is a plan JSON (``scoreplan spot --json``, possibly edited, with pinned ``temp`` pieces) or a timeline,
which the pipeline reads, analyses and plans first.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from .common import folder_arg, read_options


def add_render_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``scoreplan render``."""
    p.add_argument("input", help="plan JSON (from `scoreplan spot --json`) or a timeline file")
    p.add_argument("--sequence", metavar="NAME", help="sequence to read when the timeline holds several")
    p.add_argument("--rate", metavar="FPS", help="frame rate of a timeline that carries none (EDL)")
    p.add_argument("--library", required=True, metavar="DIR", type=folder_arg, help="folder of temp music")
    p.add_argument("-o", "--output", required=True, metavar="MIX.wav", help="preview mix to write: .wav (48 kHz "
                   "24-bit Broadcast Wave), or .flac .mp3 .m4a .aac .ogg .opus (encoded from it by the ffmpeg we ship)")
    p.add_argument("--media", metavar="DIR", type=folder_arg, help="also write each fitted cue as <cue id>_<hash8>.wav in DIR")
    p.add_argument("--seed", type=int, default=0, help="vary the choice among near-equal pieces (default 0)")
    p.add_argument("--align-hits", action="store_true", help="move each piece so its strongest onset lands on the cue's first hit")
    p.add_argument("--target-lufs", type=float, default=-20.0, help="loudness of each cue (default -20 LUFS)")
    p.add_argument("--ceiling", type=float, default=-1.0, help="true-peak ceiling in dBTP (default -1)")
    p.add_argument("--rules", metavar="FILE", help="TOML file overriding the shipped planning rules")


def _progress_bar(stream: TextIO) -> Callable[[int, int], None]:
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        share = done / total if total else 1.0
        bar = "#" * int(share * 30)
        elapsed = time.monotonic() - started
        stream.write(f"\rrendering [{bar:<30}] {share:6.1%}  {done / 48000 / max(elapsed, 1e-6):5.0f}x realtime")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


def cli_render(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run ``scoreplan render``: choose pieces, render the preview mix (and per-cue files); returns 0."""
    from ..audio.encode import check_mix_suffix
    from ..audio.fit import fit_settings_from_rules
    from ..audio.render import render_settings_from_rules
    from ..outfile import check_output_path
    from ..pipeline import obtain_plan, read_and_analyse, render_preview, require_content
    from ..plan.model import load_plan
    from ..plan.rules import load_rules

    out = out or sys.stdout
    check_output_path(args.output, args.input)  # never onto the plan, the cut, a library piece, a link: before any work
    check_mix_suffix(args.output)  # a format we write (.wav, or one ffmpeg encodes): before any work
    rules = None
    if Path(args.input).suffix.lower() == ".json":
        plan = load_plan(args.input)
    else:  # a timeline: planned now (temp pieces are chosen below, as for a plan file)
        _, analysis = read_and_analyse(args.input, read_options(args, args.input))
        require_content(analysis)  # before the rules are read, as ever
        rules = load_rules(getattr(args, "rules", None))
        plan, _ = obtain_plan([analysis], [args.input], rules)
    rules = rules or load_rules(getattr(args, "rules", None))
    settings = render_settings_from_rules(rules, fit=fit_settings_from_rules(rules, align_hits=args.align_hits),
                                          target_lufs=args.target_lufs, ceiling_db=args.ceiling)
    mix = Path(args.output)
    count = len(plan.sequences)
    targets = [mix if count == 1 else mix.with_name(f"{mix.stem}_{i + 1}{mix.suffix}") for i in range(count)]
    if count > 1:
        derived_names_free(targets, str(args.output))
    progress = (lambda: _progress_bar(sys.stderr)) if sys.stderr.isatty() else None  # a bar per input's mix
    done = render_preview(plan, args.input, args.library, targets, rules, settings, seed=args.seed,
                          media=Path(args.media) if args.media else None, progress=progress)
    for seq, rendered in zip(plan.sequences, done):
        for pick in rendered.picks:
            out.write(f"{pick.cue_id}\t{pick.title}\t{pick.reason}\n")
        report = rendered.mix
        out.write(f"{report.path}: {report.cues_mixed} cues mixed over {seq.name or 'the sequence'}"
                  f" ({report.frames / settings.fit.sample_rate:.1f} s)")
        out.write(f"; {len(report.skipped)} left out\n" if report.skipped else "\n")
        if rendered.media is not None:
            out.write(f"{rendered.media}: {rendered.cue_files} cue files\n")
    return 0


def derived_names_free(targets: list[Path], given: str) -> None:
    """A plan of several inputs renders one mix per input under names made from ``-o`` (``m.wav`` -> ``m_1.wav``,
    ``m_2.wav``): names nobody gave, so one that holds a file must hold an earlier mix of ours (a Broadcast Wave
    whose originator is otio-scoreplan) to be replaced; anything else is refused before any work, naming it."""
    from ..audio.bwf import read_bext
    from ..errors import ScorePlanError, UsageError

    for target in targets:
        if not (target.exists() or target.is_symlink()):
            continue
        try:
            bext = read_bext(target) if target.is_file() and not target.is_symlink() else None
        except (OSError, ValueError, ScorePlanError):  # no WAV, or a damaged one: not ours to replace
            bext = None
        ours = bext is not None and bext.originator.strip("\0 ") == "otio-scoreplan"
        if not ours:
            names = ", ".join(t.name for t in targets)
            raise UsageError(f"the plan has {len(targets)} inputs, so -o {given} writes one mix per input ({names}); "
                             f"{target.name} exists and is no mix of ours: move it or choose another -o", target)
