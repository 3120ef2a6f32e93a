"""Secrets outside the classic token formats (#13 class 4): credentials in URLs and on command
lines, JWT, PyPI, npm, W&B keys, keys split across literals or wrapped in base64 — in every
kind of file that holds them — plus the placeholders that must stay quiet, and the linear-time
bound of the one redaction function.

Fake credentials are assembled at run time so this file holds nothing a scanner flags.
"""

from __future__ import annotations

import base64
import json
import random
import string
import time

import pytest
from helpers import run_probe, snapshot

from mlaudit.probes.base import snippet
from mlaudit.repo.parsers.secrets import find_secrets, redact_text
from mlaudit.results import Outcome

RNG = random.Random(13)


def _rand(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


def _b64url(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


PASSWORD = "Xk9" + _rand(13)
GH_TOKEN = "gh" + "p_" + _rand(36)
JWT = (
    _b64url({"alg": "HS256", "typ": "JWT"})
    + "."
    + _b64url({"sub": "svc-ml", "iat": 1700000000})
    + "."
    + _rand(43, string.ascii_letters + string.digits + "-_")
)
PYPI = "py" + "pi-AgEIcHlwaS5vcmc" + _rand(70, string.ascii_letters + string.digits + "-_")
NPM = "np" + "m_" + _rand(36)
WANDB = _rand(40, "0123456789abcdef")
JWT_IO_EXAMPLE = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwi"
    "aWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
RAW = (PASSWORD, GH_TOKEN, JWT, PYPI, NPM, WANDB)


# positive: each format in the files that hold it ---------------------------------------------------
@pytest.mark.parametrize(
    ("path", "text", "kind"),
    [
        (
            "src/db.py",
            f'engine = create_engine("postgresql://admin:{PASSWORD}@db.prod.acme.io/ml")\n',
            "url-credential",
        ),
        (
            ".dvc/config",
            f"['remote \"storage\"']\n    url = https://dvc:{PASSWORD}@dagshub.com/acme/r.dvc\n",
            "url-credential",
        ),
        (".dvc/config", f"['remote \"s\"']\n    password = {PASSWORD}\n", "config-credential"),
        (
            "dvc.yaml",
            f"stages:\n  fetch:\n    cmd: python fetch.py --db-password {PASSWORD}\n",
            "command-line-password",
        ),
        (
            "requirements.txt",
            f"--extra-index-url https://ci:{PASSWORD}@pypi.acme.io/simple\nnumpy\n",
            "url-credential",
        ),
        # ... while a token before the `@` of another scheme still is one
        (
            "scripts/clone.sh",
            f"git clone https://{GH_TOKEN}@github.com/acme/private.git\n",
            "url-credential",
        ),
        (
            ".env",
            f"DATABASE_URL=postgres://app:{PASSWORD}@db.internal:5432/app\n",
            "url-credential",
        ),
        (
            "Dockerfile",
            f"FROM python\nRUN mysql -uroot -p{PASSWORD} ml < init.sql\n",
            "command-line-password",
        ),
        (
            ".github/workflows/ci.yml",
            f"jobs:\n  b:\n    steps:\n      - run: docker login -u bot -p {PASSWORD} reg.acme.io\n",
            "command-line-password",
        ),
        (
            ".gitlab-ci.yml",
            f"train:\n  script:\n    - python train.py --password={PASSWORD}\n",
            "command-line-password",
        ),
        ("deploy.sh", f"sshpass -p '{PASSWORD}' ssh ml@host\n", "command-line-password"),
        # a default's shape does not excuse a login to a named host
        (
            "db.sh",
            "mysql -h prod-db.acme-corp.com -u app -proot2024 < q.sql\n",
            "command-line-password",
        ),
        # a variable set to a random value on the command line: the value is the secret
        (
            "scripts/launch.sh",
            f"mason.py --secret API_KEY={PASSWORD} -- python a.py\n",
            "command-line-password",
        ),
        # a generated-looking literal assigned to a credential name in code
        # (datarevenue-berlin/OpenMLOps tutorials/wine-quality.ipynb:85, reviewed)
        ("src/login.py", 'password = "DkguP5GsB9yiPk8"\n', "code-credential"),
        ("nb.ipynb", '   "password = \\"DkguP5GsB9yiPk8\\"\\n",\n', "code-credential"),
        ("src/client.py", 'client = Client(api_key="Qm7RtY2wXv9LpK4s")\n', "code-credential"),
        ("src/cfg.py", 'CONFIG = {"access_token": "Qm7RtY2wXv9LpK4s"}\n', "code-credential"),
        # a password a person chose: letters, digits and symbols (choikwangil95/HKToss-MLOps-
        # Project-Final modelapi/services/model.py:295, a Redis on a public address; reviewed)
        (
            "services/model.py",
            'r = redis.Redis(host="3.39.99.26", port=6379, password="q1w2e3r4!@#")\n',
            "code-credential",
        ),
        # a lower-case hex token set into the environment by subscript (Arupreza/MLOps-End-to-
        # End-Credit-Card-Fraud-Detection src/train.py:34, a DagsHub token; reviewed)
        (
            "src/train.py",
            "os.environ['MLFLOW_TRACKING_PASSWORD'] = \"7f3a9c2e5b8d1f4a6c0e9b3d7a2f5c8e41d0b6a2\"\n",
            "code-credential",
        ),
        # the same credential on a real host is one (the example.org row below is not)
        ("docs/db.md", "postgres://app:S3cretPassw0rdX@db.acme.io:5432/app\n", "url-credential"),
        ("src/client.py", f'HEADERS = {{"Authorization": "Bearer {JWT}"}}\n', "jwt"),
        # a token in a link that is not a share or embed link still counts
        ("README.md", f"https://api.acme.com/v1/items?token={JWT}\n", "jwt"),
        (".pypirc", f"[pypi]\nusername = __token__\npassword = {PYPI}\n", "pypi-token"),
        (".npmrc", f"//registry.npmjs.org/:_authToken={NPM}\n", "npm-token"),
        ("train.py", f'import wandb\nwandb.login(key="{WANDB}")\n', "wandb-api-key"),
        ("run.sh", f"export WANDB_API_KEY={WANDB}\npython train.py\n", "wandb-api-key"),
        ("src/cfg.py", f'TOKEN = "{GH_TOKEN[:10]}" "{GH_TOKEN[10:]}"\n', "github-token (split)"),
        ("src/cfg.js", f"const t = '{GH_TOKEN[:7]}' + '{GH_TOKEN[7:]}';\n", "github-token (split)"),
        (
            "k8s/secret.yaml",
            "kind: Secret\ndata:\n  token: " + base64.b64encode(GH_TOKEN.encode()).decode() + "\n",
            "github-token (base64)",
        ),
    ],
)
def test_detects_credentials_outside_token_files(path: str, text: str, kind: str) -> None:
    found = find_secrets(path, text)
    assert kind in {f.kind for f in found}, found
    for finding in found:
        for raw in RAW:
            assert raw not in finding.redacted


# negative and known false positives -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("src/db.py", 'URL = "postgresql://user:password@localhost:5432/db"\n'),
        ("docker-compose.yml", "DATABASE_URL: postgres://postgres:postgres@db:5432/app\n"),
        (".env.example", "DATABASE_URL=mysql://root:root@127.0.0.1/app\n"),
        ("ci.sh", "git clone https://${GH_USER}:${GH_TOKEN}@github.com/acme/r.git\n"),
        ("README.md", "pip install --index-url https://<user>:<token>@pypi.acme.io/simple pkg\n"),
        ("Makefile", "login:\n\tdocker login -u $(USER) -p $(REGISTRY_TOKEN) reg.acme.io\n"),
        (
            ".github/workflows/ci.yml",
            "steps:\n  - run: echo $P | docker login -u bot --password-stdin reg.acme.io\n"
            "  - run: python a.py --password ${{ secrets.DB_PASSWORD }}\n",
        ),
        ("dvc.yaml", "stages:\n  a:\n    cmd: python a.py --db-password $DB_PASSWORD\n"),
        # the login a tool's quick start creates (ameytrainer/sales-forecasting-mlops airflow/
        # scripts/setup_airflow.sh:63, a local Airflow; reviewed)
        ("setup.sh", "airflow users create --username admin --password admin123 --role Admin\n"),
        ("Dockerfile", "FROM python\nRUN mkdir -p build && mysql -p ml < init.sql\n"),
        ("docs/auth.md", f"Example token: `{JWT_IO_EXAMPLE}`\n"),
        ("train.py", f'import wandb\nwandb.init(project="x", id="{WANDB}")\n'),
        ("x.txt", f"commit {WANDB}\n"),
        ("src/cfg.py", 'GREETING = "hello" " world"\nX = "a" + "b"\n'),
        # words, references and names about a credential are none
        ("src/tok.py", 'tokenizer = "bert-base-uncased"\nmax_tokens = "4096"\n'),
        ("src/db.py", 'password = os.environ["DB_PASSWORD"]\npassword = getpass()\n'),
        ("src/cfg.py", 'TOKEN_ENV_VAR = "HF_TOKEN_V2x9"\nsecret_name = "prod-Db-2024x"\n'),
        # ... a placeholder with a symbol still is one (no digit, or no letter)
        ("src/db.py", 'password = "your_password!"\ntoken = "************"\n'),
        ("src/cfg.py", 'password = "password123"\napi_key = "your-Api-Key-1"\n'),
        # a digest is named as one, and a commit or a hash is no credential
        (
            "src/data.py",
            'expected_sha256 = "afc26626d710899948693e1a61405dce197f57ffa719fa1130d346b4cc095343"\n'
            'password_hash = "5f4dcc3b5aa765d61d8327deb882cf99"\n'
            'commit_sha = "9fceb02d0ae598e95dc970b74767f19372d61af8"\n',
        ),
        ("README.md", 'password = "DkguP5GsB9yiPk8"\n'),
        # a name reserved for documentation (RFC 2606) holds no live credential
        ("README.md", "E.g.: https://1234abcd:5678efgh@sentry.example.com/30\n"),
        ("docs/db.md", "postgres://app:S3cretPassw0rdX@db.example.org:5432/app\n"),
        # fastapi/full-stack-fastapi-template: its config refuses this value outside dev
        (".env", "SECRET_KEY=changethis\nPOSTGRES_PASSWORD=changethis\n"),
        # roboflow/inference: a name standing in for the value, a camera on the local network
        # in a test of a credential stripper, a public embed link's token
        (".env", "API_KEY=MY_API_KEY\nHF_TOKEN=YOUR_HF_TOKEN_HERE\n"),
        # a cluster's secret named, not given (allenai/OLMo launch_annealing.sh:39, gantry)
        (
            "scripts/launch.sh",
            "gantry run \\\n  --env-secret R2_ACCESS_KEY_ID=R2_ACCESS_KEY_ID \\\n",
        ),
        # a Beaker workspace secret named in a mapping, and a help text's example values
        # (allenai/open-instruct scripts/train/dr-tulu/dr_tulu_qwen35.sh:35, mason.py:197)
        (
            "scripts/train/run.sh",
            "python mason.py \\\n  --secret S2_API_KEY=hamishivi_S2_API_KEY \\\n"
            "  --secret OPENAI_API_KEY=hamishivi_OPENAI_API_KEY \\\n",
        ),
        (
            "mason.py",
            'help="""Example: --secret MY_VAR=value1 --secret OTHER_VAR=value2""",\n',
        ),
        # a cache folder whose name holds "TOKEN" (zylon-ai/private-gpt Dockerfile:128)
        (
            "Dockerfile",
            "FROM python:3.11\nENV TIKTOKEN_CACHE_DIR=/home/worker/app/tiktoken_cache\n"
            "ENV TIKTOKEN_ENCODINGS_BASE=/home/worker/app/encodings\n",
        ),
        (
            ".env",
            "AWS_ACCESS_KEY_ID_FILE=/run/secrets/aws_id\nR2_ENDPOINT_URL=https://r2.example.com\n",
        ),
        ("tests/test_src.py", 'src = "rtsp://user:p%40ss@cam.local:554/ch1"\n'),
        # an Azure storage URL names its container before the `@` (microsoft/FLAML
        # lowcode/handlebars/mock_data/autoMLMock_forecasting.json:10, a OneLake workspace id;
        # reviewed)
        (
            "mock/table.json",
            '"path": "abfss://4be2599b-f2f8-45c9-9171-ba1d641f500a@dxt-onelake.dfs.fabric'
            '.microsoft.com/c813e077/Tables/dbo/holidays"\n',
        ),
        ("README.md", f"[demo](https://app.acme.com/workflows/embed/{JWT})\n"),
        ("k8s/cm.yaml", "data:\n  msg: " + base64.b64encode(b"hello world, fine").decode() + "\n"),
    ],
)
def test_placeholders_and_lookalikes_are_not_secrets(path: str, text: str) -> None:
    assert find_secrets(path, text) == []


