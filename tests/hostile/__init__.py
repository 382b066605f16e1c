"""Helpers of the hostile-input suite (tests/test_hostile.py) and of ``make fuzz`` (fuzz/run.py)."""
