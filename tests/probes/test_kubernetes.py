"""Kubernetes/Helm/compose probes (HAV, SCL): positive, negative and the catalogue's known
false positives (dev overlays, a port named `probe`, `resources: {}`, max == min)."""

from __future__ import annotations

import pytest
from helpers import run_probe, snapshot

from mlaudit.results import Outcome

PASS, PARTIAL, FAIL, UNKNOWN = Outcome.PASS, Outcome.PARTIAL, Outcome.FAIL, Outcome.UNKNOWN


SPARK_APP = (
    "apiVersion: sparkoperator.k8s.io/v1beta2\nkind: SparkApplication\nmetadata:\n"
    "  name: forecast\nspec:\n  type: Python\n  mainApplicationFile: local:///app/forecast.py\n"
    '  driver:\n    cores: 1\n    memory: "1G"\n  executor:\n    instances: 2\n'
)


def deployment(
    *,
    name: str = "api",
    replicas: int | None = 1,
    container: str = "",
    pod: str = "",
    strategy: str = "",
) -> str:
    reps = f"  replicas: {replicas}\n" if replicas is not None else ""
    return (
        "apiVersion: apps/v1\nkind: Deployment\n"
        f"metadata:\n  name: {name}\n"
        f"spec:\n{reps}{strategy}"
        f"  selector:\n    matchLabels:\n      app: {name}\n"
        f"  template:\n    metadata:\n      labels:\n        app: {name}\n"
        f"    spec:\n{pod}      containers:\n      - name: {name}\n        image: x:1\n{container}"
    )


PROBES = (
    "        readinessProbe:\n          httpGet: {path: /ready, port: 8000}\n"
    "        livenessProbe:\n          httpGet: {path: /health, port: 8000}\n"
)
PROBE_PORT = "        ports:\n        - name: probe\n          containerPort: 8081\n"
REQUESTS = "        resources:\n          requests: {cpu: 500m, memory: 1Gi}\n"
EMPTY_RESOURCES = "        resources: {}\n"


def hpa(lo: int, hi: int) -> str:
    return (
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\n"
        "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n"
        f"  minReplicas: {lo}\n  maxReplicas: {hi}\n"
    )


def pdb_yaml(app: str) -> str:
    return (
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\n"
        f"spec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: {app}\n"
    )


CHART = {
    "charts/api/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\n",
    "charts/api/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nspec:\n"
    "  replicas: {{ .Values.replicaCount }}\n  template:\n    spec:\n      containers:\n"
    "      - name: api\n        resources: {{- toYaml .Values.resources | nindent 12 }}\n",
}


