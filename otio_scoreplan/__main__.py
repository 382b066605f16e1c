"""``python -m otio_scoreplan``: the ``scoreplan`` command."""

import sys

from .cli import main

sys.exit(main())
