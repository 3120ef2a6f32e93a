"""Continuous delivery as CI really does it: the recognisers behind the `cd_deploy` check
and behind the profile's "a CI job ships this app".

Not a probe module (leading underscore). Delivery takes many shapes in real repositories:

- a platform deploy command: `gcloud run deploy`, `az ml online-deployment create`,
  `az webapp up`, `aws lambda update-function-code`, `serverless deploy`, `fly deploy`,
  Heroku/Render/Railway, a push to a Hugging Face Space …; these platforms run an online
  service (`serves=True`), except batch forms (`gcloud run jobs deploy`, `az ml batch-deployment`);
- shipping an artefact somewhere that runs it: `docker push`, `helm upgrade`, `kubectl
  apply`, `terraform apply` …;
- copy and restart: a job that copies files to a remote host (`scp`/`rsync host:path`) and
  restarts the service over `ssh` (or an SSH action with a restart script), or pushes an
  image and runs it remotely (`ssh host docker run …`);
- a CI step running a repository script that deploys to a managed online endpoint
  (SageMaker/Vertex AI/Azure ML `deploy` calls);
- a deployment job: GitLab/Azure jobs with an `environment:` on the default branch (review
  apps of merge requests and package-index environments are not delivery of the system).

Everything is read through `_ci_reach`, so commands behind `make deploy` or
`bash scripts/deploy.sh` count where the step is.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlaudit.repo.ignore import IgnoreRules

from mlaudit.probes import _ci_reach, _task_runners, base
from mlaudit.probes._managed import managed_deploy_call
from mlaudit.probes.base import ev
from mlaudit.repo.parsers.ci import CiCommand, CiJob
from mlaudit.repo.parsers.dockerfile import Dockerfile, Instruction, copy_sources
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Evidence

# platforms that run an online service
SERVICE_DEPLOY = re.compile(
    r"\bgcloud\s+(?:beta\s+)?(?:run\s+deploy|run\s+services\s+(?:update|replace)|app\s+deploy|"
    r"functions\s+deploy|ai\s+endpoints\s+deploy-model|ai-platform\s+versions\s+create)\b"
    r"|\baz\s+ml\s+(?:online-deployment|online-endpoint)\s+(?:create|update)\b"
    r"|\baz\s+ml\s+(?:model\s+deploy|service\s+update|endpoint\s+realtime\s+create)\b"
    r"|\baz\s+(?:webapp|containerapp|functionapp)\b.*\b(?:deploy|up|update|create|set)\b"
    r"|\bfunc\s+azure\s+functionapp\s+publish\b"
    r"|\baws\s+(?:lambda\s+(?:update-function-code|create-function)|sagemaker\s+"
    r"(?:create|update)-endpoint|ecs\s+update-service|apprunner\s+(?:create|update|start)"
    r"-\w+|elasticbeanstalk\s+update-environment)\b"
    # `npx serverless@3.40.0 deploy` pins the tool's version (CCRI-POPROX/poprox-recommender
    # .github/workflows/deploy.yml:57; reviewed)
    r"|\b(?:eb|sam|serverless|sls|fly|flyctl|modal|vercel|bentoml|zappa)(?:@[\w.^~-]+)?"
    r"\s+(?:deploy|update)\b"
    r"|\brailway\s+(?:up|deploy)\b|\bheroku\s+(?:container:release|container:push|deploy)\b"
    r"|\bgit\s+push\b.*\bheroku\b|api\.render\.com/deploy/|\bRENDER_DEPLOY_HOOK\b"
    r"|\bmlflow\s+(?:deployments\s+create|sagemaker\s+deploy)\b"
    r"|\banyscale\s+services?\s+(?:deploy|rollout)\b|\bserve\s+deploy\b"
    # managed model-serving platforms (Paulescu/hands-on-train-and-deploy-ml Makefile:26)
    r"|\bcerebrium\s+deploy\b|\btruss\s+push\b|\bcog\s+push\b|\bbeam\s+deploy\b"
)
# a Hugging Face Space runs the app pushed to its git repository (Gradio, Streamlit or a
# Docker Space): pushing or uploading to it deploys (shiva-shivanibokka/ML-System-Design-
# Retraining-Pipeline deploy/deploy_hf_space.sh:10,27, a clone of the Space then `git push`,
# run by .github/workflows/deploy-space.yml:33; reviewed). A model or dataset repository on
# the Hub is no Space.
HF_SPACE_DEPLOY = re.compile(
    r"\bgit\s+push\b[^\n]*huggingface\.co/spaces/"
    r"|\b(?:huggingface-cli|hf)\s+upload\b[^\n]*--repo-type[= ]+['\"]?space\b"
)
_HF_SPACE_REMOTE = re.compile(
    r"\bgit\s+(?:clone|remote\s+(?:add|set-url))\b[^\n]*huggingface\.co/spaces/"
)
_GIT_PUSH = re.compile(r"\bgit\s+push\b")


# a value a template leaves to fill in: a deploy step that names `your-ecs-service-name`
# deploys nothing (KSandke/mlops-pipeline-recommender .github/workflows/ci.yml:80,89,96-97,
# "TODO: Change to your ECS service name"; reviewed)
TEMPLATE_VALUE = re.compile(
    r"(?<![\w-])your[-_][\w-]+|<your[^>]*>|\bYOUR_[A-Z0-9_]+\b|\b(?:CHANGE|REPLACE)[-_]?ME\b", re.I
)


def _pushes_to_space(snap: Snapshot, item: _ci_reach.Reached) -> bool:
    """A command that deploys to a Hugging Face Space: a push or upload naming the Space, or
    a `git push` in a script that cloned the Space (or added it as a remote)."""
    if HF_SPACE_DEPLOY.search(item.text):
        return True
    if not _GIT_PUSH.search(item.text) or "huggingface.co/spaces/" not in (
        snap.text(item.path) or ""
    ):
        return False
    return any(_HF_SPACE_REMOTE.search(line) for line in snap.lines(item.path))


BATCH_DEPLOY = re.compile(
    r"\bgcloud\s+(?:beta\s+)?run\s+jobs\s+(?:deploy|create|update)\b"
    r"|\baz\s+ml\s+batch-deployment\s+(?:create|update)\b"
)
# a serverless function started by events rather than by requests
EVENT_TRIGGERED = re.compile(
    r"--trigger-(?:topic|bucket|event|event-filters|resource)\b|--event-source-arn\b"
)
# shipping an artefact to where it runs (service or batch: the profile cannot tell)
SHIP = re.compile(
    r"\bdocker\s+(?:image\s+)?push\b|\bdocker\s+buildx\s+build\b.*--push\b|\bpodman\s+push\b"
    r"|\bhelm\s+(?:upgrade|install)\b|\bhelmfile\s+(?:apply|sync)\b"
    r"|\bkubectl\s+(?:apply|set\s+image|rollout\s+restart|create)\b"
    r"|\bkustomize\s+build\b.*\|\s*kubectl|\bterraform\s+apply\b|\bpulumi\s+up\b"
    r"|\bcdk\s+deploy\b|\bskaffold\s+(?:run|deploy)\b|\bargocd\s+app\s+sync\b"
    r"|\baws\s+cloudformation\s+(?:deploy|create-stack|update-stack|execute-change-set)\b"
    # a Bicep/ARM deployment, as `terraform apply` is a Terraform one (Azure/mlops-project-
    # template infrastructure/bicep/pipelines/bicep-ado-deploy-infra.yml:73)
    r"|\baz\s+deployment\s+(?:sub|group|mg|tenant)\s+create\b"
    # a Databricks Asset Bundle: its jobs, pipelines and serving endpoints, created in the
    # workspace as declared (marvelousmlops/marvel-characters .github/workflows/cd.yml:49)
    r"|\bdatabricks\s+bundle\s+deploy\b"
    # … or of a dbx deployment file (niall-turbitt/e2e-mlops .github/workflows/onrelease.yml:39
    # `dbx deploy … --environment=prod`; reviewed)
    r"|\bdbx\s+deploy\b"
)
# `helm` flags that take the next word as their value (the rest are switches)
_HELM_VALUE_FLAGS = frozenset(
    {
        "-f",
        "--values",
        "--set",
        "--set-string",
        "--set-file",
        "--set-json",
        "--set-literal",
        "-n",
        "--namespace",
        "--version",
        "--repo",
        "--timeout",
        "--kube-context",
        "--kubeconfig",
        "--post-renderer",
        "--post-renderer-args",
        "--description",
        "--username",
        "--password",
        "--ca-file",
        "--cert-file",
        "--key-file",
        "--history-max",
        "--kube-apiserver",
        "--kube-as-user",
        "--kube-as-group",
        "--kube-token",
        "--registry-config",
        "--repository-cache",
        "--repository-config",
        "-o",
        "--output",
        "--labels",
    }
)
_HELM_DEPLOY = re.compile(r"\bhelm\s+(?:upgrade|install)\b")
_REMOTE = re.compile(r"^(?:oci|https?)://")
_KUBECTL_SHIP = re.compile(r"\bkubectl\s+(apply|create)\b")


def _helm_chart(words: list[str]) -> tuple[str | None, bool]:
    """(the chart a `helm upgrade|install …` installs, whether `--repo` names its index):
    the last of the first two positional words (`install --generate-name CHART` has one)."""
    positional: list[str] = []
    repo = False
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word.startswith("-"):
            name = word.split("=", 1)[0]
            repo = repo or name == "--repo"
            skip = "=" not in word and name in _HELM_VALUE_FLAGS
            continue
        positional.append(word)
    chart = positional[:2][-1] if positional else None
    return chart, repo


_HELM_REPO_ADD = re.compile(r"\bhelm\s+repo\s+add\s+([\w.-]+)")


def _chart_repositories(snap: Snapshot) -> frozenset[str]:
    """The names of the chart repositories CI adds (`helm repo add NAME URL`)."""

    def build() -> frozenset[str]:
        return frozenset(
            name for item in _ci_reach.reached(snap) for name in _HELM_REPO_ADD.findall(item.text)
        )

    return snap._cached("chart-repositories", "", build)


def installs_others_software(snap: Snapshot, text: str) -> bool:
    """A command that installs software the repository does not hold: a chart from a chart
    repository or registry (`helm install traefik traefik/traefik`, `oci://…/postgresql`),
    or manifests from a URL (`kubectl apply -f https://…`). A cluster's platform set up by
    CI is not delivery of the project (deramos/mlops-k8s-pipeline deploy-infra.yaml:36;
    reviewed). A chart path in the repository, a variable or a packaged chart file is the
    project's own."""
    installs = False
    for part in _ci_reach.split_commands(text):
        if match := _HELM_DEPLOY.search(part):
            words = list(_task_runners.shell_words(part[match.end() :]))
            chart, repo = _helm_chart(words)
            if chart is None or "$" in chart:
                return False
            # `repo/chart` of a chart repository CI adds (`helm repo add traefik …`); a
            # folder of charts, found or not, is the project's (`charts/api`)
            indexed = chart.split("/", 1)[0] in _chart_repositories(snap) and not snap.has_dir(
                chart.rstrip("/")
            )
            if not (repo or indexed or _REMOTE.match(chart)):
                return False
            installs = True
            continue
        if match := _KUBECTL_SHIP.search(part):
            words = list(_task_runners.shell_words(part[match.end() :]))
            files = [
                words[i + 1]
                if words[i] in ("-f", "--filename", "-k")
                else words[i].split("=", 1)[1]
                for i in range(len(words))
                if (words[i] in ("-f", "--filename", "-k") and i + 1 < len(words))
                or words[i].startswith(("--filename=", "-f="))
            ]
            if not files or not all(_REMOTE.match(f) for f in files):
                return False
            installs = True
            continue
        if SHIP.search(part):
            return False
    return installs


