"""Serverless functions that answer requests are serving code (probes._functions): the
handler a SAM template or a Serverless Framework config names for an HTTP event, or a Lambda
container image runs, with a positive case, a negative case and the trap (a scheduled or
event-record function serves nobody)."""

from __future__ import annotations

import pytest
from helpers import run_probe, run_rubric_check, snapshot

from mlaudit.probes._functions import http_function_handlers
from mlaudit.probes.code_roles import code_roles
from mlaudit.results import Outcome

HANDLER = (
    "import json, boto3\nrt = boto3.client('sagemaker-runtime')\n\n"
    "def predict(event, context):\n"
    "    out = rt.invoke_endpoint(EndpointName='e', Body=event['body'])\n"
    "    return {'statusCode': 200, 'body': json.dumps(out)}\n"
)
SERVERLESS = (
    "service: s\nprovider:\n  name: aws\n  runtime: python3.11\nfunctions:\n  predict:\n"
    "    handler: handler.predict\n    events:\n      - {event}\n"
)
SAM = (
    "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
    "Resources:\n  Predict:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      CodeUri: src/\n      Handler: app.predict\n      Runtime: python3.11\n"
    "      Events:\n        Call:\n          Type: {event}\n"
)


@pytest.mark.parametrize(
    ("files", "served"),
    [
        # you-dont-need-a-bigger-boat remote_flow/serverless/serverless.yml:17-24
        (
            {
                "api/serverless.yml": SERVERLESS.format(event="http: {path: predict, method: get}"),
                "api/handler.py": HANDLER,
            },
            ["api/handler.py"],
        ),
        (
            {"serverless.yml": SERVERLESS.format(event="httpApi: GET /p"), "handler.py": HANDLER},
            ["handler.py"],
        ),
        # SAM: the handler module inside CodeUri
        ({"template.yaml": SAM.format(event="Api"), "src/app.py": HANDLER}, ["src/app.py"]),
        # negative: the named file is not in the repository
        ({"template.yaml": SAM.format(event="HttpApi"), "app.py": HANDLER}, []),
        # traps: a scheduled or queue-triggered function answers no caller
        (
            {
                "serverless.yml": SERVERLESS.format(event="schedule: rate(1 hour)"),
                "handler.py": HANDLER,
            },
            [],
        ),
        ({"template.yaml": SAM.format(event="Schedule"), "src/app.py": HANDLER}, []),
    ],
)
def test_http_function_handlers_serve(tmp_path, files, served):
    snap = snapshot(tmp_path, files)
    assert [script for script, _where in http_function_handlers(snap)] == served
    assert sorted(code_roles(snap).serving) == served


LAMBDA_IMAGE = (
    "FROM {base}\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n{copy}\nCMD {cmd}\n"
)
RECORDS_HANDLER = (
    "import boto3\n\ndef handler(event, context):\n"
    "    for record in event['Records']:\n        print(record['s3']['object']['key'])\n"
)


@pytest.mark.parametrize(
    ("files", "served"),
    [
        # full-stack-deep-learning/fsdl-text-recognizer-2022 api_serverless/Dockerfile:3-15: the
        # handler copied under a new name, the build context the repository root
        (
            {
                "api_serverless/Dockerfile": LAMBDA_IMAGE.format(
                    base="public.ecr.aws/lambda/python:3.7",
                    copy="COPY api_serverless/app.py ./app.py",
                    cmd='["app.handler"]',
                ),
                "api_serverless/app.py": HANDLER.replace("predict", "handler"),
            },
            ["api_serverless/app.py"],
        ),
        # graviraja/MLOps-Basics week_9_monitoring/Dockerfile:17,31: the folder copied to the
        # task root, the build context the Dockerfile's folder
        (
            {
                "svc/Dockerfile": LAMBDA_IMAGE.format(
                    base="amazon/aws-lambda-python",
                    copy="COPY ./ ./",
                    cmd='[ "lambda_handler.lambda_handler"]',
                ),
                "svc/lambda_handler.py": HANDLER,
            },
            ["svc/lambda_handler.py"],
        ),
        (
            {
                "Dockerfile": LAMBDA_IMAGE.format(
                    base="public.ecr.aws/lambda/python:3.11",
                    copy="COPY src/ ${LAMBDA_TASK_ROOT}",
                    cmd="pkg.app.handler",
                ),
                "src/pkg/app.py": HANDLER,
            },
            ["src/pkg/app.py"],
        ),
        # negative: the module CMD names is not what COPY put there
        (
            {
                "Dockerfile": LAMBDA_IMAGE.format(
                    base="public.ecr.aws/lambda/python:3.11",
                    copy="COPY other.py ./other.py",
                    cmd='["app.handler"]',
                ),
                "app.py": HANDLER,
            },
            [],
        ),
        # traps: an image that is not a Lambda's, a handler of S3/SQS event records, and a
        # development container
        (
            {
                "Dockerfile": LAMBDA_IMAGE.format(
                    base="python:3.11-slim", copy="COPY app.py ./app.py", cmd='["app.handler"]'
                ),
                "app.py": HANDLER,
            },
            [],
        ),
        (
            {
                "Dockerfile": LAMBDA_IMAGE.format(
                    base="public.ecr.aws/lambda/python:3.11",
                    copy="COPY app.py ./app.py",
                    cmd='["app.handler"]',
                ),
                "app.py": RECORDS_HANDLER,
            },
            [],
        ),
        # the OS-only Lambda base with its own Python, the handler a module of the package
        # the image installs (CCRI-POPROX/poprox-recommender Dockerfile:22,47; reviewed)
        (
            {
                "Dockerfile": LAMBDA_IMAGE.format(
                    base="public.ecr.aws/lambda/provided:al2023",
                    copy="COPY src/ /src/",
                    cmd='["shop.api.main.handler"]',
                ),
                "src/shop/api/main.py": HANDLER.replace("predict(", "handler("),
            },
            ["src/shop/api/main.py"],
        ),
        (
            {
                ".devcontainer/Dockerfile": LAMBDA_IMAGE.format(
                    base="public.ecr.aws/lambda/python:3.11",
                    copy="COPY app.py ./app.py",
                    cmd='["app.handler"]',
                ),
                "app.py": HANDLER,
            },
            [],
        ),
    ],
)
def test_lambda_image_handlers_serve(tmp_path, files, served):
    snap = snapshot(tmp_path, files)
    assert [script for script, _where in http_function_handlers(snap)] == served
    assert sorted(code_roles(snap).serving) == served


