"""What one Garmin Connect pull did: the summary the command line prints, the dashboard shows and
`sync_runs` keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from wearsync.errors import (
    GarminAuthError,
    GarminError,
    GarminRateLimited,
    GarminUnavailable,
)


@dataclass
class ActivityFailure:
    """An activity this pull could not import, and why."""

    activity_id: int
    name: str
    start_local: str | None
    reason: str

    def to_json(self) -> dict:
        return {"id": self.activity_id, "name": self.name, "start": self.start_local, "reason": self.reason}


@dataclass
class GarminPullSummary:
    """What a pull did, for the CLI's summary and `sync_runs`."""

    first_pull: bool = False
    days_planned: list[str] = field(default_factory=list)
    days_stored: list[str] = field(default_factory=list)
    days_empty: list[str] = field(default_factory=list)
    day_failures: dict[str, str] = field(default_factory=dict)  # "DAY" or "DAY KIND" -> reason
    days_without_heart_rate: list[str] = field(default_factory=list)
    reloads_requested: list[str] = field(default_factory=list)
    weigh_in_requests: int = 0
    weigh_ins_new: int = 0
    weigh_in_failures: dict[str, str] = field(default_factory=dict)  # "first..last" -> reason
    activities_listed: int = 0
    activities_new: int = 0
    activities_imported: int = 0
    activities_duplicate: int = 0
    activity_failures: list[ActivityFailure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    gaps: dict = field(default_factory=dict)
    note: str = ""
    error: GarminError | None = None

    @property
    def outcome(self) -> str:
        if self.error is None:
            return "ok"
        if isinstance(self.error, GarminRateLimited):
            return "rate_limited"
        if isinstance(self.error, GarminAuthError):
            return "login_refused"
        if isinstance(self.error, GarminUnavailable):
            return "unavailable"
        return "partial" if self.days_stored or self.activities_new else "failed"

    @property
    def activities_failed(self) -> int:
        return len(self.activity_failures)

    def to_json(self) -> dict:
        until = getattr(self.error, "until", None)
        return {
            "outcome": self.outcome,
            "message": str(self.error) if self.error else "",
            "first_pull": self.first_pull,
            "days": {
                "planned": len(self.days_planned),
                "stored": len(self.days_stored),
                "empty": len(self.days_empty),
                "failed": len(self.day_failures),
                # keyed "DAY" (its summary) or "DAY KIND" (a heart rate or food log)
                "failures": [
                    {"day": d[:10], "kind": d[11:] or "daily summary", "reason": r}
                    for d, r in self.day_failures.items()
                ],
                "without_heart_rate": self.days_without_heart_rate,
                "heart_rate_reload_requested": self.reloads_requested,
                "first": self.days_planned[0] if self.days_planned else None,
                "last": self.days_planned[-1] if self.days_planned else None,
            },
            "weigh_ins": {
                "requests": self.weigh_in_requests,
                "new": self.weigh_ins_new,
                "failures": [{"days": d, "reason": r} for d, r in self.weigh_in_failures.items()],
            },
            "activities": {
                "listed": self.activities_listed,
                "new": self.activities_new,
                "imported": self.activities_imported,
                "duplicates": self.activities_duplicate,
                "failed": self.activities_failed,
                "failures": [f.to_json() for f in self.activity_failures],
            },
            "gaps": self.gaps,
            "warnings": self.warnings,
            "cooldown_until": datetime.fromtimestamp(until).isoformat(timespec="seconds") if until else None,
            "note": self.note,
        }
