"""CLI: python -m tests.synthetic OUT --seed 1 --n 10 [--renderings ...] [--kinds ...]."""

from __future__ import annotations

import argparse
import time

from tests.synthetic.corpus import generate_corpus
from tests.synthetic.truth import ALL_RENDERINGS, KINDS, RENDERINGS


def main(argv: list[str] | None = None) -> int:
    """Generate a corpus into OUT and print a one-line summary."""
    parser = argparse.ArgumentParser(prog="python -m tests.synthetic", description=__doc__)
    parser.add_argument("out", help="output folder (created)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--n", type=int, default=10, help="documents per kind")
    parser.add_argument(
        "--renderings",
        default=",".join(RENDERINGS),
        help=f"comma list of {', '.join(ALL_RENDERINGS)}",
    )
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--photo-size", type=int, default=4032, help="photo long side, px")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    docs = generate_corpus(
        args.out,
        seed=args.seed,
        n_per_kind=args.n,
        renderings=[r for r in args.renderings.split(",") if r],
        kinds=[k for k in args.kinds.split(",") if k],
        photo_long_side=args.photo_size,
    )
    files = sum(len(names) for _, truth in docs for names in truth.files.values())
    print(f"{len(docs)} documents, {files} files in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
