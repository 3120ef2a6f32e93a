import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# The on-disk cache of every scan the tests run lives in one temporary folder (never the
# user's ~/.cache): later tests scan with it warm, which the determinism tests rely on too.
import os
import tempfile

os.environ.setdefault("MLAUDIT_CACHE_DIR", tempfile.mkdtemp(prefix="mlaudit-test-cache-"))