def test_probe_fails_on_a_url_credential_in_requirements(tmp_path) -> None:
    files = {"requirements.txt": f"--index-url https://ci:{PASSWORD}@pypi.acme.io/simple\n"}
    obs = run_probe(snapshot(tmp_path, files), "committed_secrets")
    assert obs.outcome == Outcome.FAIL
    assert PASSWORD not in str(obs)


# the one redaction function ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        f"git clone https://oauth2:{PASSWORD}@gitlab.com/acme/r.git",
        f"python fetch.py --db-password {PASSWORD} --x 1",
        f"python fetch.py --password={PASSWORD}",
        f"docker login -u bot -p {PASSWORD} reg.acme.io",
        f"mysql -uroot -p{PASSWORD} db",
        f"curl -H 'Authorization: Bearer {JWT}'",
        f"token {GH_TOKEN} in a commit subject",
        f"refs/tags/v1-{GH_TOKEN}",
        f"feature/{PYPI}",
        f"registry {NPM}",
        f"WANDB_API_KEY={WANDB}",
        f'T = "{GH_TOKEN[:9]}" "{GH_TOKEN[9:]}"',
        "data: " + base64.b64encode(GH_TOKEN.encode()).decode(),
        f"db_password: {PASSWORD}",
    ],
)
def test_redact_text_hides_every_form(text: str) -> None:
    shown = redact_text(text)
    for raw in RAW:
        assert raw not in shown
    assert "…" in shown
    assert redact_text(shown) == shown  # idempotent


