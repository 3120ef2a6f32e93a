#!/usr/bin/env bash
# Smoke test a deployed churn-api: ready, one prediction, metrics exposed.
set -euo pipefail
BASE="${1:?usage: smoke_test.sh BASE_URL}"
curl --fail --silent --max-time 5 "$BASE/ready"
curl --fail --silent --max-time 5 -H "X-API-Key: ${CHURN_SMOKE_KEY:-}" -H 'content-type: application/json' \
  -d '{"customers":[{"customer_id":"C000001","tenure_months":3,"contract":"month-to-month","internet_service":"fiber","monthly_charges":89.5,"total_charges":268.5,"support_calls":4}]}' \
  "$BASE/predict"
curl --fail --silent --max-time 5 "$BASE/metrics" | grep -q churn_inference_duration_seconds
