"""`python -m mediacheck` is the same as the `mediacheck` command."""

import sys

from mediacheck.cli import main

sys.exit(main())
