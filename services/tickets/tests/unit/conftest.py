"""Unit tests do no I/O: hypothesis keeps its files (the cache of constants it reads in the code
under test, made when a test module is collected) in a temporary folder, not in the working tree."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import configuration

configuration.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "estatedesk-hypothesis")
