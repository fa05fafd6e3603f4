"""Words around numbers, the same on the command line, in the dashboard and in store notices."""


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """`1 day`, `2 days`, `0 days`; `nouns` for a plural not made with s (`new activities`)."""
    return f"{n:,} {noun if n == 1 else nouns or noun + 's'}"


# A number still being computed (the streak while the dashboard fills in the earlier weeks): never 0.
PENDING = "…"


def streak(weeks: int | None) -> str:
    """`3 weeks`; `…` while the earlier weeks it counts are still being computed."""
    return PENDING if weeks is None else plural(weeks, "week")
