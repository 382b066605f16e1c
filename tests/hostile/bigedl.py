"""A CMX 3600 list of many events (seeded): the 100,000-event EDL of issue 7."""

from __future__ import annotations

import random

RATE = 25


def tc(frames: int, rate: int = RATE) -> str:
    s, f = divmod(frames, rate)
    m, s = divmod(s, 60)
    h, m = divmod(m, 60)
    return f"{h:02d}:{m:02d}:{s:02d}:{f:02d}"


def big_edl(events: int, seed: int = 7) -> bytes:
    """``events`` cuts of 4 to 12 frames at 25 fps NDF, clip names, a locator every 97 events."""
    rng = random.Random(seed)
    lines = ["TITLE:   STRESS_100K", "FCM: NON-DROP FRAME"]
    rec = 0
    for n in range(1, events + 1):
        length = rng.randint(4, 12)
        src = rng.randrange(0, 10 * 3600 * RATE)
        reel = f"A{rng.randrange(1, 999):03d}C{rng.randrange(1, 99):03d}"
        lines.append(f"{n:06d}  {reel} V     C        {tc(src)} {tc(src + length)} {tc(rec)} {tc(rec + length)}")
        lines.append(f"* FROM CLIP NAME:  {reel}_{n}")
        if n % 97 == 0:
            lines.append(f"* LOC: {tc(rec + 1)} RED     MUSIC IN - tense {n}")
        rec += length
    return ("\r\n".join(lines) + "\r\n").encode("ascii")
