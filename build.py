#!/usr/bin/env python3
"""Build the bundled programmes: ``python build.py [COMMAND] [OPTIONS]`` is ``auditpack [COMMAND] [OPTIONS]``."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from auditpack.cli import main

if __name__ == "__main__":
    sys.exit(main())
