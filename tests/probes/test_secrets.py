"""Committed secrets: detectors, redaction, HEAD and history scan, never printing a secret.

Fake credentials are assembled at run time (split literals) so that this file itself holds
no string a secret scanner would flag.
"""

from __future__ import annotations

import json
import random
import string
import subprocess
import sys

import pytest
from helpers import commit, git, make_repo, run_probe, snapshot

from mlaudit.probes.base import ev
from mlaudit.repo.parsers.secrets import find_secrets, is_dummy, redact, redact_text
from mlaudit.repo.secrets_history import scan_history_secrets
from mlaudit.repo.worktree import open_worktree
from mlaudit.results import Outcome

RNG = random.Random(7)


def _rand(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


AWS_ID = "AK" + "IA" + "Q7RZ3K2M5N8P4W6X"
AWS_SECRET = "kP9xQ2mZ7vB4nR8tL1wY" + "6cF3hJ5sD0gA/E+uIoT2"
PEM_HEADER = "-----BEGIN " + "RSA PRIVATE KEY-----"
PEM_BODY = "MIIEowIBAAKCAQEA" + _rand(48, string.ascii_letters + string.digits + "+/")
GH_TOKEN = "gh" + "p_" + _rand(36)
AZURE_KEY = _rand(86, string.ascii_letters + string.digits + "+/") + "=="
ENV_TOKEN = _rand(32)
DUMMY_ID = "AKIA" + "IOSFODNN7EXAMPLE"
DUMMY_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
# the Azurite storage emulator's published key (the same in every installation)
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq" + "/K1SZFPTOtr/KBHBeksoGMGw=="
)

AWS_FILE = f'aws_access_key_id = "{AWS_ID}"\naws_secret_access_key = "{AWS_SECRET}"\n'
PEM_FILE = f"{PEM_HEADER}\n{PEM_BODY}\n{_rand(64)}\n-----END RSA PRIVATE KEY-----\n"
GCP_FILE = json.dumps(
    {
        "type": "service_account",
        "private_key_id": _rand(40, "0123456789abcdef"),
        "private_key": "-----BEGIN " + f"PRIVATE KEY-----\n{PEM_BODY}\n-----END PRIVATE KEY-----\n",
        "client_email": "svc@proj.iam.gserviceaccount.com",
    },
    indent=2,
)


# redaction and dummies -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("AKIA1234567890ABXYZ1", "AKIA…XYZ1"),
        ("abcdefghij", "ab…j"),
        ("abcdef", "a…"),
        ("abc", "…"),
    ],
)
def test_redact(value, expected):
    assert redact(value) == expected
    assert value not in redact(value) or len(value) < 4


@pytest.mark.parametrize(
    "value",
    [
        DUMMY_ID,
        DUMMY_SECRET,
        "xxxxxxxxxxxx",
        "<your-key>",
        "changeme",
        "${HF_TOKEN}",
        "$TOKEN",
        "********",
        AZURITE_KEY,
        # keys made to be published in client code (ploomber/ploomber's PostHog project key;
        # reviewed), Stripe publishable keys
        "phc_P9qL2xK7vB4nM8tR3wZ6yH1jF5dS0aGcEuIoTpQr",
        "pk_live_51HxQ2aBcDeFgHiJkLmNoP",
        # bracketed stand-ins and dotted names (mage-ai/mage-ai; reviewed)
        "[token]",
        "{password}",
        "support.function.C99.c",
        # the AWS emulator's stand-in credentials (Pocket/recommendation-api .docker/local.env)
        "localstack-ET-key",
        # the alphabet in order, digits between (TechITFactory/churn-mlops-prod-v2 tutorials/
        # module-07-gitops/section-24-argocd-setup.md:266; reviewed)
        "A7bC9dEfGhI3",
    ],
)
def test_dummy_values(value):
    assert is_dummy(value)


def test_real_value_is_not_dummy():
    assert not is_dummy(ENV_TOKEN)
    # a key with dots and capitals is no dotted name (SendGrid's shape), the trap
    assert not is_dummy("SG.Xk29dLpQw8Rt5vBn3MzYhA.Jf7Kp2LxQ9wVb4Nm6RtZs1Yc8Hd3Ge5Ua0Wi2Oq7Pl")
    # a Stripe secret key is no publishable one
    assert not is_dummy("sk_live_51Hq8ZtR2vWm4Kx9PdLs7Yf3Nb6")
    # letters in no order are no alphabet run
    assert not is_dummy("Xk9mQ2vLp8Zr")