def cfn_variant(count: object) -> str:
    return (
        "Resources:\n  EndpointConfig:\n    Type: AWS::SageMaker::EndpointConfig\n"
        "    Properties:\n      ProductionVariants:\n"
        f"        - InitialInstanceCount: {count}\n          InstanceType: ml.m5.large\n"
    )


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({".kube/deployment.yaml": deployment(replicas=3)}, PASS),
        ({"k8s/deployment.yaml": deployment(replicas=1)}, FAIL),
        ({"k8s/deployment.yaml": deployment(replicas=None)}, FAIL),  # default 1
        # known false positive: replicas only in a dev overlay
        (
            {
                "k8s/base/deployment.yaml": deployment(replicas=1),
                "k8s/overlays/dev/deployment.yaml": deployment(replicas=3),
            },
            FAIL,
        ),
        # prod overlay patch counts
        (
            {
                "k8s/base/deployment.yaml": deployment(replicas=1),
                "k8s/overlays/prod/kustomization.yaml": "resources: [../../base]\n"
                "replicas:\n- name: api\n  count: 3\n",
            },
            PASS,
        ),
        ({"k8s/deployment.yaml": deployment(replicas=None), "k8s/hpa.yaml": hpa(2, 6)}, PASS),
        ({**CHART, "charts/api/values.yaml": "replicaCount: 2\n"}, PASS),
        ({**CHART, "charts/api/values.yaml": "api:\n  replicaCount: 3\n"}, PASS),  # umbrella
        ({**CHART, "charts/api/values.yaml": "replicaCount: 1\n"}, FAIL),
        # an enabled autoscaler beside it scales the workload down to its minimum
        # (arec1b0/ml-cicd-pipeline infra/helm/ml-model-chart/values.yaml; reviewed) ...
        (
            {
                **CHART,
                "charts/api/values.yaml": "replicaCount: 2\nhpa:\n  enabled: true\n  minReplicas: 1\n",
            },
            FAIL,
        ),
        # ... not a disabled one (the scaffold's `autoscaling: {enabled: false, minReplicas: 1}`)
        (
            {
                **CHART,
                "charts/api/values.yaml": "replicaCount: 2\nautoscaling:\n  enabled: false\n"
                "  minReplicas: 1\n",
            },
            PASS,
        ),
        # a value no template reads configures nothing: the template writes `replicas: 1`
        # (AlexIoannides/kubernetes-ml-ops helm-ml-score-app/values.yaml:7)
        (
            {
                "chart/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
                "chart/values.yaml": "app:\n  name: score\nreplicas: 2\n",
                "chart/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\n"
                "metadata:\n  name: {{ .Values.app.name }}\nspec:\n  replicas: 1\n",
            },
            FAIL,
        ),
        (
            {
                "chart/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
                "chart/values.yaml": "app:\n  name: score\nreplicas: 2\n",
                "chart/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\n"
                "metadata:\n  name: {{ .Values.app.name }}\nspec:\n"
                "  replicas: {{ .Values.replicas }}\n",
            },
            PASS,
        ),
        (
            {
                **CHART,
                "charts/api/values.yaml": "replicaCount: 1\n",
                "charts/api/values-dev.yaml": "replicaCount: 3\n",
            },
            FAIL,
        ),
        (
            {
                "infra/ecs.tf": 'resource "aws_ecs_service" "api" {\n  name = "api"\n'
                "  desired_count = 3\n}\n"
            },
            PASS,
        ),
        (
            {
                "docker-compose.yml": "services:\n  api:\n    image: x\n    deploy:\n      replicas: 3\n"
            },
            PARTIAL,
        ),
        ({"k8s/broken.yaml": "apiVersion: apps/v1\nkind: Deployment\nspec: [\n"}, UNKNOWN),
        # the autoscaler targeting the Deployment owns its count: it scales down to its
        # minimum (bojankostovski/sentiment-mlops deployment/kubernetes/hpa.yaml:10; reviewed)
        ({"k8s/d.yaml": deployment(replicas=2), "k8s/hpa.yaml": hpa(1, 5)}, FAIL),
        ({"k8s/d.yaml": deployment(replicas=1), "k8s/hpa.yaml": hpa(2, 5)}, PASS),
        # ... where it is applied with it: an overlay of another base has no autoscaler
        # (sayakpaul/ml-deployment-k8s-fastapi .kube/experiment_1/*/ over base_1)
        ({"k8s/overlay/d.yaml": deployment(replicas=8), "k8s/hpa.yaml": hpa(1, 9)}, PASS),
        # ... sibling folders applied together are (`kubectl apply -R -f k8s/`)
        (
            {"k8s/deployment/d.yaml": deployment(replicas=2), "k8s/autoscaling/h.yaml": hpa(1, 5)},
            FAIL,
        ),
        ({"examples/k8s/deployment.yaml": deployment(replicas=3)}, FAIL),  # rule ex
        # aws-samples/amazon-sagemaker-safe-deployment-pipeline assets/deploy-model-prd.yml:94
        ({"assets/deploy-model-prd.yml": cfn_variant(2)}, PASS),
        ({"assets/deploy-model-prd.yml": cfn_variant(1)}, FAIL),
        # two instances only in the development stack (deploy-model-dev.yml)
        ({"assets/deploy-model-dev.yml": cfn_variant(2)}, FAIL),
        # a parameter reference is not a count
        ({"assets/deploy.yml": cfn_variant("!Ref InstanceCount")}, FAIL),
    ],
)
def test_replicas(tmp_path, files, expected):
    assert run_probe(snapshot(tmp_path, files), "replicas").outcome == expected


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"k8s/deployment.yaml": deployment(container=PROBES)}, PASS),
        ({"k8s/deployment.yaml": deployment()}, FAIL),
        # known false positive: a container port *named* probe is not a probe
        ({"k8s/deployment.yaml": deployment(container=PROBE_PORT)}, FAIL),
        (
            {
                "k8s/deployment.yaml": deployment(
                    container="        readinessProbe:\n          tcpSocket: {port: 8000}\n"
                )
            },
            PARTIAL,
        ),
        # one of two workloads has probes
        (
            {
                "k8s/api.yaml": deployment(container=PROBES),
                "k8s/worker.yaml": deployment(name="worker"),
            },
            PARTIAL,
        ),
        (
            {"Dockerfile": "FROM python:3.11\nHEALTHCHECK CMD curl -f http://localhost/health\n"},
            PASS,
        ),
        ({"Dockerfile": "FROM python:3.11\nHEALTHCHECK NONE\n"}, FAIL),
        # Kubernetes ignores Docker HEALTHCHECK: with workloads, their probes decide
        (
            {
                "Dockerfile": "FROM python:3.11\nHEALTHCHECK CMD curl -f http://localhost/\n",
                "k8s/deployment.yaml": deployment(),
            },
            FAIL,
        ),
        (
            {
                **CHART,
                "charts/api/templates/deployment.yaml": CHART[
                    "charts/api/templates/deployment.yaml"
                ]
                + "        readinessProbe:\n          httpGet: {path: /}\n"
                "        livenessProbe:\n          httpGet: {path: /}\n",
            },
            PASS,
        ),
        # SageMaker pings the endpoint's containers itself
        # (aws-samples/amazon-sagemaker-safe-deployment-pipeline assets/deploy-model-prd.yml:115)
        (
            {
                "assets/prd.yml": "Resources:\n  Endpoint:\n    Type: AWS::SageMaker::Endpoint\n"
                "    Properties: {EndpointConfigName: c}\n"
            },
            PASS,
        ),
        # an endpoint configuration alone deploys nothing
        (
            {
                "assets/prd.yml": "Resources:\n  Config:\n    Type: AWS::SageMaker::EndpointConfig\n"
                "    Properties: {ProductionVariants: []}\n"
            },
            FAIL,
        ),
        # ... and so it does for an endpoint created from code: boto3 (aws-samples/
        # mlops-amazon-sagemaker MLOps-BIA-DeployModel.py:151) or the SDK's deploy
        (
            {
                "deploy.py": "import boto3\nsm = boto3.client('sagemaker')\n"
                "sm.create_endpoint(EndpointName=n, EndpointConfigName=c)\n"
            },
            PASS,
        ),
        (
            {
                "deploy.py": "from sagemaker.model import Model\nm = Model(image_uri=i)\n"
                "m.deploy(initial_instance_count=1, instance_type='ml.m5.large')\n"
            },
            PASS,
        ),
        # ... with the instance type a parameter (jacopotagliabue/post-modern-stack
        # src/my_dbt_flow.py:483)
        (
            {
                "flow.py": "from sagemaker.tensorflow import TensorFlowModel\n"
                "m = TensorFlowModel(model_data=u)\n"
                "m.deploy(initial_instance_count=1, instance_type=self.INSTANCE)\n"
            },
            PASS,
        ),
        # Databricks Model Serving (marvelousmlops/marvel-characters serving/model_serving.py:56)
        (
            {
                "serving.py": "from databricks.sdk import WorkspaceClient\n"
                "w = WorkspaceClient()\nw.serving_endpoints.create(name=n, config=c)\n"
            },
            PASS,
        ),
        # Vertex AI health-checks a deployed model's containers too: the SDK's deploy
        # (GoogleCloudPlatform/mlops-with-vertex-ai build/utils.py:112), a pipeline's
        # ModelDeployOp, a Terraform endpoint
        (
            {
                "build/utils.py": "from google.cloud import aiplatform as vertex_ai\n"
                "endpoint = vertex_ai.Endpoint(e)\n"
                "endpoint.deploy(model=model, **spec)\n"
            },
            PASS,
        ),
        (
            {
                "pipeline.py": "from google_cloud_pipeline_components.v1.endpoint import "
                "ModelDeployOp\nModelDeployOp(endpoint=e, model=m)\n"
            },
            PASS,
        ),
        ({"infra/main.tf": 'resource "google_vertex_ai_endpoint" "ep" {\n  name = "x"\n}\n'}, PASS),
        # the trap: a deploy without Vertex's arguments in a Vertex file (a pipeline's
        # own deploy helper), Vertex's arguments in a file without the SDK
        (
            {
                "run.py": "from google.cloud import aiplatform\naiplatform.init(project=p)\n"
                "helpers.deploy()\n",
                "ship.py": "import fabric\nfabric.deploy(model=m)\n",
            },
            FAIL,
        ),
        # the trap: another service's create_endpoint, a deploy that is no SageMaker's
        (
            {
                "index.py": "import boto3\nc = boto3.client('opensearchserverless')\n"
                "c.create_endpoint(name='x')\n",
                "ship.py": "import fabric\nfabric.deploy(instance_type='ml.m5.large')\n",
            },
            FAIL,
        ),
    ],
)
def test_health_probes(tmp_path, files, expected):
    assert run_probe(snapshot(tmp_path, files), "health_probes").outcome == expected


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"k8s/deployment.yaml": deployment(), "k8s/pdb.yaml": pdb_yaml("api")}, PASS),
        ({"k8s/deployment.yaml": deployment()}, FAIL),
        # known false positive: a PDB whose selector matches no workload of the app
        ({"k8s/deployment.yaml": deployment(), "k8s/pdb.yaml": pdb_yaml("other")}, FAIL),
        (
            {
                **CHART,
                "charts/api/templates/pdb.yaml": "apiVersion: policy/v1\nkind: PodDisruptionBudget\n",
            },
            PASS,
        ),
        # no pods to protect: a SageMaker endpoint, nothing on Kubernetes (aws-samples/amazon-
        # sagemaker-safe-deployment-pipeline assets/deploy-model-prd.yml) ...
        (
            {
                "assets/prd.yml": "Resources:\n  Endpoint:\n    Type: AWS::SageMaker::Endpoint\n"
                "    Properties:\n      EndpointConfigName: c\n"
            },
            Outcome.NOT_APPLICABLE,
        ),
        # ... but a workload on Kubernetes beside it still needs its budget
        (
            {
                "assets/prd.yml": "Resources:\n  Endpoint:\n    Type: AWS::SageMaker::Endpoint\n"
                "    Properties:\n      EndpointConfigName: c\n",
                "k8s/deployment.yaml": deployment(),
            },
            FAIL,
        ),
    ],
)
def test_pdb(tmp_path, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "pdb")
    assert obs.outcome == expected, obs.message


