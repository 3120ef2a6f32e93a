"""`python -m mlaudit`.

`-m` puts the current folder first on sys.path, and in CI the current folder is the very
repository under audit: a `yaml.py` or `typer.py` committed there would be imported — i.e. run.
Drop that entry before importing anything else (mlaudit never imports target code).
"""

import os
import sys

if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from mlaudit.cli import main

main()
