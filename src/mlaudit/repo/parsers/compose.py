"""docker-compose files → services (image, build, ports, healthcheck, deploy.replicas)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from mlaudit.repo.parsers.yaml_docs import key_line, node_line

COMPOSE_GLOBS = (
    "docker-compose*.yml",
    "docker-compose*.yaml",
    "compose*.yml",
    "compose*.yaml",
)


@dataclass(frozen=True, eq=False)
class ComposeService:
    path: str
    line: int
    name: str
    image: str | None
    build: Any
    doc: Any = field(repr=False)

    @property
    def healthcheck(self) -> dict[str, Any] | None:
        hc = self.doc.get("healthcheck") if isinstance(self.doc, dict) else None
        if isinstance(hc, dict) and not hc.get("disable"):
            return hc
        return None

    @property
    def replicas(self) -> int | None:
        deploy = self.doc.get("deploy") if isinstance(self.doc, dict) else None
        value = deploy.get("replicas") if isinstance(deploy, dict) else None
        if value is None and isinstance(self.doc, dict):
            value = self.doc.get("scale")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def resources(self) -> dict[str, Any]:
        deploy = self.doc.get("deploy") if isinstance(self.doc, dict) else None
        res = deploy.get("resources") if isinstance(deploy, dict) else None
        return res if isinstance(res, dict) else {}

    def line_of(self, key: str) -> int:
        return key_line(self.doc, key) or self.line

    @property
    def dockerfile(self) -> str | None:
        """The repository path of the Dockerfile the service's `build:` uses (its context
        relative to the compose file, `Dockerfile` unless `dockerfile:` names another), or
        None: no build, an inline Dockerfile, or a context outside the repository (a URL, a
        variable)."""
        build = self.build
        if isinstance(build, str):
            context, name = build, "Dockerfile"
        elif isinstance(build, dict):
            if build.get("dockerfile_inline"):
                return None
            context = build.get("context", ".")
            name = build.get("dockerfile", "Dockerfile")
        else:
            return None
        if not isinstance(context, str) or not isinstance(name, str):
            return None
        if "$" in context + name or "://" in context or context.startswith(("git@", "/")):
            return None
        folder = posixpath.dirname(self.path)
        return posixpath.normpath(posixpath.join(folder, context, name))


def parse_compose(path: str, docs: list[Any]) -> list[ComposeService]:
    out: list[ComposeService] = []
    for doc in docs:
        services = doc.get("services") if isinstance(doc, dict) else None
        if not isinstance(services, dict):
            continue
        for name, svc in services.items():
            if not isinstance(svc, dict):
                continue
            image = svc.get("image")
            out.append(
                ComposeService(
                    path=path,
                    line=key_line(services, name) or node_line(svc) or 1,
                    name=str(name),
                    image=str(image) if image is not None else None,
                    build=svc.get("build"),
                    doc=svc,
                )
            )
    return out
