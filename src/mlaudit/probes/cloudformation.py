"""CloudFormation (and SAM) templates: the resources they declare, read from the parsed YAML.

A template is a YAML (or template-named JSON) file with a top-level `Resources:` mapping of logical ids to
`{Type: AWS::…, Properties: …}`. Short-form intrinsics (`!Ref`, `!Sub`, `!GetAtt`) read as the
plain value they decorate (repo/parsers/yaml_docs.py), so a property set through one is
present with an unresolved value, never executed. Only files whose text names the resource
type are parsed, and none larger than MAX_TEMPLATE_BYTES (CloudFormation's own limit for a
template uploaded through S3 is 1 MB).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import Field, field_validator

from mlaudit.probes import base
from mlaudit.probes.base import ev
from mlaudit.probes.generic import _check_regex, value_matches, walk_key
from mlaudit.probes.registry import Params, probe
from mlaudit.repo.parsers.kubernetes import is_dev_path
from mlaudit.repo.parsers.python_src import Call
from mlaudit.repo.parsers.yaml_docs import key_line
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Evidence, Observation

# every YAML file is read by the manifest probes anyway; a JSON file is read only when named
# like a template (a repository's other JSON is mostly data, some of it large)
TEMPLATE_GLOBS = (
    "*.yaml",
    "*.yml",
    "*.template",
    "*template*.json",
    "*.cfn.json",
    "*cloudformation*.json",
)
MAX_TEMPLATE_BYTES = 1_048_576


@dataclass(frozen=True)
class CfnResource:
    path: str
    logical_id: str
    line: int | None
    properties: dict[str, Any]

    def line_of(self, key: str) -> int | None:
        return key_line(self.properties, key) or self.line


def _resource_maps(snap: Snapshot, needle: str) -> Iterator[tuple[str, dict[Any, Any]]]:
    """(path, `Resources` mapping) of every template document whose file text holds
    `needle`; examples, docs, vendored folders and files over MAX_TEMPLATE_BYTES left out."""
    for path in base.select_files(snap, TEMPLATE_GLOBS):
        if (snap.size(path) or 0) > MAX_TEMPLATE_BYTES:
            continue
        text = snap.text(path)
        if not text or needle not in text:
            continue
        for doc in snap.yaml_docs(path):
            resources = doc.get("Resources") if isinstance(doc, dict) else None
            if isinstance(resources, dict):
                yield path, resources


def cfn_resources(snap: Snapshot, resource_type: str) -> list[CfnResource]:
    """Every resource of `resource_type` (e.g. `AWS::S3::Bucket`) in the repository's
    templates, in path order; examples, docs and vendored folders are left out."""

    def build() -> list[CfnResource]:
        found: list[CfnResource] = []
        for path, resources in _resource_maps(snap, resource_type):
            for logical_id, resource in resources.items():
                if not isinstance(resource, dict) or resource.get("Type") != resource_type:
                    continue
                properties = resource.get("Properties")
                found.append(
                    CfnResource(
                        path,
                        str(logical_id),
                        key_line(resources, logical_id),
                        properties if isinstance(properties, dict) else {},
                    )
                )
        return found

    return snap.memo(("cfn_resources", resource_type), build)


class CfnPropertyParams(Params):
    types: list[str] = Field(min_length=1, description="resource types, e.g. AWS::ECS::Service")
    path: str = Field(description="dotted path inside Properties; `*` = any key or list item")
    value: str | None = Field(default=None, description="regex the scalar value must match")
    include_dev: bool = False
    what: str | None = Field(default=None, description="what the property shows, for messages")

    _v = field_validator("value")(_check_regex)


@probe("cfn_property", CfnPropertyParams)
def cfn_property(snap: Snapshot, p: CfnPropertyParams) -> Observation:
    """A CloudFormation (or SAM) resource of the given types sets a property, optionally to a
    matching value.

    Looks for: the dotted `path` (with `*` wildcards) under `Properties` of every resource
    of `types` in the repository's templates, e.g. a SAM function's
    `DeploymentPreference.Type` = `Canary10Percent5Minutes`. Templates of development
    stacks (`deploy-model-dev.yml`, `dev/`) do not count unless `include_dev`.
    Known false positive: the resource type named in a comment or a README is not a
    resource; only parsed `Resources:` entries count.
    Why: a template's properties are the deployed configuration, exact and reviewable.
    Fix: set the property the check names on the resource in the production template.
    """
    value_re = re.compile(p.value) if p.value else None
    found: list[Evidence] = []
    dev: list[Evidence] = []
    parts = p.path.split(".")
    for rtype in p.types:
        for res in cfn_resources(snap, rtype):
            for value, _parent, line in walk_key(res.properties, parts):
                if not value_matches(value, value_re, None):
                    continue
                shown = value if not isinstance(value, (dict, list)) else "…"
                hit = ev(res.path, line or res.line, f"{parts[-1]}: {shown}", res.logical_id)
                (dev if is_dev_path(res.path) and not p.include_dev else found).append(hit)
    what = p.what or f"{p.path} on {' / '.join(p.types)}"
    if found:
        return base.passed(f"{what} declared", found)
    if dev:
        return base.failed(f"{what} declared only in development templates", dev)
    return base.failed(f"no {what}")


def cfn_templates(snap: Snapshot) -> list[str]:
    """Files that are CloudFormation/SAM templates: a top-level `Resources:` mapping with at
    least one `AWS::…` resource type (examples, docs and vendored folders left out)."""

    def build() -> list[str]:
        found: list[str] = []
        for path, resources in _resource_maps(snap, "AWS::"):
            if path not in found and any(
                isinstance(r, dict) and str(r.get("Type", "")).startswith("AWS::")
                for r in resources.values()
            ):
                found.append(path)
        return found

    return snap.memo(("cfn_templates",), build)


def codepipeline_deploy_stages(snap: Snapshot) -> list[tuple[str, Evidence]]:
    """(stage name, evidence) of every stage of a CodePipeline that runs a `Deploy` action
    (CloudFormation, ECS, CodeDeploy, Elastic Beanstalk …)."""
    found = []
    for pipeline in cfn_resources(snap, "AWS::CodePipeline::Pipeline"):
        stages = pipeline.properties.get("Stages")
        for stage in stages if isinstance(stages, list) else []:
            actions = stage.get("Actions") if isinstance(stage, dict) else None
            for action in actions if isinstance(actions, list) else []:
                kind = action.get("ActionTypeId") if isinstance(action, dict) else None
                if isinstance(kind, dict) and kind.get("Category") == "Deploy":
                    name = str(stage.get("Name") or "")
                    line = key_line(kind, "Category") or pipeline.line
                    shown = f"stage {name}: {kind.get('Provider', '?')} deploy"
                    found.append((name, ev(pipeline.path, line, shown, pipeline.logical_id)))
                    break
    return found


# The AWS CDK in Python declares the same resources as calls: `aws_sagemaker.CfnEndpoint(self,
# "Endpoint", …)` is an `AWS::SageMaker::Endpoint` (aws-samples/amazon-sagemaker-drift-
# detection deployment_pipeline/infra/sagemaker_stack.py:78). Higher-level constructs that
# create one are listed beside the L1 `Cfn…` class.
CDK_CONSTRUCTS: dict[str, tuple[str, ...]] = {
    "AWS::SageMaker::Endpoint": (
        "aws_cdk.aws_sagemaker.CfnEndpoint",
        "aws_cdk.aws_sagemaker_alpha.Endpoint",
    ),
    "AWS::SageMaker::MonitoringSchedule": ("aws_cdk.aws_sagemaker.CfnMonitoringSchedule",),
    "AWS::CloudWatch::Alarm": (
        "aws_cdk.aws_cloudwatch.Alarm",
        "aws_cdk.aws_cloudwatch.CfnAlarm",
        "aws_cdk.aws_cloudwatch.CompositeAlarm",
        "aws_cdk.aws_cloudwatch.CfnCompositeAlarm",
    ),
    # an HTTP API in front of a function
    "API": (
        "aws_cdk.aws_apigateway.LambdaRestApi",
        "aws_cdk.aws_apigatewayv2.HttpApi",
        "aws_cdk.aws_apigatewayv2_alpha.HttpApi",
        "aws_cdk.aws_lambda.*.add_function_url",
        "aws_cdk.aws_lambda.FunctionUrl",
    ),
}


def cdk_calls(snap: Snapshot, kind: str) -> list[tuple[str, Call]]:
    """(path, call) of every CDK construct of `kind` (a key of CDK_CONSTRUCTS) in production
    Python code; tests, examples and docs left out."""

    def build() -> list[tuple[str, Call]]:
        paths = base.python_sources(snap, ("*.py",), scope="non_tests")
        return [
            (path, call)
            for path, calls in base.calls_of(snap, paths, CDK_CONSTRUCTS[kind])
            for call in calls
        ]

    return snap.memo(("cdk_calls", kind), build)  # asked by the profile and several probes


def cdk_evidence(snap: Snapshot, kind: str) -> list[Evidence]:
    return [
        ev(path, call.line, f"{call.name}(…)", "AWS CDK") for path, call in cdk_calls(snap, kind)
    ]


# EventBridge rules that start a pipeline ------------------------------------------------------
# what a rule can start that runs training: a CodePipeline, a Step Functions state machine, a
# SageMaker pipeline — by ARN, or by `!Ref`/`!GetAtt` to one the template declares
PIPELINE_TYPES = (
    "AWS::CodePipeline::Pipeline",
    "AWS::StepFunctions::StateMachine",
    "AWS::SageMaker::Pipeline",
)
_PIPELINE_ARN = re.compile(r":codepipeline:|:states:|:stateMachine:|:sagemaker:[^\s]*:pipeline/")


def _arn_text(value: Any) -> str:
    """A target's ARN as text: short-form intrinsics read as their value (`!GetAtt X.Arn` is
    "X.Arn"); the long forms are mappings (`{"Fn::GetAtt": ["X", "Arn"]}`, `{"Ref": "X"}`,
    `{"Fn::Sub": "arn:…"}`)."""
    if isinstance(value, dict) and len(value) == 1:
        (inner,) = value.values()
        return _arn_text(inner[0] if isinstance(inner, list) and inner else inner)
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value or "")


def _targets_pipeline(rule: CfnResource, pipelines: set[tuple[str, str]]) -> bool:
    targets = rule.properties.get("Targets")
    for target in targets if isinstance(targets, list) else []:
        text = _arn_text(target.get("Arn") if isinstance(target, dict) else None)
        if _PIPELINE_ARN.search(text) or (rule.path, text.split(".")[0]) in pipelines:
            return True
    return False


def pipeline_rules(snap: Snapshot) -> list[tuple[CfnResource, str]]:
    """(rule, what starts it) for every enabled `AWS::Events::Rule` of the templates that
    starts a pipeline: `schedule` (a ScheduleExpression) or the event sources of its
    EventPattern (`aws.s3`, `aws.cloudwatch` …)."""
    pipelines = {(r.path, r.logical_id) for t in PIPELINE_TYPES for r in cfn_resources(snap, t)}
    found = []
    for rule in cfn_resources(snap, "AWS::Events::Rule"):
        if str(rule.properties.get("State", "ENABLED")).upper() == "DISABLED":
            continue  # (the safe-deployment sample's monthly ScheduledRule, `State: DISABLED`)
        if not _targets_pipeline(rule, pipelines):
            continue
        if rule.properties.get("ScheduleExpression"):
            found.append((rule, "schedule"))
            continue
        pattern = rule.properties.get("EventPattern")
        source = pattern.get("source") if isinstance(pattern, dict) else None
        sources = source if isinstance(source, list) else [source] if source else []
        found.append((rule, " ".join(str(s) for s in sources) or "event"))
    return found


class PipelineRuleParams(Params):
    sources: str | None = Field(
        default=None,
        description="regex the rule's event source must match (e.g. `aws\\.s3`); none: any "
        "schedule or event",
    )

    _v = field_validator("sources")(_check_regex)


@probe("pipeline_rule", PipelineRuleParams)
def pipeline_rule(snap: Snapshot, p: PipelineRuleParams) -> Observation:
    """An EventBridge rule declared in a CloudFormation template starts a pipeline.

    Looks for: enabled `AWS::Events::Rule` resources whose `Targets` are a CodePipeline, a Step
    Functions state machine or a SageMaker pipeline (by ARN, or by reference to one the template
    declares), started by a `ScheduleExpression` or an `EventPattern` — an object written to S3
    (`source: aws.s3`), a CloudWatch alarm going off (`aws.cloudwatch`: a drift monitor's
    alarm). With `sources`, only rules whose event source matches.
    Known false positive: a rule with `State: DISABLED`, or one that only notifies (an SNS topic,
    a Lambda), starts nothing.
    Why: retraining started by the platform on new data, a schedule or a monitor's alarm is
    continuous training (Azure levels 2–3, GCP level 1), not a person remembering to run it.
    Fix: declare an `AWS::Events::Rule` with a `ScheduleExpression` or an `EventPattern` whose
    target is the training pipeline.
    """
    wanted = re.compile(p.sources) if p.sources else None
    found = [
        ev(rule.path, rule.line, f"AWS::Events::Rule {rule.logical_id}", f"started by {what}")
        for rule, what in pipeline_rules(snap)
        if wanted is None or wanted.search(what)
    ]
    if found:
        return base.passed("an EventBridge rule starts the pipeline", found)
    if wanted is not None:
        return base.failed("no EventBridge rule on these events starts a pipeline")
    return base.failed("no EventBridge rule starts a pipeline")


# CodePipelines that train -----------------------------------------------------------------------
_TRAIN_STAGE = re.compile(r"(?i)(?:^|[^a-z])(?:re)?train")


def codepipeline_training(snap: Snapshot) -> list[tuple[CfnResource, Evidence, tuple[str, ...]]]:
    """(pipeline, evidence, source providers) of every CodePipeline with a stage that trains:
    a stage or action named for training that invokes something (a Lambda starting the
    training job, a Step Functions workflow, a build) — aws-samples/mlops-amazon-sagemaker
    1-Built-In-Algorithm/02.CF-MLOps-BIA-BuildPipeline.yml:116 `Name: TrainModel` (Lambda),
    aws-samples/amazon-sagemaker-safe-deployment-pipeline pipeline.yml:343 `Name: Train`
    (StepFunctions); reviewed. The providers of its Source stage say what starts it."""
    found = []
    for pipeline in cfn_resources(snap, "AWS::CodePipeline::Pipeline"):
        stages = pipeline.properties.get("Stages")
        sources: list[str] = []
        training: Evidence | None = None
        for stage in stages if isinstance(stages, list) else []:
            actions = stage.get("Actions") if isinstance(stage, dict) else None
            for action in actions if isinstance(actions, list) else []:
                kind = action.get("ActionTypeId") if isinstance(action, dict) else None
                if not isinstance(kind, dict):
                    continue
                category, provider = str(kind.get("Category")), str(kind.get("Provider"))
                if category == "Source":
                    sources.append(provider)
                names = f"{stage.get('Name', '')} {action.get('Name', '')}"
                if (
                    training is None
                    and category in ("Invoke", "Build")
                    and _TRAIN_STAGE.search(names)
                ):
                    line = key_line(action, "Name") or pipeline.line
                    shown = f"stage {stage.get('Name', '?')}: {provider} {action.get('Name', '')}"
                    training = ev(pipeline.path, line, shown.strip(), pipeline.logical_id)
        if training is not None:
            found.append((pipeline, training, tuple(sources)))
    return found


class CodePipelineTrainsParams(Params):
    source: str | None = Field(
        default=None,
        description="regex a Source action's provider must match (`^S3$`: the pipeline "
        "starts when the data object changes); none: any pipeline that trains",
    )

    _v = field_validator("source")(_check_regex)


@probe("codepipeline_trains", CodePipelineTrainsParams)
def codepipeline_trains(snap: Snapshot, p: CodePipelineTrainsParams) -> Observation:
    """A CodePipeline declared in a CloudFormation template trains the model.

    Looks for: an `AWS::CodePipeline::Pipeline` with a stage or action named for training
    (`TrainModel`, `Train`) that invokes a Lambda, a Step Functions workflow or a build —
    the pipeline from source to model as code, rerun by the service on every change of its
    source. With `source`, only pipelines whose Source stage's provider matches: an S3 source
    (`S3ObjectKey: train/train.csv`) starts training when new data is uploaded.
    Known false positive: a pipeline that only builds and deploys code trains nothing; a
    CodeCommit source is CI, not new data.
    Why: an orchestrated training pipeline (GCP level 1 "ML pipeline automation") that the
    platform starts by itself.
    Fix: declare the training as a stage of the CodePipeline (a Lambda or Step Functions
    action that starts the training job), with the training data's S3 object as a source.
    """
    wanted = re.compile(p.source) if p.source else None
    found: list[Evidence] = []
    started_by: list[str] = []
    for _pipeline, evidence, sources in codepipeline_training(snap):
        matched = [s for s in sources if wanted is None or wanted.search(s)]
        if wanted is None or matched:
            found.append(evidence)
            started_by += [s for s in matched if s not in started_by]
    if found and wanted is not None:
        sources_text = "/".join(started_by)
        return base.passed(f"a CodePipeline started by its {sources_text} source trains", found)
    if found:
        return base.passed("a CodePipeline trains the model", found)
    if wanted is not None:
        return base.failed("no CodePipeline with a training stage is started by such a source")
    return base.failed("no CodePipeline with a training stage")
