"""A broken studio hook (for tests): forgets to return the timeline."""


def hook_function(in_timeline, argument_map=None):
    in_timeline.metadata["scoreplan"]["plan"]["cues"] = []
