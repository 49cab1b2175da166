"""Run benchmarks by name; with no name, run them all. Figures go in the README."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = {
    "calendar": "bench.calendar_bench",
    "letters": "bench.letters_bench",
    "engine": "bench.engine_bench",
    "letter_issuing": "bench.letter_issuing_bench",
    "sweep": "bench.sweep_bench",
    "report": "bench.report_bench",
    "startup": "bench.startup_bench",
    "web": "bench.web_bench",
    "api_cost": "bench.api_cost_bench",
}


def main(argv: list[str]) -> None:
    names = argv or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        sys.exit(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    for name in names:
        print(f"== {name}")
        importlib.import_module(BENCHMARKS[name]).run()


if __name__ == "__main__":
    main(sys.argv[1:])
