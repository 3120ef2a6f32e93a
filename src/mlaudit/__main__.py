"""`python -m mlaudit`.

`-m` puts the current folder first on sys.path, and in CI the current folder is the very
repository under audit: a `yaml.py` or `typer.py` committed there would be imported — i.e. run.
Drop that entry before importing anything else (mlaudit never imports target code).
This cannot help when the checkout holds its own `mlaudit/` package (Python imports that one
instead of this file): inside an audited checkout, run `python -I -m mlaudit` or the
`mlaudit` console script, as action.yml and examples/ci do.
"""

import os
import sys

if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from mlaudit.cli import entry

entry()
