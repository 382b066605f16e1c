"""The plan document's fixed words: its schema name and versions, the entry and exit types, the recut changes.

Both the plan model (:mod:`.model`, which re-exports them) and the plan schema (:mod:`.schema`) read them from
here, so neither imports the other for them: the model validates with the schema, the schema needs nothing of the
model (no import cycle, issue 12).
"""

PLAN_SCHEMA = "otio-scoreplan/plan"
PLAN_VERSION = 2
READ_VERSIONS = (1, 2)  # version 1: no revision/date/avoid; ``final`` with one composer, publisher and society

ENTRY_TYPES = ("hard_in", "prelap", "fade_in", "segue")
EXIT_TYPES = ("hard_out", "tail_out", "fade_out", "segue")

RECUT_CHANGES = ("kept", "moved", "lengthened", "shortened", "split", "new")
