"""Dockerfile → instructions with line numbers (continuations joined, comments dropped)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEREDOC = re.compile(r"<<-?\s*[\"']?(\w+)[\"']?")


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper-case: FROM, RUN, USER …
    args: str
    line: int


# facts -----------------------------------------------------------------------------------
_FLAG = re.compile(r"^--\S+\s+")


@dataclass(frozen=True)
class BaseImage:
    """A `FROM` line: image, tag, digest and stage alias."""

    image: str
    tag: str | None
    digest: str | None
    alias: str | None
    line: int

    @property
    def pinned(self) -> bool:
        return self.digest is not None

    @property
    def floating(self) -> bool:
        """No digest and no tag, or a channel tag that moves with every release: `latest`,
        `stable`, `nightly` … (deepset-ai/hayhooks docker/docker-bake.hcl:25
        `base_image = "deepset/haystack:stable"`; reviewed)."""
        return moves(self.tag, self.digest)


# tags that name a release channel, not a release
CHANNEL_TAGS = frozenset(
    {"latest", "stable", "nightly", "edge", "main", "master", "dev", "devel", "develop", "rolling"}
)


def moves(tag: str | None, digest: str | None) -> bool:
    """Does an image reference float: no digest, and no tag or a channel tag?"""
    return digest is None and (tag is None or tag.lower() in CHANNEL_TAGS)


def split_reference(ref: str) -> tuple[str, str | None, str | None]:
    """(image, tag, digest) of `registry/name:tag@sha256:…` (a registry's port is no tag)."""
    image, _, rest = ref.partition("@")
    tag = None
    if ":" in image.rsplit("/", 1)[-1]:
        image, tag = image.rsplit(":", 1)
    return image, tag, rest or None


def parse_from(instruction: Instruction) -> BaseImage:
    args = instruction.args
    while _FLAG.match(args):
        args = _FLAG.sub("", args, count=1)
    parts = args.split()
    alias = parts[2] if len(parts) >= 3 and parts[1].lower() == "as" else None
    image, tag, digest = split_reference(parts[0] if parts else "")
    return BaseImage(image, tag, digest, alias, instruction.line)


def copy_sources(instruction: Instruction) -> list[str] | None:
    """The sources a COPY/ADD takes from the build context, as written (exec or shell form);
    None for a copy from another stage or image (`--from=`)."""
    import json

    args = instruction.args.strip()
    flags: list[str] = []
    while args.startswith("--"):
        flag, _, args = args.partition(" ")
        flags.append(flag)
        args = args.strip()
    if any(flag.startswith("--from") for flag in flags):
        return None
    words: list[str]
    if args.startswith("["):
        try:
            parsed = json.loads(args)
        except ValueError:
            return []
        words = [str(w) for w in parsed] if isinstance(parsed, list) else []
    else:
        words = args.split()
    return words[:-1] if len(words) >= 2 else []


@dataclass
class Dockerfile:
    instructions: list[Instruction] = field(default_factory=list)

    def of(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    @property
    def stages(self) -> list[Instruction]:
        return self.of("FROM")

    @property
    def base_images(self) -> list[BaseImage]:
        return [parse_from(i) for i in self.of("FROM")]

    @property
    def healthchecks(self) -> list[Instruction]:
        """HEALTHCHECK instructions that define a check (`HEALTHCHECK NONE` disables it)."""
        return [i for i in self.of("HEALTHCHECK") if i.args.split()[:1] != ["NONE"]]

    def in_final_stage(self, keyword: str) -> list[Instruction]:
        """The `keyword` instructions of the final stage (the last FROM on)."""
        final_start = max((i.line for i in self.of("FROM")), default=0)
        return [i for i in self.of(keyword) if i.line >= final_start]

    @property
    def final_user(self) -> Instruction | None:
        """The last USER instruction of the final stage, or None (root by default)."""
        users = self.in_final_stage("USER")
        return users[-1] if users else None


def parse_dockerfile(text: str) -> Dockerfile:
    result = Dockerfile()
    lines = text.splitlines()
    i = 0
    escape = "\\"
    while i < len(lines):
        raw = lines[i]
        stripped = raw.strip()
        start = i + 1
        i += 1
        if not stripped:
            continue
        if stripped.startswith("#"):
            m = re.match(r"#\s*escape\s*=\s*(\S)", stripped)
            if m and not result.instructions:
                escape = m.group(1)
            continue
        parts = [stripped]
        while parts[-1].endswith(escape) and i < len(lines):
            parts[-1] = parts[-1][:-1]
            nxt = lines[i].strip()
            i += 1
            if nxt.startswith("#"):
                parts.append(escape)  # comment lines inside continuations are skipped
                continue
            parts.append(nxt)
        joined = " ".join(p for p in parts if p != escape).strip()
        heredoc = _HEREDOC.search(joined)
        if heredoc and joined.split(None, 1)[0].upper() in {"RUN", "COPY"}:
            end = heredoc.group(1)
            body = []
            while i < len(lines) and lines[i].strip() != end:
                body.append(lines[i])
                i += 1
            i += 1
            joined += "\n" + "\n".join(body)
        keyword, _, args = joined.partition(" ")
        result.instructions.append(Instruction(keyword.upper(), args.strip(), start))
    return result
