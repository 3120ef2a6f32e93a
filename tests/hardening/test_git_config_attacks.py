"""The target's own git configuration must never make mlaudit's git run a program, read a
file, or hang (issue #13, class 1).

The keys are not a hand-picked list: they are enumerated from `git help --config` (every
key this git knows) by what their name says they hold — a program or command, or a file or
path — with the `<placeholders>` expanded (drivers and tools named `evil`, `pager.<cmd>` for
every git command mlaudit runs, every signature format). Each key points at its own canary:
a script that logs the key when run, or a FIFO whose opening is noticed. The repository also
holds commits with forged signature headers (PGP, SSH, X.509, a forged mergetag), and
attributes that select the `evil` drivers, so that every key has something to act on. Then
`scan`, `scan --ref` and `diff` run, and no canary may have fired.

The same repository read by plain `git` (the user's own commands) does fire canaries: the
attack is live, the test can fail.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers import commit, git, git_children, make_repo

from hardening.util import run_cli
from mlaudit.repo import git as mgit

GIT_COMMANDS_WE_RUN = (
    "log",
    "rev-parse",
    "ls-files",
    "ls-tree",
    "cat-file",
    "for-each-ref",
    "merge-base",
    "config",
)
# Keys whose name says "program" or "file" but whose value is typed (bool, int, enum):
# a path there is a config error, not an attack.
_TYPED = re.compile(
    r"(version|hasoutput|useautomerge|trustexitcode|hideresolved|cachetextconv|\.binary$"
    r"|passwordprotected|allowremote|expectfiles|maxfiles|maxlength|relativepaths"
    r"|abbreviatecommands|^advice\.|^color\.|fsck\.|^completion\.|prompt$|keepbackup"
    r"|keeptemporaries|writetotemp|layout$|usehttppath|showuntrackedfiles|authmethod"
    r"|filemode|fsyncobjectfiles|hidedotfiles|locktimeout|readchangedpaths|manyfiles"
    r"|^guitool\.|^notes\.rewrite|needsfile|norescan|noconsole|confirm$|argprompt"
    r"|revprompt|revunmerged|^column\.|^fsmonitor\.socketdir$|^trace2\.|aliasfiletype|^gitcvs\.)"
)
_RUNS = re.compile(
    r"(program|command|cmd$|editor|pager|helper|hook|textconv|external|fsmonitor|proxy$"
    r"|gitproxy|askpass|driver$|browser|\.clean$|\.smudge$|\.process$|sshcommand|tocmd"
    r"|cccmd|\.path$)"
)
_READS = re.compile(r"(file$|\.path$|template$|revocationfile|allowedsignersfile)")
# read by git itself while loading the configuration: cannot be switched off from the
# command line; bounded in time instead (test_config_include_of_a_fifo_is_bounded)
_LOADED_WITH_CONFIG = re.compile(r"^include(if\.[^.]+)?\.path$")


def _expand(key: str) -> list[str]:
    if "<cmd>" in key:
        return [key.replace("<cmd>", c) for c in GIT_COMMANDS_WE_RUN]
    if "<format>" in key:
        return [key.replace("<format>", f) for f in ("openpgp", "x509", "ssh")]
    key = key.replace("<condition>", "gitdir:/").replace("<name>", "origin")
    return [re.sub(r"<[^>]+>", "evil", key)]


def enumerated_keys() -> tuple[list[str], list[str]]:
    """(keys that name a program, keys that name a file), from `git help --config`."""
    out = subprocess.run(
        ["git", "help", "--config"], capture_output=True, text=True, check=True
    ).stdout
    runs: set[str] = set()
    reads: set[str] = set()
    for raw in out.split():
        if "." not in raw or raw.startswith("-"):
            continue
        lowered = raw.lower()
        if _TYPED.search(lowered):
            continue
        for key in _expand(raw):
            if _LOADED_WITH_CONFIG.search(key.lower()):
                continue
            if _READS.search(lowered) and not lowered.endswith("hookspath"):
                reads.add(key)
            elif _RUNS.search(lowered):
                runs.add(key)
    # keys git reads without listing them in `help --config` as programs/files, and the
    # transport keys (never used: no command we run touches the network)
    runs |= {
        "core.hooksPath",
        "remote.origin.url",
        "remote.origin.vcs",
        "diff.evil.command",
        "filter.evil.process",
        "sendemail.smtpServer",
    }
    reads |= {"mailmap.file", "diff.orderFile", "core.attributesFile", "core.excludesFile"}
    return sorted(runs), sorted(reads)


# canaries --------------------------------------------------------------------------------
@dataclass
class Canaries:
    root: Path
    log: Path
    fifos: dict[str, Path] = field(default_factory=dict)
    opened: list[str] = field(default_factory=list)
    closing: bool = False
    threads: list[threading.Thread] = field(default_factory=list)

    def program(self, key: str) -> str:
        script = self.root / f"run-{_slug(key)}"
        script.write_text(f'#!/bin/sh\necho "{key}" >> "{self.log}"\nexit 1\n')
        script.chmod(0o755)
        return str(script)

    def fifo(self, key: str) -> str:
        path = self.root / f"read-{_slug(key)}"
        os.mkfifo(path)
        self.fifos[key] = path
        thread = threading.Thread(target=self._watch, args=(key, path), daemon=True)
        thread.start()
        self.threads.append(thread)
        return str(path)

    def _watch(self, key: str, path: Path) -> None:
        fd = os.open(path, os.O_WRONLY)  # returns once a reader opened it
        if not self.closing:
            self.opened.append(key)
        os.close(fd)

    def fired(self) -> list[str]:
        ran = self.log.read_text().split() if self.log.exists() else []
        return sorted(set(ran) | set(self.opened))

    def release(self) -> None:
        self.closing = True
        for path in self.fifos.values():
            try:
                fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            except OSError:
                continue
            time.sleep(0.01)
            os.close(fd)
        for thread in self.threads:
            thread.join(timeout=2)


def _slug(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "_", key)


@pytest.fixture
def canaries(tmp_path: Path) -> Iterator[Canaries]:
    folder = tmp_path / "canary"
    folder.mkdir()
    found = Canaries(folder, folder / "fired.log")
    yield found
    found.release()


# forged signatures -------------------------------------------------------------------------
SIGNATURES = {
    "pgp": "-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEE\n=AAAA\n-----END PGP SIGNATURE-----",
    "ssh": "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQ==\n-----END SSH SIGNATURE-----",
    "x509": "-----BEGIN SIGNED MESSAGE-----\nMIAGCSqGSIb3DQEHAqCAMIACAQEx\n-----END SIGNED MESSAGE-----",
}


def forge_signed_commit(repo: Path, header: str, signature: str, message: str) -> str:
    """A commit on top of HEAD whose `header` (gpgsig, mergetag…) is forged: no key needed."""
    raw = git(repo, "cat-file", "commit", "HEAD")
    head = git(repo, "rev-parse", "HEAD").strip()
    tree = git(repo, "rev-parse", "HEAD^{tree}").strip()
    ident = "Forger <forger@example.com> 1704110400 +0000"
    continued = "\n ".join(signature.splitlines())
    body = (
        f"tree {tree}\nparent {head}\nauthor {ident}\ncommitter {ident}\n"
        f"{header} {continued}\n\n{message}\n"
    )
    assert raw  # HEAD exists
    sha = (
        subprocess.run(
            ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
            cwd=repo,
            input=body.encode(),
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    git(repo, "update-ref", "HEAD", sha)
    return sha


def hostile_repo(tmp_path: Path, canaries: Canaries) -> tuple[Path, list[str], list[str]]:
    root = make_repo(
        tmp_path / "repo",
        {
            "README.md": "# model\n",
            "train.py": "import sklearn\n",
            ".gitattributes": "* diff=evil filter=evil merge=evil text\n",
        },
    )
    commit(root, {"params.yaml": "lr: 0.1\n", ".mailmap": "A <a@x> B <b@x>\n"}, "params")
    for kind, signature in SIGNATURES.items():
        forge_signed_commit(root, "gpgsig", signature, f"signed ({kind})")
    tag = (
        "object 0000000000000000000000000000000000000000\ntype commit\ntag v1\n"
        "tagger T <t@x> 1 +0000\n\nv1\n" + SIGNATURES["pgp"]
    )
    forge_signed_commit(root, "mergetag", tag, "merge with a forged signed tag")
    commit(root, {"serve.py": "print(1)\n"}, "after the signed commits")
    (root / ".git" / "info").mkdir(exist_ok=True)
    (root / ".git" / "info" / "attributes").write_text("* diff=evil filter=evil\n")
    runs, reads = enumerated_keys()
    lines = ["[log]\n\tshowSignature = true\n\tmailmap = true\n[diff]\n\trenames = copies\n"]
    for key in runs:
        lines.append(_config_line(key, canaries.program(key)))
    for key in reads:
        lines.append(_config_line(key, canaries.fifo(key)))
    with (root / ".git" / "config").open("a") as fh:
        fh.writelines(lines)
    return root, runs, reads


def _config_line(key: str, value: str) -> str:
    section, _, name = key.rpartition(".")
    if "." in section:
        head, _, sub = section.partition(".")
        section = f'{head} "{sub}"'
    return f'[{section}]\n\t{name} = "{value}"\n'


# tests ---------------------------------------------------------------------------------------
def test_enumeration_covers_the_known_attack_keys() -> None:
    runs, reads = enumerated_keys()
    for key in (
        "gpg.program",
        "gpg.ssh.program",
        "gpg.x509.program",
        "gpg.openpgp.program",
        "gpg.ssh.defaultKeyCommand",
        "core.fsmonitor",
        "core.pager",
        "pager.log",
        "core.editor",
        "core.sshCommand",
        "core.askPass",
        "credential.helper",
        "diff.external",
        "diff.evil.textconv",
        "filter.evil.smudge",
        "filter.evil.process",
        "uploadpack.packObjectsHook",
    ):
        assert key in runs, key
    for key in ("diff.orderFile", "gpg.ssh.allowedSignersFile", "mailmap.file"):
        assert key in reads, key
    assert len(runs) + len(reads) >= 55  # a real enumeration, not a hand-picked list


def test_no_config_key_of_the_target_runs_or_reads_anything(
    tmp_path: Path, canaries: Canaries, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mgit, "GIT_TIMEOUT_SECONDS", 20.0)
    root, _runs, _reads = hostile_repo(tmp_path, canaries)
    started = time.monotonic()
    scan = run_cli(["scan", str(root), "--format", "json"], root)
    ref = run_cli(["scan", str(root), "--ref", "HEAD~2", "--format", "json"], root)
    diff = run_cli(["diff", str(root), "--base", "HEAD~3", "--format", "json"], root)
    elapsed = time.monotonic() - started
    assert canaries.fired() == []
    for run in (scan, ref, diff):
        assert run.exit_code in (0, 1), run.stdout[-2000:]
        assert not [argv for argv, _ in run.spawned if not argv.startswith("git ")]
    assert elapsed < 60
    # the history was read: the forged signed commits are there
    report = scan.json()
    assert '"signed (ssh)"' not in scan.stdout or report  # parsed, not executed
    # …and the same repository does attack a plain `git` (the test can fail)
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)}
    no_fifos = ["-c", "diff.orderFile=/dev/null", "-c", "mailmap.file=/dev/null"]
    no_fifos += ["-c", "core.attributesFile=/dev/null", "-c", "filter.evil.process="]
    for argv in (["log", "-p"], [*no_fifos, "log", "-p"], [*no_fifos, "log"]):
        with contextlib.suppress(subprocess.TimeoutExpired):  # a FIFO read twice blocks
            subprocess.run(
                ["git", *argv],
                cwd=root,
                env=env,
                capture_output=True,
                timeout=5,
                check=False,
                stdin=subprocess.DEVNULL,
            )
    fired = canaries.fired()
    assert "diff.orderFile" in fired, fired
    assert "gpg.program" in fired or "gpg.openpgp.program" in fired, fired
    assert "gpg.ssh.program" in fired, fired
    assert "diff.evil.textconv" in fired, fired


@pytest.mark.parametrize("kind", sorted(SIGNATURES))
def test_forged_signature_never_runs_the_gpg_program(
    tmp_path: Path, canaries: Canaries, kind: str
) -> None:
    """The red team's case on its own: log.showSignature + gpg.*program + a forged gpgsig."""
    root = make_repo(tmp_path / "repo", {"README.md": "# x\n"})
    forge_signed_commit(root, "gpgsig", SIGNATURES[kind], "signed")
    commit(root, {"a.py": "x = 1\n"}, "next")
    config = ["[log]\n\tshowSignature = true\n"]
    for key in ("gpg.program", "gpg.openpgp.program", "gpg.ssh.program", "gpg.x509.program"):
        config.append(_config_line(key, canaries.program(key)))
    with (root / ".git" / "config").open("a") as fh:
        fh.writelines(config)
    for args in (
        ["scan", str(root), "--format", "json"],
        ["scan", str(root), "--ref", "HEAD", "--format", "json"],
        ["diff", str(root), "--base", "HEAD~1", "--format", "json"],
    ):
        run = run_cli(args, root)
        assert run.exit_code in (0, 1), run.stdout[-2000:]
    assert canaries.fired() == []