ZONE = (
    "      topologySpreadConstraints:\n      - maxSkew: 1\n"
    "        topologyKey: topology.kubernetes.io/zone\n        whenUnsatisfiable: ScheduleAnyway\n"
)
HOST = (
    "      topologySpreadConstraints:\n      - maxSkew: 1\n"
    "        topologyKey: kubernetes.io/hostname\n        whenUnsatisfiable: ScheduleAnyway\n"
)
ANTI = "      affinity:\n        podAntiAffinity:\n          preferredDuringSchedulingIgnoredDuringExecution: []\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"k8s/deployment.yaml": deployment(pod=ZONE)}, PASS),
        ({"k8s/deployment.yaml": deployment(pod=ANTI)}, PASS),
        ({"k8s/deployment.yaml": deployment()}, FAIL),
        ({"k8s/deployment.yaml": deployment(pod=HOST)}, FAIL),  # hostname spread is not zones
        ({"k8s/overlays/dev/deployment.yaml": deployment(pod=ZONE)}, FAIL),  # dev overlay
        ({"infra/db.tf": 'resource "aws_db_instance" "db" {\n  multi_az = true\n}\n'}, PASS),
        ({"infra/db.tf": 'resource "aws_db_instance" "db" {\n  multi_az = false\n}\n'}, FAIL),
    ],
)
def test_zone_spread(tmp_path, files, expected):
    assert run_probe(snapshot(tmp_path, files), "zone_spread").outcome == expected


