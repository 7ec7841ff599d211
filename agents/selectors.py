"""Non-trivial reads, each a fixed number of queries however much data there is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, CharField, F, Max, OuterRef, Q, QuerySet, Subquery, Value, When

from agents.channels import usage
from agents.config import changed_paths
from agents.diff import Diff, diff
from agents.models import (
    STATUS_LABELS,
    Agent,
    Channel,
    Draft,
    PublishedVersion,
    ReleaseEvent,
)
from agents.permissions import Abilities


def with_status(queryset: QuerySet[Agent]) -> QuerySet[Agent]:
    """Annotate `status_code` in SQL, the same rule as `Agent.status`."""
    return queryset.annotate(
        status_code=Case(
            When(released_version__isnull=True, then=Value("unpublished")),
            When(
                draft__content_hash=F("released_version__content_hash"),
                then=Value("published"),
            ),
            default=Value("unpublished_changes"),
            output_field=CharField(),
        )
    )


def filter_by_status(queryset: QuerySet[Agent], status: str) -> QuerySet[Agent]:
    if status not in STATUS_LABELS:
        return queryset.none()
    return with_status(queryset).filter(status_code=status)


def agent_list(*, search: str = "", status: str = "", include_archived: bool = False):
    """Agents with everything a list row shows, in one query."""
    queryset = Agent.objects.select_related(
        "draft", "draft__updated_by", "released_version"
    ).annotate(latest_number=Max("versions__number"))
    if not include_archived:
        queryset = queryset.filter(archived_at__isnull=True)
    if search := search.strip():
        queryset = queryset.filter(Q(name__icontains=search) | Q(public_id__iexact=search))
    if status:
        queryset = filter_by_status(queryset, status)
    return queryset.order_by("name", "id")


def agent_for_page(public_id: str) -> Agent:
    """The agent with its draft, released version and draft editor, in one query."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Agent.objects.select_related(
            "draft", "draft__updated_by", "draft__restored_from", "released_version"
        ),
        public_id=public_id,
    )


HISTORY_PAGE_SIZE = 20


@dataclass(frozen=True)
class HistoryRow:
    """One version in the history panel, with the actions this user may take on it."""

    version: PublishedVersion
    is_released: bool
    can_restore: bool
    can_release: bool
    release_label: str  # "Release" or "Roll back to vN"
    used_by: tuple[str, ...] = ()  # channels serving this version: "Main line", "AB 20%"
    eval_passed: int | None = None  # the latest finished eval run on this configuration
    eval_total: int | None = None

    @property
    def eval_rate(self) -> int | None:
        if not self.eval_total:
            return None
        return round(100 * (self.eval_passed or 0) / self.eval_total)


@dataclass(frozen=True)
class HistoryPage:
    rows: list[HistoryRow]
    next_page: int | None


def history_page(*, agent: Agent, can: Abilities, page: int = 1) -> HistoryPage:
    """Versions newest first, one page at a time: one query however many versions."""
    page = max(page, 1)
    start = (page - 1) * HISTORY_PAGE_SIZE
    from agents.models import EvalRun

    last_run = EvalRun.objects.filter(
        agent_id=agent.pk, content_hash=OuterRef("content_hash"), status__in=EvalRun.FINISHED
    ).order_by("-finished_at", "-id")
    versions = list(
        PublishedVersion.objects.filter(agent_id=agent.pk)
        .select_related("created_by")
        .defer("config")
        .annotate(
            eval_passed=Subquery(last_run.values("passed_count")[:1]),
            eval_total=Subquery(last_run.values("case_count")[:1]),
        )
        .order_by("-number")[start : start + HISTORY_PAGE_SIZE + 1]
    )
    more = len(versions) > HISTORY_PAGE_SIZE
    released = agent.released_version
    active = agent.archived_at is None
    channels = list(Channel.objects.filter(agent_id=agent.pk).only("name", "target", "variants"))
    rows = []
    for version in versions[:HISTORY_PAGE_SIZE]:
        is_released = released is not None and version.pk == released.pk
        rollback = released is not None and version.number < released.number
        rows.append(
            HistoryRow(
                version=version,
                is_released=is_released,
                can_restore=can.edit and active,
                can_release=can.release and active and not is_released,
                release_label=f"Roll back to {version.label}" if rollback else "Release",
                used_by=tuple(
                    usage(
                        channels,
                        version_number=version.number,
                        released_number=released.number if released else None,
                    )
                ),
                eval_passed=version.eval_passed,
                eval_total=version.eval_total,
            )
        )
    return HistoryPage(rows=rows, next_page=page + 1 if more else None)


