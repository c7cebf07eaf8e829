"""``python -m psysim.cli``: the same as the ``psysim`` console command."""

from psysim.cli import main

raise SystemExit(main())
