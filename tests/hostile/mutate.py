"""Seeded mutations of real timeline files: cut short, bytes flipped, elements removed or duplicated,
absurd values, other encodings and line ends.

Every mutation is a function ``(data, rng) -> bytes`` of the original bytes and a ``random.Random``,
so one seed always gives the same file. The structural ones understand the file's format (XML, EDL,
OTIO JSON) and fall back to a byte flip where the format is opaque (AAF).
"""

from __future__ import annotations

import codecs
import json
import random
import re
from collections.abc import Callable

from lxml import etree

Mutation = Callable[[bytes, random.Random], bytes]

# Values no editor's export holds: negative, zero, huge, not a number, impossible timecode.
ABSURD_NUMBERS = ["-1", "-100000", "0", "1e308", "-1e308", "NaN", "inf", "99999999999999999999999", "", "abc", "0.0000001"]
ABSURD_TIMES = ["-100/2400s", "1/0s", "0/0s", "-1s", "99999999999999999/1s", "100/-24s", "NaNs", "s", "3001/0s"]
ABSURD_TIMECODES = ["99:99:99:99", "-01:00:00:00", "00:00:00:99", "25:00:00:00", "00:60:00:00", "1:2:3:4"]

_TC = re.compile(rb"\d\d[:;]\d\d[:;]\d\d[:;]\d\d")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _xml_root(data: bytes) -> etree._Element | None:
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError:
        return None


def _xml_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")


def is_xml(data: bytes) -> bool:
    head = data[:200].lstrip(codecs.BOM_UTF8).lstrip()
    return head.startswith(b"<")


def is_json(data: bytes) -> bool:
    return data.lstrip()[:1] == b"{"


def truncate(data: bytes, rng: random.Random) -> bytes:
    """Cut the file at a random point (never at its very end)."""
    return data[: rng.randrange(0, max(1, len(data)))]


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    """XOR 1 to 8 random bytes with random values."""
    if not data:
        return data
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(out))
        out[i] ^= rng.randint(1, 255)
    return bytes(out)


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def remove_element(data: bytes, rng: random.Random) -> bytes:
    """Remove one element (XML), one line (EDL), one JSON key or list item (OTIO); else flip bytes."""
    if is_xml(data):
        root = _xml_root(data)
        elements = [e for e in root.iter() if e is not root and isinstance(e.tag, str)] if root is not None else []
        if elements:
            victim = rng.choice(elements)
            victim.getparent().remove(victim)
            return _xml_bytes(root)
    elif is_json(data):
        return _json_edit(data, rng, "remove")
    elif data[:8] != bytes.fromhex("d0cf11e0a1b11ae1"):
        lines = _lines(data)
        if lines:
            del lines[rng.randrange(len(lines))]
            return b"".join(lines)
    return flip_bytes(data, rng)


def duplicate_element(data: bytes, rng: random.Random) -> bytes:
    """Duplicate one element (XML, ids and all), one line (EDL), one JSON list item (OTIO)."""
    if is_xml(data):
        root = _xml_root(data)
        elements = [e for e in root.iter() if e is not root and isinstance(e.tag, str)] if root is not None else []
        if elements:
            victim = rng.choice(elements)
            victim.addnext(etree.fromstring(etree.tostring(victim), _parser()))
            return _xml_bytes(root)
    elif is_json(data):
        return _json_edit(data, rng, "duplicate")
    elif data[:8] != bytes.fromhex("d0cf11e0a1b11ae1"):
        lines = _lines(data)
        if lines:
            i = rng.randrange(len(lines))
            lines.insert(i, lines[i] * rng.choice((1, 2, 50)))
            return b"".join(lines)
    return flip_bytes(data, rng)