def test_a_local_test_databases_word_password_is_no_secret():
    """A password of words for a database on localhost is a development default
    (serengil/deepface tests/integration/test_postgres_register.py:23; reviewed); on another
    host it is a credential."""
    local = 'dsn = "postgresql://deepface_user:deepface_pass@localhost:5433/deepface"\n'
    assert not find_secrets("test_db.py", local)
    remote = 'dsn = "postgresql://deepface_user:deepface_pass@db.acme.io:5432/deepface"\n'
    assert [f.kind for f in find_secrets("db.py", remote)] == ["url-credential"]
    strong = 'dsn = "postgresql://app:Xk29dLpQw8Rt5vBn@localhost:5432/app"\n'
    assert [f.kind for f in find_secrets("db.py", strong)] == ["url-credential"]


def test_a_local_databases_self_describing_password_is_no_secret():
    """A password that says what it is, for a database on the developer's machine, shaped
    by the container's password policy (zilliztech/GPTCache manager.py:10
    `mssql+pyodbc://sa:Strongpsw_123@127.0.0.1:1434`; reviewed); the same on a public host,
    or a random one on localhost, is a credential."""
    local = 'URL = "mssql+pyodbc://sa:Strongpsw_123@127.0.0.1:1434/msdb"\n'
    assert not find_secrets("manager.py", local)
    public = 'URL = "mssql+pyodbc://sa:Strongpsw_123@db.acme.io:1434/msdb"\n'
    assert [f.kind for f in find_secrets("manager.py", public)] == ["url-credential"]
    random_local = 'URL = "mssql+pyodbc://sa:Xk29dLpQw8Rt5vBn@127.0.0.1:1434/msdb"\n'
    assert [f.kind for f in find_secrets("manager.py", random_local)] == ["url-credential"]


def test_a_sentry_dsn_is_no_secret():
    """A Sentry DSN's key only lets clients report events; Sentry documents it as safe to
    publish (lancedb/lancedb python/lancedb/utils/sentry_log.py:97 in history; reviewed). The
    same token before another host is a credential."""
    key = "c63e12ab34cd56ef78ab90cd12ef3456ca2f"
    dsn = f'SENTRY_DSN = "https://{key}@o4504123456789.ingest.sentry.io/4504123456"\n'
    assert not find_secrets("sentry_log.py", dsn)
    git_url = f'URL = "https://{key}@git.acme.io/repo.git"\n'
    assert [f.kind for f in find_secrets("clone.py", git_url)] == ["url-credential"]


def test_a_compose_services_word_password_is_no_secret():
    """The same on a service of a Compose or Kubernetes network, a host name of one label
    (gorse-io/gorse config/config.toml:26 `mysql://gorse:gorse_pass@tcp(mysql:3306)/gorse`;
    reviewed); a strong password there, or a public host, is still a credential."""
    go_dsn = 'data_store = "mysql://gorse:gorse_pass@tcp(mysql:3306)/gorse"\n'
    assert not find_secrets("config/config.toml", go_dsn)
    compose = "DATABASE_URL: postgres://app:app_password@db:5432/app\n"
    assert not find_secrets("docker-compose.yml", compose)
    strong = 'data_store = "mysql://root:Xk29dLpQw8Rt5vBn@tcp(mysql:3306)/gorse"\n'
    assert [f.kind for f in find_secrets("config.toml", strong)] == ["url-credential"]
    public = 'data_store = "mysql://gorse:gorse_pass@tcp(db.acme.io:3306)/gorse"\n'
    assert [f.kind for f in find_secrets("config.toml", public)] == ["url-credential"]


def test_a_token_padded_by_hand_is_no_secret():
    """A token ending in a run of one character is written by hand (@octokit/auth-token
    README.md:61, committed in Azure/mlops-templates node_modules/; reviewed)."""
    sample = 'const auth = createTokenAuth("ghp_' + "PersonalAccessToken0124567890" + '0000000");\n'
    assert not find_secrets("README.md", sample)
    real = "export TOKEN=ghp_" + "R7kQ2mZp9XvL4tNb8WcY3hJf6DsG1aUe5PoK\n"
    assert [f.kind for f in find_secrets("ci.sh", real)] == ["github-token"]


