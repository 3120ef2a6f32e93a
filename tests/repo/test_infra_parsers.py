"""Infrastructure views of the Snapshot: Kubernetes, Helm, Kustomize, compose, Terraform,
Prometheus/Grafana — parsed once, found wherever they live, never raising on bad input."""

from __future__ import annotations

import contextlib

import pytest
from helpers import snapshot
from hypothesis import given, settings
from hypothesis import strategies as st

from mlaudit.repo.parsers.dockerfile import parse_dockerfile
from mlaudit.repo.parsers.kubernetes import is_dev_path

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  replicas: 3
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: registry/api:1.0
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
"""


def test_k8s_objects_found_anywhere_multi_document(tmp_path):
    snap = snapshot(
        tmp_path,
        {
            ".kube/app.yaml": DEPLOY,
            "deploy/cron.yml": "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: drift}\n"
            "spec:\n  schedule: '0 * * * *'\n  jobTemplate:\n    spec:\n      template:\n"
            "        spec:\n          containers: [{name: d, image: x}]\n",
            "config/settings.yaml": "debug: true\n",  # not a manifest
            "list.yaml": "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n"
            "  metadata: {name: c}\n",
        },
    )
    kinds = sorted((o.path, o.kind, o.line) for o in snap.k8s_objects)
    assert kinds == [
        (".kube/app.yaml", "Deployment", 1),
        (".kube/app.yaml", "Service", 18),
        ("deploy/cron.yml", "CronJob", 1),
        ("list.yaml", "ConfigMap", 4),
    ]
    deploy = snap.k8s_kinds("Deployment")[0]
    assert deploy.name == "api" and deploy.namespace == "prod"
    assert deploy.selector == {"app": "api"} and deploy.pod_labels == {"app": "api"}
    assert deploy.containers[0]["image"] == "registry/api:1.0"
    assert deploy.line_of(deploy.spec, "replicas") == 7
    cron = snap.k8s_kinds("CronJob")[0]
    assert cron.containers[0]["name"] == "d"


def test_helm_templates_are_text_not_yaml(tmp_path):
    snap = snapshot(
        tmp_path,
        {
            "charts/api/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\n",
            "charts/api/values.yaml": "replicaCount: 2\nautoscaling:\n  enabled: false\n",
            "charts/api/values-prod.yaml": "replicaCount: 4\n",
            "charts/api/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\n"
            "spec:\n  replicas: {{ .Values.replicaCount }}\n  {{- if .Values.x }}\n",
        },
    )
    (chart,) = snap.helm_charts
    assert chart.name == "api" and chart.dir == "charts/api"
    assert chart.templates == ("charts/api/templates/deployment.yaml",)
    assert chart.value("replicaCount") == [
        ("charts/api/values-prod.yaml", 4, 1),
        ("charts/api/values.yaml", 2, 1),
    ]
    assert snap.k8s_objects == []  # the template is never parsed as YAML …
    assert "charts/api/templates/deployment.yaml" not in snap.problems  # … nor reported


def test_kustomize_and_dev_overlays(tmp_path):
    snap = snapshot(
        tmp_path,
        {
            "k8s/base/kustomization.yaml": "resources: [deployment.yaml]\n",
            "k8s/overlays/dev/kustomization.yaml": "resources: [../../base]\nreplicas:\n"
            "- name: api\n  count: 5\n",
        },
    )
    by_path = {k.path: k for k in snap.kustomizations}
    dev = by_path["k8s/overlays/dev/kustomization.yaml"]
    assert dev.replicas == (("api", 5, 3),) and dev.is_dev and dev.is_overlay
    assert not by_path["k8s/base/kustomization.yaml"].is_dev
    assert is_dev_path("deploy/deployment.local.yaml")
    assert is_dev_path("charts/api/values-dev.yaml")
    assert not is_dev_path("k8s/overlays/prod/patch.yaml")
    assert not is_dev_path("deploy/devices.yaml")


def test_compose_services(tmp_path):
    snap = snapshot(
        tmp_path,
        {
            "docker-compose.yml": "services:\n  api:\n    build: .\n    healthcheck:\n"
            "      test: [CMD, curl, -f, http://localhost/health]\n    deploy:\n"
            "      replicas: 2\n  db:\n    image: postgres:16\n    healthcheck: {disable: true}\n",
        },
    )
    api, db = snap.compose_services
    assert (api.name, api.line, api.replicas) == ("api", 2, 2)
    assert api.healthcheck is not None and db.healthcheck is None
    assert db.image == "postgres:16"


def test_dockerfile_facts():
    df = parse_dockerfile(
        "FROM --platform=linux/amd64 python:3.11-slim@sha256:abc AS build\n"
        "FROM localhost:5000/team/api\nUSER app\nHEALTHCHECK CMD curl -f http://localhost/\n"
        "HEALTHCHECK NONE\n"
    )
    first, second = df.base_images
    assert (first.image, first.tag, first.digest, first.alias) == (
        "python",
        "3.11-slim",
        "sha256:abc",
        "build",
    )
    assert first.pinned and not first.floating
    assert (second.image, second.tag) == ("localhost:5000/team/api", None) and second.floating
    assert df.final_user is not None and df.final_user.args == "app"
    assert [h.line for h in df.healthchecks] == [4]


TF = """\
provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "eu"
  region = "eu-west-1"
}

