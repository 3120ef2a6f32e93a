"""Documentation (DOC) checks through the default rubric: positive, negative and the
catalogue's known false positive for each."""

from __future__ import annotations

import pytest
from helpers import run_check, snapshot, training_repo

from mlaudit.probes.documentation import parse_markdown
from mlaudit.results import Outcome

P, F, H, NA = Outcome.PASS, Outcome.FAIL, Outcome.PARTIAL, Outcome.NOT_APPLICABLE
DRAFTER = 'name-template: "v$RESOLVED_VERSION"\ntag-template: "v$RESOLVED_VERSION"\n'
DRAFTER_WORKFLOW = (
    "on:\n  push:\n    branches: [main]\njobs:\n  update_release_draft:\n"
    "    runs-on: ubuntu-latest\n    steps:\n      - uses: release-drafter/release-drafter@v5\n"
)
# a labelling tool in use: labels are made here, so a missing guide fails
_LABEL_TOOL = {"label/tasks.py": "import argilla as rg\n"}

CASES = [
    # readme-run-locally ----------------------------------------------------------------------
    # the commands one click away, on a page the README links to (facebookresearch/mae
    # README.md:60 -> FINETUNE.md:34, reviewed) ...
    (
        "readme-run-locally",
        "linked-page-with-commands",
        {
            "README.md": "# X\n\nSee [FINETUNE.md](FINETUNE.md) for fine-tuning.\n",
            "FINETUNE.md": "# Fine-tuning\n\n```\npython main_finetune.py --epochs 1\n```\n",
        },
        H,
    ),
    # ... not a linked page without commands, nor a page outside the repository or the web
    (
        "readme-run-locally",
        "fp-linked-page-without-commands",
        {
            "README.md": "# X\n\nSee [RESULTS.md](RESULTS.md).\n",
            "RESULTS.md": "# Results\n\n92%.\n",
        },
        F,
    ),
    (
        "readme-run-locally",
        "fp-contributing-page",
        {
            "README.md": "# X\n\nSee [CONTRIBUTING.md](CONTRIBUTING.md).\n",
            "CONTRIBUTING.md": "# Contributing\n\n```\npip install pre-commit\n```\n",
        },
        F,
    ),
    (
        "readme-run-locally",
        "fp-web-link",
        {
            "README.md": "# X\n\nSee [usage](https://example.com/USAGE.md).\n",
            "USAGE.md": "```\npip install x\n```\n",
        },
        F,
    ),
    (
        "readme-run-locally",
        "fenced-pip",
        {"README.md": "# X\n\n```bash\npip install -r requirements.txt\n```\n"},
        P,
    ),
    (
        "readme-run-locally",
        "heading-with-code",
        {"README.md": "# X\n\n## Quickstart\n\n```\nmy-tool --help\n```\n"},
        P,
    ),
    (
        "readme-run-locally",
        "indented-fence-in-list",
        {"README.md": "# X\n\n* Configure:\n\n    ```shell\n    $ uv sync\n    ```\n"},
        P,
    ),
    # an HTML heading over three lines whose section only links to the docs (flyteorg/
    # flytesnacks README.md:25-31): the heading's own indented lines are not code
    (
        "readme-run-locally",
        "html-heading-only",
        {
            "README.md": '<html>\n    <h2 id="quick-start">\n        🚀 Quick Start\n    </h2>\n'
            "</html>\n\nSee the [Getting Started](https://x.org) tutorial.\n"
        },
        H,
    ),
    (
        "readme-run-locally",
        "heading-only",
        {"README.md": "# X\n\n## Usage\n\nRun it as you like.\n"},
        H,
    ),
    (
        "readme-run-locally",
        "inline-command",
        {"README.md": "# X\n\n## Usage\n\nRun `mytool train --epochs 3` to train.\n"},
        P,
    ),
    (
        "readme-run-locally",
        "fp-file-names-in-backticks-are-not-commands",
        {
            "README.md": (
                "# X\n\n## Get started\n\nFill in `FIXME::REQUIRED` in `pipeline.yaml`.\n\n"
                "* Steps\n    + [Ingest](#ingest)\n"
            )
        },
        H,
    ),
    # class 9 of issue 10: commands in inline code inside numbered steps, under any heading
    (
        "readme-run-locally",
        "numbered-steps-under-any-heading",
        {
            "README.md": (
                "# Churn\n\n## The lab\n\n1. Create the environment: `conda env create -f env.yml`\n"
                "2) Train with `python src/train.py --epochs 3`\n"
            )
        },
        P,
    ),
    (
        "readme-run-locally",
        "fp-numbered-steps-naming-files",
        {
            "README.md": (
                "# Churn\n\n## Results\n\n1. The model in `models/model.pkl` wins.\n"
                "2. See `notebooks/eda.ipynb` for plots.\n- bullet `pip install x` is no step\n"
            )
        },
        F,
    ),
    ("readme-run-locally", "no-readme", {"src/a.py": "x = 1\n"}, F),
    (
        "readme-run-locally",
        "fp-results-prose",
        {
            "README.md": "## Titanic survival prediction\n\nWe pip install nothing; we used GridSearch to reach"
            " 79% accuracy.\n\n  - Imputed missing values\n"
        },
        F,
    ),
    (
        "readme-run-locally",
        "fp-commands-only-in-docs-folder",
        {"README.md": "# X\n\nSee the docs.\n", "docs/install.md": "```\npip install x\n```\n"},
        F,
    ),
    # deployment-documented --------------------------------------------------------------------
    (
        "deployment-documented",
        "readme-section",
        {"README.md": "# X\n\n## Deployment\n\nUse helm.\n"},
        P,
    ),
    ("deployment-documented", "docs-page", {"docs/deploying.md": "Steps.\n"}, P),
    # a docs section of its own (artefactory/skaff-rag-accelerator docs/deployment/; reviewed)
    ("deployment-documented", "docs-section", {"docs/deployment/admin_mode.md": "Steps.\n"}, P),
    # an AI assistant's skill file is not the project's documentation
    # (fmind/mlops-python-package .gemini/skills/MLOps Collaboration/SKILL.md:47)
    (
        "deployment-documented",
        "FP assistant skill",
        {".gemini/skills/Collab/SKILL.md": "# Skill\n\n## Deployment\n\nShip it.\n"},
        F,
    ),
    ("deployment-documented", "none", {"README.md": "# X\n\n## Usage\n"}, F),
    # the CI's own folder documents the CI: pushing its build images is not deploying the
    # project (facebookresearch/fairseq2 ci/docker/README.md:15; reviewed) ...
    (
        "deployment-documented",
        "fp-ci-images-readme",
        {"ci/docker/README.md": "# Docker Images for CI\n\n## Deployment Instructions\n\nPush.\n"},
        F,
    ),
    # ... a page of the project's docs is its documentation
    (
        "deployment-documented",
        "docs-deployment-section",
        {"docs/guide.md": "# Guide\n\n## Deployment Instructions\n\nPush.\n"},
        P,
    ),
    # a table of past versions and a library's quick start are no deployment documentation
    # (RUCAIBox/RecBole README.md:251 "RecBole Major Releases", docs "Quick-start From API";
    # reviewed) ...
    (
        "deployment-documented",
        "fp-version-table-and-quick-start",
        {
            "README.md": "# X\n\n## RecBole Major Releases\n\n| v1 | 2020 |\n",
            "docs/source/start.rst": "Quick-start From API\n====================\n\nUse it.\n",
        },
        F,
    ),
    # building the serving image is (awslabs/gluonts src/gluonts/shell/README.md:12; reviewed)
    (
        "deployment-documented",
        "building-a-container",
        {"src/pkg/shell/README.md": "# pkg.shell\n\n## Building a container\n\nFROM python\n"},
        P,
    ),
    # ... a development container is not (the trap)
    (
        "deployment-documented",
        "fp-development-container",
        {"README.md": "# X\n\n## Building a development container\n\nUse it.\n"},
        F,
    ),
    # ... while a release section still is (the trap)
    (
        "deployment-documented",
        "release-section",
        {"README.md": "# X\n\n## Releasing\n\nTag and push.\n"},
        P,
    ),
    # a section that only promises its content (mosaicml/llm-foundry TUTORIAL.md:182, reviewed)
    (
        "deployment-documented",
        "FP placeholder section",
        {
            "TUTORIAL.md": "# X\n\n## Deploy an inference endpoint\n\nThis site is under "
            "construction :)\n\nPlease check back soon for more info.\n\n## Usage\n\nRun.\n"
        },
        F,
    ),
    # ... while a section that says what to do and mentions work to come is documentation
    (
        "deployment-documented",
        "section with a todo",
        {"README.md": "# X\n\n## Deployment\n\nRun `helm install x`.\n\nTODO: autoscaling.\n"},
        P,
    ),
    # running the service (stanford-futuredata/ColBERT README.md:214; tloen/alpaca-lora
    # README.md:102, reviewed)
    (
        "deployment-documented",
        "running a server",
        {"README.md": "# X\n\n## Running a lightweight ColBERTv2 server\n\nRun it.\n"},
        P,
    ),
    (
        "deployment-documented",
        "docker inference",
        {"README.md": "# X\n\n### Docker Setup & Inference\n\ndocker run x\n"},
        P,
    ),
    # the trap: a server the project only talks to, a Docker environment for development
    (
        "deployment-documented",
        "FP tracking server and docker dev environment",
        {"README.md": "# X\n\n## Tracking server setup\n\n## Docker development environment\n"},
        F,
    ),
    ("deployment-documented", "operations", {"README.md": "# X\n\n## 🔧 Operations\n"}, P),
    # FP: a lesson on tensor operations runs nothing in production
    # (mrdbourke/pytorch-deep-learning 00_pytorch_fundamentals.md)
    (
        "deployment-documented",
        "FP tensor operations",
        {"README.md": "# X\n\n## Basic tensor operations\n\nAdd them.\n"},
        F,
    ),
    # an example's README documents the example (nogibjj/mlops-template examples/quickstart:
    # BentoML's own tutorial), a docs/ page the project
    (
        "deployment-documented",
        "FP example readme",
        {
            "README.md": "# X\n\n## Usage\n",
            "examples/quickstart/README.md": "# Q\n\n## Deploying\n",
        },
        F,
    ),
    (
        "deployment-documented",
        "docs section",
        {"README.md": "# X\n", "docs/guide.md": "# Guide\n\n## Deploying\n\nRun helm.\n"},
        P,
    ),
    (
        "deployment-documented",
        "fp-word-in-prose",
        {"README.md": "# X\n\nOne day we will deploy this to production.\n"},
        F,
    ),
    (
        "deployment-documented",
        "fp-pr-template-release-notes",
        {".github/pull_request_template.md": "## Release Notes\n\nDescribe the change.\n"},
        F,
    ),
    (
        "deployment-documented",
        "fp-production-ready-title",
        {"README.md": "# X\n\n## Book: Production-Ready Data Science\n\nRead it.\n"},
        F,
    ),
    (
        "deployment-documented",
        "fp-model-card-release-date",  # openai/whisper model-card.md:25
        {"model-card.md": "# Model Card\n\n### Release date\n\nSeptember 2022.\n"},
        F,
    ),
    (
        "deployment-documented",
        "fp-readme-title",  # curiousily/Deploy-BERT-for-Sentiment-Analysis-with-FastAPI
        {
            "README.md": "# Deploy BERT for Sentiment Analysis with FastAPI\n\n## Installation\n\n## Demo\n"
        },
        F,
    ),
    (
        "deployment-documented",
        "fp-readme-lone-title",  # trainindata/deploying-machine-learning-models README.md:1
        {
            "README.md": "# Deployment of Machine Learning Models\n"
            "Accompanying repo for the online course.\n"
        },
        F,
    ),
    (
        "deployment-documented",
        "deploy-page-lone-title",  # a root page on the topic: its title is its subject
        {"DEPLOYMENT.md": "# Deployment\n\nBuild the image, push, roll out.\n"},
        P,
    ),
    (
        "deployment-documented",
        "quarto-page-section",  # a docs/ page in Quarto: its headings count like Markdown's
        {"docs/guide.qmd": "---\ntitle: Guide\n---\n\n## Serving the model\n\nvllm serve.\n"},
        P,
    ),
    (
        "deployment-documented",
        "readme-title-and-deploy-section",
        {"README.md": "# Deploy BERT with FastAPI\n\n## Deploying to Cloud Run\n\nSteps.\n"},
        P,
    ),
    (
        "deployment-documented",
        "releasing-section",
        {"README.md": "# X\n\n## Releasing\n\nTag and push.\n"},
        P,
    ),
    # data-sources-documented ------------------------------------------------------------------
    ("data-sources-documented", "data-readme", {"data/README.md": "Source: Kaggle.\n"}, P),
    # a page per dataset in the data folder (openai/CLIP data/country211.md, reviewed) ...
    ("data-sources-documented", "data-page", {"data/country211.md": "# Country211\n"}, P),
    # a Sphinx page on the datasets (RUCAIBox/RecBole docs/source/user_guide/data/
    # dataset_download.rst; reviewed)
    (
        "data-sources-documented",
        "sphinx-dataset-page",
        {"docs/source/user_guide/data/dataset_download.rst": "Dataset Download\n=====\n"},
        P,
    ),
    # ... not a page in a nested data folder of the code, which may be anything
    ("data-sources-documented", "fp-nested-page", {"src/pkg/data/notes.md": "# Notes\n"}, F),
    # an API page nbdev generates for a dataset class (Nixtla/neuralforecast docs/tsdataset.html.md)
    (
        "data-sources-documented",
        "fp-nbdev-api-page",
        {"docs/tsdataset.html.md": "# TimeSeriesDataset\n"},
        F,
    ),
    ("data-sources-documented", "docs-dataset-page", {"docs/datasets.md": "# Datasets\n"}, P),
    # a Quarto page is Markdown (axolotl-ai-cloud/axolotl docs/dataset_loading.qmd; reviewed)
    (
        "data-sources-documented",
        "quarto-dataset-page",
        {"docs/dataset_loading.qmd": "---\ntitle: Dataset Loading\n---\n\nFrom the Hub.\n"},
        P,
    ),
    # ... while another Quarto page says nothing about data
    (
        "data-sources-documented",
        "fp-quarto-other-page",
        {"docs/lora.qmd": "---\ntitle: LoRA\n---\n\nAdapters.\n"},
        F,
    ),
    # a root README section on preparing the data (facebookresearch/detr README.md:181)
    (
        "data-sources-documented",
        "data-preparation-section",
        {"README.md": "# X\n\n## Data preparation\n\nDownload COCO 2017.\n"},
        H,
    ),
    (
        "data-sources-documented",
        "fp-preparing-the-environment",
        {"README.md": "# X\n\n## Preparing the environment\n\nconda create.\n"},
        F,
    ),
    # awslabs/mlmax: a data module's README and docs/DATA.md
    (
        "data-sources-documented",
        "module-data-readme",
        {"modules/data/README.md": "NYC TLC trip records, downloaded to s3://…\n"},
        P,
    ),
    ("data-sources-documented", "docs-data-page", {"docs/DATA.md": "# Data\nSource: TLC.\n"}, P),
    # a section whose heading goes on after "Dataset" (aws-samples/mlops-sagemaker-github-actions
    # seedcode/README.md:130)
    (
        "data-sources-documented",
        "readme-dataset-for-section",
        {"README.md": "# Seed\n\n## Dataset for the Example Abalone Pipeline\n\nUCI data.\n"},
        H,
    ),
    # ... or one on loading it (jacopotagliabue/post-modern-stack README.md:78) ...
    (
        "data-sources-documented",
        "readme-load-data-section",
        {"README.md": "# X\n\n### Load data into Snowflake\n\nThe Coveo dataset.\n"},
        H,
    ),
    # a package's dataset module documented, a root page of dataset references
    # (microsoft/nlp-recipes utils_nlp/dataset/README.md, DatasetReferences.md)
    (
        "data-sources-documented",
        "dataset-module-readme",
        {"utils_nlp/dataset/README.md": "## Dataset List\nSNLI: https://nlp.stanford.edu\n"},
        P,
    ),
    ("data-sources-documented", "dataset-references", {"DatasetReferences.md": "### SNLI\n"}, P),
    # ... or a link to the dataset (jeremyjordan/ml-monitoring README.md:50) ...
    (
        "data-sources-documented",
        "readme-dataset-link",
        {
            "README.md": "# X\n\nTrained on the [UCI Wine Quality dataset](https://archive.ics.uci.edu/x).\n"
        },
        H,
    ),
    (
        "data-sources-documented",
        "readme-link-then-dataset",
        {"README.md": "# X\n\nThe [Chicago Taxi Trips](https://example.com/t) dataset.\n"},
        H,
    ),
    # ... not a link in a results table, which names a feature of the tool (pytorch/torchtune
    # README.md:148 `| [+ Packed Dataset](…) | 60.0 |`, reviewed)
    (
        "data-sources-documented",
        "FP table row link",
        {
            "README.md": "# X\n\n| Feature | Memory |\n|---|---|\n"
            "| [+ Packed Dataset](https://example.com/packing.html) | 60.0 |\n"
        },
        F,
    ),
    # ... not a link to anything else, nor to a datasets library or a chapter on datasets
    (
        "data-sources-documented",
        "fp-readme-other-link",
        {"README.md": "# X\n\nSee the [blog post](https://example.com/post) on data.\n"},
        F,
    ),
    (
        "data-sources-documented",
        "fp-readme-datasets-library",
        {"README.md": "# X\n\n- [Huggingface Datasets](https://github.com/huggingface/datasets)\n"},
        F,
    ),
    # ... not one on loading something else
    (
        "data-sources-documented",
        "fp-readme-load-weights",
        {"README.md": "# X\n\n### Load the model weights into memory\n\nRun it.\n"},
        F,
    ),
    # ... a sub-folder's README is a tutorial's or a benchmark's, not the project's
    (
        "data-sources-documented",
        "fp-subfolder-readme-data-section",
        {"benchmarking/README.md": "# Bench\n\n## Data\n\nRandom tensors.\n"},
        F,
    ),
    # the trap: a heading that only mentions a dataset in passing is no data section
    (
        "data-sources-documented",
        "fp-heading-mentioning-datasets",
        {"README.md": "# X\n\n## Training on your own datasets quickly\n\nRun it.\n"},
        F,
    ),
    (
        "data-sources-documented",
        "tutorial-datasets-page",
        {"tutorials/prepare_dataset.md": "# Preparing datasets\n| Dataset | Source |\n"},
        P,
    ),
    (
        "data-sources-documented",
        "FP api-reference-of-a-datasets-module",
        {"docs/api/datasets.md": "::: mypkg.datasets\n"},
        F,
    ),
    # openai/gpt-2 model_card.md: an "Evaluation Data" section naming WebText
    (
        "data-sources-documented",
        "model-card-data-section",
        {"model_card.md": "# GPT-2\n\n## Evaluation Data\n\nWebText, 40GB of web pages.\n"},
        H,
    ),
    # a bold line is a model card's heading, and `modelcard.md` is a model card
    # (Stability-AI/stablediffusion modelcard.md:78 `**Training Data**`, reviewed)
    (
        "data-sources-documented",
        "bold-heading-in-modelcard",
        {"modelcard.md": "# SD 2\n\n**Training Data**\n\nLAION-5B, filtered for NSFW.\n"},
        H,
    ),
    # ... while bold words inside a sentence are no heading
    (
        "data-sources-documented",
        "fp-bold-words-in-a-sentence",
        {"modelcard.md": "# SD 2\n\nWe used **data** from the web.\n"},
        F,
    ),
    # a model card without a data section documents no data
    (
        "data-sources-documented",
        "fp-model-card-without-data",
        {"model_card.md": "# GPT-2\n\n## Intended uses\n\nResearch.\n"},
        F,
    ),
    ("data-sources-documented", "docs-datasets-rst", {"docs/datasets.rst": "Datasets\n====\n"}, P),
    # Nneji123/Serving-Machine-Learning-Models: a spreadsheet named with a space
    (
        "data-sources-documented",
        "data-dictionary-spreadsheet",
        {"Data/Data Dictionary - carprices.xlsx": b"PK\x03\x04"},
        P,
    ),
    (
        "data-sources-documented",
        "dvc-desc",
        {
            "data/raw.csv.dvc": "outs:\n- md5: abc\n  path: raw.csv\n  desc: Orders export from the ERP\n"
        },
        P,
    ),
    (
        "data-sources-documented",
        "readme-data-heading",
        {"README.md": "# X\n\n## Data\n\nFrom S3.\n"},
        H,
    ),
    ("data-sources-documented", "none", {"README.md": "# X\n"}, F),
    (
        "data-sources-documented",
        "fp-api-reference-and-model-desc",
        {
            "docs/madewithml/data.md": "::: madewithml.data\n",
            "dvc.yaml": "artifacts:\n  clf:\n    path: model.pkl\n    type: model\n    desc: Tag classifier\n",
        },
        F,
    ),
    # labelling-documented ---------------------------------------------------------------------
    ("labelling-documented", "guidelines", {"docs/labelling_guidelines.md": "Label cats.\n"}, P),
    (
        "labelling-documented",
        "label-studio-config",
        {
            "labeling/config.xml": '<View>\n  <Image name="i" value="$image"/>\n  <Choices name="c" toName="i"/>\n</View>\n'
        },
        P,
    ),
    # no labelling tool, configuration or guide: no labels are made here (facebookresearch/
    # dinov2, self-supervised; labels computed from the data or shipped with a public dataset)
    ("labelling-documented", "none", {"README.md": "# X\n", "train.py": "import pandas\n"}, NA),
    # an annotation pipeline documented (huggingface/lerobot docs/source/annotation_pipeline.mdx)
    (
        "labelling-documented",
        "annotation-pipeline-section",
        {"docs/annotation.md": "# Annotation Pipeline\n\nSubtasks are labelled by a VLM.\n"},
        P,
    ),
    # a section on Prometheus metric labels is not about labelling data (SeldonIO/MLServer
    # docs/user-guide/metrics.md:92 "Metrics Labelling")
    (
        "labelling-documented",
        "fp-metrics-labelling-section",
        {
            "docs/metrics.md": "# Metrics\n\n## Metrics Labelling\n\nLabels of the counters.\n",
            "label/tasks.py": "import label_studio_sdk\n",
        },
        F,
    ),
    # a labelling tool used, its labelling undocumented
    (
        "labelling-documented",
        "tool-undocumented",
        {
            "README.md": "# X\n",
            "label/tasks.py": "import label_studio_sdk\nlabel_studio_sdk.Client(url)\n",
        },
        F,
    ),
    # a section on the labelling tool's set-up: where labels come from, not how to label
    (
        "labelling-documented",
        "label-studio-section",
        {"README.md": "# X\n\n## Label Studio\n\nCreate a project with one class.\n"},
        H,
    ),
    # a dataset format's type named after the tool is no section on it (axolotl-ai-cloud/
    # axolotl docs/rlhf.qmd:56 `#### chatml.argilla`; reviewed)
    (
        "labelling-documented",
        "fp-dotted-format-name",
        {"docs/rlhf.md": "# RLHF\n\n#### chatml.argilla\n\n```json\n{}\n```\n"},
        NA,
    ),
    (
        "labelling-documented",
        "argilla-section",
        {"README.md": "# X\n\n## Argilla setup\n\nCreate a dataset for review.\n"},
        H,
    ),
    (
        "labelling-documented",
        "fp-labels-data-file",
        {
            "data/labels.csv": "id,label\n1,cat\n",
            "README.md": "# X\n\nLabels are in data/labels.csv.\n",
            "label/tasks.py": "import argilla as rg\n",
        },
        F,
    ),
    # a docs page on a pipeline named "Labels" is no labelling guide (neuml/txtai
    # docs/pipeline/text/labels.md; reviewed) ...
    (
        "labelling-documented",
        "fp-labels-pipeline-page",
        {"docs/pipeline/text/labels.md": "# Labels\n\nApplies labels to text.\n", **_LABEL_TOOL},
        F,
    ),
    # ... a page on labelling is
    (
        "labelling-documented",
        "labelling-page",
        {"docs/data/labelling.md": "How we label.\n", **_LABEL_TOOL},
        P,
    ),
    # model-card -----------------------------------------------------------------------------
    # a test's README that mentions a model card documents the test (speechbrain/speechbrain
    # tests/templates/…/README.md:43; reviewed)
    (
        "model-card",
        "fp-test-readme-section",
        {
            "tests/templates/finetune/README.md": "# Test\n\n## Sanity check: standard model card\n\nRun it.\n",
            "train.py": "def run(model):\n    model.fit(X, y)\n",
        },
        F,
    ),
    ("model-card", "model-card-file", {"MODEL_CARD.md": "# Model card\n"}, P),
    # a review's list of work to do asks for the card: it is missing (SebastianGarrido2790/
    # YouTube-Sentiment-MLOps reports/docs/evaluations/codebase_review.md:679; reviewed) ...
    (
        "model-card",
        "fp-todo-heading",
        {
            "docs/review.md": "# Review\n\n### 3.5 Add OpenTelemetry Tracing\n\nLater.\n\n"
            "### 3.6 Add Model Card Documentation\n\nWrite one.\n",
            "train.py": "def run(model):\n    model.fit(X, y)\n",
        },
        F,
    ),
    # ... a section that is the card counts
    (
        "model-card",
        "model-card-section",
        {
            "docs/model.md": "# Model\n\n## Model Card\n\nIntended use: ranking reviews.\n",
            "train.py": "def run(model):\n    model.fit(X, y)\n",
        },
        P,
    ),
    (
        "model-card",
        "hf-front-matter",
        {"README.md": "---\nlicense: mit\nmodel-index:\n- name: x\n---\n# Model\n"},
        P,
    ),
    ("model-card", "none", {"README.md": "# X\n"}, F),
    # the Trainer's card writer called on an instance (hiyouga/LLaMA-Factory trainer_utils.py:113)
    (
        "model-card",
        "trainer-class-create-model-card",
        {
            "train.py": "from transformers import Trainer\n\ndef save(trainer):\n"
            "    trainer.train()\n    Trainer.create_model_card(trainer, license='other')\n",
        },
        P,
    ),
    # the card's metadata written into the README a Hub push uploads (vwxyzjn/cleanrl
    # cleanrl_utils/huggingface.py:110, DLR-RM/rl-baselines3-zoo rl_zoo3/push_to_hub.py:43)
    (
        "model-card",
        "hub-metadata-save",
        {
            "train.py": "def f(m, X, y):\n    m.fit(X, y)\n",
            "push.py": "from huggingface_hub.repocard import metadata_save\n\n"
            "def card(path, meta):\n    metadata_save(path, meta)\n",
        },
        P,
    ),
    # a card under another name, told by its title or its intended-use section
    # (microsoft/MLOps pytorch_with_datasheet/model/datasheet.md)
    (
        "model-card",
        "titled-card",
        {"model/datasheet.md": "# GPT-2 model card\n\n## Intended Uses:\n\nText.\n"},
        P,
    ),
    # FP: prose that mentions model cards, in a section about something else
    (
        "model-card",
        "fp-prose-mention",
        {"README.md": "# X\n\n## Roadmap\n\nWrite a model card. Uses intended for research.\n"},
        F,
    ),
    (
        "model-card",
        "fp-jekyll-front-matter-and-prose",
        {"README.md": "---\ntitle: Home\nlayout: page\n---\nWe should write a model card.\n"},
        F,
    ),
    # experiment-design-documented --------------------------------------------------------------
    ("experiment-design-documented", "adr", {"docs/adr/0001-use-xgboost.md": "# Use XGBoost\n"}, P),
    (
        "experiment-design-documented",
        "model-selection-section",
        {"README.md": "# X\n\n## Model selection\n\nWe compared three models.\n"},
        P,
    ),
    ("experiment-design-documented", "none", {"README.md": "# X\n"}, F),
    # a decision log beside each phase of the work (Ardiyanto24/telco-churn-mlops
    # milestones/*/decisions.md; reviewed); a file that only mentions decisions is none
    (
        "experiment-design-documented",
        "decision log",
        {"milestones/3.1-drift/decisions.md": "# Decisions\n\n1. PSI over KS.\n"},
        P,
    ),
    (
        "experiment-design-documented",
        "fp decisions mentioned",
        {"docs/notes.md": "# Notes\n\nSee the decisions below.\n"},
        F,
    ),
    # each experiment's write-up beside its code (google-research/timesfm
    # v1/experiments/long_horizon_benchmarks/README.md; reviewed) ...
    (
        "experiment-design-documented",
        "experiment-folder-readme",
        {"v1/experiments/long_horizon/README.md": "# Long horizon\nResults: ...\n"},
        P,
    ),
    # ... not the README of the experiments folder itself, nor a script in one
    (
        "experiment-design-documented",
        "fp-experiments-folder-readme",
        {"experiments/README.md": "# Experiments\n", "experiments/run/run.py": "x = 1\n"},
        F,
    ),
    # a banner image named like the topic documents nothing
    (
        "experiment-design-documented",
        "fp-banner-image",
        {"docs/experiments.jpg": b"\xff\xd8\xff"},
        F,
    ),
    (
        "experiment-design-documented",
        "select-the-right-model",
        {
            "docs/user-guides/server.md": "# Server\n\n## Select the right model\n\nViT-B-32 is fast.\n"
        },
        P,
    ),
    (
        "experiment-design-documented",
        "algorithm-comparison",
        {"README.md": "# X\n\n### Algorithm Comparison\n\nSplit 75/25; MAP@10 per model.\n"},
        P,
    ),
    # FP: a speed benchmark compares no models
    (
        "experiment-design-documented",
        "fp-speed-benchmarks",
        {"README.md": "# X\n\n## Benchmarks\n\nInference takes 3 ms.\n"},
        F,
    ),
    # FP: selecting something else
    (
        "experiment-design-documented",
        "fp-select-a-port",
        {"README.md": "# X\n\n## Select the port\n\nUse 51000.\n"},
        F,
    ),
    (
        "experiment-design-documented",
        "fp-experiment-scripts",
        {"experiments/run_01.py": "x = 1\n", "README.md": "# X\n\nWe ran many experiments.\n"},
        F,
    ),
    # changelog -----------------------------------------------------------------------------------
    ("changelog", "changelog-md", {"CHANGELOG.md": "## 1.0.0\n"}, P),
    ("changelog", "none", {"README.md": "# X\n"}, F),
    # a dated update log kept under docs/ (RangiLyu/nanodet docs/update.md; reviewed); not a
    # how-to on updating
    ("changelog", "docs-update-log", {"docs/update.md": "# Update Notes\n* [2021.08.28] x\n"}, P),
    ("changelog", "fp-docs-updating", {"docs/updating.md": "# How to update\n"}, F),
    # the singular name (zilliztech/GPTCache docs/release_note.md, 31 versions; reviewed)
    ("changelog", "docs-release-note", {"docs/release_note.md": "# Release Note\n## v0.1.4\n"}, P),
    # notes built from the pull requests merged since the last tag (lancedb/lancedb
    # gh-release.yml:67; reviewed)
    (
        "changelog",
        "release-changelog-builder",
        {
            ".github/workflows/release.yml": "on: {push: {tags: ['v*']}}\njobs:\n  r:\n"
            "    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: mikepenz/release-changelog-builder-action@v4\n"
        },
        P,
    ),
    # notes the release workflow writes from the merged pull requests (vllm-project/
    # production-stack .github/workflows/scheduled-release.yml:168; reviewed)
    (
        "changelog",
        "release-notes-file",
        {
            ".github/workflows/release.yml": "on:\n  schedule:\n    - cron: '0 0 * * 1'\njobs:\n"
            "  release:\n    runs-on: x\n    steps:\n"
            '      - run: gh release edit "$TAG" --notes-file release_notes.md\n'
        },
        P,
    ),
    # trap: a release whose notes are not asked for is no changelog
    (
        "changelog",
        "fp-release-without-notes",
        {
            ".github/workflows/release.yml": "on:\n  push:\n    tags: ['v*']\njobs:\n"
            '  release:\n    runs-on: x\n    steps:\n      - run: gh release create "$TAG" dist/*\n'
        },
        F,
    ),
    # a RELEASE.md of release headings (marqo-ai/marqo RELEASE.md:1 `# Release 2.12.5`;
    # reviewed) ...
    (
        "changelog",
        "release-md-of-releases",
        {"RELEASE.md": "# Release 2.12.5\n\n## Bug fixes\n- x\n\n# Release 2.12.4\n- y\n"},
        P,
    ),
    # ... not one that says how to cut a release
    (
        "changelog",
        "fp-release-process",
        {"RELEASE.md": "# Releasing\n\n1. Bump the version in setup.py\n2. Tag v1.2.0 and push\n"},
        F,
    ),
    # a README section (eightBEC/fastapi-ml-skeleton README.md:72) ... not one on something else
    (
        "changelog",
        "readme-changelog-section",
        {"README.md": "# X\n\n## Changelog\n\nv1.1.0\n- Fixed the tests\n"},
        P,
    ),
    (
        "changelog",
        "fp-readme-changes-to-make",
        {"README.md": "# X\n\n## Changes to the model\n\nRetrain it.\n"},
        F,
    ),
    # a dated updates log is a changelog (meta-llama/llama UPDATES.md, reviewed)
    ("changelog", "updates-md", {"UPDATES.md": "## 2023-08-01\nFixed the tokenizer.\n"}, P),
    ("changelog", "update-md", {"UPDATE.md": "**[2023/05/17]** Released VisualGLM-6B.\n"}, P),
    # generated release notes (ashleve/lightning-hydra-template: release-drafter run by a
    # workflow); the drafter's configuration alone is half of it
    (
        "changelog",
        "release-drafter-wired",
        {
            ".github/release-drafter.yml": DRAFTER,
            ".github/workflows/release-drafter.yml": DRAFTER_WORKFLOW,
        },
        P,
    ),
    ("changelog", "release-drafter-config-only", {".github/release-drafter.yml": DRAFTER}, H),
    # the release workflow asks GitHub to write the notes (evidentlyai/evidently
    # .github/workflows/release.yml:177-180, ncipollo/release-action)
    (
        "changelog",
        "release-action-generates-notes",
        {
            ".github/workflows/release.yml": "on:\n  push:\n    tags: ['v*']\njobs:\n  r:\n"
            "    runs-on: ubuntu-latest\n    steps:\n      - uses: ncipollo/release-action@v1\n"
            "        with:\n          generateReleaseNotes: true\n",
        },
        P,
    ),
    # ... or calls GitHub's API for them from a script step (HumanSignal/label-studio-ml-backend
    # .github/workflows/update-draft-release.yml:139; reviewed)
    (
        "changelog",
        "github-script-generates-notes",
        {
            ".github/workflows/release.yml": "on:\n  push:\n    tags: ['v*']\njobs:\n  r:\n"
            "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/github-script@v7\n"
            "        with:\n          script: |\n"
            "            const {data: notes} = await github.rest.repos.generateReleaseNotes({owner, repo});\n",
        },
        P,
    ),
    # ... or the release action writes the changelog from the commits (speechbrain/speechbrain
    # .github/workflows/newtag.yml:14; reviewed)
    (
        "changelog",
        "automatic-releases-action",
        {
            ".github/workflows/newtag.yml": "on:\n  push:\n    tags: ['v*']\njobs:\n  r:\n"
            "    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: marvinpinto/action-automatic-releases@v1.2.0\n",
        },
        P,
    ),
    # `gh release create … --generate-notes` over several lines (huggingface/lerobot
    # .github/workflows/release.yml:97-99); in prose it is no release
    (
        "changelog",
        "gh-release-generate-notes-continued",
        {
            ".github/workflows/release.yml": "on:\n  push:\n    tags: ['v*']\njobs:\n  r:\n"
            "    runs-on: ubuntu-latest\n    steps:\n      - run: |\n"
            "          gh release create ${{ github.ref_name }} \\\n"
            "            --title v1 \\\n            --generate-notes\n",
        },
        P,
    ),
    (
        "changelog",
        "fp-gh-release-in-a-comment",
        {
            ".github/workflows/release.yml": "on: push\njobs:\n  r:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - run: |\n          # later: gh release create v1 --generate-notes\n"
            "          echo later\n",
        },
        F,
    ),
    # trap: the option turned off writes no notes
    (
        "changelog",
        "fp-release-action-without-notes",
        {
            ".github/workflows/release.yml": "on: push\njobs:\n  r:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - uses: softprops/action-gh-release@v2\n"
            "        with:\n          generate_release_notes: false\n",
        },
        F,
    ),
    (
        "changelog",
        "github-generated-notes",
        {
            ".github/release.yml": "changelog:\n  categories:\n    - title: Features\n      labels: [feature]\n"
        },
        P,
    ),
    # a release *workflow* is not the notes' configuration
    (
        "changelog",
        "fp-release-workflow",
        {".github/workflows/release.yml": "on: [push]\njobs:\n  changelog:\n    runs-on: x\n"},
        F,
    ),
    ("changelog", "fp-changelog-parser-module", {"src/pkg/changelog_parser.py": "x = 1\n"}, F),
    # the release of a dataset is not a deployment (tatsu-lab/stanford_alpaca README "Data Release")
    (
        "deployment-documented",
        "FP data release",
        {"README.md": "# X\n\n## Data Release\n\nfields\n"},
        F,
    ),
    ("deployment-documented", "release", {"README.md": "# X\n\n## Release\n\nsteps\n"}, P),
    # training a model "for production" is training, not deploying it (huggingface/nanotron
    # docs/multi-node-training.md:97, reviewed)
    (
        "deployment-documented",
        "FP training for production",
        {
            "docs/multi-node-training.md": "# Multi-node\n\n#### Training a Large Model for Production\n\nsbatch\n"
        },
        F,
    ),
    # installing a library's stable or nightly build is no deployment (pytorch/torchtune
    # README.md:188,196, reviewed)
    (
        "deployment-documented",
        "FP install stable release",
        {
            "README.md": "# X\n\n## Install stable release\n\npip\n\n## Install nightly release\n\npip\n"
        },
        F,
    ),
    # the card Hugging Face's Trainer writes for the model it saves (alignment-handbook sft.py:148)
    (
        "model-card",
        "trainer card",
        {"sft.py": "trainer = SFTTrainer(m)\ntrainer.create_model_card(model_name='x')\n"},
        P,
    ),
]