RAY_SERVICE = """apiVersion: ray.io/v1
kind: RayService
metadata: {name: serve}
spec:
  serveConfigV2: |
    applications:
      - name: app
        import_path: app:graph
        deployments:
          - name: Model
            autoscaling_config:
              min_replicas: %s
              max_replicas: %s
  rayClusterConfig:
    headGroupSpec: {}
"""


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"k8s/hpa.yaml": hpa(2, 10)}, PASS),
        ({"k8s/deployment.yaml": deployment()}, FAIL),
        # known false positive: maxReplicas == minReplicas scales nothing
        ({"k8s/hpa.yaml": hpa(3, 3)}, FAIL),
        (
            {
                "k8s/keda.yaml": "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\n"
                "metadata: {name: api}\nspec:\n  scaleTargetRef: {name: api}\n  maxReplicaCount: 20\n"
            },
            PASS,
        ),
        (
            {
                "k8s/isvc.yaml": "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\n"
                "metadata: {name: m}\nspec:\n  predictor:\n    minReplicas: 1\n    maxReplicas: 5\n"
            },
            PASS,
        ),
        # Helm's default `autoscaling.enabled: false` is not an autoscaler
        (
            {
                **CHART,
                "charts/api/values.yaml": "autoscaling:\n  enabled: false\n  minReplicas: 1\n  maxReplicas: 100\n",
                "charts/api/templates/hpa.yaml": "{{- if .Values.autoscaling.enabled }}\n"
                "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n{{- end }}\n",
            },
            FAIL,
        ),
        (
            {
                **CHART,
                "charts/api/values.yaml": "autoscaling:\n  enabled: true\n  minReplicas: 2\n  maxReplicas: 8\n",
                "charts/api/templates/hpa.yaml": "{{- if .Values.autoscaling.enabled }}\n"
                "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n{{- end }}\n",
            },
            PASS,
        ),
        (
            {
                "infra/scale.tf": 'resource "aws_appautoscaling_target" "t" {\n  min_capacity = 1\n'
                "  max_capacity = 4\n}\n"
            },
            PASS,
        ),
        (
            {
                "serve.py": "from ray import serve\n"
                "@serve.deployment(autoscaling_config={'min_replicas': 1, 'max_replicas': 4})\n"
                "class M:\n    pass\n"
            },
            PASS,
        ),
        # a KubeRay RayService: Ray Serve's autoscaling_config in the serveConfigV2 string
        # (takenking9879/MLOPS-project-Distributed-ML-with-KubeRay rayservice-model-serving.yaml;
        # reviewed) ...
        ({"k8s/ray.yaml": RAY_SERVICE % ("1", "10")}, PASS),
        # ... not one whose replicas are fixed
        ({"k8s/ray.yaml": RAY_SERVICE % ("2", "2")}, FAIL),
        # ... and the cluster autoscaler of a RayCluster's worker group
        (
            {
                "k8s/cluster.yaml": "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata: {name: c}\n"
                "spec:\n  enableInTreeAutoscaling: true\n  workerGroupSpecs:\n"
                "  - groupName: w\n    minReplicas: 0\n    maxReplicas: 4\n"
            },
            PASS,
        ),
    ],
)
def test_autoscaler(tmp_path, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "autoscaler")
    assert obs.outcome == expected, obs.message


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"k8s/deployment.yaml": deployment(container=REQUESTS)}, PASS),
        ({"k8s/deployment.yaml": deployment()}, FAIL),
        # known false positive: an empty `resources: {}` is not a request
        ({"k8s/deployment.yaml": deployment(container=EMPTY_RESOURCES)}, FAIL),
        ({**CHART, "charts/api/values.yaml": "resources: {}\n"}, FAIL),
        ({**CHART, "charts/api/values.yaml": "resources:\n  requests:\n    cpu: 100m\n"}, PASS),
        (
            {
                "k8s/api.yaml": deployment(container=REQUESTS),
                "k8s/worker.yaml": deployment(name="worker", container=EMPTY_RESOURCES),
            },
            PARTIAL,
        ),
        # a pipeline step sized in the orchestrator's API (jacopotagliabue/post-modern-stack
        # my_dbt_flow.py:285, a Metaflow @batch passed to a wrapper)
        (
            {
                "flow.py": "from metaflow import FlowSpec, step, batch\nclass F(FlowSpec):\n"
                "    @enable(batch(gpu=1, memory=80000), flag=x)\n    @step\n    def t(self):\n"
                "        pass\n"
            },
            PASS,
        ),
        ({"pipe.py": "from kfp import dsl\ntask = train_op()\ntask.set_cpu_request('2')\n"}, PASS),
        (
            {
                "wf.py": "from flytekit import task, Resources\n@task(requests=Resources(cpu='2'))\ndef t(): ...\n"
            },
            PASS,
        ),
        # the trap: a Metaflow decorator with no size declares nothing
        ({"flow.py": "from metaflow import batch\n@batch(image='x')\ndef t(self): ...\n"}, FAIL),
        # Ray: a sized remote task, a Serve deployment's actor options (ray-project/
        # llm-applications rag/serve.py:90); replicas alone size nothing
        (
            {
                "serve.py": "from ray import serve\n"
                "@serve.deployment(ray_actor_options={'num_cpus': 6, 'num_gpus': 1})\n"
                "class RayAssistant:\n    pass\n"
            },
            PASS,
        ),
        ({"jobs.py": "import ray\n@ray.remote(num_gpus=1)\ndef embed(batch): ...\n"}, PASS),
        (
            {
                "serve.py": "from ray import serve\n@serve.deployment(num_replicas=2)\nclass A:\n    pass\n"
            },
            FAIL,
        ),
        # ZenML: ResourceSettings in code, or settings.resources in a run configuration
        # (zenml-io/zenml-projects huggingface-sagemaker/configs/trainer_config.yaml:55-57)
        (
            {
                "run.py": "from zenml.config import ResourceSettings\n"
                "s = ResourceSettings(cpu_count=8, memory='16GB')\n"
            },
            PASS,
        ),
        (
            {
                "configs/train.yaml": "steps:\n  train:\n    settings:\n      resources:\n        cpu_count: 6\n"
            },
            PASS,
        ),
        # a Spark operator application sizes its driver and executors (salesforce/Merlion
        # k8s-spec/forecast.yml:36-45; reviewed) ...
        ({"k8s-spec/forecast.yml": SPARK_APP}, PASS),
        # ... not one that leaves them to the cluster's defaults
        (
            {
                "k8s-spec/forecast.yml": SPARK_APP.replace("    cores: 1\n", "").replace(
                    '    memory: "1G"\n', ""
                )
            },
            FAIL,
        ),
        # the trap: a resources block without sizes, or a GitHub workflow's steps list
        (
            {
                "configs/train.yaml": "settings:\n  resources: {}\nsteps:\n  train:\n    parameters: {a: 1}\n",
                ".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    steps:\n    - run: echo\n",
            },
            FAIL,
        ),
    ],
)
def test_resource_requests(tmp_path, files, expected):
    assert run_probe(snapshot(tmp_path, files), "resource_requests").outcome == expected