resource "aws_s3_bucket_versioning" "models" {
  bucket = aws_s3_bucket.models.id
  versioning_configuration {
    status = "Enabled"
  }
}

module "serving" {
  source   = "./serving"
  for_each = toset(var.regions)
}
"""


def test_terraform_blocks_with_lines_and_attributes(tmp_path):
    snap = snapshot(tmp_path, {"infra/main.tf": TF})
    blocks = [(b.type, b.labels, b.line, b.end_line) for b in snap.terraform_blocks]
    assert blocks == [
        ("provider", ("aws",), 1, 3),
        ("provider", ("aws",), 5, 8),
        ("resource", ("aws_s3_bucket_versioning", "models"), 10, 15),
        ("module", ("serving",), 17, 20),
    ]
    (versioning,) = snap.terraform_resources("aws_s3_bucket_*")
    assert versioning.get("versioning_configuration.status") == ["Enabled"]
    assert versioning.name == "models"
    assert snap.terraform_blocks[1].get("alias") == ["eu"]


def test_terraform_rejected_hcl_is_a_problem_not_a_crash(tmp_path):
    snap = snapshot(
        tmp_path,
        {"infra/bad.tf": 'resource "x" "y" {\n  a = \n}\n', "infra/ok.tf": TF},
    )
    assert len(snap.terraform_blocks) == 4
    assert snap.terraform_problems == ["infra/bad.tf"]
    assert snap.problems["infra/bad.tf"].startswith("invalid HCL")


def test_terraform_json(tmp_path):
    snap = snapshot(
        tmp_path,
        {"main.tf.json": '{"resource": {"aws_s3_bucket": {"data": {"bucket": "d"}}}}'},
    )
    (block,) = snap.terraform_blocks
    assert block.labels == ("aws_s3_bucket", "data") and block.get("bucket") == ["d"]


def test_monitoring_configuration(tmp_path):
    snap = snapshot(
        tmp_path,
        {
            "monitoring/prometheus.yml": "rule_files: [rules/api.rules.yml]\n"
            "scrape_configs:\n- job_name: api\n",
            "monitoring/rules/api.rules.yml": "groups:\n- name: api\n  rules:\n"
            "  - record: job:latency:p95\n    expr: x\n  - alert: HighErrorRate\n"
            "    expr: rate(errors[5m]) > 0.1\n    for: 5m\n",
            "k8s/rules.yaml": "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\n"
            "metadata: {name: r}\nspec:\n  groups:\n  - name: model\n    rules:\n"
            "    - alert: ModelStale\n      expr: time() - model_ts > 86400\n",
            "monitoring/alertmanager.yml": "route: {receiver: team}\nreceivers:\n- name: team\n",
            "grafana/dash.json": '{"title": "API", "schemaVersion": 36, "panels": ['
            '{"title": "p95", "options": {"alertThreshold": true}},'
            '{"title": "errors", "alert": {"conditions": [{"type": "query"}]}}]}',
        },
    )
    facts = snap.monitoring
    assert sorted((a.path, a.name, a.line) for a in facts.alerts) == [
        ("k8s/rules.yaml", "ModelStale", 8),
        ("monitoring/rules/api.rules.yml", "HighErrorRate", 6),
    ]
    assert [r.kind for r in facts.rules if r.name == "job:latency:p95"] == ["record"]
    assert facts.prometheus[0].rule_files == ("rules/api.rules.yml",)
    assert facts.prometheus[0].scrape_jobs == ("api",)
    assert facts.alertmanager[0].receivers == ("team",)
    (dash,) = facts.dashboards
    assert dash.panels == 2 and dash.alert_panels == ("errors",)


def test_monitoring_configuration_shipped_in_a_configmap(tmp_path):
    """Prometheus rules, its configuration and Grafana's alerting provisioning held in a
    ConfigMap's data (Ardiyanto24/telco-churn-mlops infra/k8s/monitoring/
    grafana-alerting-configmap.yaml:52-60; reviewed), at their lines in the manifest; a
    ConfigMap of other settings, or whose value is no YAML, holds none."""
    snap = snapshot(
        tmp_path,
        {
            "k8s/alerting.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n"
            "  rules.yaml: |\n    apiVersion: 1\n    groups:\n      - name: drift\n        rules:\n"
            "          - uid: drift-high\n            title: DriftHigh\n            condition: B\n"
            "  prometheus.yml: |\n    scrape_configs:\n      - job_name: api\n",
            "k8s/settings.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata:\n"
            "  LOG_LEVEL: info\n  note: 'groups: [ not yaml'\n",
        },
    )
    facts = snap.monitoring
    assert [(a.path, a.name, a.line, a.kind) for a in facts.alerts] == [
        ("k8s/alerting.yaml", "DriftHigh", 10, "grafana-alert")
    ]
    assert [(c.path, c.line, c.scrape_jobs) for c in facts.prometheus] == [
        ("k8s/alerting.yaml", 14, ("api",))
    ]


def test_bad_input_never_raises(tmp_path):
    bomb = "apiVersion: v1\nkind: ConfigMap\na: &a [x]\nb: [" + ",".join(["*a"] * 6000) + "]\n"
    snap = snapshot(
        tmp_path,
        {
            "k8s/bomb.yaml": bomb,
            "k8s/broken.yaml": "apiVersion: v1\nkind: Service\nspec: [unclosed\n",
            "k8s/latin1.yaml": b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n",
            "k8s/anchors.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: a}\n"
            "data: {copy: *m}\n",
            "docker-compose.yml": "services: [not, a, mapping]\n",
            "grafana/bad.json": '{"panels": [',
        },
    )
    assert {o.path for o in snap.k8s_objects} == {"k8s/latin1.yaml", "k8s/anchors.yaml"}
    assert snap.k8s_problems == ["k8s/bomb.yaml", "k8s/broken.yaml"]
    assert "alias" in snap.problems["k8s/bomb.yaml"]
    assert snap.compose_services == []
    assert snap.monitoring.dashboards == []


def test_oversized_manifest_is_recorded(tmp_path):
    big = "apiVersion: v1\nkind: ConfigMap\ndata:\n" + "  k: " + "x" * (5 * 1024 * 1024) + "\n"
    snap = snapshot(tmp_path, {"k8s/big.yaml": big})
    assert snap.k8s_objects == []
    assert snap.k8s_problems == ["k8s/big.yaml"]


HCL = """\
# comment
provider "aws" {
  region = "us-east-1" # trailing comment
}
/* a block
   comment */