def test_yaml_credentials_are_reported_once_and_by_every_credential_name():
    """The re-read of this session's change: a token a specific detector names is not reported
    again as a YAML credential; a lower-case `fernet_key:` and a Compose `- DB_PWD=` item are
    read (their lines were no candidates)."""
    token = "ghp_" + "R7kQ2mZp9XvL4tNb8WcY3hJf6DsG1aUe5PoK"
    assert [f.kind for f in find_secrets("ci.yaml", f"github_token: {token}\n")] == ["github-token"]
    assert find_secrets("airflow.yaml", "fernet_key: " + "Xk9q2Lm5Zw8Tr4Vb7Np1=\n")
    assert find_secrets(
        "docker-compose.yml", "    environment:\n      - DB_PWD=" + "Xy7Kq2mP9vL4\n"
    )
    # a lower-case run of letters with no number in a template is no phrase: reported
    assert find_secrets(".env.example", "API_KEY=" + "qwhdkjashdkjahsdkjqwe\n")


def test_a_token_in_a_settings_file_is_a_secret():
    """tovantrang/mlops-end-to-end-2025 settings.toml:1 `api_token = "<40 hex>"` in d54f49d, a
    Picsellia token (reviewed); the file's other values are ids and versions."""
    text = 'api_token = "' + "7821a0c1d2e3f4a5b6c7d8e9f00e34c7a1b2c3d4" + '"\nversion = "1.2.3"\n'
    assert [f.kind for f in find_secrets("settings.toml", text)] == ["code-credential"]
    assert not find_secrets("pyproject.toml", '[project]\nname = "x"\nversion = "1.2.3"\n')
    # an Airflow Fernet key encrypts the connections it stores (RafaRincon/mlops-end-to-end-
    # airflow-fastapi docker-compose.yaml:59; reviewed); an empty one is Airflow's template
    fernet = "      AIRFLOW__CORE__FERNET_KEY: " + "Zbsr_k3mQ9vL2xP7nR4tY8wE1uI6oA5sD0fG3hJ-kZc=\n"
    assert find_secrets("docker-compose.yaml", "    environment:\n" + fernet)
    assert not find_secrets("docker-compose.yaml", "      AIRFLOW__CORE__FERNET_KEY: ''\n")


def test_a_phrase_in_an_environment_template_is_an_instruction():
    """PhucBao1/ecommerce-mlops-platform .env.example:40 `ADMIN_API_KEY=doi-key-nay-truoc-khi-
    deploy`, "change this key before deploying" in Vietnamese (reviewed): it capped the level.
    The same phrase in a real .env, or a generated value in the template, is still reported."""
    phrase = "ADMIN_API_KEY=doi-key-nay-truoc-khi-deploy\n"
    assert not find_secrets(".env.example", phrase)
    assert find_secrets(".env", phrase)
    assert find_secrets(".env.example", "ADMIN_API_KEY=" + "q8Zr2Lm5Xw9Tk3Vb7Np1\n")
    # ... and a word with a number, the template's development default (boubnacer/
    # AirQuality-MLOps-Platform .env.example:3; reviewed)
    assert not find_secrets(".env.example", "POSTGRES_PASSWORD=airquality123\n")
    assert find_secrets(".env", "POSTGRES_PASSWORD=" + "Xy7Kq2mP9vL4\n")


def test_a_mage_triggers_token_is_no_credential():
    """Mage writes a token into every trigger of a pipeline, the trigger's key in its API URL
    (online-gaming-mlops-project machine_learning/pipelines/batch_inference/triggers.yaml:13);
    the same line in another YAML file is a credential."""
    line = "  token: " + "db77aa0c1d2e3f4a5b6c7d8e9f00e34c\n"
    assert not find_secrets("ml/pipelines/batch_inference/triggers.yaml", line)
    assert find_secrets("deploy/settings.yaml", line)


