"""Plain OpenTimelineIO round trip of one file: read it and write it with the same adapter.

The baseline `scoreplan apply` is measured against (bench/run.py runs it as a whole process, like
``scoreplan``, so both pay their imports).

    python bench/roundtrip.py ADAPTER INPUT OUTPUT [--rate FPS]
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("adapter", help="OTIO adapter name: fcp_xml, fcpx_xml, cmx_3600, AAF, otio_json")
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--rate", type=float, help="frame rate for cmx_3600 (EDLs carry none)")
    args = parser.parse_args(argv)

    import opentimelineio as otio

    read_kwargs = {"rate": args.rate} if args.rate else {}
    timeline = otio.adapters.read_from_file(args.input, adapter_name=args.adapter, **read_kwargs)
    otio.adapters.write_to_file(timeline, args.output, adapter_name=args.adapter)
    return 0


if __name__ == "__main__":
    sys.exit(main())
