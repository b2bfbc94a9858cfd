"""``python -m mediacheck.samples [OUTDIR]``: rebuild the sample submissions.

OUTDIR defaults to sample_media/; only the sample folders and README.md are replaced.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from mediacheck.samples.build import build


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1 or (args and args[0] in ("-h", "--help")):
        print(__doc__)
        return 0 if args and args[0] in ("-h", "--help") else 2
    outdir = Path(args[0] if args else "sample_media")
    start = time.perf_counter()
    folders = build(outdir)
    total = sum(f.stat().st_size for d in folders for f in d.rglob("*") if f.is_file())
    elapsed = time.perf_counter() - start
    print(f"{len(folders)} sample folders, {total / 1e6:.1f} MB in {outdir}/ ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