# deploy actions/tasks: to a serving platform, or shipping an artefact
SERVICE_ACTIONS = re.compile(
    r"^(?:azure/(?:webapps-deploy|container-apps-deploy-action|functions-action)"
    r"|google-github-actions/(?:deploy-cloudrun|deploy-appengine|deploy-cloud-functions)"
    r"|aws-actions/amazon-ecs-deploy-task-definition|akhileshns/heroku-deploy"
    # flyctl's action deploys; its setup-flyctl only installs the CLI (iterative/mlem
    # check-test-release.yml:108, before tests that mock fly; reviewed)
    r"|superfly/flyctl-actions(?!/setup-flyctl)|AzureWebApp@|AzureFunctionApp@|AzureRmWebAppDeployment@)",
    re.IGNORECASE,
)
SHIP_ACTIONS = re.compile(
    r"^(?:docker/build-push-action|docker/bake-action|azure/(?:k8s-deploy|aks-set-context)"
    r"|aws-actions/aws-cloudformation-github-deploy|HelmDeploy@|KubernetesManifest@"
    r"|Kubernetes@|TerraformTaskV\d@|Docker@\d"
    # Azure Pipelines' ARM/Bicep deployment tasks, as `az deployment group create`
    r"|AzureResourceGroupDeployment@|AzureResourceManagerTemplateDeployment@)",
    re.IGNORECASE,
)
# copy to a remote host (`host:path`, `user@host:path`), not a local copy
COPY_REMOTE = re.compile(r"\b(?:scp|rsync)\b.*\s(?:[\w.$@{}-]+@)?[\w.${}-]+:\S*")
# what restarts or (re)starts the service on the remote host
RESTART = re.compile(
    r"\b(?:systemctl\s+(?:restart|reload|start)|service\s+\S+\s+(?:restart|reload|start)"
    r"|docker(?:-compose|\s+compose)?\s+(?:run|up|restart|pull|start)|pm2\s+(?:restart|reload|start)"
    r"|supervisorctl\s+(?:restart|reload|start|update)|restart|nohup\s+\S*(?:python|gunicorn|uvicorn))"
)
SSH = re.compile(r"(?:^|[\s;&|(])ssh\b")
SSH_ACTIONS = re.compile(r"^(?:appleboy/ssh-action|garygrossgarten/github-action-ssh)\b")
COPY_ACTIONS = re.compile(
    r"^(?:appleboy/scp-action|easingthemes/ssh-deploy|burnett01/rsync-deployments)\b"
)
# An image built from a development container's files is the editor's environment, not the
# system (full-stack-deep-learning/fsdl-text-recognizer-2022 .github/workflows/docker.yml:30
# pushes `.devcontainer/gpu-from-scratch/dev-gpu.Dockerfile`), like shipped_dockerfiles says
_BUILD_INPUTS = ("file", "context", "Dockerfile", "dockerfile", "buildContext")


