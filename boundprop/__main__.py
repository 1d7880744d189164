"""``python -m boundprop``."""

import sys

from boundprop.cli import main

sys.exit(main())