resource "aws_s3_bucket" "b" {
  bucket = "${var.prefix}-models"
  count  = var.n > 1 ? 2 : 1
  tags   = { Name = "x", "team" = "ml" }
  list   = ["a", "b",
            "c"]
  neg    = -3
  policy = <<-EOT
    {"Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}
  EOT
  dynamic "rule" {
    for_each = var.rules
    content {
      id = rule.value
    }
  }
  lifecycle_rule {
    id = "a"
  }
  lifecycle_rule {
    id = "b"
  }
}
"""


def test_hcl_reader_values_and_lines():
    from mlaudit.repo.parsers.hcl import parse_hcl

    provider, bucket = parse_hcl(HCL)
    assert (provider.type, provider.labels, provider.line, provider.end_line) == (
        "provider",
        ("aws",),
        2,
        4,
    )
    assert (bucket.line, bucket.end_line) == (7, 29)
    body = bucket.body
    assert body["bucket"] == "${var.prefix}-models"
    assert body["count"] == "${var.n > 1 ? 2 : 1}"
    assert body["tags"] == {"Name": "x", "team": "ml"}
    assert body["list"] == ["a", "b", "c"] and body["neg"] == -3
    assert "aws:RequestedRegion" in body["policy"]
    assert body["dynamic"] == [
        {"rule": {"for_each": "${var.rules}", "content": [{"id": "${rule.value}"}]}}
    ]
    assert [r["id"] for r in body["lifecycle_rule"]] == ["a", "b"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an object's attributes on their own lines, without commas (the usual style)
        ('x = {\n  env = "prod"\n  team = "ml"\n}\n', {"env": "prod", "team": "ml"}),
        ('x = {\n  "a" = 1,\n  b = 2\n}\n', {"a": 1, "b": 2}),
        # nested: the newlines of the inner object separate its own attributes
        (
            "x = {\n  c = {\n    d = 1\n    e = 2\n  }\n  f = 3\n}\n",
            {"c": {"d": 1, "e": 2}, "f": 3},
        ),
        # a list's elements are separated by commas only: a newline is blank space
        ('x = [\n  "a",\n  "b"\n]\n', ["a", "b"]),
        ("x = [1,\n  2]\n", [1, 2]),
        ('x = {\n  l = ["p",\n       "q"]\n}\n', {"l": ["p", "q"]}),
    ],
)
def test_hcl_reader_splits_multi_line_maps(text, expected):
    from mlaudit.repo.parsers.hcl import parse_hcl

    (block,) = parse_hcl(f'resource "t" "n" {{\n{text}}}\n')
    assert block.body["x"] == expected


@pytest.mark.parametrize(
    "text",
    [
        'resource "x" "y" {\n  a = \n}\n',
        'resource "x" {\n  a = "unterminated\n}\n',
        "x = {\n",
        "}\n",
        "a = <<EOF\nno end\n",
        "/* never closed\n",
        'resource "x" {\n' * 100,
    ],
)
def test_hcl_reader_rejects_malformed_input(text):
    from mlaudit.repo.parsers.hcl import HclError, parse_hcl

    with pytest.raises(HclError):
        parse_hcl(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='resourc "{}[]=\n#/*$<EOF-ab1,.', max_size=200))
def test_hcl_reader_never_raises_anything_else(text):
    from mlaudit.repo.parsers.hcl import HclError, parse_hcl

    with contextlib.suppress(HclError):
        parse_hcl(text)


def test_oversized_data_yaml_is_not_a_manifest_problem(tmp_path):
    big = "rows:\n" + "- x\n" * (1_200_000)
    snap = snapshot(tmp_path, {"data/labels.yaml": big})
    assert snap.k8s_problems == []
    assert "data/labels.yaml" in snap.problems  # recorded, but not as a manifest


def test_yaml_application_tags_are_plain_values_never_code() -> None:
    """CloudFormation `!Ref`/`!GetAtt`/`!Sub` and GitLab `!reference` parse as the value they
    decorate (real repositories' templates used to be "unreadable"); `!!python/…` stays
    refused."""
    from mlaudit.repo.parsers.yaml_docs import parse_yaml

    parsed = parse_yaml("a: !Ref Bucket\nb: !GetAtt [Role, Arn]\nc: !Sub\n  k: v\n")
    assert parsed.error is None
    assert parsed.documents == [{"a": "Bucket", "b": ["Role", "Arn"], "c": {"k": "v"}}]
    assert parse_yaml("x: !!python/object/apply:os.system [id]\n").error is not None
