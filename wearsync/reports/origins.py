"""How each origin code of the reports is said (the JSON keeps the short code; the CLI and the dashboard show this)."""

ORIGINS = {
    "config": "configured",
    "assumed": "assumed (not configured)",
    "demo": "the demo's wearer",
    "garmin": "Garmin Connect",
    "fit": "the watch's user profile (FIT)",
    "device": "the device's (FIT 211: the day's own, else its 7-day average)",
    "estimate": "estimated: lowest half hour of the day's readings",
    "observed": "observed: 3rd-highest activity maximum of the last year",
    "tanaka": "predicted: Tanaka 208 - 0.7 x age",
    "220-age": "predicted: 220 - age",
    "heart_rate_reserve": "by heart-rate reserve, ACSM 40 % / 60 %",
    "percent_of_max": "by percent of maximum heart rate, ACSM 64 % / 77 %: no resting heart rate known",
}
