"""A broken studio hook (for tests): fails with an exception of its own."""


def hook_function(in_timeline, argument_map=None):
    raise RuntimeError("the studio database is offline\n(retry later)")
