"""Cloud Run services declared in Terraform: scaling, container sizes and probes
(deshmukh-neel/amazon-review-sentiment-mlops infra/terraform/run.tf:13-60; reviewed)."""

from __future__ import annotations

import pytest
from helpers import run_probe, snapshot

from mlaudit.results import Outcome

P, F, H = Outcome.PASS, Outcome.FAIL, Outcome.PARTIAL

V2 = """resource "google_cloud_run_v2_service" "api" {{
  name     = "api"
  location = "europe-west1"
  template {{
{scaling}    containers {{
      image = "gcr.io/p/api:1"
{container}    }}
  }}
}}
"""
RESOURCES = '      resources {\n        limits = { cpu = "1", memory = "1Gi" }\n      }\n'
STARTUP = (
    '      startup_probe {\n        http_get {\n          path = "/health"\n        }\n      }\n'
)
LIVENESS = (
    '      liveness_probe {\n        http_get {\n          path = "/health"\n        }\n      }\n'
)


def service(scaling: str = "", container: str = "") -> dict[str, str]:
    return {"infra/run.tf": V2.format(scaling=scaling, container=container)}


@pytest.mark.parametrize(
    ("probe", "files", "expected"),
    [
        # Cloud Run scales on load by itself, up to its maximum ...
        ("autoscaler", service("    scaling {\n      max_instance_count = 2\n    }\n"), P),
        ("autoscaler", service(), P),
        # ... not when the maximum is the minimum (the false positive of every autoscaler)
        (
            "autoscaler",
            service(
                "    scaling {\n      min_instance_count = 2\n      max_instance_count = 2\n    }\n"
            ),
            F,
        ),
        ("resource_requests", service(container=RESOURCES), P),
        ("resource_requests", service(), F),
        ("health_probes", service(container=STARTUP + LIVENESS), P),
        ("health_probes", service(container=STARTUP), H),
        # the platform's default TCP startup check alone
        ("health_probes", service(), H),
        # a v1 service's scale in a map the HCL reader cannot split is not known (terraform
        # fmt writes one entry a line, without commas)
        (
            "autoscaler",
            {
                "infra/run.tf": 'resource "google_cloud_run_service" "api" {\n  template {\n'
                "    metadata {\n      annotations = {\n"
                '        "autoscaling.knative.dev/minScale" = "1"\n'
                '        "autoscaling.knative.dev/maxScale" = "1"\n      }\n    }\n  }\n}\n'
            },
            F,
        ),
        # the trap: a Cloud Run job runs to completion and serves nothing
        (
            "autoscaler",
            {"infra/job.tf": 'resource "google_cloud_run_v2_job" "train" {\n  name = "t"\n}\n'},
            F,
        ),
    ],
)
def test_cloud_run(tmp_path, probe, files, expected):
    obs = run_probe(snapshot(tmp_path, files), probe)
    assert obs.outcome == expected, obs.message
