"""Render Blueprints: the services a `render.yaml` declares as code.

A Blueprint (`render.yaml` at the root of the repository, render.com/docs/blueprint-spec)
lists `services:` — a `type: web` service built from the repository (`runtime: docker` with
`dockerfilePath`, or a native runtime with `buildCommand`/`startCommand`), its
`healthCheckPath` (Render sends traffic to a new deploy only once that path answers), and
`autoDeploy` (true unless set otherwise: Render deploys every push to the linked branch;
`autoDeployTrigger: off` in the newer form). Whether the Blueprint is linked to a Render
account is set in Render, not in the repository.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlaudit.probes import base
from mlaudit.probes.base import ev
from mlaudit.probes.kubernetes import NoParams
from mlaudit.probes.registry import probe
from mlaudit.repo.parsers.yaml_docs import key_line
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Evidence, Observation

BLUEPRINT_FILES = ("render.yaml", "render.yml")
_SERVICE_TYPES = ("web", "pserv", "worker", "cron")


@dataclass(frozen=True)
class RenderService:
    path: str
    name: str
    kind: str  # web, pserv, worker, cron
    line: int | None
    health_check: str | None
    health_line: int | None
    auto_deploy: bool

    def evidence(self, text: str = "") -> Evidence:
        return ev(self.path, self.line, text or f"{self.kind} service {self.name}", "Render")


def _auto_deploy(service: dict[object, object]) -> bool:
    # (YAML 1.1 reads a bare `off` as false)
    trigger = str(service.get("autoDeployTrigger", "")).strip().lower()
    return service.get("autoDeploy") not in (False, "false") and trigger not in ("off", "false")


def blueprint_services(snap: Snapshot) -> list[RenderService]:
    """The services of the repository's Render Blueprints (the root's, and one per folder
    outside tests, examples and vendored code)."""

    def build() -> list[RenderService]:
        found = []
        for path in base.select_files(snap, BLUEPRINT_FILES, scope="non_tests"):
            for doc in snap.yaml_docs(path):
                services = doc.get("services") if isinstance(doc, dict) else None
                for service in services if isinstance(services, list) else ():
                    if not isinstance(service, dict) or service.get("type") not in _SERVICE_TYPES:
                        continue
                    health = service.get("healthCheckPath")
                    found.append(
                        RenderService(
                            path=path,
                            name=str(service.get("name") or ""),
                            kind=str(service["type"]),
                            line=key_line(service, "type"),
                            health_check=health if isinstance(health, str) else None,
                            health_line=key_line(service, "healthCheckPath"),
                            auto_deploy=_auto_deploy(service),
                        )
                    )
        return found

    return snap.memo(("render.blueprint_services",), build)


def health_checks(snap: Snapshot) -> list[Evidence]:
    """Web services whose new deploys get traffic only once their health check answers."""
    return [
        ev(s.path, s.health_line, f"healthCheckPath: {s.health_check}", f"Render {s.name}")
        for s in blueprint_services(snap)
        if s.kind == "web" and s.health_check
    ]


@probe("render_deploy", NoParams)
def render_deploy(snap: Snapshot, p: NoParams) -> Observation:
    """Render deploys the services of a Blueprint on every push.

    Looks for: `render.yaml` services (`type: web|pserv|worker|cron`) with auto-deploy on
    (the default; `autoDeploy: false` or `autoDeployTrigger: off` turns it off). Partial at
    best: Render deploys each push to the branch the Blueprint is linked to, and whether it
    is linked is set in Render's dashboard, not in the repository.
    Known false positive: a Blueprint nobody linked deploys nothing; a `render.yaml` under
    docs or examples is not the project's.
    Why: a service the platform rebuilds from each merged change is delivered continuously
    (Azure level 3), with its configuration as code.
    Fix: link the Blueprint in Render (or deploy from CI with a deploy hook) and keep
    `autoDeploy` on for the production branch.
    """
    services = blueprint_services(snap)
    if not services:
        return base.failed("no Render Blueprint")
    live = [s for s in services if s.auto_deploy]
    if not live:
        return base.failed(
            "the Render Blueprint's services do not deploy on push (autoDeploy off)",
            [s.evidence() for s in services],
        )
    return base.partial(
        "Render deploys the Blueprint's services on each push to its branch, if the Blueprint "
        "is linked in Render (not visible in the repository)",
        [s.evidence() for s in live],
    )