def test_order_file_fifo_does_not_hang(tmp_path: Path) -> None:
    """`diff.orderFile` naming a FIFO with no writer blocked `git log` until its timeout."""
    root = make_repo(tmp_path / "repo", {"README.md": "# x\n", "a.py": "x = 1\n"})
    fifo = tmp_path / "order.fifo"
    os.mkfifo(fifo)
    with (root / ".git" / "config").open("a") as fh:
        fh.write(f'[diff]\n\torderFile = "{fifo}"\n')
    started = time.monotonic()
    for args in (
        ["scan", str(root), "--format", "json"],
        ["scan", str(root), "--ref", "HEAD", "--format", "json"],
    ):
        run = run_cli(args, root)
        assert run.exit_code in (0, 1), run.stdout[-2000:]
        assert run.json()["target"]["commit"]
    assert time.monotonic() - started < 30


def _repo_including_a_fifo(tmp_path: Path) -> Path:
    root = make_repo(tmp_path / "repo", {"README.md": "# x\n"})
    fifo = tmp_path / "include.fifo"
    os.mkfifo(fifo)
    with (root / ".git" / "config").open("a") as fh:
        fh.write(f'[include]\n\tpath = "{fifo}"\n')
    return root


@pytest.fixture(autouse=True)
def _forget_unresponsive_repositories() -> Iterator[None]:
    yield
    mgit._UNRESPONSIVE.clear()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_config_include_of_a_fifo_is_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`include.path` is read while git loads its configuration: no command-line option
    switches it off. The scan must end within one bounded wait (not one per question),
    say why, and leave no git process behind."""
    monkeypatch.setattr(mgit, "GIT_TIMEOUT_SECONDS", 2.0)
    root = _repo_including_a_fifo(tmp_path)
    started = time.monotonic()
    run = run_cli(["scan", str(root), "--format", "json"], root)
    elapsed = time.monotonic() - started
    assert run.exit_code == 3
    assert "did not answer" in run.stdout + run.stderr
    assert elapsed < 10
    assert git_children() == []


def test_stream_timeout_kills_git_and_its_children(tmp_path: Path) -> None:
    """The streaming read is bounded too: a stalled git is killed by the watchdog, with
    the whole process group, and the read returns."""
    root = _repo_including_a_fifo(tmp_path)
    started = time.monotonic()
    child = mgit.stream_git(root, ["log"], timeout=1.0)
    try:
        assert child.stdout.read() == b""
    finally:
        child.close()
    assert child.timed_out
    assert time.monotonic() - started < 5
    assert git_children() == []


def test_sigterm_kills_the_git_child(tmp_path: Path) -> None:
    """CI cancels a job with SIGTERM: the git child must not be orphaned."""
    root = _repo_including_a_fifo(tmp_path)
    script = (
        "import sys\nfrom pathlib import Path\nfrom mlaudit.repo.git import run_git\n"
        "print('started', flush=True)\nrun_git(Path(sys.argv[1]), ['log'])\n"
    )
    proc = subprocess.Popen(
        [os.sys.executable, "-c", script, str(root)],  # type: ignore[attr-defined]
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "started"
    git_pid = None
    for _ in range(100):
        git_pid = next(iter(git_children(proc.pid)), None)
        if git_pid:
            break
        time.sleep(0.05)
    assert git_pid, "git did not start"
    proc.terminate()
    proc.wait(timeout=10)
    for _ in range(100):
        if not _alive(git_pid):
            break
        time.sleep(0.05)
    assert not _alive(git_pid), "git child orphaned"


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def test_a_git_command_answered_later_is_bounded_like_any_other(tmp_path: Path) -> None:
    """PendingGit (the history's `git log`, started when the scan opens the repository):
    a stalled git is killed at its deadline and answers as run_git does, timed out."""
    root = _repo_including_a_fifo(tmp_path)
    started = time.monotonic()
    pending = mgit.PendingGit(root, ["log"], timeout=1.0)
    with pytest.raises(mgit.GitFailed) as failed:
        pending.result()
    assert failed.value.timed_out
    with pytest.raises(mgit.GitFailed):
        pending.result()  # the same answer when asked again
    assert time.monotonic() - started < 5
    assert git_children() == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_git_command_nobody_asks_for_is_killed_when_dropped(tmp_path: Path) -> None:
    """A scan whose checks never read the history must not leave its `git log` running."""
    import gc

    root = _repo_including_a_fifo(tmp_path)
    pending = mgit.PendingGit(root, ["log"], timeout=3.0)  # git stalls on the FIFO
    for _ in range(100):
        if git_children():
            break
        time.sleep(0.05)
    assert git_children(), "git did not start"
    collectors = [t for t in threading.enumerate() if t.name == "mlaudit-git"]
    other = make_repo(tmp_path / "other", {"a.py": "A = 1\n"})
    head = mgit.run_git(other, ["rev-parse", "HEAD"])
    started = time.monotonic()
    del pending
    gc.collect()
    # new pipes reuse the file descriptors just freed: the collecting thread must not be
    # left reading descriptors it no longer owns (it stole other commands' output and
    # stalled them until their deadline)
    for _ in range(10):
        assert mgit.run_git(other, ["rev-parse", "HEAD"], timeout=5.0) == head
        assert mgit.PendingGit(other, ["rev-parse", "HEAD"], timeout=5.0).result() == head
    for thread in collectors:
        thread.join(10)
    # killed and reaped at once, not left to its deadline (which would also mark the
    # repository unresponsive for the rest of the run)
    assert time.monotonic() - started < 5
    assert git_children() == []
    assert not mgit.unresponsive(root) and not mgit.unresponsive(other)


def test_scans_after_dropped_git_commands_are_not_stalled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What stalled CI: a scan whose checks never read the history drops its `git log`
    while git may still be writing; the next git commands of the run must neither wait for
    their deadline nor take the repository for unresponsive. (The dropped command's pipes
    were closed under the thread still reading them: it then read, and stalled,
    descriptors that new pipes had reused — about one run in fifty.)"""
    import gc

    from helpers import run_probe

    from mlaudit.repo.worktree import open_worktree

    monkeypatch.setattr(mgit, "GIT_TIMEOUT_SECONDS", 5.0)
    root = make_repo(tmp_path / "repo", {"a.py": "A = 1\n"})
    for n in range(3):
        commit(root, {f"f{n}.py": "X = 1\n"}, f"c{n}")
    started = time.monotonic()
    for n in range(60):
        clone = tmp_path / f"clone{n}"
        git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(clone))
        # a shallow clone: the secrets check answers without reading the history, and the
        # Snapshot, with its running `git log`, is dropped at once
        run_probe(open_worktree(clone), "committed_secrets")
        gc.collect()
        commit(clone, {"k.py": "Y = 2\n"}, "one more")
        assert open_worktree(clone).history.commits
        assert not mgit.unresponsive(clone)
    assert time.monotonic() - started < 60
