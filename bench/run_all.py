"""Run every benchmark in turn (each in its own process, so none disturbs another) and print their figures."""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = ("list_throughput", "media_ranges", "idle_rss", "polling", "tracker_load")


def main() -> None:
    for name in BENCHMARKS:
        print(f"=== bench.{name}", flush=True)
        subprocess.run([sys.executable, "-m", f"bench.{name}"], check=True)
        print(flush=True)


if __name__ == "__main__":
    main()
