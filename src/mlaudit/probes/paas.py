"""Platform-as-a-service specs: the services a Render Blueprint or a Railway config declares.

- A Render Blueprint (`render.yaml`, render.com/docs/blueprint-spec) lists `services:` — a
  `type: web` service built from the repository (`runtime: docker` with `dockerfilePath`, or a
  native runtime with `startCommand`), its `healthCheckPath` (Render sends traffic to a new
  deploy only once that path answers), and `autoDeploy` (true unless set otherwise; the newer
  `autoDeployTrigger: off` turns it off).
- A Railway config (`railway.json` or `railway.toml`, docs.railway.com/reference/config-as-code)
  declares one service: `build.buildCommand`, `deploy.startCommand`, `deploy.healthcheckPath`.

Both platforms deploy every push to the branch a service is linked to; whether it is linked
is set in the platform, not in the repository.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlaudit.probes import base
from mlaudit.probes.base import ev
from mlaudit.probes.kubernetes import NoParams
from mlaudit.probes.registry import probe
from mlaudit.repo.parsers.yaml_docs import key_line
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Evidence, Observation

RENDER_FILES = ("render.yaml", "render.yml")
RAILWAY_FILES = ("railway.json", "railway.toml")
_RENDER_TYPES = ("web", "pserv", "worker", "cron")


@dataclass(frozen=True)
class PaasService:
    platform: str  # Render, Railway
    path: str
    name: str
    kind: str  # web, pserv, worker, cron
    line: int | None
    start: str  # the start command, when one is written
    health_check: str | None
    health_line: int | None
    auto_deploy: bool

    def evidence(self, text: str = "") -> Evidence:
        shown = text or f"{self.kind} service {self.name}".rstrip()
        return ev(self.path, self.line, shown, self.platform)


def _render_auto_deploy(service: dict[Any, Any]) -> bool:
    # (YAML 1.1 reads a bare `off` as false)
    trigger = str(service.get("autoDeployTrigger", "")).strip().lower()
    return service.get("autoDeploy") not in (False, "false") and trigger not in ("off", "false")


def _render(snap: Snapshot, path: str) -> list[PaasService]:
    found = []
    for doc in snap.yaml_docs(path):
        services = doc.get("services") if isinstance(doc, dict) else None
        for service in services if isinstance(services, list) else ():
            if not isinstance(service, dict) or service.get("type") not in _RENDER_TYPES:
                continue
            # a static site is published files, no service (`runtime: static`, or the
            # older `env: static`)
            if "static" in (service.get("runtime"), service.get("env")):
                continue
            health = service.get("healthCheckPath")
            start = service.get("startCommand")
            found.append(
                PaasService(
                    platform="Render",
                    path=path,
                    name=str(service.get("name") or ""),
                    kind=str(service["type"]),
                    line=key_line(service, "type"),
                    start=start if isinstance(start, str) else "",
                    health_check=health if isinstance(health, str) else None,
                    health_line=key_line(service, "healthCheckPath"),
                    auto_deploy=_render_auto_deploy(service),
                )
            )
    return found


def _line_of(snap: Snapshot, path: str, key: str) -> int | None:
    """The line naming `key` in a JSON or TOML file (their parsers keep no lines)."""
    for number, line in enumerate(snap.lines(path), start=1):
        stripped = line.strip()
        if stripped == f"[{key}]":  # a TOML table
            return number
        stripped = stripped.lstrip('"')
        rest = stripped[len(key) :].lstrip('"').lstrip()
        if stripped.startswith(key) and rest[:1] in ("=", ":"):
            return number
    return None


def _railway(snap: Snapshot, path: str) -> list[PaasService]:
    doc = snap.toml(path) if path.endswith(".toml") else snap.json(path)
    deploy = doc.get("deploy") if isinstance(doc, dict) else None
    if not isinstance(deploy, dict):
        return []
    start, health = deploy.get("startCommand"), deploy.get("healthcheckPath")
    return [
        PaasService(
            platform="Railway",
            path=path,
            name="",
            # a service with a start command and a health check answers requests; a cron
            # schedule makes it a job
            kind="cron" if deploy.get("cronSchedule") else "web",
            line=_line_of(snap, path, "deploy"),
            start=start if isinstance(start, str) else "",
            health_check=health if isinstance(health, str) else None,
            health_line=_line_of(snap, path, "healthcheckPath"),
            auto_deploy=True,
        )
    ]


def paas_services(snap: Snapshot) -> list[PaasService]:
    """The services of the repository's Render Blueprints and Railway configs (tests,
    examples and vendored folders left out)."""

    def build() -> list[PaasService]:
        found: list[PaasService] = []
        for path in base.select_files(snap, (*RENDER_FILES, *RAILWAY_FILES), scope="non_tests"):
            name = path.rsplit("/", 1)[-1]
            found += _render(snap, path) if name in RENDER_FILES else _railway(snap, path)
        return found

    return snap.memo(("paas.services",), build)


def health_checks(snap: Snapshot) -> list[Evidence]:
    """Web services whose new deploys get traffic only once their health check answers."""
    return [
        ev(s.path, s.health_line, f"health check {s.health_check}", f"{s.platform} {s.name}")
        for s in paas_services(snap)
        if s.kind == "web" and s.health_check
    ]


def service_specs(snap: Snapshot) -> list[Evidence]:
    """Web services a platform runs from the repository: the service is shipped by its spec,
    as by a Kubernetes manifest (Bernard-Otieno/mlops-fraud-detection railway.json:8 starts a
    Flask app; reviewed)."""
    return [s.evidence() for s in paas_services(snap) if s.kind == "web"]


@probe("paas_deploy", NoParams)
def paas_deploy(snap: Snapshot, p: NoParams) -> Observation:
    """A platform deploys the services of its spec on every push (Render, Railway).

    Looks for: `render.yaml` services (`type: web|pserv|worker|cron`) with auto-deploy on
    (the default; `autoDeploy: false` or `autoDeployTrigger: off` turns it off), and a
    `railway.json`/`railway.toml` with a `deploy` section. Partial at best: the platform
    deploys each push to the branch the service is linked to, and whether it is linked is
    set in the platform's dashboard, not in the repository.
    Known false positive: a spec nobody linked deploys nothing; one under docs or examples
    is not the project's.
    Why: a service the platform rebuilds from each merged change is delivered continuously
    (Azure level 3), with its configuration as code.
    Fix: link the service to the production branch (or deploy from CI with a deploy hook)
    and keep auto-deploy on.
    """
    services = paas_services(snap)
    if not services:
        return base.failed("no Render Blueprint or Railway config")
    live = [s for s in services if s.auto_deploy]
    if not live:
        return base.failed(
            "the Render Blueprint's services do not deploy on push (autoDeploy off)",
            [s.evidence() for s in services],
        )
    platforms = " and ".join(dict.fromkeys(s.platform for s in live))
    return base.partial(
        f"{platforms} deploys the declared services on each push to their branch, if they are "
        "linked there (not visible in the repository)",
        [s.evidence() for s in live],
    )
