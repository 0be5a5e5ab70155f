"""Atomic patterns shared by the parsers: numbers, units, times of day, frequencies, durations."""
