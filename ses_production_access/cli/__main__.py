"""``python -m ses_production_access.cli``: the ``ses-production-access`` command."""

import sys

from .main import main

sys.exit(main())