def draft_in_some_version(agent: Agent) -> bool:
    """Whether the draft's content is saved in at least one version (safe to overwrite)."""
    return PublishedVersion.objects.filter(
        agent_id=agent.pk, content_hash=agent.draft.content_hash
    ).exists()


def release_log(agent: Agent, limit: int = 10) -> list[ReleaseEvent]:
    return list(
        ReleaseEvent.objects.filter(agent_id=agent.pk)
        .select_related("version", "previous_version", "released_by")
        .defer("version__config", "previous_version__config")
        .order_by("-released_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class Activity:
    when: datetime
    who: str
    reason: str
    revision: int
    changed: list[str]


def draft_activity(agent: Agent, limit: int = 10) -> list[Activity]:
    """Who changed which configuration paths, newest first (from simple-history)."""
    records = list(
        Draft.history.filter(id=agent.draft.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    entries = []
    for record, previous in zip(records, [*records[1:], None], strict=True):
        if len(entries) == limit:
            break
        changed = changed_paths(previous.config, record.config) if previous else []
        entries.append(
            Activity(
                when=record.history_date,
                who=record.history_user.get_username() if record.history_user else "system",
                reason=record.history_change_reason or "",
                revision=record.revision,
                changed=changed,
            )
        )
    return entries


# ------------------------------------------------------------------ comparing


@dataclass(frozen=True)
class Side:
    """One side of a comparison: `draft`, `released` or a version."""

    label: str  # "Draft", "Released (v3)", "v3"
    ref: str  # canonical URL form: "draft", "released", "3"
    config: dict
    content_hash: str
    version: PublishedVersion | None = None


def compare_side(agent: Agent, ref: str) -> Side:
    """Resolve `draft`, `released`, `3` or `v3`; raise Http404 with a reason otherwise."""
    from django.http import Http404

    ref = ref.strip().lower()
    if ref == "draft":
        draft = agent.draft
        return Side("Draft", "draft", draft.config, draft.content_hash)
    if ref == "released":
        released = agent.released_version
        if released is None:
            raise Http404("Nothing is released yet.")
        return Side(
            f"Released ({released.label})",
            "released",
            released.config,
            released.content_hash,
            released,
        )
    number = ref.removeprefix("v")
    if not number.isdigit():
        raise Http404(f"Unknown side {ref!r}: use draft, released or a version number.")
    version = PublishedVersion.objects.filter(agent_id=agent.pk, number=int(number)).first()
    if version is None:
        raise Http404(f"{agent.name} has no version v{number}.")
    return Side(version.label, str(version.number), version.config, version.content_hash, version)


def config_diff(old: Side, new: Side) -> Diff:
    """The diff of two sides; diffs of two immutable versions are cached by their hashes."""
    from django.core.cache import cache

    if old.version is None or new.version is None:
        return diff(old.config, new.config)
    key = f"agents:diff:v1:{old.content_hash}:{new.content_hash}"
    found = cache.get(key)
    if found is None:
        found = diff(old.config, new.config)
        cache.set(key, found, timeout=None)
    return found


# ------------------------------------------------------------------ channels


def channel_as_of(channel, at: datetime) -> dict:
    """What served a channel at time `at`: its routing then, and for each arm the version
    (or draft revision) it resolved to, from the channel's history and the release log."""
    from django.core.exceptions import ObjectDoesNotExist

    from agents.channels import target_label

    try:
        then = channel.history.as_of(at)
    except ObjectDoesNotExist:
        return {"existed": False, "target": None, "variants": None, "serves": []}
    arms = then.variants or [{"target": then.target, "weight": 100}]
    released = (
        ReleaseEvent.objects.filter(agent_id=then.agent_id, released_at__lte=at)
        .select_related("version")
        .only("version__number", "version__content_hash")
        .order_by("-released_at", "-id")
        .first()
    )
    draft = (
        Draft.history.filter(agent_id=then.agent_id, history_date__lte=at)
        .order_by("-history_date", "-history_id")
        .only("revision", "content_hash")
        .first()
    )
    numbers = {a["target"]["version"] for a in arms if isinstance(a["target"], dict)}
    hashes = dict(
        PublishedVersion.objects.filter(agent_id=then.agent_id, number__in=numbers).values_list(
            "number", "content_hash"
        )
    )
    serves = []
    for arm in arms:
        target = arm["target"]
        if target == "released":
            version = released.version.number if released else None
            content_hash = released.version.content_hash if released else None
        elif target == "draft":
            version = "draft"
            content_hash = draft.content_hash if draft else None
        else:
            version, content_hash = target["version"], hashes.get(target["version"])
        serves.append(
            {
                "variant": target_label(target),
                "weight": arm["weight"],
                "version": version,
                "content_hash": content_hash,
                "draft_revision": draft.revision if target == "draft" and draft else None,
            }
        )
    return {"existed": True, "target": then.target, "variants": then.variants, "serves": serves}


# ------------------------------------------------------------------ monitoring


def conversations_page(
    agent: Agent, *, version: str = "", channel: str = "", outcome: str = "", since=None, until=None
):
    """The agent's conversations, newest first, filtered; a queryset to paginate."""
    from agents.models import Conversation

    rows = (
        Conversation.objects.filter(agent_id=agent.pk)
        .select_related("version")
        .only(
            "public_id",
            "version__number",
            "channel_ref",
            "variant",
            "key",
            "started_at",
            "ended_at",
            "outcome",
            "duration_s",
            "sentiment",
            "automated",
            "playground",
        )
        .order_by("-started_at", "-id")
    )
    if version == "draft":
        rows = rows.filter(version__isnull=True)
    elif version.removeprefix("v").isdigit():
        rows = rows.filter(version__number=int(version.removeprefix("v")))
    if channel:
        rows = rows.filter(channel_ref=channel)
    if outcome:
        rows = rows.filter(outcome=outcome)
    if since:
        rows = rows.filter(started_at__date__gte=since)
    if until:
        rows = rows.filter(started_at__date__lte=until)
    return rows


@dataclass(frozen=True)
class VersionStats:
    label: str  # "v3" or "draft"
    number: int | None
    conversations: int
    ended: int
    completion_rate: float | None  # completed / ended
    completion_low: float | None  # 95% Wilson interval
    completion_high: float | None
    mean_duration_s: float | None
    mean_sentiment: float | None
    automation_rate: float | None


def wilson_interval(successes: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion (sound for small samples too)."""
    if total == 0:
        return 0.0, 0.0
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    margin = z * ((p * (1 - p) / total + z * z / (4 * total * total)) ** 0.5) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


def version_stats(agent: Agent) -> list[VersionStats]:
    """Per-version outcomes from one aggregate query, however many conversations."""
    from django.db.models import Avg, Count

    from agents.models import Conversation

    rows = (
        Conversation.objects.filter(agent_id=agent.pk, playground=False)
        .values("version__number")
        .annotate(
            n_total=Count("id"),
            n_ended=Count("id", filter=Q(ended_at__isnull=False)),
            n_completed=Count("id", filter=Q(outcome="completed")),
            n_automated=Count("id", filter=Q(automated=True)),
            n_known_automation=Count("id", filter=Q(automated__isnull=False)),
            avg_duration=Avg("duration_s"),
            avg_sentiment=Avg("sentiment"),
        )
        .order_by("-version__number")
    )
    stats = []
    for row in rows:
        number = row["version__number"]
        ended = row["n_ended"]
        low, high = wilson_interval(row["n_completed"], ended)
        stats.append(
            VersionStats(
                label=f"v{number}" if number else "draft",
                number=number,
                conversations=row["n_total"],
                ended=ended,
                completion_rate=row["n_completed"] / ended if ended else None,
                completion_low=low if ended else None,
                completion_high=high if ended else None,
                mean_duration_s=row["avg_duration"],
                mean_sentiment=row["avg_sentiment"],
                automation_rate=(
                    row["n_automated"] / row["n_known_automation"]
                    if row["n_known_automation"]
                    else None
                ),
            )
        )
    return stats


# ------------------------------------------------------------------ evals


def gate_findings(*, agent: Agent, version: PublishedVersion) -> list[str]:
    """Why `version` has no passing eval run, one line per suite; empty when it has.

    A run counts for a version when it tested the same configuration (content
    hash: a draft run counts for the version saved from that draft) and the suite
    as it is now (its revision). The latest such finished run of each suite must
    have passed every case.
    """
    from agents.models import EvalResult, EvalRun, EvalSuite

    suites = list(EvalSuite.objects.filter(agent_id=agent.pk).order_by("name", "id"))
    if not suites:
        return ["the agent has no eval suites"]
    latest: dict[int, EvalRun] = {}
    for run in (
        EvalRun.objects.filter(
            agent_id=agent.pk, content_hash=version.content_hash, status__in=EvalRun.FINISHED
        )
        .defer("cases")
        .order_by("-finished_at", "-id")
    ):
        latest.setdefault(run.suite_id, run)
    failed: dict[int, list[str]] = {}  # the failed cases of every latest run, one query
    for run_id, name in (
        EvalResult.objects.filter(run_id__in=[run.pk for run in latest.values()], passed=False)
        .order_by("run_id", "position")
        .values_list("run_id", "case_name")
    ):
        failed.setdefault(run_id, []).append(name)
    findings = []
    for suite in suites:
        run = latest.get(suite.pk)
        if run is None:
            findings.append(f"“{suite.name}” has no finished run on {version.label}")
        elif run.suite_revision != suite.revision:
            findings.append(f"“{suite.name}” changed since its last run on {version.label}")
        elif run.status == EvalRun.Status.ERROR:
            findings.append(f"“{suite.name}” run {run.public_id} ended in error: {run.error}")
        elif run.status != EvalRun.Status.PASSED:
            findings.append(
                f"“{suite.name}” failed {run.case_count - run.passed_count} of "
                f"{run.case_count} cases ({', '.join(failed.get(run.pk, []))})"
            )
    return findings


def eval_suites(agent: Agent) -> list:
    """The agent's suites with their case count and latest run, in two queries."""
    from django.db.models import Count

    from agents.models import EvalRun, EvalSuite

    suites = list(
        EvalSuite.objects.filter(agent_id=agent.pk)
        .annotate(case_total=Count("cases"))
        .order_by("name", "id")
    )
    latest: dict[int, EvalRun] = {}
    runs = EvalRun.objects.filter(suite__in=suites).select_related("created_by").defer("cases")
    for run in runs.filter(
        pk__in=EvalRun.objects.filter(suite__in=suites)
        .values("suite_id")
        .annotate(last=Max("id"))
        .values("last")
    ):
        latest[run.suite_id] = run
    for suite in suites:
        suite.latest_run = latest.get(suite.pk)
        if suite.latest_run is not None:
            suite.latest_run.suite = suite
    return suites


def eval_runs(suite, limit: int = 20) -> list:
    from agents.models import EvalRun

    return list(
        EvalRun.objects.filter(suite_id=suite.pk)
        .select_related("created_by")
        .defer("cases")
        .order_by("-created_at", "-id")[:limit]
    )


def run_targets(agent: Agent) -> list[tuple[str, str]]:
    """What a run or a playground session can target: the draft, then each version."""
    numbers = PublishedVersion.objects.filter(agent_id=agent.pk).order_by("-number")
    released = agent.released_version_id
    options = [("draft", "Draft")]
    for pk, number, name in numbers.values_list("pk", "number", "name")[:200]:
        suffix = " (released)" if pk == released else ""
        options.append((str(number), f"v{number} “{name}”{suffix}"))
    return options


@dataclass(frozen=True)
class CaseRow:
    ref: str
    name: str
    a: object  # EvalResult | None
    b: object

    @property
    def sides(self) -> tuple[object, object]:
        return (self.a, self.b)

    @property
    def regression(self) -> bool:
        return self.a is not None and self.b is not None and self.a.passed and not self.b.passed

    @property
    def fixed(self) -> bool:
        return self.a is not None and self.b is not None and not self.a.passed and self.b.passed


def latest_run_on(suite, side: Side):
    """The latest finished run of `suite` on the configuration `side` holds (by hash)."""
    from agents.models import EvalRun

    return (
        EvalRun.objects.filter(
            suite_id=suite.pk, content_hash=side.content_hash, status__in=EvalRun.FINISHED
        )
        .order_by("-finished_at", "-id")
        .first()
    )


def compare_runs(run_a, run_b) -> list[CaseRow]:
    """Results of two runs case by case (matched by case id), in the newer run's order."""
    from agents.models import EvalResult

    results = EvalResult.objects.filter(run__in=[r for r in (run_a, run_b) if r])
    by_run: dict[int, dict[str, object]] = {}
    order: dict[str, str] = {}  # case id → name, first seen in the newer run
    for result in results.order_by("run_id", "position"):
        by_run.setdefault(result.run_id, {})[result.case_ref] = result
    for run in (run_b, run_a):
        for ref, result in (by_run.get(run.pk, {}) if run else {}).items():
            order.setdefault(ref, result.case_name)
    return [
        CaseRow(
            ref=ref,
            name=name,
            a=by_run.get(run_a.pk, {}).get(ref) if run_a else None,
            b=by_run.get(run_b.pk, {}).get(ref) if run_b else None,
        )
        for ref, name in order.items()
    ]
