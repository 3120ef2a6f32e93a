import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# The on-disk cache of every scan the tests run lives in one temporary folder (never the
# user's ~/.cache): later tests scan with it warm, which the determinism tests rely on too.
import os
import tempfile

os.environ.setdefault("MLAUDIT_CACHE_DIR", tempfile.mkdtemp(prefix="mlaudit-test-cache-"))


import pytest


@pytest.fixture(scope="session")
def scanned(tmp_path_factory: pytest.TempPathFactory):
    """name → the Assessment of examples/<name>, replayed as a git repository once per run."""
    from functools import cache

    from helpers import EXAMPLES_DIR, replay_example

    from mlaudit.repo.worktree import open_worktree
    from mlaudit.rubric.load import load_rubric
    from mlaudit.scoring import assess

    @cache
    def scan(name: str):
        repo = replay_example(EXAMPLES_DIR / name, tmp_path_factory.mktemp(name) / name)
        return assess(open_worktree(repo), load_rubric())

    return scan