def _builds_dev_container(use: CiCommand) -> bool:
    """An image build step (docker/build-push-action, Azure Docker@2) whose Dockerfile or
    build context is a development container's."""
    # "/" appended: a build context may name the folder itself (`context: .devcontainer`)
    given = (use.input(key) for key in _BUILD_INPUTS)
    return any(base.DEV_CONTAINER.search(value + "/") for value in given if value)


_FALSE = ("", "false", "0", "no", "off")


def _pushes_a_buildable_image(snap: Snapshot, use: CiCommand) -> bool:
    """docker/build-push-action ships only with `push:` set (it defaults to false) and a
    Dockerfile that exists: `file:`, else `context`/Dockerfile (EleutherAI/gpt-neox
    docker_build.yml:42 builds a root Dockerfile moved to containers/docker/ in 2025, and
    pull_request.yml:25 pushes nothing). An expression or a remote context is taken as given.
    docker/bake-action ships only with `push:` set too (deepset-ai/hayhooks docker.yml:45
    `push: true`; reviewed); its targets' Dockerfiles are named in the bake file.
    Other ship actions are not judged here."""
    action = use.text.lower()
    if action.startswith("docker/bake-action"):
        return (use.input("push") or "").strip().lower() not in _FALSE
    if not action.startswith("docker/build-push-action"):
        return True
    if (use.input("push") or "").strip().lower() in _FALSE:
        return False
    path = pushed_dockerfile(use)
    return path is None or snap.exists(path)


