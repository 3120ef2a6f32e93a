"""How a CI step's script becomes commands: one per line, a command continued with a
trailing backslash or inside a quoted argument is one, a here-document's lines stay text."""

from __future__ import annotations

import pytest
from helpers import snapshot

WORKFLOW = "on: push\njobs:\n  job:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n{body}"


def commands(tmp_path, script: str) -> list[str]:
    body = "".join(f"          {line}\n" for line in script.splitlines())
    snap = snapshot(tmp_path, {".github/workflows/ci.yml": WORKFLOW.format(body=body)})
    return [c.text for job in snap.ci_jobs for c in job.commands]


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("pytest -q\nruff check .", ["pytest -q", "ruff check ."]),
        # a trailing backslash continues the command (huggingface/lerobot
        # benchmark_tests.yml:179-201)
        ("python train.py \\\n  --steps=1", ["python train.py --steps=1"]),
        # a quoted argument over several lines is one command, its lines are words of it
        # (huggingface/lerobot latest_deps_tests.yml:276-281, a PR body)
        (
            'gh pr create --title "t" --body "Automated update.\n\nThis PR upgrades all.\n" --base main\necho done',
            [
                'gh pr create --title "t" --body "Automated update. This PR upgrades all. " --base main',
                "echo done",
            ],
        ),
        # the traps: an apostrophe in a comment quotes nothing; a here-document's lines are
        # its text, whatever quotes they hold
        ("make test  # it's fast\nmake lint", ["make test  # it's fast", "make lint"]),
        (
            "cat <<EOF > notes.txt\nIt's done\nEOF\npython score.py",
            ["cat <<EOF > notes.txt", "It's done", "EOF", "python score.py"],
        ),
    ],
    ids=["lines", "backslash", "quoted", "comment", "heredoc"],
)
def test_ci_step_commands(tmp_path, script, expected):
    assert commands(tmp_path, script) == expected


MATRIX_WORKFLOW = """on: pull_request
jobs:
  checks:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        python: ['3.10']
        task:
          - name: Lint
            run: ruff check .
        include:
          - python: '3.10'
            task:
              name: Test
              run: pytest -v tests/
    steps:
      - run: echo ${{ matrix.python }}
      - name: ${{ matrix.task.name }}
        run: |
          ${{ matrix.task.run }}
"""


def test_commands_held_in_a_matrix_mapping(tmp_path):
    """A matrix entry that is a mapping is read as `matrix.<key>.<field>` (allenai/OLMo
    .github/workflows/main.yml:30-97: every check runs as `${{ matrix.task.run }}`)."""
    snap = snapshot(tmp_path, {".github/workflows/main.yml": MATRIX_WORKFLOW})
    texts = [c.text for job in snap.ci_jobs for c in job.commands]
    assert "ruff check ." in texts and "pytest -v tests/" in texts
    assert "echo 3.10" in texts
    assert not any("matrix." in text for text in texts)


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        # one shell runs the block: a `cd` moves the lines after it, and the rest of its line
        ("cd docs && make html\npytest", ["docs", "docs"]),
        ("pytest && cd sub\npytest", ["", "sub"]),
        ("cd a\ncd ../b\npytest", ["a", "b", "b"]),
        ("pushd a/b\npytest\npopd\npytest", ["a/b", "a/b", "", ""]),
        # the workspace and the workflow's variables are read (recommenders-team/recommenders
        # sarplus.yml:30-31, 101); a variable not known, a subshell, an absolute folder or one
        # above the checkout leave the folder as it was
        ('cd "${PYTHON_ROOT}"\npytest ./tests', ["contrib/py", "contrib/py"]),
        ("cd ${{ env.PYTHON_ROOT }}/tests\npytest", ["contrib/py/tests", "contrib/py/tests"]),
        ("cd $GITHUB_WORKSPACE/x\npytest", ["x", "x"]),
        ('cd "$UNSET"\npytest', ["", ""]),
        ("(cd a && pytest)\npytest", ["", ""]),
        ("cd /tmp\npytest", ["", ""]),
        ("cd ..\npytest", ["", ""]),
    ],
)
def test_a_cd_moves_the_lines_after_it(tmp_path, script, expected):
    body = "".join(f"          {line}\n" for line in script.splitlines())
    workflow = WORKFLOW.format(body=body).replace(
        "jobs:", "env:\n  PYTHON_ROOT: ${{ github.workspace }}/contrib/py\njobs:", 1
    )
    snap = snapshot(tmp_path, {".github/workflows/ci.yml": workflow})
    assert [c.cwd for job in snap.ci_jobs for c in job.commands] == expected


