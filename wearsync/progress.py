"""How long-running work (an import, a pull) says how far it got: one callback signature for the
importer, the pulls and the command line and dashboard that show them."""

from collections.abc import Callable

# progress(phase, done, total, label): `phase` names what is counted ("files", "days", "activities"),
# `done` of `total` of them are finished, `label` names the latest (a file's path, a day, an activity).
# What it returns is ignored (the dashboard's returns post_message's bool).
Progress = Callable[[str, int, int, str], object]
