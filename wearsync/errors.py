"""The error hierarchy: library code raises these; the CLI and dashboard print them."""


class WearsyncError(Exception):
    """Base of every error wearsync reports to a person."""


class ConfigError(WearsyncError):
    """A setting is unknown, of the wrong type or out of range."""


class StoreError(WearsyncError):
    """The SQLite store cannot be opened or is not what wearsync expects."""


class FitError(WearsyncError):
    """A FIT file cannot be read."""


class GarminError(WearsyncError):
    """Garmin Connect refused, failed or answered something unexpected."""


class GarminAuthError(GarminError):
    """No valid login: the person must run `wearsync login`."""


class GarminUnavailable(GarminError):
    """Garmin Connect is unreachable, failing (5xx), too slow, behind a Cloudflare page or
    sending what is not data; the saved login is fine and kept."""


class PullBusy(WearsyncError):
    """Another pull holds this store's pull lock."""


class GarminRateLimited(GarminError):
    """Garmin answered 429; no request may be sent before `until`."""

    def __init__(self, message: str, until: float):
        super().__init__(message)
        self.until = until


class IntakeError(WearsyncError):
    """An intake value or file that cannot be stored."""


class WeightError(WearsyncError):
    """A weight value or file that cannot be stored."""


class UnknownRecording(WearsyncError):
    """An id, path or Garmin day that names nothing stored."""


class PeriodError(WearsyncError):
    """A week id or period that cannot be understood."""


class DayFailure(GarminError):
    """One day's answer cannot be used; the day is recorded as failed and the pull goes on."""


class GarminGone(GarminError):
    """Garmin Connect answered 404 or 410: what was asked for is not there."""


class GarminRefused(GarminError):
    """Garmin Connect answered 403 with its own JSON: this resource is refused to this login."""