def test_a_providers_prefix_on_a_value_of_the_wrong_shape_is_an_example():
    """HovhannesHovakimyan/mlops-end-to-end-pipeline docs/GITLAB_RUNNER_PROVISIONING_GUIDE.md
    :108 `--admin-token glpat-ABC123xyz`: nine characters after the prefix, where GitLab's
    tokens have twenty (reviewed); it had capped the repository's level."""
    assert not find_secrets("docs/guide.md", "  --admin-token glpat-ABC123xyz\n")
    assert not find_secrets("run.sh", "--token hf_abc123def456 --key sk-test1234abcd\n")
    # ... a token of the provider's shape behind the same flag is one
    real = "  --admin-token glpat-" + "Ab3dE5gH7jK9mN1pQ3sT\n"
    assert "gitlab-token" in {f.kind for f in find_secrets("run.sh", real)}
    # ... and a value without a provider's prefix is judged as before
    assert find_secrets("run.sh", "--password Xy7Kq2mP9vL4\n")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # an Azure Container Apps secret (r-kowalczyk/model-serving-platform app.yaml:14-15 in
        # 80a75d1, a registry's admin password; reviewed) and a Kubernetes env entry
        ("    secrets:\n      - name: acr-password\n        value: " + "Qw8eRt5yUi2oPa9sDf3g\n", 3),
        ('      env:\n        - name: DB_PASSWORD\n          value: "' + 'Xy7Kq2mP9vL4"\n', 3),
        # a Compose environment, as a mapping and as a list
        ("    environment:\n      POSTGRES_PASSWORD: " + "Xy7Kq2mP9vL4\n", 2),
        ("    environment:\n      - POSTGRES_PASSWORD=" + "Xy7Kq2mP9vL4\n", 2),
        # a development default of words, a reference, a secret store's key: none
        ("    environment:\n      POSTGRES_PASSWORD: mlflow123\n", None),
        ("        - name: DB_PASSWORD\n          valueFrom:\n            secretKeyRef:\n", None),
        ("        - name: DB_PASSWORD\n          value: ${{ secrets.DB_PASSWORD }}\n", None),
        # trap: a hard-to-guess value under a name that is no credential's
        ("        - name: MODEL_VERSION\n          value: " + "Xy7Kq2mP9vL4abc\n", None),
        # ... or under a word that holds a credential word (MLOps-Basics configs/model/
        # default.yaml:2, a Hugging Face model id)
        ("tokenizer: google/bert_uncased_L-2_H-128_A-2\n", None),
        # a Kubernetes Secret's base64 is judged by what it wraps: a placeholder
        # (aakash1552005/telco-churn-mlops infra/k8s/secret.yaml:40; reviewed) is none, a
        # password one
        ("data:\n  API_SECRET_KEYS: " + "WyJSRVBMQUNFX1dJVEhfUkVBTF9LRVkiXQ==\n", None),
        ("data:\n  API_SECRET_KEYS: " + "cThaciF3MlBkTHg5VHE=\n", 2),
    ],
    ids=[
        "aca-secret",
        "k8s-env",
        "compose-map",
        "compose-list",
        "word",
        "ref",
        "expr",
        "fp",
        "fp-word",
        "fp-base64-placeholder",
        "base64-password",
    ],
)
def test_a_credential_given_in_yaml_is_a_secret(text, found):
    findings = find_secrets("deploy/app.yaml", text)
    assert [f.line for f in findings] == ([found] if found else []), findings
    for finding in findings:
        assert "…" in finding.redacted


def test_url_credential_placeholders_are_not_secrets():
    comment = "# e.g. https://[user]:[token]@[netloc]\n"
    assert not find_secrets("git/__init__.py", comment)
    theme = 'x = {"token": "support.function.C99.c"}\n'
    assert not find_secrets("chunk.py", theme)
    real = 'url = "https://alice:Xk29dLpQw8Rt5vBn@github.com/org/repo.git"\n'
    assert [f.kind for f in find_secrets("clone.py", real)] == ["url-credential"]


# detectors: positive, negative, known false positive -----------------------------------------------
@pytest.mark.parametrize(
    ("path", "text", "kinds"),
    [
        ("config.py", AWS_FILE, {"aws-access-key", "aws-secret-key"}),
        ("keys/deploy.pem", PEM_FILE, {"private-key"}),
        ("sa.json", GCP_FILE, {"gcp-service-account"}),
        (
            "settings.ini",
            f"conn = DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={AZURE_KEY};EndpointSuffix=core.windows.net\n",
            {"azure-connection-string"},
        ),
        (".env", f"DEBUG=1\nHF_TOKEN={ENV_TOKEN}\n", {"env-secret"}),
        ("Dockerfile", f"FROM python:3.11\nENV API_KEY={ENV_TOKEN}\n", {"dockerfile-credential"}),
        ("ci.sh", f"export TOKEN={GH_TOKEN}\n", {"github-token"}),
    ],
)
def test_detectors_find_real_secrets(path, text, kinds):
    found = find_secrets(path, text)
    assert {f.kind for f in found} >= kinds
    for finding in found:
        assert "…" in finding.redacted
        for raw in (AWS_ID, AWS_SECRET, PEM_BODY, ENV_TOKEN, GH_TOKEN, AZURE_KEY):
            assert raw not in finding.redacted


