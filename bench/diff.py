"""Diff engine speed: realistic edits, the worst case for intra-line work, and the size cap.

Targets (issue: side-by-side diffs): 1,000-line prompts with 10% of lines edited
<= 150 ms; 600 lines all slightly changed <= 1 s (difflib.HtmlDiff is measured
beside it for reference); a 200 KB prompt rewritten completely finishes in bounded time.
"""

from __future__ import annotations

import difflib
import random
import sys

from bench import harness


def _prompt(lines: int, rng: random.Random, edited: set[int] | None = None) -> str:
    words = [
        "caller",
        "confirm",
        "politely",
        "appointment",
        "never",
        "always",
        "transfer",
        "clinic",
        "name",
        "date",
        "birth",
        "order",
        "number",
        "refund",
        "policy",
    ]
    out = []
    for i in range(lines):
        line_rng = random.Random(i)
        sentence = " ".join(line_rng.choice(words) for _ in range(12))
        if edited and i in edited:
            sentence = sentence.replace(" ", " really ", 1) + " (updated)"
        out.append(f"{i}. {sentence}.")
    return "\n".join(out)


def _document(prompt: str) -> dict:
    from agents.domain import config

    return config.normalize({"prompt": {"system_prompt": prompt}})


def run(repeat: int = 15) -> dict:
    from django.template.loader import render_to_string

    from agents.domain.diff import diff
    from agents.views.compare import diff_context

    rng = random.Random(7)
    base = _prompt(1000, rng)
    edited = _prompt(1000, rng, edited=set(rng.sample(range(1000), 100)))
    old_doc, new_doc = _document(base), _document(edited)
    typical = harness.median_ms(harness.timed(lambda: diff(old_doc, new_doc), repeat=repeat))
    result = diff(old_doc, new_doc)
    render = harness.median_ms(
        harness.timed(
            lambda: render_to_string("agents/shared/_changes.html", diff_context(result, "a", "b")),
            repeat=repeat,
        )
    )

    worst_old = "\n".join(
        f"line {i}: the assistant greets the caller and asks how to help" for i in range(600)
    )
    worst_new = "\n".join(
        f"line {i}: the assistant greets the caller and asks how to help!" for i in range(600)
    )
    worst_a, worst_b = _document(worst_old), _document(worst_new)
    worst = harness.median_ms(harness.timed(lambda: diff(worst_a, worst_b), repeat=5, warmup=1))
    # HtmlDiff recurses once per line on this input: give it the stack it needs.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)
    try:
        html_diff = harness.median_ms(
            harness.timed(
                lambda: difflib.HtmlDiff().make_table(
                    worst_old.splitlines(), worst_new.splitlines()
                ),
                repeat=1,
                warmup=0,
            )
        )
    finally:
        sys.setrecursionlimit(limit)

    big_old = "\n".join(f"{i} alpha beta gamma delta epsilon" for i in range(6000))[:200_000]
    big_new = "\n".join(f"{i} epsilon delta gamma beta alpha" for i in range(6000))[:200_000]
    big_a, big_b = _document(big_old), _document(big_new)
    cap = harness.median_ms(harness.timed(lambda: diff(big_a, big_b), repeat=3, warmup=1))

    return {
        "name": "diff engine",
        "rows": [
            (
                "1,000-line prompts, 10% of lines edited: diff (target <= 150 ms)",
                f"{typical:.1f} ms",
            ),
            ("… and rendering the side-by-side HTML", f"{render:.1f} ms"),
            ("600 lines, every line slightly changed (target <= 1,000 ms)", f"{worst:.1f} ms"),
            ("… difflib.HtmlDiff on the same input", f"{html_diff:.0f} ms"),
            ("… ratio HtmlDiff / ours", f"{html_diff / worst:.1f}x"),
            ("200 KB prompt rewritten completely", f"{cap:.0f} ms"),
        ],
        "ok": typical <= 150 and worst <= 1000 and cap <= 5000,
    }
