"""Rechecks of forwarded targets (issue 9): the probe and its guard."""