@pytest.mark.parametrize(
    ("path", "text"),
    [
        # the AWS documentation's example pair
        ("README.md", f"aws_access_key_id = {DUMMY_ID}\naws_secret_access_key = {DUMMY_SECRET}\n"),
        # an access key id alone is not a usable credential
        ("config.py", f'KEY_ID = "{AWS_ID}"\n'),
        # placeholders in .env files
        (
            ".env",
            "OPENAI_API_KEY=<your-key>\nHF_TOKEN=${HF_TOKEN}\nDB_PASSWORD=changeme\nTOKEN=xxxx\n",
        ),
        # a PEM header in documentation with an elided body
        ("docs/keys.md", f"{PEM_HEADER}\n...\n-----END RSA PRIVATE KEY-----\n"),
        # build args without a value are passed at build time, not committed
        ("Dockerfile", "FROM python:3.11\nARG HF_TOKEN\nENV HF_TOKEN=$HF_TOKEN\n"),
        # token-looking words in ordinary code are not secrets
        ("tokenize.py", "tokens = tokenizer(text)\nMAX_TOKENS = 512\n"),
        # git hashes are not AWS secrets
        ("x.txt", f"{AWS_ID}\n{_rand(40, '0123456789abcdef')}\n"),
        # the storage emulator's published key (Netflix/metaflow's test/core/contexts.json)
        (
            "test/core/contexts.json",
            '"AZURE_STORAGE_CONNECTION_STRING": "DefaultEndpointsProtocol=http;'
            f'AccountName=devstoreaccount1;AccountKey={AZURITE_KEY};BlobEndpoint=x"\n',
        ),
        # MinIO's published demo logins (ThoughtWorksInc/CD4ML-Scenarios .env:1-2)
        (".env", "ACCESS_KEY=minio\nSECRET_KEY=minio123\nMINIO_ROOT_PASSWORD=minioadmin\n"),
    ],
)
def test_detectors_ignore_dummies_and_lookalikes(path, text):
    assert find_secrets(path, text) == []


def test_scrub_redacts_snippets():
    text = f'key = "{GH_TOKEN}" secret={AWS_SECRET} id={AWS_ID}'
    cleaned = redact_text(text)
    assert GH_TOKEN not in cleaned and AWS_SECRET not in cleaned and AWS_ID not in cleaned
    evidence = ev("a.py", 1, f"HF_TOKEN = '{ENV_TOKEN}'")
    assert ENV_TOKEN not in (evidence.snippet or "")


VENV_APP = "training/.venv/lib/python3.12/site-packages/pkg/server/app.py"
CODE_KEY = "Xk9TqL2vWm8RbZ4nYp7C"


# the probe at HEAD ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"config.py": AWS_FILE}, Outcome.FAIL),
        ({"deploy/id_rsa": PEM_FILE}, Outcome.FAIL),
        ({".env": f"WANDB_API_KEY={ENV_TOKEN}\n"}, Outcome.FAIL),
        ({"app.py": "import os\nKEY = os.environ['AWS_SECRET_ACCESS_KEY']\n"}, Outcome.PASS),
        # known false positives: dummy fixtures and sample keys in tests/docs
        ({"tests/fixtures/test_key.pem": PEM_FILE, "README.md": f"use {DUMMY_ID}\n"}, Outcome.PASS),
        ({".env.example": "OPENAI_API_KEY=<your-key>\n"}, Outcome.PASS),
        # ... and a sample key in a third-party package committed with the project
        # (Azure/mlops-templates read_yaml_action/node_modules/@octokit/openapi-types; reviewed)
        ({"action/node_modules/@octokit/types/types.d.ts": PEM_FILE}, Outcome.PASS),
        # ... the installed packages of a committed virtual environment are not read
        # (surajm20061998/driftAwareMLOPS training/.venv/; reviewed); the same line in the
        # project's own code counts, and so does a key exported by the environment's
        # activate script; a password a vendored package names in its code does not
        ({VENV_APP: f'api_key = "{CODE_KEY}"\n' + AWS_FILE}, Outcome.PASS),
        ({"app/settings.py": f'api_key = "{CODE_KEY}"\n'}, Outcome.FAIL),
        ({"training/.venv/bin/activate": AWS_FILE}, Outcome.FAIL),
        ({"third_party/client/auth.py": f'api_key = "{CODE_KEY}"\n'}, Outcome.PASS),
        # a page token is a listing's cursor (mlflow deployments/server/app.py:183)
        ({"app/server.py": 'next_page_token = "eyJpbmRleCI6IDExfQ=="\n'}, Outcome.PASS),
    ],
)
def test_committed_secrets_head(tmp_path, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "committed_secrets")
    assert obs.outcome == expected, obs.message
    if expected == Outcome.FAIL:
        assert obs.evidence and obs.evidence[0].line is not None
        assert "…" in (obs.evidence[0].snippet or "")