_NOT_A_PATH = re.compile(r"[*?\[$]|://")


def stale_copies(snap: Snapshot, dockerfile: str) -> list[Evidence]:
    """The COPY/ADD lines of `dockerfile` that name a file or folder the repository had and
    no longer has (deleted, or moved elsewhere): the build fails at them, every time
    (Ambika005/Rag-Api-Automate-Testing-GithubActions Dockerfile:4 `COPY app.py embed.py
    k8s.txt ./`, k8s.txt moved to docs/ in e75b8bc; reviewed). The build context is the
    Dockerfile's folder or the repository root. A source the repository never had is left
    alone: CI may build it first (a model pulled by `dvc pull`, a generated file)."""
    parsed = snap.dockerfile(dockerfile)
    if parsed is None:
        return []
    folder = posixpath.dirname(dockerfile)
    found: list[Evidence] = []
    for instruction, sources in _context_sources(parsed):
        for source in sources:
            candidates = {posixpath.normpath(posixpath.join(c, source)) for c in (folder, "")}
            if any(snap.exists(c) or snap.has_dir(c) for c in candidates):
                continue
            gone = sorted(c for c in candidates if c in _ever_tracked(snap))
            if not gone:
                continue
            name = posixpath.basename(gone[0])
            moved = next((f for f in snap.files if posixpath.basename(f) == name), None)
            note = f"moved to {moved}" if moved else "deleted from the repository"
            found.append(
                ev(dockerfile, instruction.line, f"{instruction.keyword} {instruction.args}", note)
            )
            break
    return found


