"""Probes for the Documentation practice: READMEs that say how to run the project, and
documents about deployment, data, labelling, the model and experiments.

Here Markdown is the evidence itself (it documents; it does not prove tool use), so the
probes parse it: ATX/setext headings and fenced code blocks (and reStructuredText titles
and code blocks), never loose words in prose.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from pydantic import Field, field_validator

from mlaudit.probes import base, words
from mlaudit.probes.base import ev
from mlaudit.probes.registry import Params, probe
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence, Observation

README_GLOBS = ["/README*", "/readme*", "/Readme*", "/*/README*", "/*/readme*"]
# Quarto's `.qmd` pages are Markdown (axolotl-ai-cloud/axolotl docs/*.qmd; reviewed)
DOC_GLOBS = ["*.md", "*.rst", "*.markdown", "*.mdx", "*.qmd", "*.txt"]
RUN_COMMANDS = (
    r"^\s*(\$\s*|>\s*|%\s*|!\s*)?("
    r"pip3?\s+install|python[\d.]*\s+-m\s+pip\s+install|uv\s+(sync|run|pip|venv|tool)|"
    r"poetry\s+(install|run)|pipenv\s+(install|sync|run)|pdm\s+(install|sync|run)|"
    r"conda\s+(env\s+create|create|install|activate)|mamba\s+(env\s+)?create|"
    r"make(\s+[\w.-]+)?\s*$|make\s+[\w.-]+|docker(-compose|\s+compose)?\s+(run|up|build)|"
    r"python[\d.]*\s+\S+\.py|python[\d.]*\s+-m\s+\w|pytest|dvc\s+(pull|repro|exp\s+run)|"
    r"kedro\s+run|streamlit\s+run|uvicorn\s|gunicorn\s|jupyter\s+(lab|notebook)|"
    r"npm\s+(install|run)|bash\s+\S+\.sh|\./\S+\.sh|hatch\s+(run|shell)|tox\b|nox\b|"
    r"kubectl\s+\w+|helm\s+(install|upgrade)|mlflow\s+(run|models\s+serve)|curl\s|"
    r"git\s+clone|gcloud\s+\w+|az\s+\w+|aws\s+\w+|source\s+\S*activate|\w+\s+-m\s+venv)"
)
RUN_HEADINGS = (
    r"\b(install(ation|ing)?|set\s*-?up|usage|quick\s*-?start|getting\s+started|get\s+started"
    r"|how\s+to\s+(run|use)|running|run(ning)?\s+(locally|the)|local\s+development|development"
    r"|requirements|reproduc\w+|build(ing)?|train(ing)?\s+the|run)\b"
)


@dataclass
class Heading:
    level: int
    text: str
    line: int
    last: int = 0  # the heading's last line, when it spans several (an HTML heading)

    @property
    def end(self) -> int:
        return max(self.line, self.last)


@dataclass
class CodeBlock:
    info: str
    line: int
    lines: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Document:
    headings: list[Heading] = field(default_factory=list)
    blocks: list[CodeBlock] = field(default_factory=list)
    front_matter: list[str] = field(default_factory=list)


_FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*([^`\s]*)")
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
# a line that is only bold text, the heading of many model cards (Stability-AI/stablediffusion
# modelcard.md:78 `**Training Data**`, reviewed): the lowest heading level, so it never ends a
# real section it stands in. A bold sentence is emphasis, not a heading (google-research/bert
# README.md:729 `**However, this is not implemented in the current release.**`)
_BOLD_LINE = re.compile(r"^\s{0,3}(\*\*|__)(?=\S)((?:[^*_\s.!?;,]+[ \t]?){1,6}?)(?<=\S)\1:?\s*$")
_RST_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+:.])\1{2,}\s*$")
_HTML_HEADING = re.compile(r"<h([1-6])[^>]*>(.*?)</h\1>", re.IGNORECASE)
_HTML_HEADING_OPEN = re.compile(r"<h([1-6])(?:\s[^>]*)?>", re.IGNORECASE)
_HTML_HEADING_LINES = 4  # an HTML heading split over lines (`<h2 id=…>` / text / `</h2>`)


def _html_heading(lines: list[str], index: int) -> tuple[re.Match[str], int] | None:
    """(the HTML heading on line `index`, or opened there and closed within a few lines,
    the index of its last line): flyteorg/flytesnacks README.md:26-28 writes
    `<h2 id="quick-start">` / `🚀 Quick Start` / `</h2>`."""
    text = lines[index]
    found = _HTML_HEADING.search(text)
    if found:
        return found, index
    if not _HTML_HEADING_OPEN.search(text):
        return None
    for last in range(index + 1, min(len(lines), index + _HTML_HEADING_LINES)):
        found = _HTML_HEADING.search(" ".join(lines[index : last + 1]))
        if found:
            return found, last
    return None


def parse_markdown(lines: list[str], rst: bool = False) -> Document:
    doc = Document()
    start = 0
    if lines and lines[0].strip() == "---":
        for index in range(1, min(len(lines), 400)):
            if lines[index].strip() in ("---", "..."):
                doc.front_matter = lines[1:index]
                start = index + 1
                break
    fence: CodeBlock | None = None
    marker = ""
    rst_block: CodeBlock | None = None
    for index in range(start, len(lines)):
        text = lines[index]
        number = index + 1
        if fence is not None:
            if text.strip().startswith(marker) and set(text.strip()) <= set(marker[0]):
                doc.blocks.append(fence)
                fence = None
            else:
                fence.lines.append((number, text))
            continue
        if rst_block is not None:
            if text.strip() == "" or text[:1] in (" ", "\t"):
                if text.strip():
                    rst_block.lines.append((number, text))
                continue
            doc.blocks.append(rst_block)
            rst_block = None
        match = _FENCE.match(text)
        if match:
            marker = match.group(1)
            fence = CodeBlock(match.group(2), number)
            continue
        if rst and (
            re.match(r"^\s*\.\. (code-block|code|sourcecode)::", text)
            or text.rstrip().endswith("::")
        ):
            rst_block = CodeBlock("rst", number)
            continue
        atx = _ATX.match(text)
        if atx and not rst:
            doc.headings.append(Heading(len(atx.group(1)), atx.group(2), number))
            continue
        bold = _BOLD_LINE.match(text) if not rst else None
        if bold:
            doc.headings.append(Heading(6, bold.group(2), number))
            continue
        html_heading = _html_heading(lines, index)
        if html_heading:
            html, last = html_heading
            text = re.sub(r"<[^>]+>", "", html.group(2))
            doc.headings.append(Heading(int(html.group(1)), text, number, last + 1))
            continue
        if index + 1 < len(lines) and text.strip() and not text.startswith((" ", "\t")):
            underline = lines[index + 1]
            if (
                rst
                and _RST_UNDERLINE.match(underline)
                and len(underline.rstrip()) >= len(text.rstrip())
            ):
                doc.headings.append(Heading(2, text.strip(), number))
            elif (
                not rst
                and _SETEXT.match(underline)
                and not text.lstrip().startswith(("-", "*", "|"))
            ):
                doc.headings.append(Heading(1 if "=" in underline else 2, text.strip(), number))
    if fence is not None:
        doc.blocks.append(fence)
    if rst_block is not None:
        doc.blocks.append(rst_block)
    return doc


def document(snap: Snapshot, path: str) -> Document:
    return snap._cached(
        "markdown", path, lambda: parse_markdown(snap.lines(path), rst=path.endswith(".rst"))
    )


def _heading_text(text: str) -> str:
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images
    text = re.sub(r"[*_`]|:\w+:", " ", text)
    return " ".join(text.split())


# README run instructions ---------------------------------------------------------------------
_INDENTED_CODE = re.compile(r"^( {4}|\t)(?![-*+]\s|\d+[.)]\s|\[)\S")
_INLINE_CODE = re.compile(r"`([^`]+)`")
_TWO_TOKENS = re.compile(r"^\s*[\w./-]+\s+[-\w./=:]+")
_NUMBERED_STEP = re.compile(r"^\s{0,3}(?:\d{1,2}[.)]|#\.)\s+\S")


def _numbered_step_commands(
    snap: Snapshot, path: str, doc: Document, commands: re.Pattern[str]
) -> list[Evidence]:
    """Numbered steps (`1. Install with `pip install -r requirements.txt``) whose inline
    code is an install/run command, under any heading: step-by-step instructions are run
    instructions even without a fenced block or a "Usage" heading."""
    in_blocks = {n for b in doc.blocks for n, _ in b.lines} | {b.line for b in doc.blocks}
    found = []
    for number, line in enumerate(snap.lines(path), start=1):
        if number in in_blocks or not _NUMBERED_STEP.match(line):
            continue
        spans = [s for s in _INLINE_CODE.findall(line) if commands.search(s)]
        if spans:
            found.append(ev(path, number, spans[0], "numbered step"))
    return found


def _command_like(line: str, commands: re.Pattern[str]) -> bool:
    """An indented code line (not a nested list item) or inline code that reads as a
    command (`make train`, `my-tool --help`); a file name or `FIXME` marker in backticks
    is not an instruction to run anything."""
    if _INDENTED_CODE.match(line):
        # an indented HTML tag (`    <img …>` in a centred header block) is markup, not code
        return not line.lstrip().startswith("<")
    return any(
        commands.search(span) or _TWO_TOKENS.match(span) for span in _INLINE_CODE.findall(line)
    )


class ReadmeRunParams(Params):
    globs: list[str] = Field(default_factory=lambda: list(README_GLOBS))
    commands: str = RUN_COMMANDS
    headings: str = RUN_HEADINGS

    @field_validator("commands", "headings")
    @classmethod
    def _regex(cls, value: str) -> str:
        re.compile(value)
        return value


@probe("readme_run_locally", ReadmeRunParams)
def readme_run_locally(snap: Snapshot, p: ReadmeRunParams) -> Observation:
    """The README says how to install and run the project.

    Looks for: in the top-level README (or a README one folder down, e.g. api/README.md),
    a fenced code block holding an install or run
    command (`pip install`, `uv sync`, `conda env create`, `make …`, `docker run`,
    `python train.py` …), a numbered step whose inline code is such a command (under any
    heading), or a heading such as Installation, Usage, Quickstart or Getting
    started. A matching heading whose section has no code block gives partial credit, as do
    commands on a page of the repository the README links to (`[FINETUNE.md](FINETUNE.md)`);
    a README that only describes results fails.
    Why: a newcomer (or a CI job) must be able to run the project from its README.
    Fix: add an Installation/Usage section with the exact commands in a fenced block.
    """
    readmes = base.select_files(snap, p.globs)
    if not readmes:
        return base.failed("no README at the repository root")
    commands = re.compile(p.commands, re.IGNORECASE)
    headings = re.compile(p.headings, re.IGNORECASE)
    found: list[Evidence] = []
    sections: list[Evidence] = []
    for path in readmes:
        doc = document(snap, path)
        found.extend(_numbered_step_commands(snap, path, doc, commands))
        for block in doc.blocks:
            for number, text in block.lines:
                if commands.search(text):
                    found.append(ev(path, number, text))
                    break
        for index, heading in enumerate(doc.headings):
            if not headings.search(_heading_text(heading.text)):
                continue
            end = next(
                (h.line for h in doc.headings[index + 1 :] if h.level <= heading.level),
                10**9,
            )
            has_code = any(heading.end < b.line < end for b in doc.blocks) or any(
                heading.end < n < end and _command_like(line, commands)
                for n, line in enumerate(snap.lines(path), start=1)
            )
            (found if has_code else sections).append(ev(path, heading.line, heading.text))
    if found:
        return base.passed("README has run instructions", found)
    linked = _linked_run_instructions(snap, readmes, commands)
    if linked:
        return base.partial("the README links to the run instructions of another page", linked)
    if sections:
        return base.partial("README has a setup/usage heading but no commands", sections)
    return base.failed("README has no install or run instructions", [ev(r) for r in readmes])


# a relative link to a page of the repository: [Fine-tuning](FINETUNE.md), (docs/usage.md#run)
_LOCAL_DOC_LINK = re.compile(r"\]\(\s*(?!\w+:|/|#)([^)\s#?]+\.(?:md|rst))(?:#[^)\s]*)?\s*\)")
MAX_LINKED_DOCS = 20
# pages for contributors and about the project, not for running it (microsoft/nlp-recipes
# CONTRIBUTING.md:33 `pip install pre-commit`)
_NOT_RUN_PAGES = re.compile(
    r"(?:^|/)(?:CONTRIBUTING|CODE_OF_CONDUCT|CHANGELOG|CHANGES|HISTORY|LICENSE|SECURITY|SUPPORT)"
    r"[^/]*$",
    re.IGNORECASE,
)


def _linked_run_instructions(
    snap: Snapshot, readmes: list[str], commands: re.Pattern[str]
) -> list[Evidence]:
    """The first command block of each page a README links to (facebookresearch/mae
    README.md:60 "[FINETUNE.md](FINETUNE.md)", whose :34 block runs `main_finetune.py`;
    reviewed): instructions one click away, partial credit."""
    found: list[Evidence] = []
    done: set[str] = set()
    for readme in readmes:
        folder = readme.rpartition("/")[0]
        targets: list[str] = []
        for line in snap.lines(readme):
            for link in _LOCAL_DOC_LINK.findall(line):
                target = posixpath.normpath(posixpath.join(folder, link))
                if (
                    target not in done
                    and not target.startswith("../")
                    and not _NOT_RUN_PAGES.search(target)
                    and snap.exists(target)
                ):
                    done.add(target)
                    targets.append(target)
        for target in targets[:MAX_LINKED_DOCS]:
            block_lines = [x for b in document(snap, target).blocks for x in b.lines]
            hit = next(((n, t) for n, t in block_lines if commands.search(t)), None)
            if hit is not None:
                found.append(ev(target, hit[0], hit[1], note=f"linked from {readme}"))
    return found


# headings in documents -----------------------------------------------------------------------
class SectionsParams(Params):
    globs: list[str] = Field(default_factory=lambda: list(DOC_GLOBS))
    headings: str = Field(description="regex a heading must match (case-insensitive)")
    # pull-request and issue templates are forms to fill in, not documentation
    exclude: list[str] = Field(
        default_factory=lambda: [
            "CHANGELOG*",
            "LICENSE*",
            "*.txt",
            "{pull_request_template,PULL_REQUEST_TEMPLATE}*",
            "{PULL_REQUEST_TEMPLATE,ISSUE_TEMPLATE}/**",
        ]
    )
    found: str = Field(default="pass", pattern="^(pass|partial)$")
    titles: bool = Field(
        default=True,
        description="count the root README's title (its leading level-1 heading) as a section",
    )

    @field_validator("headings")
    @classmethod
    def _regex(cls, value: str) -> str:
        re.compile(value)
        return value


# a section that only promises its content (mosaicml/llm-foundry TUTORIAL.md:182 "Workflow 2: I
# want to deploy an inference endpoint", whose body is :184 "This site is under construction
# :)" and :186 "Please check back soon for more info."; reviewed)
_PLACEHOLDER = re.compile(
    r"under construction|coming soon|check back (?:soon|later)|stay tuned|work in progress"
    r"|to be (?:added|written|completed|done)|\b(?:TBD|TODO|WIP)\b",
    re.IGNORECASE,
)


# a heading that asks for the topic says it is missing: a review's list of work to do
# (SebastianGarrido2790/YouTube-Sentiment-MLOps reports/docs/evaluations/codebase_review.md:679
# "3.6 Add Model Card Documentation", beside "3.5 Add OpenTelemetry Tracing"; reviewed)
_TO_DO_HEADING = re.compile(
    r"^(?:[\d.]+\s+|[-*]\s+)?(?:todo\b|missing\b|lack of\b|add\b|implement\b|introduce\b"
    r"|consider adding\b|recommended?:)",
    re.IGNORECASE,
)


def _placeholder(doc: Document, index: int, lines: list[str]) -> bool:
    """Whether the body of heading `index` (up to the next heading) is only placeholder text."""
    start = doc.headings[index].line  # 1-based: the body starts on the next line
    end = doc.headings[index + 1].line - 1 if index + 1 < len(doc.headings) else len(lines)
    body = [x for x in lines[start:end] if x.strip() and not _RST_UNDERLINE.match(x.strip())]
    return bool(body) and all(_PLACEHOLDER.search(x) for x in body)


def _sections(
    path: str, doc: Document, regex: re.Pattern[str], titles: bool, lines: list[str]
) -> tuple[Evidence, ...]:
    first = 0
    headings = doc.headings
    readme = path.upper().startswith("README")
    if not titles and "/" not in path and (readme or len(headings) > 1) and headings:
        # the project's name ("# Deploy BERT for Sentiment Analysis with FastAPI"), above
        # sections that may say nothing about the topic; a root README's lone title too
        # ("# Deployment of Machine Learning Models" over four lines that link to a course:
        # trainindata/deploying-machine-learning-models README.md:1; reviewed)
        first = 1 if headings[0].level == 1 else 0
    return tuple(
        ev(path, heading.line, heading.text)
        for index, heading in enumerate(headings[first:], start=first)
        if regex.search(text := _heading_text(heading.text))
        and not _TO_DO_HEADING.search(text)
        and not _placeholder(doc, index, lines)
    )


# ... nor are the pages of the CI's own folder: they document the CI (facebookresearch/fairseq2
# ci/docker/README.md:15 "Deployment Instructions", on pushing its CI build images; reviewed),
# nor a test's README (speechbrain/speechbrain tests/templates/…/README.md:43 "standard model
# card" in a test's steps; reviewed)
_NOT_OWN_DOCS = re.compile(
    r"(^|/)(\.venv|venv|node_modules|site-packages|vendor|third_party|examples?"
    r"|\.?ci|\.circleci|\.buildkite|tests?)/"
)


@probe("doc_sections", SectionsParams)
def doc_sections(snap: Snapshot, p: SectionsParams) -> Observation:
    """A README or a page under docs/ has a section (heading) on the topic.

    Looks for: Markdown/reStructuredText headings matching `headings`, in READMEs and
    documentation folders alike (docs/ is where documentation belongs, so the usual
    examples/docs exclusion does not apply to it; examples, vendored and virtualenv folders
    still do: an example's README documents the example, often copied from upstream
    (nogibjj/mlops-template examples/quickstart/README.md is BentoML's tutorial), and so
    do the CI's own folders (`ci/`, `.circleci/`) and the tests' (their pages document the
    CI and the tests).
    A section whose body is only a placeholder ("under construction", "coming soon", "TBD")
    documents nothing and does not count, nor does a heading that asks for the topic ("Add
    Model Card Documentation", "TODO: monitoring") in a list of work to do.
    Why: a section is a deliberate piece of documentation; a word in passing is not.
    Fix: write the section the check names.
    """
    regex = re.compile(p.headings, re.IGNORECASE)
    paths = [
        path
        for path in base.select_files(snap, p.globs, exclude=p.exclude, include_excluded_dirs=True)
        if not _NOT_OWN_DOCS.search(path)
    ]
    key = derivation_key("doc_sections", p.headings, p.titles)

    def each(path: str) -> tuple[Evidence, ...]:
        doc = document(snap, path)
        lines = snap.lines(path)
        return snap.per_file(key, path, lambda: _sections(path, doc, regex, p.titles, lines))

    found = [item for _path, items in snap.per_file_loop(key, paths, each) for item in items]
    if found and p.found == "partial":
        return base.partial(words.found_phrase(found, verb="found the section"), found)
    if found:
        return base.passed(words.found_phrase(found, verb="found the section"), found)
    return base.found_or_missing(found, what="documentation section")


# front matter (model cards) ------------------------------------------------------------------------
class FrontMatterParams(Params):
    globs: list[str] = Field(default_factory=lambda: ["README.md", "*.md"])
    keys: list[str] = Field(min_length=1, description="any of these top-level keys")


@probe("front_matter", FrontMatterParams)
def front_matter(snap: Snapshot, p: FrontMatterParams) -> Observation:
    """A Markdown file starts with YAML front matter holding one of the given keys.

    Looks for: a `---` block at the top of a Markdown file with a key such as `model-index`
    or `pipeline_tag` — the metadata of a Hugging Face model card.
    Why: a model card with metadata is machine-readable documentation of the model.
    Fix: add a model card (README.md with `model-index:` front matter, or MODEL_CARD.md).
    """
    found: list[Evidence] = []
    keys = tuple(f"{k}:" for k in p.keys)
    for path in base.select_files(snap, p.globs):
        doc = document(snap, path)
        for offset, line in enumerate(doc.front_matter, start=2):
            if line.startswith(keys):
                found.append(ev(path, offset, line))
                break
    return base.found_or_missing(found, what=f"front matter with {', '.join(p.keys)}")


# DVC descriptions of data ---------------------------------------------------------------------
class DvcDescParams(Params):
    pass


@probe("dvc_data_desc", DvcDescParams)
def dvc_data_desc(snap: Snapshot, p: DvcDescParams) -> Observation:
    """DVC describes the data it tracks (`desc:` on outputs or on dataset artifacts).

    Looks for: `desc:` on the outs of `*.dvc` files and of `dvc.yaml` stages, and on
    `dvc.yaml` `artifacts:` entries of `type: dataset` (model artifacts do not count).
    Why: a description next to the data pointer documents what the data is and where it
    comes from.
    Fix: `dvc add data/raw --desc "…"`, or `desc:` under the dataset artifact in dvc.yaml.
    """
    from mlaudit.repo.parsers.yaml_docs import key_line

    found: list[Evidence] = []

    def outs_desc(path: str, outs: object) -> None:
        for out in outs if isinstance(outs, list) else []:
            if isinstance(out, dict):
                if "desc" in out:
                    found.append(ev(path, key_line(out, "desc"), f"desc: {out['desc']}"))
                for value in out.values():
                    if isinstance(value, dict) and "desc" in value:
                        found.append(ev(path, key_line(value, "desc"), f"desc: {value['desc']}"))

    for path in base.select_files(snap, ["*.dvc"]):
        for doc in snap.yaml_docs(path):
            if isinstance(doc, dict):
                outs_desc(path, doc.get("outs"))
    for path in base.select_files(snap, ["dvc.yaml"]):
        for doc in snap.yaml_docs(path):
            if not isinstance(doc, dict):
                continue
            stages = doc.get("stages")
            for stage in stages.values() if isinstance(stages, dict) else []:
                if isinstance(stage, dict):
                    outs_desc(path, stage.get("outs"))
            artifacts = doc.get("artifacts")
            for art in artifacts.values() if isinstance(artifacts, dict) else []:
                if (
                    isinstance(art, dict)
                    and art.get("desc")
                    and str(art.get("type"))
                    in (
                        "dataset",
                        "data",
                    )
                ):
                    found.append(ev(path, key_line(art, "desc"), f"desc: {art['desc']}"))
    return base.found_or_missing(found, what="DVC description of the data")
