"""The site's snippets. Each file also runs on its own: ``python <snippet>.py``.

Snippets import their neighbours flat (``import backprop``), exactly as they do when
a reader downloads them into one folder; this makes ``python -m snippets.<name>``
work too.
"""

import sys
from pathlib import Path

_here = str(Path(__file__).resolve().parent)
if _here not in sys.path:
    sys.path.insert(0, _here)
