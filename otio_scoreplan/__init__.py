"""otio-scoreplan: plan music cues from an editor's timeline.

The library is organised as one module per step of the data flow (see DESIGN.md):
``read`` -> ``analyse`` -> ``plan`` -> outputs. The command line (``_cli``, private) is a thin layer over it; ``pipeline`` is the one path from an input to a plan.
"""

__version__ = "0.1.0"

# The tag every element we add carries, so a second run recognises (and replaces) its own work.
TAG = "scoreplan"

# The visible token our additions carry in a name, comment or note, in every format, so that the
# readers can tell them from the editor's own material (metadata["scoreplan"]["added"] = True).
OUR_TOKEN = "[scoreplan]"

# The start of the id of every element we add to an XML document (xmeml clip items and files, FCPXML assets).
OUR_ID_PREFIX = "scoreplan-"