def test_committed_secrets_plain_folder_is_decided(tmp_path):
    snap = snapshot(tmp_path, {"config.py": AWS_FILE}, git_init=False)
    assert run_probe(snap, "committed_secrets").outcome == Outcome.FAIL
    clean = snapshot(tmp_path / "clean", {"a.py": "x = 1\n"}, git_init=False)
    obs = run_probe(clean, "committed_secrets")
    assert obs.outcome == Outcome.PASS and "not a git repository" in obs.message


# the history --------------------------------------------------------------------------------------
def _leaked_repo(tmp_path):
    root = make_repo(tmp_path / "leak", {"README.md": "# project\n", "src/app.py": "x = 1\n"})
    commit(root, {"src/settings.py": "import os\n\nDEBUG = False\n" + AWS_FILE}, "add settings")
    commit(root, {"src/settings.py": "import os\n\nDEBUG = False\n"}, "remove the key")
    commit(root, {"src/app.py": "x = 2\n"}, "more work")
    return root


def test_history_secret_removed_later_still_fails(tmp_path):
    root = _leaked_repo(tmp_path)
    obs = run_probe(open_worktree(root), "committed_secrets")
    assert obs.outcome == Outcome.FAIL
    paths = {(e.path, e.line) for e in obs.evidence}
    assert ("src/settings.py", 4) in paths and ("src/settings.py", 5) in paths
    assert all("commit" in (e.note or "") for e in obs.evidence)
    assert "bound" in obs.message and "only in history" in obs.message
    rendered = obs.model_dump_json()
    assert AWS_ID not in rendered and AWS_SECRET not in rendered
    assert "AKIA…4W6X" in rendered


def test_history_of_installed_packages_is_not_read(tmp_path):
    # a committed virtual environment's packages, added then removed (surajm20061998/
    # driftAwareMLOPS training/.venv/; reviewed): their diffs are not read; the project's are
    root = make_repo(tmp_path / "venv", {"README.md": "# project\n", "src/app.py": "x = 1\n"})
    commit(root, {VENV_APP: AWS_FILE, "node_modules/pkg/index.js": AWS_FILE}, "add the venv")
    commit(root, {VENV_APP: "x = 1\n", "node_modules/pkg/index.js": "y\n"}, "clean")
    assert run_probe(open_worktree(root), "committed_secrets").outcome == Outcome.PASS
    commit(root, {"src/keys.py": AWS_FILE}, "a key of the project's own")
    commit(root, {"src/keys.py": "x = 1\n"}, "removed")
    obs = run_probe(open_worktree(root), "committed_secrets")
    assert obs.outcome == Outcome.FAIL
    assert {e.path for e in obs.evidence} == {"src/keys.py"}


