"""pydantic imports every installed `pydantic` entry-point plugin when it builds its first model:
third-party code that would run inside every scan, on the validation of a hostile
repository's configuration. The command line turns plugin loading off (cli.main)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers import make_repo

PLUGIN = """\
import pathlib
pathlib.Path({marker!r}).write_text("loaded")


def new_schema_validator(*args, **kwargs):
    return None, None, None
"""


def _plugin_site(tmp_path: Path, marker: Path) -> Path:
    site = tmp_path / "site"
    (site / "canary_plugin-0.dist-info").mkdir(parents=True)
    (site / "canary_plugin.py").write_text(PLUGIN.format(marker=str(marker)))
    info = site / "canary_plugin-0.dist-info"
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: canary-plugin\nVersion: 0\n")
    (info / "entry_points.txt").write_text("[pydantic]\ncanary = canary_plugin\n")
    return site


def _env(site: Path, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    env["MLAUDIT_CACHE_DIR"] = str(tmp_path / "cache")
    return env


def test_an_installed_pydantic_plugin_never_loads_in_a_scan(tmp_path: Path) -> None:
    marker = tmp_path / "plugin-loaded"
    site = _plugin_site(tmp_path, marker)
    env = _env(site, tmp_path)
    premise = "import pydantic\nclass M(pydantic.BaseModel):\n    x: int\nM(x=1)\n"
    subprocess.run([sys.executable, "-c", premise], env=env, check=True, timeout=60)
    assert marker.exists()  # pydantic does load it: the test below can fail
    marker.unlink()
    repo = make_repo(tmp_path / "repo", {".mlaudit.yaml": "profile: batch\n", "a.py": "x = 1\n"})
    scan = subprocess.run(
        # not -I, which would also hide the plugin: PYTHONPATH is how it is installed here
        [sys.executable, "-c", "from mlaudit.cli import main; main()", "scan", str(repo)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert scan.returncode in (0, 1), scan.stderr
    assert not marker.exists()