ROLLING = "  strategy:\n    rollingUpdate:\n      maxUnavailable: 0\n      maxSurge: 1\n"


@pytest.mark.parametrize(
    ("files", "params", "expected"),
    [
        (
            {"k8s/d.yaml": deployment(strategy=ROLLING)},
            {
                "kinds": ["Deployment"],
                "path": "spec.strategy.rollingUpdate.maxUnavailable",
                "value": "^0%?$",
            },
            PASS,
        ),
        (
            {
                "k8s/d.yaml": deployment(
                    strategy=ROLLING.replace("maxUnavailable: 0", "maxUnavailable: 1")
                )
            },
            {
                "kinds": ["Deployment"],
                "path": "spec.strategy.rollingUpdate.maxUnavailable",
                "value": "^0%?$",
            },
            FAIL,
        ),
        (
            {"k8s/d.yaml": deployment(replicas=4)},
            {"kinds": ["Deployment"], "path": "spec.replicas", "min": 2},
            PASS,
        ),
        (
            {"k8s/overlays/dev/d.yaml": deployment(replicas=4)},
            {"kinds": ["Deployment"], "path": "spec.replicas", "min": 2},
            FAIL,
        ),
    ],
)
def test_k8s_field(tmp_path, files, params, expected):
    assert run_probe(snapshot(tmp_path, files), "k8s_field", **params).outcome == expected


