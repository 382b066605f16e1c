"""A broken studio hook (for tests): gives every cue the same id, which otio-scoreplan must refuse."""


def hook_function(in_timeline, argument_map=None):
    for cue in in_timeline.metadata["scoreplan"]["plan"]["cues"]:
        cue["id"] = "1M1"
    return in_timeline