@pytest.mark.parametrize(
    "text",
    [
        "postgresql://user:${DB_PASSWORD}@db/app",
        "python a.py --password $DB_PASSWORD",
        "mkdir -p build/out",
        "password: see the vault",
        "uses std::vector and a::b",
        "commit 0123456789abcdef0123456789abcdef01234567",
    ],
)
def test_redact_text_leaves_ordinary_text(text: str) -> None:
    assert redact_text(text) == text


def test_truncation_never_leaves_the_start_of_a_secret() -> None:
    text = "x " * 40 + GH_TOKEN
    shown = redact_text(text, max_chars=90)
    assert len(shown) <= 90
    assert GH_TOKEN[:8] not in shown


# linear time: truncation before any pattern, no pattern that backtracks -----------------------------
PATHOLOGICAL = {
    "word characters": "a" * 1_000_000,
    "token prefixes": "ghp_" * 250_000,
    "jwt-like": "eyJa." * 200_000,
    "scheme separators": "a://" * 250_000,
    "userinfo": "https://u:" + "p" * 1_000_000,
    "password flags": "--password" * 100_000,
    "assignments": "token=" * 166_000,
    "adjacent literals": '"a" ' * 250_000,
    "mysql commands": "mysql -p" * 125_000,
    "login commands": "docker login -p " * 62_500,
    "spaces": "a " * 500_000,
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_redaction_of_a_megabyte_line_is_bounded(name: str) -> None:
    """Every output string and snippet is cut before redaction runs: a 1 MB line costs what
    10,000 characters cost. (Sanity bound with a wide margin: measured ≤ 0.05 s.)"""
    text = PATHOLOGICAL[name]
    start = time.perf_counter()
    redact_text(text)
    snippet(text)
    assert time.perf_counter() - start < 1.0


def test_a_40000_character_ci_line_is_scanned_quickly() -> None:
    """The red team's case: one committed CI line of 40,000 word characters took 159 s."""
    line = "      - run: echo " + "A" * 40_000 + "\n"
    start = time.perf_counter()
    find_secrets(".github/workflows/ci.yml", line)
    snippet(line)
    redact_text(line, max_chars=len(line) + 1)  # even without the cut: linear
    assert time.perf_counter() - start < 2.0