def _context_sources(parsed: Dockerfile) -> Iterator[tuple[Instruction, list[str]]]:
    """Each COPY/ADD with the sources it takes from the build context, as written: not
    another stage's, a URL, a glob, a variable, or the whole context (`.`)."""
    for instruction in (*parsed.of("COPY"), *parsed.of("ADD")):
        sources = [
            source
            for source in copy_sources(instruction) or []
            if not _NOT_A_PATH.search(source) and source.strip("./") != ""
        ]
        if sources:
            yield instruction, sources


# `docker build` / `docker buildx build`: the Dockerfile and the context it builds
_DOCKER_BUILD = re.compile(r"\bdocker\s+(?:buildx\s+)?build\b")
_BUILD_VALUE_FLAGS = frozenset(
    {
        "-t",
        "--tag",
        "-f",
        "--file",
        "--build-arg",
        "--platform",
        "--target",
        "--label",
        "--cache-from",
        "--cache-to",
        "--secret",
        "--network",
        "--progress",
        "-o",
        "--output",
        "--iidfile",
        "--ssh",
        "--build-context",
        "--add-host",
        "-m",
        "--memory",
        "--shm-size",
    }
)
# a command that may create what a later COPY takes: data or models fetched, a lock file
# written, a build or training step, files copied or unpacked
_MAY_PRODUCE = re.compile(
    r"\b(?:dvc|python\d?|make|uv\s+(?:lock|sync|run|pip)|poetry|pdm|pip\s+download|wget|curl"
    r"|aws\s+s3|gsutil|gcloud\s+storage|azcopy|mkdir|cp|mv|tar|unzip|git\s+lfs|bash|sh|npm"
    r"|mlflow|huggingface-cli|hf)\b"
)


# actions that set a job up and bring no file of the project in
_SETUP_ACTION = re.compile(
    r"^(?:actions/(?:checkout|setup-[\w-]+)|docker/(?:login-action|setup-[\w-]+|metadata-action)"
    r"|aws-actions/(?:configure-aws-credentials|amazon-ecr-login)|google-github-actions/"
    r"(?:auth|setup-gcloud)|azure/(?:login|docker-login)|astral-sh/setup-uv)@",
    re.IGNORECASE,
)


def _root_line(item: _ci_reach.Reached) -> int | None:
    """The line of the CI file the reached command starts from."""
    if not item.via:
        return item.line
    _path, _, line = item.via[0].rpartition(":")
    return int(line) if line.isdigit() else None


def built_dockerfile(text: str, cwd: str = "") -> tuple[str, str] | None:
    """(Dockerfile, build context) of a `docker build` command line, repo-relative; None when
    the command builds none or names them with variables."""
    from mlaudit.probes._task_runners import shell_words

    found = _DOCKER_BUILD.search(text)
    if found is None:
        return None
    words = list(shell_words(text[found.end() :].split("&&")[0].split(";")[0]))
    dockerfile: str | None = None
    context: str | None = None
    skip = False
    for i, word in enumerate(words):
        if skip:
            skip = False
            continue
        if word.startswith("-"):
            flag, _, value = word.partition("=")
            if flag in ("-f", "--file"):
                dockerfile = value or (words[i + 1] if i + 1 < len(words) else None)
            skip = flag in _BUILD_VALUE_FLAGS and not value
            continue
        context = word
        break
    if context is None or "$" in context or (dockerfile and "$" in dockerfile):
        return None
    if context.startswith(("http://", "https://", "git@")) or context == "-":
        return None
    root = posixpath.normpath(posixpath.join(cwd, context)) if cwd else posixpath.normpath(context)
    root = "" if root == "." else root
    file = (
        posixpath.normpath(posixpath.join(cwd, dockerfile))
        if dockerfile
        else posixpath.join(root, "Dockerfile")
        if root
        else "Dockerfile"
    )
    return file.removeprefix("./"), root