def test_k8s_kinds_reads_helm_templates_and_skips_examples(tmp_path):
    monitor = "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: api}\n"
    snap = snapshot(tmp_path, {"deploy/monitor.yaml": monitor})
    obs = run_probe(snap, "k8s_kinds", kinds=["ServiceMonitor"])
    assert obs.outcome == PASS and obs.evidence[0].path == "deploy/monitor.yaml"
    snap = snapshot(tmp_path / "b", {"examples/monitor.yaml": monitor})
    assert run_probe(snap, "k8s_kinds", kinds=["ServiceMonitor"]).outcome == FAIL
    snap = snapshot(
        tmp_path / "c",
        {**CHART, "charts/api/templates/sm.yaml": "{{- if .Values.m }}\nkind: ServiceMonitor\n"},
    )
    assert run_probe(snap, "k8s_kinds", kinds=["ServiceMonitor"]).outcome == PASS


# Real-repository regressions (mlops-on-gcp): load generators, kustomize patches, limits.
LOCUST_WORKER = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: locust-worker\n"
    "spec:\n  replicas: 32\n  template:\n    spec:\n      containers:\n"
    "      - name: w\n        image: locustio/locust\n"
)


def test_load_generator_replicas_are_not_the_service(tmp_path):
    snap = snapshot(tmp_path, {"k8s/api.yaml": deployment(), "load/locust.yaml": LOCUST_WORKER})
    assert run_probe(snap, "replicas").outcome is FAIL
    kust = "resources: [w.yaml]\nreplicas:\n- name: locust-worker\n  count: 32\n"
    snap = snapshot(
        tmp_path / "b",
        {"k8s/api.yaml": deployment(), "load/kustomization.yaml": kust, "load/w.yaml": ""},
    )
    assert run_probe(snap, "replicas").outcome is FAIL


PATCH = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n"
    "spec:\n  template:\n    spec:\n      containers:\n      - name: api\n"
    "        env: [{name: X, value: '1'}]\n"
)


