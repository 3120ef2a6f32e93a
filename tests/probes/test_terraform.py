"""Terraform probes (GEO and the generic `terraform_resource`): positive, negative and the
catalogue's known false positive (a backup-only second region is partial)."""

from __future__ import annotations

import pytest
from helpers import run_probe, snapshot

from mlaudit.results import Outcome

PASS, PARTIAL, FAIL, UNKNOWN = Outcome.PASS, Outcome.PARTIAL, Outcome.FAIL, Outcome.UNKNOWN

TWO_REGIONS = """\
provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "eu"
  region = "eu-west-1"
}

module "serving_eu" {
  source    = "./serving"
  providers = { aws = aws.eu }
}
"""
BACKUP_REGION = """\
provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "backup"
  region = "us-west-2"
}

resource "aws_s3_bucket" "backup" {
  provider = aws.backup
  bucket   = "models-backup"
}
"""
FOR_EACH = """\
module "serving" {
  source   = "./serving"
  for_each = toset(var.regions)
  region   = each.key
}
"""


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"infra/main.tf": TWO_REGIONS}, PASS),
        ({"infra/main.tf": FOR_EACH}, PASS),
        ({"infra/main.tf": 'provider "aws" {\n  region = "us-east-1"\n}\n'}, FAIL),
        ({"app.py": "x = 1\n"}, FAIL),
        # known false positive: a second region only for backups counts as supporting
        ({"infra/main.tf": BACKUP_REGION}, PARTIAL),
        ({"infra/main.tf": 'provider "aws" {\n  region = \n}\n'}, UNKNOWN),  # HCL rejected
        ({"examples/infra/main.tf": TWO_REGIONS}, FAIL),  # rule ex
    ],
)
def test_multi_region_iac(tmp_path, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "multi_region_iac")
    assert obs.outcome == expected, obs.message


def test_rejected_hcl_names_the_file(tmp_path):
    snap = snapshot(tmp_path, {"infra/bad.tf": 'resource "x" "y" {\n  a = \n}\n'})
    obs = run_probe(snap, "multi_region_iac")
    assert obs.outcome == UNKNOWN and obs.evidence[0].path == "infra/bad.tf"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "s3.tf": 'resource "aws_s3_bucket_replication_configuration" "r" {\n  role = "x"\n}\n'
            },
            PASS,
        ),
        ({"gcs.tf": 'resource "google_storage_bucket" "d" {\n  location = "EU"\n}\n'}, PASS),
        (
            {"gcs.tf": 'resource "google_storage_bucket" "d" {\n  location = "europe-west1"\n}\n'},
            FAIL,
        ),
        (
            {
                "ddb.tf": 'resource "aws_dynamodb_table" "f" {\n  name = "f"\n'
                '  replica {\n    region_name = "eu-west-1"\n  }\n}\n'
            },
            PASS,
        ),
        (
            {
                "az.tf": 'resource "azurerm_storage_account" "s" {\n  account_replication_type = "LRS"\n}\n'
            },
            FAIL,
        ),
        (
            {
                "az.tf": 'resource "azurerm_storage_account" "s" {\n  account_replication_type = "GRS"\n}\n'
            },
            PASS,
        ),
    ],
)
def test_replicated_storage(tmp_path, files, expected):
    assert run_probe(snapshot(tmp_path, files), "replicated_storage").outcome == expected


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"gcs.tf": 'resource "google_storage_bucket" "d" {\n  location = "europe-west3"\n}\n'},
            PASS,
        ),
        (
            {"gcs.tf": 'resource "google_storage_bucket" "d" {\n  location = var.location\n}\n'},
            FAIL,
        ),
        (
            {
                "scp.json": '{"Statement": [{"Effect": "Deny", "Condition": '
                '{"StringNotEquals": {"aws:RequestedRegion": ["eu-central-1"]}}}]}'
            },
            PASS,
        ),
        (
            {
                "main.tf": '# aws:RequestedRegion would be nice\nprovider "aws" {\n  region = "x"\n}\n'
            },
            FAIL,
        ),
    ],
)
def test_data_residency(tmp_path, files, expected):
    assert run_probe(snapshot(tmp_path, files), "data_residency").outcome == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {
                "types": ["aws_s3_bucket_versioning"],
                "attr": "versioning_configuration.status",
                "value": "^Enabled$",
            },
            PASS,
        ),
        (
            {
                "types": ["aws_s3_bucket_versioning"],
                "attr": "versioning_configuration.status",
                "value": "^Suspended$",
            },
            FAIL,
        ),
        ({"types": ["aws_s3_*"]}, PASS),
        ({"types": ["aws_s3_*"], "found": "partial"}, PARTIAL),
        ({"types": ["aws_route53_record"], "attr": "latency_routing_policy"}, PASS),
        ({"types": ["aws_route53_record"], "attr": "failover_routing_policy"}, FAIL),
        ({"types": ["aws_ecs_service"], "attr": "desired_count", "min": 2}, FAIL),
    ],
)
def test_terraform_resource(tmp_path, params, expected):
    snap = snapshot(
        tmp_path,
        {
            "infra/s3.tf": 'resource "aws_s3_bucket_versioning" "m" {\n  bucket = "m"\n'
            '  versioning_configuration {\n    status = "Enabled"\n  }\n}\n',
            "infra/dns.tf": 'resource "aws_route53_record" "api" {\n  name = "api"\n'
            '  latency_routing_policy {\n    region = "eu-west-1"\n  }\n}\n',
            "infra/ecs.tf": 'resource "aws_ecs_service" "api" {\n  desired_count = 1\n}\n',
        },
    )
    obs = run_probe(snap, "terraform_resource", **params)
    assert obs.outcome == expected, obs.message
    if expected == PASS and "attr" in params:
        assert obs.evidence[0].line and obs.evidence[0].line > 1
