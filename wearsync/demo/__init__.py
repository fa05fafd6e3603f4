"""The demo: a made-up person (`person`), the FIT files written for her (`fit_writer`, Garmin's own
encoder) and the demo store built from them (`build`)."""
