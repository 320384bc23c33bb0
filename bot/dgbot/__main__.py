from __future__ import annotations

from dgbot.cli import main

raise SystemExit(main())
