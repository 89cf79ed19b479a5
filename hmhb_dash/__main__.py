"""`python -m hmhb_dash ...`: the command line (see hmhb_dash/cli.py)."""

import sys

from hmhb_dash.cli import main

sys.exit(main())