@pytest.mark.parametrize("fmt", ["json", "terminal"])
def test_raw_key_never_printed_by_the_cli(tmp_path, fmt):
    root = _leaked_repo(tmp_path)
    out = subprocess.run(
        [sys.executable, "-I", "-m", "mlaudit", "scan", str(root), "--format", fmt, "--exit-zero"],
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    everything = out.stdout + out.stderr
    assert AWS_ID not in everything and AWS_SECRET not in everything
    assert AWS_SECRET[:20] not in everything
    if fmt == "json":
        data = json.loads(out.stdout)
        result = next(r for r in data["results"] if r["name"] == "secrets-in-history")
        assert result["outcome"] == "fail" and result["severity"] == "high"
        assert any("AKIA…" in (e.get("snippet") or "") for e in result["evidence"])
        # only in history: a high-severity finding, not a maturity cap; HEAD is clean
        head = next(r for r in data["results"] if r["name"] == "committed-secrets")
        assert head["outcome"] == "pass"
        # (the fixture is no ML system: its only cap is no-ml-system, at level 0)
        assert [c["check"] for c in data["caps"]] == ["STR011"]
        assert [c["check"] for c in data["maturity"]["caps"]] == ["STR011"]


def test_a_history_git_cannot_read_to_the_end_is_read_without_the_missing_files(tmp_path):
    """An incomplete copy (a blob missing from .git/objects): `git log -p` stops with an
    error midway. The scan reads the history again without the paths whose objects are
    missing, and says which: a secret elsewhere is still found, and a clean history is
    unknown only where the missing versions could hold one (three reviewers: zvarrog/
    sentiment-mlops-pipeline, kollie/mlops-project-ci, arbaz-shaik/rul-mlops-pipeline)."""
    root = make_repo(tmp_path / "r", {"README.md": "# r\n"})
    commit(root, {"src/early.py": "A = 1\n"}, "early")
    blob = git(root, "rev-parse", "HEAD:src/early.py").strip()
    commit(root, {"src/early.py": "A = 2\n"}, "later")
    commit(root, {"conf/.env": f"HF_TOKEN={ENV_TOKEN}\n"}, "leak")
    commit(root, {"conf/.env": "HF_TOKEN=\n"}, "unleak")
    (root / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    scan = scan_history_secrets(root)
    assert scan.available and not scan.truncated and not scan.failed
    assert scan.skipped == ("src/early.py",)
    assert "1 file(s) whose objects this copy lacks not read (src/early.py)" in scan.summary()
    assert [(h.path, h.finding.kind) for h in scan.findings] == [("conf/.env", "env-secret")]
    assert run_probe(open_worktree(root), "committed_secrets").outcome == Outcome.FAIL
    # nothing found, but an old version of a text file at HEAD is unread: unknown, not a pass
    clean = make_repo(tmp_path / "clean", {"README.md": "# r\n"})
    commit(clean, {"src/early.py": "A = 1\n"}, "early")
    blob = git(clean, "rev-parse", "HEAD:src/early.py").strip()
    commit(clean, {"src/early.py": "A = 2\n"}, "later")
    (clean / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    obs = run_probe(open_worktree(clean), "committed_secrets")
    assert obs.outcome == Outcome.UNKNOWN
    assert "lacks old versions of src/early.py" in obs.message
    # ... a model binary's version is never read for secrets: nothing is lost
    models = make_repo(tmp_path / "models", {"README.md": "# r\n"})
    commit(models, {"models/m.joblib": "v1\n"}, "model")
    blob = git(models, "rev-parse", "HEAD:models/m.joblib").strip()
    commit(models, {"models/m.joblib": "v2\n"}, "model 2")
    (models / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    assert run_probe(open_worktree(models), "committed_secrets").outcome == Outcome.PASS
    # ... nor is a file this copy lacks at HEAD too: the scan of the files skips it alike
    data = make_repo(tmp_path / "data", {"README.md": "# r\n", "data/rows.csv": "a,b\n1,2\n"})
    blob = git(data, "rev-parse", "HEAD:data/rows.csv").strip()
    (data / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    (data / "data" / "rows.csv").unlink()
    obs = run_probe(open_worktree(data), "committed_secrets")
    assert obs.outcome == Outcome.PASS, obs
    assert "data/rows.csv" in obs.message


def test_history_scan_is_bounded(tmp_path):
    root = _leaked_repo(tmp_path)
    scan = scan_history_secrets(root, max_bytes=1, max_seconds=60)
    assert scan.available and scan.truncated
    assert "stopped at the bound" in scan.summary() and "0 MiB" in scan.bound


def test_history_line_numbers_across_chunks(tmp_path, monkeypatch):
    import mlaudit.repo.secrets_history as sh

    monkeypatch.setattr(sh, "CHUNK_BYTES", 64)  # force state to carry across chunks
    root = make_repo(tmp_path / "r", {"a.txt": "1\n"})
    body = "".join(f"line {i}\n" for i in range(1, 30))
    commit(root, {"conf/.env": body + f"HF_TOKEN={ENV_TOKEN}\n"}, "env")
    scan = sh.scan_history_secrets(root)
    assert [(h.path, h.finding.line, h.finding.kind) for h in scan.findings] == [
        ("conf/.env", 30, "env-secret")
    ]


def test_shallow_clone_history_unknown_head_decided(tmp_path):
    root = _leaked_repo(tmp_path)
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(shallow))
    obs = run_probe(open_worktree(shallow), "committed_secrets")
    assert obs.outcome == Outcome.UNKNOWN and "shallow" in obs.message
    commit(shallow, {"keys.py": AWS_FILE}, "leak at head")
    obs = run_probe(open_worktree(shallow), "committed_secrets")
    assert obs.outcome == Outcome.FAIL


def test_head_secrets_never_printed_in_any_format(tmp_path):
    """Secrets still at HEAD appear in files other probes quote (Dockerfile ENV, .env,
    config modules): no renderer may print them, whatever check quotes the line."""
    from mlaudit.report import FORMATS, RenderOptions, renderer
    from mlaudit.rubric.load import load_rubric
    from mlaudit.scoring import assess

    snap = snapshot(
        tmp_path,
        {
            "src/settings.py": AWS_FILE,
            "Dockerfile": f"FROM python:3.11\nENV HF_TOKEN={ENV_TOKEN}\nUSER 1000\n",
            ".env": f"WANDB_API_KEY={ENV_TOKEN[::-1]}\n",
            "ci.sh": f"curl -H 'Authorization: token {GH_TOKEN}' https://api.github.com\n",
            "keys/deploy.pem": PEM_FILE,
        },
    )
    assessment = assess(snap, load_rubric())
    result = next(r for r in assessment.results if r.name == "committed-secrets")
    assert result.outcome == Outcome.FAIL
    raw = [AWS_ID, AWS_SECRET, ENV_TOKEN, ENV_TOKEN[::-1], GH_TOKEN, PEM_BODY]
    for fmt in FORMATS:
        text = renderer(fmt)(assessment, RenderOptions())
        leaked = [r[:6] + "…" for r in raw if r in text]
        assert not leaked, f"{fmt} printed a secret: {leaked}"


def test_history_scan_of_a_monorepo_subfolder(tmp_path):
    root = make_repo(tmp_path / "mono", {"svc/app.py": "x = 1\n", "other/app.py": "x = 1\n"})
    commit(root, {"svc/conf/keys.py": AWS_FILE, "other/keys.py": AWS_FILE}, "leak twice")
    commit(root, {"svc/conf/keys.py": "", "other/keys.py": ""}, "remove")
    obs = run_probe(open_worktree(root / "svc"), "committed_secrets")
    assert obs.outcome == Outcome.FAIL
    assert {e.path for e in obs.evidence} == {"conf/keys.py"}  # relative to the scan root


def test_redact_strings_redacts_every_occurrence_and_copies_only_what_changed() -> None:
    from mlaudit.repo.parsers.secrets import redact_strings
    from mlaudit.results import Evidence

    token = "ghp_" + "R7kQ2mZp9XvL4tNb8WcY3hJf6DsG1aUe5PoK"
    leaky = Evidence(path="a.env", line=1, snippet=f"TOKEN={token}")
    clean = Evidence(path="b.py", line=2, snippet="x = 1")
    value = [[leaky, clean], (leaky, f"t {token}"), {f"k {token}": leaky}, Outcome.PASS]
    out = redact_strings(value, then=str.upper)
    assert token not in repr(out) and token.upper() not in repr(out)
    first, again, keyed, outcome = out
    assert first[0].snippet == again[0].snippet == next(iter(keyed.values())).snippet
    assert first[1] == clean.model_copy(update={"path": "B.PY", "snippet": "X = 1"})
    assert outcome is Outcome.PASS  # str enums are ours: untouched
    untouched = [clean, ("b.py", "x = 1"), {"k": "v"}]
    assert redact_strings(untouched) is untouched  # nothing changed: the same objects


def test_tree_scan_reads_only_the_lines_around_candidates():
    """A large file is read around its candidates only (ray-project/llm-applications: 30 MB
    of LLM responses, 14 s before): the same findings as reading every line, the secret of
    an AWS pair included when it is on a line of its own, up to five lines from the id."""
    filler = [
        f'  "answer {i}": "tokens flow through the model, nothing secret here",'
        for i in range(3000)
    ]
    lines = [
        *filler[:1500],
        f'  "id": "{AWS_ID}",',
        "",
        "",
        "",
        f'  "key": "{AWS_SECRET}",',
        *filler[1500:],
    ]
    found = find_secrets("results.json", "\n".join(lines) + "\n")
    assert {(f.kind, f.line) for f in found} == {("aws-access-key", 1501), ("aws-secret-key", 1505)}
    # the same pair six lines apart is no pair, in a large file as in a small one
    apart = [
        *filler[:10],
        f'"id": "{AWS_ID}",',
        *[""] * 5,
        f'"key": "{AWS_SECRET}",',
        *filler[10:20],
    ]
    assert find_secrets("small.json", "\n".join(apart)) == []
    assert find_secrets("results.json", "\n".join(filler)) == []
