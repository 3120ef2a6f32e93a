"""Terraform probes: a generic resource/attribute probe and the geographic-availability
signals (regions, replication, residency). HCL is parsed once by the Snapshot
(`snap.terraform_blocks`, a bounded HCL block reader); files the parser rejects make the affected checks
`unknown` with the file named, never a crash.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, field_validator

from mlaudit.probes import base
from mlaudit.probes.base import ev
from mlaudit.probes.generic import _check_regex, value_matches
from mlaudit.probes.kubernetes import NoParams, tf_blocks, tf_ev, tf_problems, tf_values
from mlaudit.probes.registry import Params, probe
from mlaudit.repo.parsers.terraform import TerraformBlock
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Evidence, Observation


class TerraformResourceParams(Params):
    types: list[str] = Field(min_length=1, description="resource types (fnmatch), e.g. aws_s3_*")
    attr: str | None = Field(
        default=None, description="dotted attribute path inside the block (nested blocks searched)"
    )
    value: str | None = Field(default=None, description="regex the attribute value must match")
    min: float | None = None
    found: str = Field(default="pass", pattern="^(pass|partial)$")

    _v = field_validator("value")(_check_regex)


def _scalar(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


@probe("terraform_resource", TerraformResourceParams)
def terraform_resource(snap: Snapshot, p: TerraformResourceParams) -> Observation:
    """A Terraform resource (or data source) of the given types exists, optionally with an
    attribute value.

    Looks for: `resource "<type>" "<name>"` blocks in `*.tf` / `*.tf.json` parsed with an
    HCL2 parser (comments never count), e.g. `aws_cloudwatch_metric_alarm`, or
    `aws_s3_bucket_versioning` with `versioning_configuration.status` = Enabled.
    Why: infrastructure as code is declared intent that can be reviewed and reproduced.
    Fix: declare the resource the check names in the project's Terraform.
    """
    value_re = re.compile(p.value) if p.value else None
    found: list[Evidence] = []
    computed: list[Evidence] = []
    for block in tf_blocks(snap, *p.types):
        if p.attr is None:
            found.append(tf_ev(snap, block))
            continue
        key = p.attr.rsplit(".", 1)[-1]
        for value in tf_values(snap, block, p.attr):
            if not value_matches(value, value_re, p.min, _scalar):
                if isinstance(value, str) and value.startswith("${"):
                    # `status = var.enable_versioning ? "Enabled" : "Suspended"`, decided
                    # by a variable file that is not committed (hzabun/player-churn-mlops
                    # terraform/modules/s3/main.tf:7-11; reviewed)
                    computed.append(tf_ev(snap, block, key, f"{p.attr} = {value}"))
                continue
            shown = _scalar(value) if not isinstance(value, (dict, list)) else "…"
            found.append(tf_ev(snap, block, key, f"{p.attr} = {shown}"))
    what = f"Terraform {', '.join(p.types)}" + (f" with {p.attr}" if p.attr else "")
    if found:
        if p.found == "partial":
            return base.partial(what, found)
        return base.passed(what, found)
    if computed:
        return base.unknown(
            f"{what}: the value is an expression the repository does not decide", computed
        )
    problems = tf_problems(snap)
    if problems:
        return base.unknown(
            f"no {what}, but {len(problems)} Terraform file(s) were rejected", problems
        )
    return base.failed(f"no {what}")


# GEO: regions ---------------------------------------------------------------------------------
_REGION_KEYS = ("region", "location")
_BACKUP_ALIAS = re.compile(r"backup|dr\b|disaster|replica|secondary|failover|archive", re.I)
_BACKUP_TYPES = re.compile(r"backup|replication|replica|_s3_bucket|kms|snapshot|vault", re.I)
_LITERAL = re.compile(r"^[A-Za-z][A-Za-z0-9-]*\d?$")


def _provider_regions(snap: Snapshot) -> list[tuple[TerraformBlock, str, str, str | None]]:
    """(block, provider name, region literal, alias) for providers with a literal region."""
    out = []
    for block in snap.terraform_blocks:
        if block.type != "provider" or base.is_excluded(block.path):
            continue
        for key in _REGION_KEYS:
            values = block.get(key)
            if values and isinstance(values[0], str) and not values[0].startswith("${"):
                alias = block.get("alias")
                out.append((block, block.name or "?", values[0], str(alias[0]) if alias else None))
                break
    return out


def _alias_users(snap: Snapshot, provider: str, alias: str) -> list[TerraformBlock]:
    ref = f"{provider}.{alias}"
    return [
        b
        for b in snap.terraform_blocks
        if b.type in ("resource", "module", "data")
        and any(ref in str(v) for v in b.get("provider") + b.get("providers"))
    ]


@probe("multi_region_iac", NoParams)
def multi_region_iac(snap: Snapshot, p: NoParams) -> Observation:
    """Infrastructure is declared in at least two regions.

    Looks for: two or more Terraform `provider` blocks of one cloud with distinct literal
    `region`/`location`, or a `for_each`/`count` over a list of regions. Known false
    positive: a second region used only for backups or replication (alias `backup`/`dr`,
    or only backup/replication resources use it) counts as supporting evidence, i.e.
    partial.
    Why: a single-region deployment goes down with its region.
    Fix: declare the serving stack in a second region (provider alias + module instance).
    """
    regions = _provider_regions(snap)
    by_cloud: dict[str, dict[str, tuple[TerraformBlock, str | None]]] = {}
    for block, cloud, region, alias in regions:
        by_cloud.setdefault(cloud, {}).setdefault(region, (block, alias))
    full: list[Evidence] = []
    backup: list[Evidence] = []
    for cloud, seen in sorted(by_cloud.items()):
        if len(seen) < 2:
            continue
        serving_regions = 0
        evidence = []
        for region, (block, alias) in sorted(seen.items()):
            evidence.append(tf_ev(snap, block, "region", f'provider "{cloud}" region {region}'))
            users = _alias_users(snap, cloud, alias) if alias else []
            backup_only = alias is not None and (
                _BACKUP_ALIAS.search(alias)
                or (users and all(_BACKUP_TYPES.search(u.resource_type or u.type) for u in users))
            )
            if not backup_only:
                serving_regions += 1
        (full if serving_regions >= 2 else backup).extend(evidence)
    for block in snap.terraform_blocks:
        if base.is_excluded(block.path) or block.type not in ("module", "resource"):
            continue
        for key in ("for_each", "count"):
            for value in block.get(key):
                if re.search(r"region", str(value), re.I):
                    full.append(tf_ev(snap, block, key, f"{key} = {value}"))
    if full:
        return base.passed("infrastructure declared in two or more regions", full)
    if backup:
        return base.partial("a second region is used for backups/replication only", backup)
    problems = tf_problems(snap)
    if problems:
        return base.unknown("Terraform files could not be parsed", problems)
    if regions:
        return base.failed(
            "a single region is declared",
            [tf_ev(snap, b, "region", f"region {r}") for b, _c, r, _a in regions],
        )
    return base.failed("no multi-region infrastructure as code")


_MULTI_REGION_GCS = re.compile(
    r"^(US|EU|ASIA|NAM4|EUR4|EUR5|EUR7|EUR8|ASIA1|US-EAST-?\d*|.*\+.*)$", re.I
)
_GRS = re.compile(r"^(GRS|RAGRS|GZRS|RAGZRS)$", re.I)


@probe("replicated_storage", NoParams)
def replicated_storage(snap: Snapshot, p: NoParams) -> Observation:
    """Data and model storage is replicated to another region.

    Looks for: `aws_s3_bucket_replication_configuration` (or an inline
    `replication_configuration`), a GCS bucket with a multi- or dual-region `location`
    (or `custom_placement_config`), DynamoDB `replica { region_name }` or global tables,
    Azure storage `account_replication_type` GRS/RA-GRS/GZRS, Aurora global clusters.
    Why: a regional outage must not take the training data or the served model with it.
    Fix: enable cross-region replication on the data and model buckets.
    """
    found: list[Evidence] = []
    for block in tf_blocks(
        snap,
        "aws_s3_bucket_replication_configuration",
        "aws_dynamodb_global_table",
        "aws_rds_global_cluster",
    ):
        found.append(tf_ev(snap, block))
    for block in tf_blocks(snap, "aws_s3_bucket"):
        if block.get("replication_configuration"):
            found.append(
                tf_ev(snap, block, "replication_configuration", "replication_configuration")
            )
    for block in tf_blocks(snap, "google_storage_bucket"):
        loc = block.get("location")
        if block.get("custom_placement_config"):
            found.append(tf_ev(snap, block, "custom_placement_config", "dual-region placement"))
        elif loc and isinstance(loc[0], str) and _MULTI_REGION_GCS.match(loc[0]):
            found.append(tf_ev(snap, block, "location", f"location = {loc[0]}"))
    for block in tf_blocks(snap, "aws_dynamodb_table"):
        if block.get("replica.region_name"):
            found.append(tf_ev(snap, block, "replica", "replica { region_name }"))
    for block in tf_blocks(snap, "azurerm_storage_account"):
        kind = block.get("account_replication_type")
        if kind and isinstance(kind[0], str) and _GRS.match(kind[0]):
            found.append(tf_ev(snap, block, "account_replication_type", f"replication {kind[0]}"))
    if found:
        return base.passed("cross-region replicated storage", found)
    problems = tf_problems(snap)
    if problems:
        return base.unknown("Terraform files could not be parsed", problems)
    return base.failed("no cross-region replicated storage")


@probe("data_residency", NoParams)
def data_residency(snap: Snapshot, p: NoParams) -> Observation:
    """Where data may live is restricted on purpose.

    Looks for: a literal `location` on data stores (GCS buckets, BigQuery datasets, Azure
    storage accounts), or `aws:RequestedRegion` conditions in IAM / SCP policies (Terraform
    or JSON policy files).
    Why: personal data often must stay in a jurisdiction; an explicit location makes it
    reviewable.
    Fix: pin the data buckets' location, or restrict regions with an `aws:RequestedRegion`
    policy condition.
    """
    found: list[Evidence] = []
    for block in tf_blocks(
        snap, "google_storage_bucket", "google_bigquery_dataset", "azurerm_storage_account"
    ):
        loc = block.get("location")
        if loc and isinstance(loc[0], str) and _LITERAL.match(loc[0]):
            found.append(tf_ev(snap, block, "location", f"location = {loc[0]}"))
    paths = [
        path for path in snap.glob("*.tf", "*.tf.json", "*.json") if not base.is_excluded(path)
    ]
    regex = re.compile(r"aws:RequestedRegion")
    found += [
        ev(path, line, text)
        for path, line, text in snap.grep(paths, regex)
        if not text.lstrip().startswith(("#", "//"))
    ]
    if found:
        return base.passed("data location restricted", found)
    problems = tf_problems(snap)
    if problems:
        return base.unknown("Terraform files could not be parsed", problems)
    return base.failed("no data-residency restriction")