def test_kustomize_patch_is_not_a_workload_missing_fields(tmp_path):
    files = {
        "k8s/base/api.yaml": deployment(replicas=2, container=PROBES + REQUESTS),
        "k8s/prod/kustomization.yaml": "resources: [../base]\npatches:\n- path: patch.yaml\n",
        "k8s/prod/patch.yaml": PATCH,
    }
    snap = snapshot(tmp_path, files)
    assert run_probe(snap, "replicas").outcome is PASS
    assert run_probe(snap, "health_probes").outcome is PASS
    assert run_probe(snap, "resource_requests").outcome is PASS
    # the same object outside any kustomization is a workload without them
    files["k8s/prod/kustomization.yaml"] = "resources: [../base, patch.yaml]\n"
    snap = snapshot(tmp_path / "b", files)
    assert run_probe(snap, "health_probes").outcome is PARTIAL


PVC_TEMPLATE = (
    "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {{ .Release.Name }}\n"
    "spec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n"
    "      storage: {{ .Values.storage }}\n"
)
DEPLOYMENT_TEMPLATE = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n"
    "  template:\n    spec:\n      containers:\n      - name: api\n        resources:\n"
    "          requests:\n            cpu: {{ .Values.cpu }}\n"
)


def test_a_volume_claims_storage_request_sizes_no_container(tmp_path):
    """A PersistentVolumeClaim template asks for disk, not for CPU or memory (fuzzylabs/matcha
    chroma_helm/templates/pvc.yaml:11; reviewed); a container's requests in a template do."""
    chart = {"charts/db/Chart.yaml": "apiVersion: v2\nname: db\nversion: 0.1.0\n"}
    pvc = snapshot(tmp_path, {**chart, "charts/db/templates/pvc.yaml": PVC_TEMPLATE})
    assert run_probe(pvc, "resource_requests").outcome is not PASS
    both = snapshot(
        tmp_path / "b",
        {
            **chart,
            "charts/db/templates/pvc.yaml": PVC_TEMPLATE,
            "charts/db/templates/deployment.yaml": DEPLOYMENT_TEMPLATE,
        },
    )
    assert run_probe(both, "resource_requests").outcome is PASS


SCALED_OBJECT_TEMPLATE = (
    "{{- range $m := .Values.models }}\n{{- if $m.keda.enabled }}\n"
    "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: {{ $m.name }}\n"
    "{{- end }}\n{{- end }}\n"
)
HPA_TEMPLATE = (
    "{{- if .Values.router.autoscaling.enabled -}}\napiVersion: autoscaling/v2\n"
    "kind: HorizontalPodAutoscaler\nmetadata:\n  name: router\n{{- end }}\n"
)


@pytest.mark.parametrize(
    ("keda", "expected"),
    [
        # each model's KEDA autoscaler is on by default, the router's HPA off (vllm-project/
        # production-stack helm/values.yaml:215-221, :504-505; reviewed)
        ("true", PASS),
        # trap: both off by default: the chart can scale, but does not
        ("false", FAIL),
    ],
)
def test_an_autoscaler_on_by_default_in_a_list_of_models(tmp_path, keda, expected):
    values = (
        "router:\n  autoscaling:\n    enabled: false\n    minReplicas: 1\n    maxReplicas: 3\n"
        f"models:\n  - name: llama\n    keda:\n      enabled: {keda}\n"
        "      minReplicaCount: 1\n      maxReplicaCount: 5\n"
    )
    files = {
        "helm/Chart.yaml": "apiVersion: v2\nname: stack\nversion: 0.1.0\n",
        "helm/values.yaml": values,
        "helm/templates/hpa-router.yaml": HPA_TEMPLATE,
        "helm/templates/scaledobject.yaml": SCALED_OBJECT_TEMPLATE,
    }
    assert run_probe(snapshot(tmp_path, files), "autoscaler").outcome is expected


def test_cpu_memory_limits_imply_requests_but_gpu_only_does_not(tmp_path):
    limits = "        resources:\n          limits: {cpu: '1', memory: 1Gi}\n"
    gpu = "        resources:\n          limits: {nvidia.com/gpu: 1}\n"
    snap = snapshot(tmp_path, {"k8s/api.yaml": deployment(container=limits)})
    assert run_probe(snap, "resource_requests").outcome is PASS
    snap = snapshot(tmp_path / "b", {"k8s/api.yaml": deployment(container=gpu)})
    assert run_probe(snap, "resource_requests").outcome is FAIL


def test_archive_folders_do_not_count(tmp_path):
    snap = snapshot(
        tmp_path,
        {"k8s/api.yaml": deployment(), "archive/old/api.yaml": deployment(name="o", replicas=3)},
    )
    assert run_probe(snap, "replicas").outcome is FAIL


