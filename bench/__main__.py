"""`make bench`: run every benchmark in one process and print a Markdown report."""

from __future__ import annotations

import sys

from bench import agent_page, diff
from bench.harness import django_database, machine

BENCHMARKS = [agent_page, diff]


def main() -> int:
    failed = False
    with django_database():
        print(f"Machine: {machine()}\n")
        for module in BENCHMARKS:
            result = module.run()
            print(f"### {result['name']}\n")
            print("| measure | value |\n|---|---|")
            for label, value in result["rows"]:
                print(f"| {label} | {value} |")
            print(f"\n{'meets' if result['ok'] else 'MISSES'} its target\n")
            failed = failed or not result["ok"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