def ignored_copies(snap: Snapshot, dockerfile: str, context: str) -> list[Evidence]:
    """The COPY/ADD lines of `dockerfile` whose source is git-ignored and not in the
    repository: a clean checkout has no such file, so the build fails there unless a step
    before it creates the file (harmandeep2993/movie-recommender-system-mlops-end-to-end
    Dockerfile:12,20-22 `COPY uv.lock`, `COPY models/`, all git-ignored, built by a job that
    only checks out and logs in; reviewed)."""
    parsed = snap.dockerfile(dockerfile)
    if parsed is None:
        return []
    found: list[Evidence] = []
    rules = ignore_rules(snap)
    for instruction, sources in _context_sources(parsed):
        for source in sources:
            path = posixpath.normpath(posixpath.join(context, source)).removeprefix("./")
            if snap.exists(path) or snap.has_dir(path):
                continue
            if rules.ignored(path, is_dir=source.endswith("/")):
                found.append(
                    ev(
                        dockerfile,
                        instruction.line,
                        f"{instruction.keyword} {instruction.args}",
                        "git-ignored: not in a clean checkout, and nothing before the build "
                        "creates it",
                    )
                )
                break
    return found


def ignore_rules(snap: Snapshot) -> IgnoreRules:
    """The repository's .gitignore files, read from the Snapshot once (a folder's before its
    subfolders', as git applies them)."""
    from mlaudit.repo.ignore import IgnoreRules

    def build() -> IgnoreRules:
        rules = IgnoreRules()
        found = [f for f in snap.files if posixpath.basename(f) == ".gitignore"]
        for ignore in sorted(found, key=lambda f: (f.count("/"), f)):
            rules.add_lines(posixpath.dirname(ignore), snap.lines(ignore))
        return rules

    return snap._cached("ignore_rules", "", build)


def _unbuildable(snap: Snapshot, items: list[_ci_reach.Reached]) -> tuple[Evidence, ...]:
    """What makes the image a job builds with `docker build` unbuildable: a COPY of a file
    the repository moved away, or of a git-ignored file no earlier step of the job creates."""
    for index, item in enumerate(items):
        built = built_dockerfile(item.text, item.cwd)
        command = _DOCKER_BUILD.search(item.text)
        if built is None or command is None or not snap.exists(built[0]):
            continue
        dockerfile, context = built
        broken = stale_copies(snap, dockerfile)
        earlier = [b.text for b in items[:index]] + [item.text[: command.start()]]
        produced = any(_ci_reach.runs(text, _MAY_PRODUCE) for text in earlier if text.strip())
        # an action before the build may bring files in (actions/download-artifact, a cache)
        at = _root_line(item)
        fetched = any(
            u.line is not None
            and at is not None
            and u.line < at
            and not _SETUP_ACTION.match(u.text)
            for u in item.job.uses
        )
        if not (produced or fetched):
            broken += ignored_copies(snap, dockerfile, context)
        if broken:
            return tuple(broken)
    return ()


def _ever_tracked(snap: Snapshot) -> frozenset[str]:
    """Every path a commit of the history touched (files, and the folders above them)."""

    def build() -> frozenset[str]:
        out: set[str] = set()
        for commit in snap.history.commits:
            for path in commit.files:
                out.add(path)
                parts = path.split("/")[:-1]
                out.update("/".join(parts[: i + 1]) for i in range(len(parts)))
        return frozenset(out)

    return snap._cached("ever_tracked", "", build)


def pushed_dockerfile(use: CiCommand) -> str | None:
    """The repository path of the Dockerfile a docker/build-push-action step builds: `file:`,
    else `context`/Dockerfile; None for another action, an expression or a remote context."""
    if not use.text.lower().startswith("docker/build-push-action"):
        return None
    given = use.input("file")
    context = use.input("context")
    path = given if given else f"{context or '.'}/Dockerfile"
    if "${{" in path or "://" in path or path.startswith("git@"):
        return None
    return posixpath.normpath(path.strip().removeprefix("./"))


# a deployment environment that is not the system itself: review apps, package indexes, docs
# ... nor a scope for a signing key (open-edge-platform/anomalib tauri-build.yaml:166
# `windows-msix-signing`; reviewed)
NOT_DELIVERY_ENV = re.compile(
    r"^(?:review|pypi|testpypi|docs?|pages|github-pages)\b|(?:^|[-_\s])(?:code[-_]?)?sign(?:ing)?\b",
    re.I,
)


