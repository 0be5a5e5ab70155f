"""python -m bench [NAME [ARGS...]]: run every benchmark module (with a main()), or one."""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path


def modules() -> list[str]:
    """The benchmark modules present: bench/*.py defining ``main``, in name order."""
    names = []
    for path in sorted(Path(__file__).parent.glob("*.py")):
        if path.stem.startswith("_"):
            continue
        if "\ndef main(" in path.read_text("utf-8"):
            names.append(path.stem)
    return names


def run(name: str, args: list[str]) -> int:
    """Import ``bench.NAME`` and call its ``main()`` with ``args`` as its command line."""
    module = importlib.import_module(f"bench.{name}")
    saved = sys.argv
    sys.argv = [f"bench.{name}", *args]
    started = time.perf_counter()
    try:
        result = module.main()
    finally:
        sys.argv = saved
    print(f"== bench.{name}: {time.perf_counter() - started:.0f} s", flush=True)
    return int(result or 0)


def main(argv: list[str] | None = None) -> int:
    """Run the named benchmark, or all of them."""
    args = sys.argv[1:] if argv is None else argv
    available = modules()
    if args:
        name = args[0].removeprefix("bench.").removesuffix(".py")
        if name not in available:
            print(
                f"unknown benchmark {name!r}; available: {', '.join(available)}", file=sys.stderr
            )
            return 2
        return run(name, args[1:])
    status = 0
    for name in available:
        print(f"== bench.{name}", flush=True)
        status |= run(name, [])
    return status


if __name__ == "__main__":
    raise SystemExit(main())