@pytest.mark.parametrize(
    ("check", "files", "expected"),
    [pytest.param(c, f, e, id=f"{c}:{i}") for c, i, f, e in CASES],
)
def test_documentation_checks(tmp_path, check, files, expected):
    obs = run_check(snapshot(tmp_path, training_repo(files)), check)
    assert obs.outcome == expected, obs.message


def test_every_documentation_check_has_positive_negative_and_false_positive():
    from helpers import _default_rubric

    names = [c.name for q, c in _default_rubric().checks() if q.prefix == "DOC"]
    for name in names:
        ids = [i for c, i, _f, _e in CASES if c == name]
        outcomes = {e for c, _i, _f, e in CASES if c == name}
        assert Outcome.PASS in outcomes and Outcome.FAIL in outcomes, name
        assert any(i.startswith("fp-") for i in ids), name


def test_markdown_parser_ignores_headings_inside_fences():
    doc = parse_markdown(
        ["# Title", "", "```bash", "# Inside .env", "pip install x", "```", "Setext", "======"]
    )
    assert [(h.level, h.text, h.line) for h in doc.headings] == [(1, "Title", 1), (1, "Setext", 7)]
    assert doc.blocks[0].info == "bash"
    assert doc.blocks[0].lines == [(4, "# Inside .env"), (5, "pip install x")]


def test_html_headings_split_over_lines():
    """flyteorg/flytesnacks README.md:26-28 writes its Quick Start heading over three lines;
    an <h2> never closed nearby is no heading."""
    doc = parse_markdown(
        ["<html>", '    <h2 id="quick-start">', "        🚀 Quick Start", "    </h2>", "</html>"]
        + ["", "<h3>", "a", "b", "c", "d", "</h3>", "<h1>One line</h1>"]
    )
    assert [(h.level, h.text.strip(), h.line, h.end) for h in doc.headings] == [
        (2, "🚀 Quick Start", 2, 4),
        (1, "One line", 13, 13),
    ]


def test_rst_readme(tmp_path):
    snap = snapshot(
        tmp_path,
        {
            "README.rst": "Project\n=======\n\nInstallation\n------------\n\n.. code-block:: bash\n\n    pip install x\n"
        },
    )
    obs = run_check(snap, "readme-run-locally")
    assert obs.outcome == Outcome.PASS
    assert any(e.line == 9 for e in obs.evidence)
