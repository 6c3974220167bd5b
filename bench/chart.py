"""Draw a benchmark's chart from the JSON it wrote: `python bench/chart.py artifacts/bench/X.json`.

Needs only matplotlib (`pip install matplotlib`), so it can run outside the hall's environment.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchkit import draw

if __name__ == "__main__":
    for name in sys.argv[1:]:
        spec = json.loads(Path(name).read_text(encoding="utf-8"))
        draw(spec)
        print(spec["path"])