def test_helm_template_outside_templates_dir_is_no_reading_problem(tmp_path):
    tpl = '{{- $n := include "x.fullname" . -}}\napiVersion: v1\nkind: ServiceAccount\n'
    snap = snapshot(tmp_path, {"chart/Chart.yaml": "name: x\n", "chart/proxy.yaml": tpl})
    assert run_probe(snap, "pdb").outcome is FAIL  # not unknown: a template is not broken YAML
    assert "chart/proxy.yaml" not in snap.problems


# a compose health check counts on the service the repository builds, not on the
# infrastructure images beside it (ThoughtWorksInc/CD4ML-Scenarios docker-compose.yaml:54,117;
# the `model` service at :88 has none; reviewed)
COMPOSE_HEALTH = (
    "services:\n  model:\n    build:\n      context: .\n      dockerfile: Dockerfile-model\n"
    "    ports: ['5005:5005']\n{model_check}"
    "  es01:\n    image: elasticsearch:7.9.1\n    healthcheck:\n      test: curl -s localhost:9200\n"
)


@pytest.mark.parametrize(
    ("model_check", "expected"),
    [
        ("    healthcheck:\n      test: curl -f localhost:5005/health\n", PASS),
        ("", FAIL),
    ],
    ids=["on-the-model-service", "fp-infrastructure-only"],
)
def test_compose_health_checks_count_on_the_built_service(tmp_path, model_check, expected):
    files = {"docker-compose.yaml": COMPOSE_HEALTH.format(model_check=model_check)}
    assert run_probe(snapshot(tmp_path, files), "health_probes").outcome == expected


@pytest.mark.parametrize(
    ("name", "command", "expected"),
    [
        # an MLflow tracking server built from the repository's own Dockerfile is a tool's
        # server (indrabrata/simple-mlops deployment/compose.yaml:72; reviewed) ...
        ("mlflow", "mlflow server --host 0.0.0.0", FAIL),
        ("tracking", "", FAIL),
        ("experiments", "mlflow server --port 5000", FAIL),
        # ... the project's own service is not
        ("inference", "uvicorn app.main:app --host 0.0.0.0", PASS),
    ],
)
def test_a_built_tool_server_health_check_is_not_the_services(tmp_path, name, command, expected):
    compose = (
        f"services:\n  {name}:\n    build:\n      context: .\n      dockerfile: Dockerfile.x\n"
        + (f"    command: {command}\n" if command else "")
        + "    healthcheck:\n      test: curl -f localhost:5000/\n"
    )
    files = {"compose.yaml": compose}
    assert run_probe(snapshot(tmp_path, files), "health_probes").outcome == expected


RWO_CLAIM = (
    "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: store\n"
    "spec:\n  accessModes: [ReadWriteOnce]\n"
)


def _claiming_deployment(name: str, command: str, image: str = "me/app:1") -> str:
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n"
        f"  template:\n    spec:\n      containers:\n      - name: c\n        image: {image}\n"
        f"        command: {command}\n        volumeMounts:\n        - name: s\n"
        "          mountPath: /data\n      volumes:\n      - name: s\n"
        "        persistentVolumeClaim:\n          claimName: store\n"
    )


@pytest.mark.parametrize(
    ("name", "command", "expected"),
    [
        # the model server on a ReadWriteOnce claim keeps local state
        ("api", '["uvicorn", "app.main:app"]', FAIL),
        # an MLflow server's claim beside it is the tool's state, by its command or its name
        # (Umer-Muhammad1/loan_approval_prediction fraud_detection/deployment.yaml:1-55; reviewed)
        ("tracking", '["mlflow", "server", "--backend-store-uri", "sqlite:///d/m.db"]', PASS),
        ("postgres", '["docker-entrypoint.sh"]', PASS),
        # ... or by its image: a GitLab server (HovhannesHovakimyan/mlops-end-to-end-pipeline
        # kubernetes/gitlab/02-gitlab.yaml:119-128; reviewed)
        ("scm", '["/assets/wrapper"]', PASS),
    ],
)
def test_stateless_serving_ignores_a_tools_volume(tmp_path, name, command, expected):
    image = "gitlab/gitlab-ce:16.8.1-ce.0" if name == "scm" else "me/app:1"
    files = {
        "app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
        "k8s/claim.yaml": RWO_CLAIM,
        "k8s/deploy.yaml": _claiming_deployment(name, command, image),
    }
    assert run_probe(snapshot(tmp_path, files), "stateless_serving").outcome is expected
