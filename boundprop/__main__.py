"""``python -m boundprop``."""

import sys

from boundprop.cli import main

__all__: list[str] = []  # an entry point: nothing to import

sys.exit(main())