@pytest.mark.parametrize(
    ("job", "triggers"),
    [
        # opt-in by a variable the file sets to "false", then manual (HovhannesHovakimyan/
        # mlops-end-to-end-pipeline .gitlab-ci.yml:20,200-203; reviewed)
        (
            "  rules:\n    - if: '$ENABLE_DEPLOY_JOBS == \"true\"'\n      when: manual\n"
            "    - when: never\n",
            {"manual"},
        ),
        ("  rules:\n    - if: '$ENABLE_DEPLOY_JOBS == \"true\"'\n", {"manual"}),
        # ... the same variable set to the value the rule asks: it runs on pushes
        ("  rules:\n    - if: '$ENABLE_DEPLOY_JOBS == \"false\"'\n", {"push"}),
        (
            "  rules:\n    - if: '$CI_PIPELINE_SOURCE == \"merge_request_event\"'\n",
            {"pull_request"},
        ),
        ("  rules:\n    - if: '$CI_COMMIT_TAG'\n", {"tag"}),
        (
            "  rules:\n    - if: '$CI_COMMIT_BRANCH == \"main\"'\n      changes:\n        - src/**\n",
            {"push"},
        ),
        ("  rules:\n    - when: never\n", {"paused"}),
        ("  only:\n    - schedules\n", {"schedule"}),
        ("  only:\n    - main\n", {"push"}),
        ("  when: manual\n", {"manual"}),
        ("", {"push", "pull_request"}),
    ],
)
def test_gitlab_rules_decide_a_jobs_triggers(job, triggers):
    import yaml

    from mlaudit.repo.parsers.ci import parse_gitlab

    text = (
        f'variables:\n  ENABLE_DEPLOY_JOBS: "false"\ndeploy:\n  script:\n    - ./deploy.sh\n{job}'
    )
    (parsed,) = parse_gitlab(".gitlab-ci.yml", yaml.safe_load(text))
    assert parsed.triggers == triggers


@pytest.mark.parametrize(
    ("condition", "triggers"),
    [
        # a deploy job of a workflow that also runs on pull requests, kept to runs by hand
        # (tecmx-team46-pricing/pricing-mlops-platform platform-infra.yml:69; reviewed)
        (
            "github.event_name == 'workflow_dispatch' && inputs.operation == 'deploy'",
            {"workflow_dispatch"},
        ),
        ("github.event_name != 'pull_request'", {"push", "workflow_dispatch"}),
        (
            "github.event_name == 'push' || github.event_name == 'workflow_dispatch'",
            {"push", "workflow_dispatch"},
        ),
        # an event test ORed with something else is not read
        (
            "github.event_name == 'push' || contains(github.ref, 'release')",
            {"push", "pull_request", "workflow_dispatch"},
        ),
        ("success()", {"push", "pull_request", "workflow_dispatch"}),
        # an event the workflow never receives: the job never runs
        ("github.event_name == 'schedule'", {"paused"}),
    ],
)
def test_a_github_jobs_event_condition_narrows_its_triggers(condition, triggers):
    import yaml

    from mlaudit.repo.parsers.ci import parse_github

    text = (
        "on: [push, pull_request, workflow_dispatch]\njobs:\n  deploy:\n"
        f'    if: "{condition}"\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./deploy.sh\n'
    )
    (parsed,) = parse_github(".github/workflows/ci.yml", yaml.safe_load(text))
    assert parsed.triggers == triggers


def test_a_github_event_condition_on_tags_reusable_workflows_and_negations():
    """A tag's push is stored as the `tag` trigger; a reusable workflow runs on its callers'
    events; a negated test is not read (the re-read of this session's change)."""
    import yaml

    from mlaudit.repo.parsers.ci import parse_github

    def triggers(on: str, condition: str) -> set[str]:
        text = (
            f'on: {on}\njobs:\n  j:\n    if: "{condition}"\n    runs-on: ubuntu-latest\n'
            "    steps:\n      - run: ./release.sh\n"
        )
        (job,) = parse_github(".github/workflows/r.yml", yaml.safe_load(text))
        return job.triggers

    assert triggers("{push: {tags: ['v*']}}", "github.event_name == 'push'") == {"tag"}
    assert triggers("workflow_call", "github.event_name == 'push'") == {"workflow_call"}
    negated = triggers("[push, pull_request]", "!(github.event_name == 'pull_request')")
    assert negated == {"push", "pull_request"}


@pytest.mark.parametrize(
    ("condition", "triggers"),
    [
        # a tag's pipeline has the source `push` (the re-read of this session's change)
        ('$CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_TAG', {"tag"}),
        ('$CI_COMMIT_TAG == ""', {"push"}),
        ("$CI_COMMIT_TAG != null", {"push"}),
    ],
)
def test_a_gitlab_tag_test_makes_a_tag_pipeline(condition, triggers):
    import yaml

    from mlaudit.repo.parsers.ci import parse_gitlab

    text = f"release:\n  script:\n    - ./release.sh\n  rules:\n    - if: '{condition}'\n"
    (parsed,) = parse_gitlab(".gitlab-ci.yml", yaml.safe_load(text))
    assert parsed.triggers == triggers