@dataclass(frozen=True)
class Delivery:
    """A CI job that delivers: how, where (evidence) and whether the target serves online."""

    job: CiJob
    how: str
    serves: bool
    evidence: tuple[Evidence, ...]
    dockerfile: str | None = None  # the Dockerfile an image push builds, where it is known
    # why what is delivered cannot be built (a COPY of a file the repository moved away)
    broken: tuple[Evidence, ...] = ()


def _job_items(snap: Snapshot) -> dict[int, list[_ci_reach.Reached]]:
    by_job: dict[int, list[_ci_reach.Reached]] = {}
    for item in _ci_reach.reached(snap):
        by_job.setdefault(id(item.job), []).append(item)
    return by_job


def _copy_and_restart(job: CiJob, items: list[_ci_reach.Reached]) -> Delivery | None:
    copies = [i for i in items if _ci_reach.runs(i.text, COPY_REMOTE)]
    restarts = [i for i in items if SSH.search(i.text) and RESTART.search(i.text)]
    ssh_uses = [u for u in job.uses if SSH_ACTIONS.match(u.text)]
    copy_uses = [u for u in job.uses if COPY_ACTIONS.match(u.text)]
    if ssh_uses and any(RESTART.search(i.text) for i in items):
        # the SSH action's `script:` lines are the job's commands: they run remotely
        restart = next(i for i in items if RESTART.search(i.text))
        use = ssh_uses[0]
        return Delivery(
            job,
            "restarts the service over SSH",
            True,
            (ev(job.path, use.line, use.text, f"{job.system} job {job.name}"), restart.evidence()),
        )
    if copy_uses:
        use = copy_uses[0]
        shown = [ev(job.path, use.line, use.text, f"{job.system} job {job.name}")]
        shown += [r.evidence() for r in restarts[:1]]
        return Delivery(job, "copies the app to a server", bool(restarts), tuple(shown))
    if restarts:
        # `ssh host 'git pull && systemctl restart app'` delivers by itself; a copy or an
        # image push before it is shown when there is one
        before = copies or [i for i in items if _ci_reach.runs(i.text, SHIP)]
        shown = [i.evidence() for i in before[:1]] + [restarts[0].evidence()]
        return Delivery(job, "updates a server and restarts it over SSH", True, tuple(shown))
    return None


# the project's containers started, detached, on the machine the job runs on (a unit of
# systemd may be the runner's own: `sudo systemctl start docker`)
_STARTS_HERE = re.compile(
    r"\bdocker(?:-compose|\s+compose)\b.*\bup\b.*(?:\s-d\b|--detach\b)"
    r"|\bdocker\s+run\b.*(?:\s-d\b|\s-\w*d\w*\s|--detach\b)"
)
_STOPS_HERE = re.compile(r"\bdocker(?:-compose|\s+compose)\b.*\bdown\b|\bdocker\s+(?:stop|rm)\b")


def _self_hosted_restart(job: CiJob, items: list[_ci_reach.Reached]) -> Delivery | None:
    """A job on the project's own runner that starts the service there and leaves it running,
    on pushes: the runner is the server (SudipModak/customer-churn-mlops .github/workflows/
    deploy.yml:11,19-24 `runs-on: self-hosted`, `git pull`, `docker compose up --build -d`;
    reviewed). A job that starts the stack to test it and takes it down after is no
    delivery (`up -d && pytest && down`, on one line or several)."""
    if not job.self_hosted or "push" not in job.triggers:
        return None
    direct = [i for i in items if i.direct]
    starts = [n for n, i in enumerate(direct) if _STARTS_HERE.search(i.text)]
    if not starts:
        return None
    last = starts[-1]
    started = _STARTS_HERE.search(direct[last].text)
    rest = direct[last].text[started.end() :] if started else ""
    if _STOPS_HERE.search(rest) or any(_STOPS_HERE.search(i.text) for i in direct[last + 1 :]):
        return None
    return Delivery(
        job, "restarts the service on its self-hosted runner", True, (direct[last].evidence(),)
    )