def absurd_value(data: bytes, rng: random.Random) -> bytes:
    """Give one numeric or time value an absurd one: negative duration, rate 0, 99:99:99:99 ..."""
    if is_xml(data):
        root = _xml_root(data)
        if root is not None:
            slots: list[tuple[etree._Element, str | None]] = []
            for e in root.iter():
                if not isinstance(e.tag, str):
                    continue
                for k, v in e.attrib.items():
                    if re.fullmatch(r"-?[\d./]+s?|\d\d[:;]\d\d[:;]\d\d[:;]\d\d", v or ""):
                        slots.append((e, k))
                if len(e) == 0 and e.text and re.fullmatch(r"\s*(-?[\d.]+|\d\d[:;]\d\d[:;]\d\d[:;]\d\d|TRUE|FALSE)\s*", e.text):
                    slots.append((e, None))
            if slots:
                e, k = rng.choice(slots)
                old = e.get(k) if k else e.text
                if _TC.fullmatch(old.strip().encode()):
                    new = rng.choice(ABSURD_TIMECODES)
                elif old.endswith("s"):
                    new = rng.choice(ABSURD_TIMES)
                else:
                    new = rng.choice(ABSURD_NUMBERS + ABSURD_TIMECODES[:1])
                if k:
                    e.set(k, new)
                else:
                    e.text = new
                return _xml_bytes(root)
    elif is_json(data):
        return _json_edit(data, rng, "absurd")
    elif data[:8] != bytes.fromhex("d0cf11e0a1b11ae1"):
        spans = [m.span() for m in _TC.finditer(data)]
        if spans:
            a, b = rng.choice(spans)
            return data[:a] + rng.choice(ABSURD_TIMECODES).encode() + data[b:]
    return flip_bytes(data, rng)


def _json_edit(data: bytes, rng: random.Random, how: str) -> bytes:
    try:
        doc = json.loads(data)
    except ValueError:
        return flip_bytes(data, rng)
    slots: list[tuple[object, object]] = []  # (container, key or index)

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                slots.append((node, k))
                walk(v)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                slots.append((node, i))
                walk(v)

    walk(doc)
    if how == "absurd":
        slots = [(c, k) for c, k in slots if isinstance(c[k], (int, float)) and not isinstance(c[k], bool)]  # type: ignore[index]
    elif how == "duplicate":
        slots = [(c, k) for c, k in slots if isinstance(c, list)]
    if not slots:
        return flip_bytes(data, rng)
    container, key = rng.choice(slots)
    if how == "remove":
        del container[key]  # type: ignore[attr-defined]
    elif how == "duplicate":
        container.insert(key, json.loads(json.dumps(container[key])))  # type: ignore[attr-defined,index]
    else:
        container[key] = rng.choice([-1, -1e9, 0, 0.0, 1e308, -1e308, 2**63, None, "x"])  # type: ignore[index]
    return json.dumps(doc, indent=1).encode()


def add_bom(data: bytes, rng: random.Random) -> bytes:
    """A UTF-8 byte-order mark in front (Windows tools add one)."""
    return codecs.BOM_UTF8 + data


def crlf(data: bytes, rng: random.Random) -> bytes:
    """Windows line ends (or, one time in four, old Mac CR-only ends)."""
    lf = data.replace(b"\r\n", b"\n")
    return lf.replace(b"\n", b"\r" if rng.random() < 0.25 else b"\r\n")


def non_utf8(data: bytes, rng: random.Random) -> bytes:
    """Text in another encoding: one word re-spelt in Latin-1 bytes, or the whole file in UTF-16."""
    if rng.random() < 0.3:
        try:
            return codecs.BOM_UTF16_LE + data.decode("utf-8-sig").encode("utf-16-le")
        except UnicodeDecodeError:
            return flip_bytes(data, rng)
    words = [m.span() for m in re.finditer(rb"[A-Za-z]{4,}", data[:200000])]
    if not words:
        return data + b"\xe9\xff"
    a, b = rng.choice(words)
    return data[:a] + "Scène été".encode("latin-1") + b"\xff" + data[b:]


MUTATIONS: dict[str, Mutation] = {
    "truncate": truncate,
    "flip": flip_bytes,
    "remove": remove_element,
    "duplicate": duplicate_element,
    "absurd": absurd_value,
    "bom": add_bom,
    "crlf": crlf,
    "non-utf8": non_utf8,
}


def mutate(data: bytes, kinds: list[str], seed: int) -> bytes:
    """Apply the named mutations in order, all drawn from one seed."""
    rng = random.Random(seed)
    for kind in kinds:
        data = MUTATIONS[kind](data, rng)
    return data
