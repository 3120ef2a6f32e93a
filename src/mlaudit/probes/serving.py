"""Probes that read the serving code: NaN guards, statelessness, durable model loading,
latency histograms and latency budgets.

"Serving code" = production (non-test, non-example) Python files that import a serving
framework (the list profile.py uses) or are a managed platform's scoring script named by
an inference config (Azure ML `init()`/`run()`, SageMaker `model_fn`…) or a serverless
function's handler (probes._functions.platform_entry_points), plus the
repository modules they import directly (`app/main.py` imports FastAPI and
`app.predict`, which does the work).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from mlaudit.probes import base
from mlaudit.probes._functions import platform_entry_points
from mlaudit.probes.base import ev
from mlaudit.probes.code_roles import code_roles, serving_alias_lookups
from mlaudit.probes.generic import module_matches_any, name_matches_any
from mlaudit.probes.kubernetes import (
    SERVING_WORKLOADS,
    NoParams,
    k8s_objects,
    model_uri_platforms,
    obj_ev,
    template_hits,
    tool_service,
    tool_workload,
)
from mlaudit.probes.paas import health_checks
from mlaudit.probes.profile import serving_imports
from mlaudit.probes.registry import probe
from mlaudit.repo.parsers.kubernetes import K8sObject
from mlaudit.repo.parsers.python_src import Call, Import, PythonFacts
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Evidence, Observation

METRICS_MODULES = (
    "prometheus_client",
    "prometheus_fastapi_instrumentator",
    "starlette_exporter",
    "prometheus_flask_exporter",
    "aioprometheus",
    "opentelemetry",
    "statsd",
    "datadog",
)


def _module_of(path: str) -> str:
    parts = path.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def resolve_import(module: str, importer: str, by_last: dict[str, list[str]]) -> str | None:
    """The repository file an import refers to (absolute, or relative with leading dots)."""
    if module.startswith("."):
        level = len(module) - len(module.lstrip("."))
        folder = importer.split("/")[:-1]
        folder = folder[: len(folder) - (level - 1)] if level > 1 else folder
        rest = [p for p in module.lstrip(".").split(".") if p]
        for cut in (0, 1):
            parts = folder + (rest[: len(rest) - cut] if cut else rest)
            for candidate in ("/".join(parts) + ".py", "/".join(parts) + "/__init__.py"):
                if candidate in by_last.get(parts[-1] if parts else "", []):
                    return candidate
        return None
    parts = module.split(".")
    importer_dir = importer.rsplit("/", 1)[0] if "/" in importer else ""
    for cut in (0, 1):
        want = parts[: len(parts) - cut] if cut else parts
        if not want:
            continue
        dotted = ".".join(want)
        matches = [
            path
            for path in by_last.get(want[-1], [])
            if _module_of(path) == dotted or _module_of(path).endswith("." + dotted)
        ]
        if matches:
            # the candidate closest to the importer (longest shared folder prefix)
            return max(
                sorted(matches),
                key=lambda m: len(_common_prefix(m, importer_dir)),
            )
    return None


def _common_prefix(a: str, b: str) -> str:
    out = []
    for x, y in zip(a.split("/"), b.split("/"), strict=False):
        if x != y:
            break
        out.append(x)
    return "/".join(out)


def serving_files(snap: Snapshot) -> list[str]:
    """Production .py files importing a serving framework, plus the repository modules
    they import directly (`app/main.py` imports FastAPI and `app.predict`, which does the
    work). Deeper imports (training code a handler happens to reach) are not included."""

    def build() -> list[str]:
        sources = base.python_sources(snap, ("*.py",), scope="non_tests")
        entry = [p for p, _imp in serving_imports(snap, sources)]
        # managed-platform scoring scripts (Azure ML init()/run(), SageMaker model_fn …) and
        # serverless function handlers
        entry = list(dict.fromkeys(entry + [s for s, _named in platform_entry_points(snap)]))
        by_last: dict[str, list[str]] = {}
        for path in sources:
            module = _module_of(path)
            by_last.setdefault(module.rsplit(".", 1)[-1], []).append(path)
        found = set(entry)
        for path in entry:
            facts = snap.python(path)
            for imp in facts.imports if facts else []:
                target = resolve_import(imp.module, path, by_last)
                if target is not None:
                    found.add(target)
        return sorted(found)

    result: list[str] = snap._cached("serving_files", "", build)
    return result


# what runs a function for each request: a web route, a middleware, an exception handler, a
# BentoML API (`@app.post("/predict")`, `@app.route`, `@app.middleware("http")`, `@svc.api`)
_HANDLER_DECORATOR = re.compile(
    r"\.(?:get|post|put|patch|delete|route|api_route|websocket|middleware|exception_handler|api"
    r"|before_request|after_request|teardown_request|before_app_request|after_app_request"
    r"|on_request|on_response|errorhandler)$"
)
# … a class whose methods do (Starlette's middleware), or a call registering a handler by name
_HANDLER_BASES = ("*BaseHTTPMiddleware",)
_REGISTERS_HANDLER = (
    "*.add_api_route",
    "*.add_url_rule",
    "*.add_route",
    "*.add_middleware",
    "*.add_exception_handler",
)
# frameworks whose request handlers are read (route decorators, middleware); with any other
# (GraphQL resolvers, gRPC servicers, Gradio, BentoML or Ray Serve classes) every entry file
# is read whole (Pocket/recommendation-api app/graphql/graphql_router.py: strawberry
# resolvers behind a FastAPI router)
_ROUTED = ("fastapi", "flask", "starlette", "litestar", "quart", "falcon", "sanic", "aiohttp.web")
_UNROUTED = ("strawberry", "graphene", "ariadne", "graphql", "grpc", "gradio")
WHOLE_FILE = (1, 1 << 30)
Spans = dict[str, tuple[tuple[int, int], ...]]


def request_spans(snap: Snapshot) -> Spans:
    """The lines of the serving code that run for each request, by file: the route handlers
    and middleware, and the functions of the serving files they call (by name, transitively).
    What runs once — module-level code, a startup hook or `lifespan` downloading the model —
    is not among them (eshwarsai48/mlops-fraud-detection app/main.py:38 writes the model
    file at startup only; reviewed). An entry file whose handlers are not recognised (a
    scoring script's `run()`, a Gradio app) is read whole, as is any file that cannot be
    parsed."""

    def build() -> Spans:
        files = serving_files(snap)
        defs: dict[str, list[tuple[str, int, int]]] = {}
        classes: dict[str, list[tuple[str, int, int]]] = {}
        # the decorators of each function: they wrap it, so they run when it runs
        # (Western-1/churn-pipeline src/inference.py:105-106 `@track_prediction_time`
        # records each prediction; reviewed)
        wrappers: dict[tuple[str, int, int], list[str]] = {}
        todo: list[tuple[str, int, int]] = []
        registrations: list[tuple[str, str, str]] = []  # (file, last name part, first part)
        handled: set[str] = set()
        for path in files:
            facts = snap.python(path)
            if facts is None:
                todo.append((path, *WHOLE_FILE))
                continue
            starts = sorted((first, last) for _n, first, last, _k in facts.spans)
            for name, first, last, kind in facts.spans:
                # a class registered as a handler (a Falcon resource, a Flask MethodView)
                # runs its methods per request: its whole span is reached
                (defs if kind == "def" else classes).setdefault(name, []).append(
                    (path, first, last)
                )
            for deco in facts.decorators:
                span = next((s for s in starts if s[0] > deco.line), None)
                if span is None:
                    continue
                wrappers.setdefault((path, *span), []).append(deco.name)
                if _HANDLER_DECORATOR.search(deco.name):
                    todo.append((path, *span))
                    handled.add(path)
            for base_call in facts.bases:
                if name_matches_any(base_call.name, _HANDLER_BASES):
                    span = next((s for s in starts if s[0] == base_call.line), None)
                    if span is not None:
                        todo.append((path, *span))
                        handled.add(path)
            for call in facts.calls:
                if name_matches_any(call.name, _REGISTERS_HANDLER):
                    # `view_func=Predict.as_view('p')` names the class first
                    registrations.extend(
                        (path, n.rpartition(".")[2], n.split(".", 1)[0]) for _k, n in call.names
                    )
        # resolved once every file's functions and classes are known (a middleware class of
        # another module); a handler the call makes (`add_route('/p', Predict())`) is not
        # named, and its file is then read whole
        for where, name, head in registrations:
            found = [*defs.get(name, ()), *classes.get(head, ()), *classes.get(name, ())]
            if found:
                todo.extend(found)
                handled.add(where)
        imported = serving_imports(snap, files)
        entries = {p for p, _imp in imported}
        modules = {imp.module for path in files for imp in _imports_of(snap, path)}
        if any(not module_matches_any(imp.module, _ROUTED) for _p, imp in imported) or any(
            module_matches_any(m, _UNROUTED) for m in modules
        ):
            handled = set()
        entries.update(s for s, _named in platform_entry_points(snap))
        todo.extend((p, *WHOLE_FILE) for p in sorted(entries & set(files) - handled))
        reached: set[tuple[str, int, int]] = set()
        while todo:
            item = todo.pop()
            if item in reached:
                continue
            reached.add(item)
            path, first, last = item
            facts = snap.python(path)
            names = list(wrappers.get(item, ()))
            for call in facts.calls if facts else ():
                if first <= call.line <= last:
                    names += (call.name, *(n for _k, n in call.names))
            for name in names:
                todo.extend(defs.get(name.rpartition(".")[2], ()))
        spans: dict[str, list[tuple[int, int]]] = {}
        for path, first, last in sorted(reached):
            spans.setdefault(path, []).append((first, last))
        return {path: tuple(found) for path, found in spans.items()}

    result: Spans = snap._cached("serving_request_spans", "", build)
    return result


def _imports_of(snap: Snapshot, path: str) -> tuple[Import, ...]:
    facts = snap.python(path)
    return facts.imports if facts else ()


def per_request(spans: Spans, path: str, line: int) -> bool:
    return any(first <= line <= last for first, last in spans.get(path, ()))


def calls_in(
    snap: Snapshot, paths: Iterable[str], patterns: Iterable[str], *, decorators: bool = False
) -> list[tuple[str, Call]]:
    found = base.calls_of(snap, paths, tuple(patterns), decorators=decorators)
    return [(path, c) for path, calls in found for c in calls]


# MON: nan guard ---------------------------------------------------------------------------------
NAN_GUARDS = (
    "numpy.isfinite",
    "numpy.isnan",
    "numpy.isinf",
    "math.isnan",
    "math.isfinite",
    "torch.isnan",
    "torch.isfinite",
    "tensorflow.debugging.check_numerics",
    "tensorflow.math.is_nan",
    "tensorflow.math.is_finite",
    "*.isna",
    "*.isnull",
    "*.isfinite",
    "*.isnan",
)


@probe("serving_code", NoParams, reads_code=True)
def serving_code(snap: Snapshot, p: NoParams) -> Observation:
    """The repository has serving code: the condition of checks about a serving API.

    Looks for: production Python files that import a serving framework, a managed
    platform's scoring script or a serverless function's HTTP handler (the code roles the
    security, coupling and fault-tolerance checks share).
    Why: a check of an API's tests or contract means nothing where no API exists; used
    under `only_if`, its absence makes such a check not applicable instead of failed.
    Fix: nothing to fix: this is a condition, not a practice.
    """
    serving = code_roles(snap).serving
    if not serving:
        return base.failed(
            "no serving code (no serving framework imported, no scoring script or HTTP handler)"
        )
    found = [serving[path] for path in sorted(serving)]
    return base.passed(f"serving code in {len(found)} file(s)", base.cap(found))


@probe("nan_guard", NoParams, reads_code=True)
def nan_guard(snap: Snapshot, p: NoParams) -> Observation:
    """The serving path rejects NaN/inf inputs or outputs, and counts them in a metric.

    Looks for: `isfinite`/`isnan`/`check_numerics`/`isna` calls, or pydantic
    `allow_inf_nan=False`, in serving code (files importing a serving framework and their
    neighbours); a metrics library imported there too gives full credit (ML Test Score
    Monitor 5), the guard alone partial.
    Why: a NaN prediction served silently is worse than an error.
    Fix: validate inputs/outputs with `np.isfinite` in the handler and increment a counter
    when it fails.
    """
    files = serving_files(snap)
    if not files:  # nothing to guard: as the other checks of serving code say
        return base.not_applicable("no serving code (no serving framework imported)")
    guards = [ev(path, c.line, f"{c.name}(…)") for path, c in calls_in(snap, files, NAN_GUARDS)]
    for path in files:
        facts = snap.python(path)
        for c in facts.calls if facts else []:
            if c.kwarg("allow_inf_nan") == "False":
                guards.append(ev(path, c.line, f"{c.name}(allow_inf_nan=False)"))
    if not guards:
        return base.failed("no NaN/inf guard in serving code", [ev(f) for f in files[:3]])
    metrics = [
        ev(path, imports[0][1], "metrics library")
        for path, imports in base.imports_of(snap, files, METRICS_MODULES)
        if imports[0][1] is not None  # a line: a .py file, not a notebook
    ]
    if metrics:
        return base.passed("NaN/inf guard in serving code, with metrics", guards + metrics[:2])
    return base.partial("NaN/inf guard in serving code, but no metric counts it", guards)


# SCL: stateless serving -------------------------------------------------------------------------
LOCAL_WRITES = (
    "pickle.dump",
    "joblib.dump",
    "json.dump",
    "torch.save",
    "numpy.save",
    "numpy.savez",
    "sqlite3.connect",
    "shelve.open",
    "*.to_csv",
    "*.to_parquet",
    "*.write_text",
    "*.write_bytes",
)
_WRITE_MODE = re.compile(r"^'[^']*[wax+][^']*'$")
# where each writer's destination goes: (positional index, keyword)
_DESTINATION = {
    "to_csv": ("0", "path_or_buf"),
    "to_parquet": ("0", "path"),
    "pickle.dump": ("1", "file"),
    "joblib.dump": ("1", "filename"),
    "json.dump": ("1", "fp"),
    "torch.save": ("1", "f"),
    "numpy.save": ("0", "file"),
    "numpy.savez": ("0", "file"),
}
_BUFFERS = ("*StringIO", "*BytesIO")


def _in_memory(facts: PythonFacts | None, call: Call) -> bool:
    """Does the writer fill a buffer, not a file: `df.to_csv()` returns the text, and
    `out = io.StringIO(); df.to_csv(out)` writes to memory (aws-samples/mlops-amazon-sagemaker
    decision_trees/predictor.py:82-84, the response body)?"""
    method = call.name.rpartition(".")[2]
    where = _DESTINATION.get(call.name) or _DESTINATION.get(method)
    if where is None or facts is None:
        return False
    index, keyword = where
    if method in ("to_csv", "to_parquet") and not call.args and call.kwarg(keyword) is None:
        return method == "to_csv"  # no path: pandas returns the CSV as a string
    names = dict(call.names)
    target = names.get(index) or names.get(keyword)
    if not target:
        return False
    lines = {a.line for a in facts.assignments if a.target == target and a.line <= call.line}
    if not lines:
        return False
    latest = max(lines)
    return any(c.line == latest and name_matches_any(c.name, _BUFFERS) for c in facts.calls)


@probe("stateless_serving", NoParams)
def stateless_serving(snap: Snapshot, p: NoParams) -> Observation:
    """Heuristic: serving handlers keep no local state, so any replica can serve any request.

    Looks for (as failures): local file writes in serving code (`open(…, "w")`,
    `to_csv`, `pickle.dump`, `sqlite3.connect` …), a serving StatefulSet, or a
    `ReadWriteOnce` PersistentVolumeClaim mounted by a serving Deployment (not by a tool's
    server beside it: an MLflow server, a database). Passes when
    serving code exists and none is found; unknown without serving code.
    Why: state on local disk pins users to a replica and is lost on rescheduling.
    Fix: keep state in an external store (database, object store, cache).
    """
    files = serving_files(snap)
    spans = request_spans(snap)
    bad: list[Evidence] = [
        ev(path, c.line, f"{c.name}(…)", "local write in serving code")
        for path, c in calls_in(snap, files, LOCAL_WRITES)
        if not _in_memory(snap.python(path), c) and per_request(spans, path, c.line)
    ]
    for path in files:
        facts = snap.python(path)
        for c in facts.calls if facts else []:
            if writes_a_file(c) and per_request(spans, path, c.line):
                mode = c.kwarg("mode") or next(a for a in c.args if _WRITE_MODE.match(a))
                bad.append(ev(path, c.line, f"{c.name}(…, {mode})", "local write in serving code"))
    prod, _ = k8s_objects(snap, ("PersistentVolumeClaim", *SERVING_WORKLOADS))
    rwo = {
        o.name
        for o in prod
        if o.kind == "PersistentVolumeClaim"
        and "ReadWriteOnce" in (o.spec.get("accessModes") or [])
    }
    for obj in prod:
        if obj.kind == "StatefulSet" and obj.spec.get("volumeClaimTemplates"):
            bad.append(obj_ev(obj, text=f"StatefulSet/{obj.name} with volumeClaimTemplates"))
        if obj.kind in ("Deployment", "Rollout") and not tool_workload(obj):
            for vol in (obj.pod_spec or {}).get("volumes") or []:
                claim = vol.get("persistentVolumeClaim") if isinstance(vol, dict) else None
                if isinstance(claim, dict) and claim.get("claimName") in rwo:
                    bad.append(
                        obj_ev(
                            obj,
                            vol,
                            "persistentVolumeClaim",
                            f"ReadWriteOnce PVC {claim.get('claimName')}",
                        )
                    )
    if bad:
        return base.failed("serving keeps local state (heuristic)", bad)
    if not files:
        return base.unknown("no serving code found to judge")
    return base.passed("no local writes in serving code (heuristic)", [ev(f) for f in files[:3]])


# MON: payload logging ---------------------------------------------------------------------------
# a function named for logging predictions or requests, called (or queued) by serving code
_PAYLOAD_LOGGER = re.compile(
    r"^_*(?:[a-z\d]+_)*(?:(?:log|record|store|save|emit|write|capture|audit)_(?:prediction|"
    r"request|inference|payload)s?|(?:prediction|request|inference|payload|audit)s?_(?:log|logs|"
    r"history|record|records|trail))(?:_[a-z\d]+)*$"
)
# what queues a function for later: its first argument is what runs
_QUEUES = ("*.add_task", "*.submit", "*.run_in_executor", "*.create_task", "*.apply_async")
# what could write a payload somewhere: a database, queue, cache, HTTP, object store or file
# call, a logger … Any one leaves the question open: a custom sink cannot be read statically.
_POSSIBLE_SINKS = (
    *LOCAL_WRITES,
    "open",
    "io.open",
    "requests.*",
    "httpx.*",
    "aiohttp.*",
    "urllib.request.*",
    "boto3.*",
    "*.execute",
    "*.executemany",
    "*.insert",
    "*.insert_*",
    "*.add",
    "*.add_all",
    "*.add_task",
    "*.commit",
    "*.put",
    "*.put_*",
    "*.write",
    "*.writelines",
    "*.write_*",
    "*.send",
    "*.sendall",
    "*.send_*",
    "*.publish",
    "*.publish_*",
    "*.produce",
    "*.emit",
    "*.emit_*",
    "*.store",
    "*.save",
    "*.save_*",
    "*.upload",
    "*.upload_*",
    "*.dump",
    "*.xadd",
    "*.lpush",
    "*.rpush",
    "*.hset",
    "*.log_*",
    "*.track",
    "*.track_*",
    "*.capture",
    "*.capture_*",
    "*.record",
    "*.record_*",
    "*.create",
    "*.index",
    "*.bulk",
    "*.bulk_*",
    "*.to_sql",
    "*.to_json",
)
# a logger or print call, which logs a payload unless it only prints literals
_LOG_CALLS = (
    "print",
    "*.debug",
    "*.info",
    "*.warning",
    "*.warn",
    "*.error",
    "*.exception",
    "*.critical",
    "*.log",
)


def _opens_for_writing(call: Call) -> bool:
    """An `open` that may write: a write mode, or a mode the source does not settle. Reading
    the model file (`open('model/model.pkl', 'rb')`) writes no payload anywhere
    (muhammadhassaan-solves/automated-ml-pipeline-with-gitlab-ci-cd deploy.py:5; reviewed)."""
    mode = call.kwarg("mode") or (call.args[1] if len(call.args) > 1 else "'r'")
    return not mode.startswith("'") or bool(_WRITE_MODE.match(mode))


# a file's own open method takes the mode first (`Path("log.jsonl").open("a")`: neopentane7/
# mlops-fraud-detection api/main.py:190, each prediction appended to an audit log; reviewed);
# the compression modules' open takes it second, as the builtin does
_OPEN_MODE_SECOND = ("gzip.open", "bz2.open", "lzma.open", "codecs.open")
_MODE_SHAPED = re.compile(r"^'[rwxabt+]{1,3}'$")


def writes_a_file(call: Call) -> bool:
    """An open call with a literal write mode (`open(p, 'w')`, `path.open('a')`)."""
    if call.name in ("open", "io.open") or call.name in _OPEN_MODE_SECOND:
        mode = call.kwarg("mode") or (call.args[1] if len(call.args) > 1 else "")
    elif call.name.endswith(".open"):
        # a path's own open takes the mode first; other opens (`Image.open('logo.png')`,
        # `tarfile.open(path)`) take a path there: only a mode-shaped literal is a mode
        mode = call.kwarg("mode") or (call.args[0] if call.args else "")
        if not _MODE_SHAPED.match(mode):
            return False
    else:
        return False
    return bool(_WRITE_MODE.match(mode))


# a logger's error levels: what goes wrong, not each request
_ERROR_LOG_CALLS = ("*.error", "*.exception", "*.critical", "*.warning", "*.warn")
# what answers the request: a file sent back is a response, not a sink
_RESPONSES = ("flask.send_file", "flask.send_from_directory", "*.send_static_file")
# how many lines below its `except` a report counts as the handler's own
_HANDLER_REACH = 4


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _reports_a_failure(facts: PythonFacts, call: Call, lines: list[str]) -> bool:
    """A print or log call in an `except` clause reports what failed, not each request
    (bojankostovski/sentiment-mlops src/serving/inference.py:125-126 `except Exception as
    e: print(f"Error: {e}")`; reviewed): a call the clause makes, on a line indented under
    the `except` with no line back at its level in between."""
    for h in facts.handlers:
        if not (h.line < call.line <= h.line + _HANDLER_REACH and call.name in h.calls):
            continue
        if call.line > len(lines):
            continue
        level = _indent(lines[h.line - 1])
        body = [x for x in lines[h.line : call.line] if x.strip()]
        if all(_indent(x) > level for x in body):
            return True
    return False


def _logs_values(call: Call) -> bool:
    return any(a == "<expr>" for a in call.args) or any(v == "<expr>" for _, v in call.kwargs)


# an ORM row of each prediction, added to the session in the handler: `db.add(Prediction(
# model_id=…, **application.model_dump(), probability_of_default=…))`, `db.commit()`
# (KubaCzech/credit-risk-mlops src/api/main.py:124-132; reviewed)
_ORM_ROW = re.compile(
    r"(?:^|\.)(?:Prediction|Inference|Request|Scoring|Score)(?:Log|Record|Event|History|Result|Row)?s?$"
)
_SESSION_ADDS = ("*.add", "*.add_all", "*.merge")
_SQL_INSERT = re.compile(
    r"\bINSERT\s+(?:OR\s+\w+\s+)?INTO\s+[\"'`\[]?((?:\w+\.)*\w+)", re.IGNORECASE | re.ASCII
)
# a query, not prose that says "from": the string starts with SELECT or WITH
_SQL_QUERY = re.compile(r"^\s*(?:SELECT|WITH)\b", re.IGNORECASE | re.ASCII)


def _logged_table_read(snap: Snapshot, files: list[str], loggers: list[str]) -> list[Evidence]:
    """[the INSERT, the query reading it] where a payload logger the serving code calls is
    defined in a serving file and inserts into a SQL table that code outside the serving
    files selects from: the log is the input of something, a drift job, a report
    (brej-29/customer-churn-mlops api/main.py:218,233 `INSERT INTO prediction_logs`,
    monitoring/drift.py:170 `FROM prediction_logs`; reviewed). Tests do not count as readers."""
    wanted = set(loggers)
    tables: dict[str, Evidence] = {}
    for path in files:
        facts = snap.python(path)
        if facts is None:
            continue
        for name, first, last, kind in facts.spans:
            if kind != "def" or name.rpartition(".")[2] not in wanted:
                continue
            for text, line in facts.strings:
                if first <= line <= last:
                    for m in _SQL_INSERT.finditer(text):
                        tables.setdefault(m.group(1).lower(), ev(path, line, m.group(0)))
    if not tables:
        return []
    serving = set(files)
    readers = re.compile(
        r"\b(?:FROM|JOIN)\s+[\"'`\[]?(" + "|".join(map(re.escape, tables)) + r")(?![\w.])",
        re.IGNORECASE | re.ASCII,
    )
    for path in base.python_sources(snap, ("*.py",), scope="non_tests"):
        if path in serving:
            continue
        facts = snap.python(path)
        for text, line in facts.strings if facts is not None else ():
            if not _SQL_QUERY.match(text):
                continue
            found = readers.search(text)
            written = tables.get(found.group(1).lower()) if found else None
            if found is not None and written is not None:
                return [written, ev(path, line, found.group(0), "reads the logged requests")]
    return []


@probe("serving_payload_log", NoParams, reads_code=True)
def serving_payload_log(snap: Snapshot, p: NoParams) -> Observation:
    """What the serving code does with each request: logs it, or writes nothing at all.

    Looks for: a call (or a background task) of a function named for logging predictions
    or requests (`log_prediction(…)`, `background_tasks.add_task(emit_prediction_log, …)`):
    partial, its sink is not read. Fails when the serving code (the files importing a
    serving framework and the modules they import) calls nothing that could write a payload
    anywhere — no logger or print of a value (a logger's error levels report failures, not
    requests), no database, queue, cache, HTTP, object-store or file call: every handler
    only predicts and returns (deramos/mlops-k8s-pipeline api/main.py; reviewed). Anything
    else is unknown: a custom sink cannot be recognised statically.
    Why: logged payloads are the raw material of drift detection and retraining.
    Fix: log each request and prediction to a durable sink (a table, a queue, an object store).
    """
    files = serving_files(snap)
    if not files:
        return base.unknown("no serving code found to judge")
    spans = request_spans(snap)
    named: list[Evidence] = []
    named_calls: list[str] = []
    rows: list[Evidence] = []
    sinks = 0
    for path in files:
        facts = snap.python(path)
        if facts is None:
            return base.unknown(f"{path} cannot be read")
        added = [c.line for c in facts.calls if name_matches_any(c.name, _SESSION_ADDS)]
        for call in facts.calls:
            if not per_request(spans, path, call.line):
                continue  # module-level or startup code: it runs once, not per request
            if _ORM_ROW.search(call.name) and any(0 <= call.line - a <= 2 for a in added):
                rows.append(ev(path, call.line, f"{call.name}(…)", "a row per prediction"))
                continue
            queued = name_matches_any(call.name, _QUEUES)
            runs = [call.name, *(name for key, name in call.names if queued and key == "0")]
            target = next((n for n in runs if _PAYLOAD_LOGGER.match(n.rpartition(".")[2])), None)
            if target is not None:
                named.append(ev(path, call.line, f"{target}(…)", "named for logging predictions"))
                named_calls.append(target.rpartition(".")[2])
            elif name_matches_any(call.name, _LOG_CALLS):
                # a logger's error levels report what failed, not each request (pipeline-g
                # src/api/main.py:162 `logger.error` in the handler's except; reviewed)
                if not name_matches_any(call.name, _ERROR_LOG_CALLS) and not (
                    _reports_a_failure(facts, call, snap.lines(path))
                ):
                    sinks += _logs_values(call)
            elif name_matches_any(call.name, _RESPONSES):
                continue
            elif call.name in ("open", "io.open"):
                sinks += _opens_for_writing(call)
            elif writes_a_file(call) or name_matches_any(call.name, _POSSIBLE_SINKS):
                sinks += 1
    if rows:
        return base.passed("each request's prediction is added to a database table", rows[:3])
    if named:
        read_back = _logged_table_read(snap, files, named_calls)
        if read_back:
            return base.passed(
                "each request is written to a table that other code reads back",
                named[:1] + read_back,
            )
        return base.partial(
            "serving code calls a function named for logging predictions (its sink is not read)",
            named[:3],
        )
    if sinks:
        return base.unknown(
            "custom handlers that write request/response payloads to a sink (queue, table, "
            "object store) cannot be recognised statically; attest them if present"
        )
    shown = [
        ev(path) if (first, last) == WHOLE_FILE else ev(path, first, "runs for each request")
        for path, found in spans.items()
        for first, last in found
    ]
    return base.failed(
        "the code that handles each request writes nothing anywhere: no logger, database, "
        "queue, HTTP or file call; each request is predicted and forgotten",
        shown[:3] or [ev(f) for f in files[:3]],
    )


# HAV: durable model ----------------------------------------------------------------------------
REGISTRY_LOADS = (
    "mlflow.*load_model",
    "mlflow.artifacts.download_artifacts",
    # an MlflowClient held by the service (`client.download_artifacts(artifact_uri=…)`:
    # arec1b0/ml-cicd-pipeline src/models/manager.py:466; reviewed)
    "*.download_artifacts",
    "bentoml.models.get",
    "bentoml.*.load_model",
    "huggingface_hub.hf_hub_download",
    "huggingface_hub.snapshot_download",
    "*.use_artifact",
    "*.download_file",
    "*.download_fileobj",
    "*.download_to_filename",
    # Azure Blob Storage and Google Cloud Storage reads into memory (eshwarsai48/
    # mlops-fraud-detection app/main.py:39 `blob_client.download_blob().readall()`; reviewed)
    "*.download_blob",
    "*.download_as_bytes",
    "clearml.InputModel",
    "*.from_pretrained",
    # PyTorch Hub: a model (or weights) published in a repository's release, by name
    "torch.hub.load",
    "torch.hub.load_state_dict_from_url",
    # a Metaflow run's artifacts, in its datastore (S3 or Azure/GCS in production)
    "metaflow.Flow",
    "metaflow.Run",
)
_LOCAL = re.compile(r"^'(\./|\.\./)?[\w./-]+\.(pkl|joblib|pt|pth|h5|onnx|bin|sav)'$")


# Triton `--model-repository=gs://…`, TF Serving `--model_base_path=s3://…` / MODEL_BASE_PATH,
# TorchServe `--model-store`: the server pulls versioned models from an object store.
_REMOTE_MODEL_ARG = re.compile(
    r"(?:--model[-_](?:store|repository|base[-_]path)|MODEL_BASE_PATH|MODEL_REPOSITORY)"
    r"[=\s'\",:]+(?:gs|s3|az|abfss?|wasbs?|hdfs|https?)://",
    re.I,
)


def _remote_model_servers(snap: Snapshot) -> list[tuple[K8sObject, dict[str, Any]]]:
    """Serving containers whose args/command/env point the server at a remote model store."""
    found = []
    for obj in k8s_objects(snap, SERVING_WORKLOADS)[0]:
        for c in obj.containers:
            parts: list[str] = []
            for key in ("command", "args"):
                value = c.get(key) or []
                parts.extend(str(x) for x in (value if isinstance(value, list) else [value]))
            for item in c.get("env") or []:
                if isinstance(item, dict):
                    parts.append(f"{item.get('name')}={item.get('value')}")
            if _REMOTE_MODEL_ARG.search(" ".join(parts)):
                found.append((obj, c))
                break
    return found


def _compose_readiness(snap: Snapshot) -> list[Evidence]:
    """Compose services built from the repository (a database's image aside) whose health
    check gates the services in front of them: another
    service waits for them with `depends_on: {name: {condition: service_healthy}}`, so no
    request reaches them before the check passes (LEMSingapore/hdb-mlops-platform
    docker-compose.yml:49,111-112, Caddy waiting for the API; reviewed)."""
    waited: set[tuple[str, str]] = set()
    for service in snap.compose_services:
        needs = service.doc.get("depends_on") if isinstance(service.doc, dict) else None
        for name, spec in needs.items() if isinstance(needs, dict) else ():
            if isinstance(spec, dict) and spec.get("condition") == "service_healthy":
                waited.add((service.path, str(name)))
    return [
        ev(s.path, s.line_of("healthcheck"), f"{s.name}: healthcheck", "gates its dependants")
        for s in snap.compose_services
        if s.healthcheck
        and s.build
        and (s.path, s.name) in waited
        and not base.is_excluded(s.path)
        and not tool_service(s)
    ]


@probe("model_durable", NoParams, reads_code=True)
def model_durable(snap: Snapshot, p: NoParams) -> Observation:
    """The served model comes from a registry or object store, and readiness waits for it.

    Looks for: KServe `storageUri` / Seldon `modelUri` (the platform downloads the model
    before the pod is ready), an inference server (Triton, TF Serving, TorchServe) started
    with a remote model repository (`--model-repository=gs://…`), or serving code loading from a registry (`mlflow …
    load_model("models:/…")`, BentoML, Hugging Face Hub, W&B artifacts, S3/GCS downloads)
    together with a `readinessProbe` (or a Compose health check another service waits
    for with `condition: service_healthy`). A registry load without readiness is partial; whether
    the readiness endpoint really waits for the model cannot be decided statically. A
    shipped image that fetches the model while it is built (`RUN dvc pull`, `aws s3 cp
    s3://…`) is partial: durable and versioned, but baked into the image.
    Why: a model baked into the pod from a local file cannot be rolled back or replaced
    independently; without readiness, traffic hits a pod still loading it.
    Fix: load the model by registry URI at start-up and make `/ready` fail until it is loaded.
    """
    platform = model_uri_platforms(snap)
    if platform:
        return base.passed("the serving platform pulls the model by URI before readiness", platform)
    servers = _remote_model_servers(snap)
    if servers:
        if any(isinstance(c.get("readinessProbe"), dict) for _o, c in servers):
            return base.passed(
                "the inference server loads its models from an object store, with a readiness "
                "probe",
                [obj_ev(o, c, "args", "remote model repository") for o, c in servers],
            )
        return base.partial(
            "the inference server loads its models from an object store, but no readiness probe",
            [obj_ev(o, c, "args", "remote model repository") for o, c in servers],
        )
    files = serving_files(snap)
    loads = [
        ev(path, c.line, f"{c.name}(…)")
        for path, c in calls_in(snap, files, REGISTRY_LOADS)
        if not (c.args and _LOCAL.match(c.args[0]))
    ] or list(serving_alias_lookups(snap))
    ready = [
        obj_ev(o, text="readinessProbe")
        for o in k8s_objects(snap, SERVING_WORKLOADS)[0]
        if any(isinstance(c.get("readinessProbe"), dict) for c in o.containers)
    ] + template_hits(snap, re.compile(r"^\s*readinessProbe:"))
    ready += _compose_readiness(snap)
    # a platform's health check gating traffic to a new deploy (Render, Railway)
    ready += health_checks(snap)
    if loads and ready:
        return base.passed(
            "model loaded from a registry/object store, with a readiness probe "
            "(that readiness waits for the load is not verified statically)",
            loads + ready,
        )
    if loads:
        return base.partial(
            "model loaded from a registry/object store, but no readiness probe", loads
        )
    pulled = _models_pulled_at_build(snap)
    if pulled:
        return base.partial(
            "the image pulls the model from an object store when it is built (baked in: "
            "replaced or rolled back only with a new image)",
            pulled,
        )
    if not files:
        if not k8s_objects(snap, SERVING_WORKLOADS)[0]:
            return base.not_applicable("no serving code and no serving workload")
        return base.failed(
            "no serving code, and the serving workloads load no model from a registry or "
            "object store"
        )
    return base.failed("the served model is not loaded from a registry or object store")


# `RUN dvc pull …` or a copy from object storage in a shipped image: a versioned model, fetched
# from durable storage, but fixed in the image (graviraja/MLOps-Basics week_9 Dockerfile:27)
_BUILD_PULL = re.compile(
    r"\bdvc\s+(?:pull|get|import)\b"
    r"|\b(?:aws\s+s3\s+(?:cp|sync)|gsutil\s+(?:-m\s+)?(?:cp|rsync)|gcloud\s+storage\s+cp"
    r"|azcopy\s+(?:copy|sync)|az\s+storage\s+blob\s+download)\s+(?:--?\S+\s+)*(?:s3|gs|https?)://"
    r"|\bmlflow\s+artifacts\s+download\b|\bhuggingface-cli\s+download\b",
)


def _models_pulled_at_build(snap: Snapshot) -> list[Evidence]:
    return base.shipped_runs(snap, _BUILD_PULL, "model fetched at build")


# LAT: latency histogram -------------------------------------------------------------------------
_LATENCY_NAME = re.compile(r"latenc|duration|seconds|elapsed|time", re.I)
AUTO_HISTOGRAMS = (
    "prometheus_fastapi_instrumentator.Instrumentator",
    "starlette_exporter.PrometheusMiddleware",
    "prometheus_flask_exporter.PrometheusMetrics",
    "prometheus_flask_exporter.*",
)


@probe("latency_histogram", NoParams, reads_code=True)
def latency_histogram(snap: Snapshot, p: NoParams) -> Observation:
    """Inference latency is recorded as a histogram (so p95/p99 can be computed).

    Looks for: `prometheus_client.Histogram`/`Summary` whose name mentions latency,
    duration or seconds; instrumentation middleware that records request-duration
    histograms by default (prometheus-fastapi-instrumentator, starlette-exporter,
    prometheus-flask-exporter); OpenTelemetry `create_histogram`. Notebooks do not count.
    Why: averages hide tail latency; a histogram is what a latency SLO is computed from.
    Fix: wrap the predict call in a `Histogram(...).time()` and expose it on `/metrics`.
    """
    paths = base.python_sources(snap, ("*.py",), scope="non_tests")
    found: list[Evidence] = []
    unnamed: list[Evidence] = []
    for path, c in calls_in(
        snap,
        paths,
        (
            "prometheus_client.Histogram",
            "prometheus_client.Summary",
            "*.create_histogram",
            "aioprometheus.Histogram",
        ),
    ):
        name = c.kwarg("name") or (c.args[0] if c.args else "")
        (found if _LATENCY_NAME.search(name) else unnamed).append(
            ev(path, c.line, f"{c.name}({name})")
        )
    found += [
        ev(path, c.line, f"{c.name}(…)", "records request duration histograms")
        for path, c in calls_in(snap, paths, AUTO_HISTOGRAMS)
    ]
    if found:
        return base.passed("latency histogram", found)
    if unnamed:
        return base.partial(
            "a histogram is defined, but its name does not say it measures latency", unnamed
        )
    return base.failed("no latency histogram")
