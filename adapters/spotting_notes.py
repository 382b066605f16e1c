"""OTIO adapter ``spotting_notes`` (write only, suffix ``.spot``): a timeline's music spotting notes as Markdown.

Writes the cue plan that ``scoreplan apply`` stored in ``timeline.metadata["scoreplan"]["plan"]``;
a timeline without one is analysed and planned on the spot with the shipped rules::

    otio.adapters.write_to_file(timeline, "reel1.spot", adapter_name="spotting_notes", title="My Film")

OTIO loads this file by path: it holds no logic and imports absolutely
(the work is done in :mod:`otio_scoreplan.otio_plugin.spotting`).
"""

from otio_scoreplan.otio_plugin import spotting


def write_to_string(input_otio, title=""):
    """The spotting notes of ``input_otio`` (a Timeline) as Markdown text."""
    return spotting.spotting_notes_markdown(input_otio, title=title)


def write_to_file(input_otio, filepath, title=""):
    """Write the spotting notes of ``input_otio`` to ``filepath`` (UTF-8 Markdown, written atomically)."""
    spotting.write_spotting_notes(input_otio, filepath, title=title)