def test_an_http_function_is_judged_like_any_service(tmp_path):
    files = {
        "serverless.yml": SERVERLESS.format(event="http: {path: p, method: get}"),
        "handler.py": HANDLER,
    }
    assert run_rubric_check(snapshot(tmp_path, files), "api-auth").outcome == Outcome.FAIL
    files["serverless.yml"] = SERVERLESS.format(event="schedule: rate(1 hour)")
    assert (
        run_rubric_check(snapshot(tmp_path / "cron", files), "api-auth").outcome
        == Outcome.NOT_APPLICABLE
    )


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # positive: an authorizer on the Serverless http event, an API key on the SAM event
        (
            {
                "serverless.yml": SERVERLESS.format(
                    event="http: {path: p, method: get, authorizer: aws_iam}"
                ),
                "handler.py": HANDLER,
            },
            Outcome.PASS,
        ),
        (
            {
                "serverless.yml": SERVERLESS.format(
                    event="http: {path: p, method: get, private: true}"
                ),
                "handler.py": HANDLER,
            },
            Outcome.PASS,
        ),
        (
            {
                "template.yaml": SAM.format(event="Api")
                + "          Properties:\n            Path: /p\n            Method: post\n"
                "            Auth:\n              ApiKeyRequired: true\n",
                "src/app.py": HANDLER,
            },
            Outcome.PASS,
        ),
        # trap: an explicit `Authorizer: NONE` opens the route
        (
            {
                "template.yaml": SAM.format(event="Api")
                + "          Properties:\n            Path: /p\n            Method: post\n"
                "            Auth:\n              Authorizer: NONE\n",
                "src/app.py": HANDLER,
            },
            Outcome.FAIL,
        ),
    ],
)
def test_http_function_authentication(tmp_path, files, expected):
    assert run_rubric_check(snapshot(tmp_path, files), "api-auth").outcome == expected


# a function that runs the model itself (graviraja/MLOps-Basics week_9_monitoring/
# lambda_handler.py, ONNX inference in the function)
MODEL_HANDLER = (
    "import json\nimport onnxruntime as ort\nsession = ort.InferenceSession('model.onnx')\n\n"
    "def lambda_handler(event, context):\n    out = session.run(None, event['inputs'])\n"
    "    return {'statusCode': 200, 'body': json.dumps(out)}\n"
)
LAMBDA_SERVICE = {
    "svc/Dockerfile": LAMBDA_IMAGE.format(
        base="amazon/aws-lambda-python",
        copy="COPY ./ ./",
        cmd='[ "lambda_handler.lambda_handler"]',
    ),
    "svc/lambda_handler.py": MODEL_HANDLER,
}


@pytest.mark.parametrize("probe", ["health_probes", "zone_spread", "autoscaler", "replicas"])
@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # the platform health-checks, spreads and scales a request-serving function
        # (graviraja/MLOps-Basics week_9_monitoring/Dockerfile:31, deployed by CI with
        # `aws lambda update-function-code`)
        (LAMBDA_SERVICE, Outcome.PASS),
        # a plain image of the same handler is no function: nothing is managed
        (
            {
                "svc/Dockerfile": LAMBDA_IMAGE.format(
                    base="python:3.11-slim", copy="COPY ./ ./", cmd='["python", "app.py"]'
                ),
                "svc/lambda_handler.py": HANDLER,
            },
            Outcome.FAIL,
        ),
        # the trap: a function of S3 event records serves no request
        (
            {
                "Dockerfile": LAMBDA_IMAGE.format(
                    base="public.ecr.aws/lambda/python:3.11",
                    copy="COPY app.py ./app.py",
                    cmd='["app.handler"]',
                ),
                "app.py": RECORDS_HANDLER,
            },
            Outcome.FAIL,
        ),
    ],
)
def test_function_platform_availability(tmp_path, probe, files, expected):
    observation = run_probe(snapshot(tmp_path, files), probe)
    assert observation.outcome == expected, observation
    if expected == Outcome.PASS:
        assert observation.evidence[0].path == "svc/Dockerfile"


@pytest.mark.parametrize("probe", ["zone_spread", "autoscaler", "replicas"])
def test_a_function_forwarding_to_a_model_endpoint_scales_nothing_of_the_model(tmp_path, probe):
    # the endpoint behind it serves the model, with its own instances (jacopotagliabue/you-
    # dont-need-a-bigger-boat local_flow/intent/serverless/handler.py; reviewed)
    files = {**LAMBDA_SERVICE, "svc/lambda_handler.py": HANDLER}
    assert run_probe(snapshot(tmp_path, files), probe).outcome == Outcome.FAIL
