"""otio-scoreplan: plan music cues from an editor's timeline.

The library is organised as one module per step of the data flow (see DESIGN.md):
``read`` -> ``analyse`` -> ``plan`` -> outputs. The command line (``cli``) is a thin layer over it.
"""

__version__ = "0.1.0"

# The tag every element we add carries, so a second run recognises (and replaces) its own work.
TAG = "scoreplan"
