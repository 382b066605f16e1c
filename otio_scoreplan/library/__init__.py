"""The temp-music library: scan a folder (cached), read its catalogue, choose a piece for each cue.

``scoreplan library DIR`` shows :func:`.scan.scan`'s result as :mod:`.listing` lays it out.
"""
