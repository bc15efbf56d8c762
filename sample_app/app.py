"""Entry point of ``cdk synth`` / ``cdk deploy`` (see ``cdk.json``)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sample_app.stacks import build_app

build_app().synth()
