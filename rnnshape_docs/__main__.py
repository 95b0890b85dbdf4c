"""``python -m rnnshape_docs``: the same as the ``rnnshape`` command."""

import sys

from rnnshape_docs.cli import main

sys.exit(main())
