"""`make bench`: run the benchmarks and print a Markdown report.

`python -m bench [name ...]` runs only the named ones (agent_page, diff, revisions,
rollouts, webhooks, bundles, quality, blame, audit, api_hot_path, stream).
"""

from __future__ import annotations

import sys

from bench import (
    agent_page,
    api_hot_path,
    audit,
    blame,
    bundles,
    diff,
    harness,
    quality,
    revisions,
    rollouts,
    stream,
    webhooks,
)

IN_PROCESS = {
    "agent_page": agent_page,
    "diff": diff,
    "revisions": revisions,
    "rollouts": rollouts,
    "webhooks": webhooks,
    "bundles": bundles,
    "quality": quality,
    "blame": blame,
    "audit": audit,
}  # share one throwaway test database
SERVED = {"api_hot_path": api_hot_path, "stream": stream}  # start their own servers and databases


def _report(result: dict) -> bool:
    print(f"### {result['name']}\n")
    print("| measure | value |\n|---|---|")
    for label, value in result["rows"]:
        print(f"| {label} | {value} |")
    print(f"\n{'meets' if result['ok'] else 'MISSES'} its target\n", flush=True)
    return result["ok"]


def main(names: list[str]) -> int:
    wanted = set(names) or set(IN_PROCESS) | set(SERVED)
    unknown = wanted - set(IN_PROCESS) - set(SERVED)
    if unknown:
        print(f"Unknown benchmarks: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    ok = True
    if wanted & set(IN_PROCESS):
        with harness.django_database():
            print(f"Machine: {harness.machine()}\n")
            for name, module in IN_PROCESS.items():
                if name in wanted:
                    ok = _report(module.run()) and ok
    for name, module in SERVED.items():
        if name in wanted:
            ok = _report(module.run()) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