def _script_deploys(snap: Snapshot, items: list[_ci_reach.Reached]) -> Delivery | None:
    """A CI step runs a repository script that deploys to a managed online endpoint
    (`python build/utils.py --mode deploy-model` whose code calls `endpoint.deploy(…)`)."""
    for item in items:
        # a multi-purpose script (`utils.py --mode compile-pipeline`) deploys only in the
        # step that asks it to
        if _ci_reach.is_install(item.text):
            continue
        scripts = _ci_reach.referenced_files(snap, item.text)
        asked = item.text
        for path in scripts:
            asked = asked.replace(path, " ")
        named = any("deploy" in path.rsplit("/", 1)[-1].lower() for path in scripts)
        if not (named or re.search(r"deploy", asked, re.I)):
            continue
        for path in scripts:
            call = managed_deploy_call(snap, path) if path.endswith(".py") else None
            if call is not None:
                shown = ev(path, call.line, f"{call.name}(…)", "managed endpoint deploy")
                return Delivery(
                    item.job,
                    "runs a script that deploys to a managed endpoint",
                    True,
                    (item.evidence(), shown),
                )
    return None


def _environment_job(job: CiJob) -> Delivery | None:
    """A GitLab/Azure deployment job: an `environment:` on pushes to the default branch
    (or a manual promotion), with real commands."""
    if job.system not in ("gitlab", "azure") or not job.environment:
        return None
    if NOT_DELIVERY_ENV.search(job.environment) or "$CI_MERGE_REQUEST" in job.environment:
        return None
    if not (job.triggers & {"push", "manual", "tag"}) or not job.commands:
        return None
    return Delivery(
        job,
        f"deploys to environment {job.environment}",
        False,
        (
            ev(
                job.path,
                job.line,
                f"environment: {job.environment}",
                f"{job.system} job {job.name}",
            ),
        ),
    )


def deliveries(snap: Snapshot) -> list[Delivery]:
    """Every CI job that delivers, once, with its strongest form first (cached)."""

    def build() -> list[Delivery]:
        found: list[Delivery] = []
        by_job = _job_items(snap)
        for job in snap.ci_jobs:
            if job.disabled:
                continue
            items = by_job.get(id(job), [])
            before = len(found)
            deploys = [i for i in items if _ci_reach.runs(i.text, SERVICE_DEPLOY)]
            # a function run by events (a Pub/Sub topic, a bucket) answers no request
            # (ruteee/kubeflow-pipeline-gcp-deploy pipelineCD.yml:47-54 `gcloud functions
            # deploy … --trigger-topic`, which starts a training pipeline; reviewed)
            service = [
                i
                for i in deploys
                if not EVENT_TRIGGERED.search(i.text) and not TEMPLATE_VALUE.search(i.text)
            ]
            service += [i for i in items if _pushes_to_space(snap, i)]
            batch = [i for i in items if _ci_reach.runs(i.text, BATCH_DEPLOY)]
            batch += [i for i in deploys if EVENT_TRIGGERED.search(i.text)]
            ship = [
                i
                for i in items
                if _ci_reach.runs(i.text, SHIP) and not installs_others_software(snap, i.text)
            ]
            service_uses = [
                u
                for u in job.uses
                if SERVICE_ACTIONS.match(u.text)
                and not any(TEMPLATE_VALUE.search(value) for _key, value in u.inputs)
            ]
            ship_uses = [
                u
                for u in job.uses
                if SHIP_ACTIONS.match(u.text)
                and not _builds_dev_container(u)
                and _pushes_a_buildable_image(snap, u)
            ]
            if service:
                found.append(
                    Delivery(job, "deploys to a serving platform", True, (service[0].evidence(),))
                )
            elif service_uses:
                use = service_uses[0]
                shown = ev(job.path, use.line, use.text, f"{job.system} job {job.name}")
                found.append(Delivery(job, "deploys to a serving platform", True, (shown,)))
            elif (
                restart := _copy_and_restart(job, items) or _self_hosted_restart(job, items)
            ) is not None:
                found.append(restart)
            elif (scripted := _script_deploys(snap, items)) is not None:
                found.append(scripted)
            elif batch or ship:
                found.append(
                    Delivery(job, "ships an artefact", False, ((batch or ship)[0].evidence(),))
                )
            elif ship_uses:
                use = ship_uses[0]
                shown = ev(job.path, use.line, use.text, f"{job.system} job {job.name}")
                built = pushed_dockerfile(use)
                broken = tuple(stale_copies(snap, built)) if built else ()
                found.append(Delivery(job, "ships an artefact", False, (shown,), built, broken))
            elif (env := _environment_job(job)) is not None:
                found.append(env)
            if len(found) > before and not found[-1].broken:
                broken = _unbuildable(snap, items)
                if broken:
                    found[-1] = dataclasses.replace(found[-1], broken=broken)
        return found

    return snap._cached("deliveries", "", build)
