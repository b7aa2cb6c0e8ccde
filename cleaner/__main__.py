"""Run the command line with ``python -m cleaner``."""

import sys

from cleaner.cli import main

sys.exit(main())
