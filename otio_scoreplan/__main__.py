"""``python -m otio_scoreplan``: the ``scoreplan`` command."""

import sys

from ._cli import main

sys.exit(main())
