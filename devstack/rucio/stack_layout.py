"""Where the dev-stack Rucio keeps its state, and the config files it writes.

Shared by bootstrap.py, supervisor.py, seed.py and generate_dataset.py. Standard
library only, so it can be imported before Rucio is (Rucio reads RUCIO_CONFIG at
import time).
"""

from __future__ import annotations

import configparser
import json
import os
import sysconfig
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
VO = "def"
SECOND_VO = "tst"  # beside VO in the multi-VO Rucio (devstack/rucio-mvo); VO tags have 3 characters
ROOT_ACCOUNT, ROOT_USERNAME, ROOT_PASSWORD = "root", "ddmlab", "secret"
USER_ACCOUNT, USER_USERNAME, USER_PASSWORD = "jdoe", "jdoe", "jdoe-secret"
USER_EMAIL = "jdoe@vre.example.org"
SCOPES = {"user.jdoe": USER_ACCOUNT, "atlas_open": ROOT_ACCOUNT, "cta": ROOT_ACCOUNT}
DATA_RSES = ("CERN-DATA", "DESY-DATA")  # field data, written by root
UPLOAD_RSE = (
    "CERN-SCRATCHDISK"  # Rucio's generic policy lets users add replicas only on *SCRATCHDISK-like RSEs
)
REMOTE_RSES = (*DATA_RSES, UPLOAD_RSE)
MOUNTED_RSE = "VRE-MOUNT"
RSES = (*REMOTE_RSES, MOUNTED_RSE)
IAM_ISSUER_ID = "vre-iam"  # key of the dev stack's IAM in idpsecrets.json
OIDC_AUDIENCE, OIDC_SCOPE = "rucio", "openid profile"  # what a token must carry for Rucio
LFN2PFN = "identity"  # scope:name -> <scope>/<name>; user.x / group.x scopes become user/x / group/x
DATABASES = ("sqlite", "postgresql")  # VRE_RUCIO_DB; the first is the default
# PostgreSQL: a private cluster in Layout.pg_data; this superuser owns the database.
PG_USER, PG_PASSWORD, PG_DATABASE = "rucio", "rucio-pg-secret", "rucio"


@dataclass(frozen=True)
class Layout:
    home: Path
    port: int
    database: str = DATABASES[0]
    pg_port: int = 8185
    # the TLS front for X.509 clients (wsgi_x509.py); None: no front
    tls_port: int | None = None
    # "rucio", or "rucio-mvo" for the second, multi-VO Rucio (its own data, logs and facts)
    service: str = "rucio"
    multi_vo: bool = False

    @property
    def data(self) -> Path:
        return self.home / "data" / self.service

    @property
    def vos(self) -> tuple[str, ...]:
        return (VO, SECOND_VO) if self.multi_vo else (VO,)

    @property
    def x509(self) -> Path:
        """The dev stack's CA, certificates and proxy (x509_pki.py)."""
        return self.data / "x509"

    @property
    def etc(self) -> Path:
        return self.data / "etc"

    @property
    def db(self) -> Path:
        return self.data / "rucio.db"

    @property
    def pg_data(self) -> Path:
        """The PostgreSQL cluster's data directory; its unix socket is there too."""
        return self.data / "pg"

    def pg_socket_conninfo(self, dbname: str = PG_DATABASE) -> dict[str, str]:
        """psycopg.connect() arguments for the unix socket (trusted: only the cluster's owner and root reach it)."""
        return {"host": str(self.pg_data), "port": str(self.pg_port), "user": PG_USER, "dbname": dbname}

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL of Rucio's database."""
        if self.database == "postgresql":
            return f"postgresql+psycopg://{PG_USER}:{PG_PASSWORD}@127.0.0.1:{self.pg_port}/{PG_DATABASE}"
        # timeout: SQLite waits this long for a lock instead of failing with "database is locked".
        return f"sqlite:///{self.db}?timeout=60"

    @property
    def server_config(self) -> Path:
        return self.etc / "rucio.cfg"

    @property
    def alembic_ini(self) -> Path:
        return self.etc / "alembic.ini"

    @property
    def client_config(self) -> Path:
        return self.etc / "client.cfg"

    @property
    def root_client_config(self) -> Path:
        return self.etc / "root-client.cfg"

    @property
    def idpsecrets(self) -> Path:
        return self.etc / "idpsecrets.json"

    @property
    def iam_json(self) -> Path:
        return self.home / "services" / "iam.json"

    @property
    def samples_record(self) -> Path:
        return self.data / "samples.json"

    @property
    def logs(self) -> Path:
        return self.home / "logs" / self.service

    @property
    def venv(self) -> Path:
        return self.home / "venvs" / "rucio"

    @property
    def service_json(self) -> Path:
        return self.home / "services" / f"{self.service}.json"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def tls_url(self) -> str | None:
        return f"https://127.0.0.1:{self.tls_port}" if self.tls_port else None

    def rse_dir(self, rse: str) -> Path:
        return self.data / "rse" / rse


def layout() -> Layout:
    home = Path(os.environ.get("VRE_DEVSTACK_HOME", HERE.parent.parent / ".devstack")).resolve()
    if os.environ.get("VRE_RUCIO_MULTI_VO"):  # set by devstack/rucio-mvo's scripts
        return Layout(
            home=home,
            port=int(os.environ.get("VRE_RUCIO_MVO_PORT") or "8187"),
            service="rucio-mvo",
            multi_vo=True,
        )
    database = os.environ.get("VRE_RUCIO_DB") or DATABASES[0]
    if database not in DATABASES:
        raise SystemExit(f"VRE_RUCIO_DB={database!r}: expected one of {', '.join(DATABASES)}")
    return Layout(
        home=home,
        port=int(os.environ.get("VRE_RUCIO_PORT", "8180")),
        database=database,
        pg_port=int(os.environ.get("VRE_RUCIO_PG_PORT") or "8185"),
        tls_port=int(os.environ.get("VRE_RUCIO_TLS_PORT") or "8186"),
    )


def pg_bindir(lay: Layout) -> Path:
    """Debian's binaries of the PostgreSQL version that made the cluster."""
    return Path("/usr/lib/postgresql") / (lay.pg_data / "PG_VERSION").read_text().strip() / "bin"


def _write(path: Path, parser: configparser.ConfigParser) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w") as f:
        parser.write(f)
    tmp.replace(path)


def _parser(sections: dict[str, dict[str, str]]) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_dict(sections)
    return parser


def write_configs(lay: Layout) -> None:
    """Server config (with [database]) and client configs (without) for this layout."""
    migrations = Path(sysconfig.get_paths()["purelib"]) / "rucio" / "db" / "sqla" / "migrate_repo"
    _write(
        lay.server_config,
        _parser(
            {
                # Rucio reads any value of multi_vo as true: the key only when it is.
                "common": {"loglevel": "WARNING", **({"multi_vo": "True"} if lay.multi_vo else {})},
                "database": {"default": lay.db_url, "pool_reset_on_return": "rollback", "echo": "0"},
                "bootstrap": {
                    "userpass_identity": ROOT_USERNAME,
                    "userpass_pwd": ROOT_PASSWORD,
                    "userpass_email": "root@vre.example.org",
                },
                "alembic": {"cfg": str(lay.alembic_ini)},
                "policy": {
                    "permission": "generic",
                    "schema": "generic",
                    "lfn2pfn_algorithm_default": LFN2PFN,
                    "support": "devstack",
                    "support_rucio": "https://github.com/rucio/rucio/issues/",
                },
                # The mock transfertool accepts the file:// scheme of our posix RSEs; fts_standin.py
                # gives it the byte copy FTS would do.
                "conveyor": {"scheme": "file", "transfertool": "mock"},
                "transfers": {"multihop_rse_expression": ""},  # direct transfers only
                # JWTs from the dev stack's IAM (idpsecrets.json is written when its iam.json exists)
                "oidc": {
                    "idpsecrets": str(lay.idpsecrets),
                    "admin_issuer": IAM_ISSUER_ID,
                    "expected_audience": OIDC_AUDIENCE,
                    "expected_scope": OIDC_SCOPE,
                },
                "monitor": {"enable_metrics": "False"},
            }
        ),
    )
    _write(
        lay.alembic_ini,
        _parser(
            {
                "alembic": {"script_location": str(migrations), "sqlalchemy.url": lay.db_url},
                # alembic's fileConfig fails without these logging sections.
                "loggers": {"keys": "root,sqlalchemy,alembic"},
                "handlers": {"keys": "console"},
                "formatters": {"keys": "generic"},
                "logger_root": {"level": "WARN", "handlers": "console", "qualname": ""},
                "logger_sqlalchemy": {"level": "WARN", "handlers": "", "qualname": "sqlalchemy.engine"},
                "logger_alembic": {"level": "INFO", "handlers": "", "qualname": "alembic"},
                "handler_console": {
                    "class": "StreamHandler",
                    "args": "(sys.stderr,)",
                    "level": "NOTSET",
                    "formatter": "generic",
                },
                "formatter_generic": {"format": "%(levelname)-5.5s [%(name)s] %(message)s"},
            }
        ),
    )
    for path, account, username, password in (
        (lay.client_config, USER_ACCOUNT, USER_USERNAME, USER_PASSWORD),
        (lay.root_client_config, ROOT_ACCOUNT, ROOT_USERNAME, ROOT_PASSWORD),
    ):
        _write(
            path,
            _parser(
                {
                    "client": {
                        "rucio_host": lay.url,
                        "auth_host": lay.url,
                        "auth_type": "userpass",
                        "account": account,
                        "username": username,
                        "password": password,
                        "request_retries": "3",
                    }
                }
            ),
        )


def iam_facts(lay: Layout) -> dict | None:
    """What the dev stack's IAM published, if it did."""
    try:
        return json.loads(lay.iam_json.read_text())
    except (FileNotFoundError, ValueError):
        return None


def oidc_identity(iam: dict, username: str) -> str | None:
    """Rucio's OIDC identity string for an IAM user: SUB=<sub>, ISS=<issuer>."""
    user = iam.get("users", {}).get(username)
    return f"SUB={user['sub']}, ISS={iam['issuer']}" if user else None


def write_idpsecrets(lay: Layout, iam: dict) -> None:
    """Register the IAM with the Rucio server (read by rucio.core.oidc when it first sees a JWT)."""
    clients = iam.get("clients", {})
    client_id = "vre-service" if "vre-service" in clients else iam["client_id"]
    secret = clients.get(client_id, {}).get("secret", iam.get("client_secret"))
    registration = {
        "client_id": client_id,
        "client_secret": secret,
        "redirect_uris": [f"{lay.url}/auth/oidc_code"],
    }
    write_json(
        lay.idpsecrets, {IAM_ISSUER_ID: {"issuer": iam["issuer"], **registration, "SCIM": registration}}
    )


def mount_facts(lay: Layout) -> dict[str, object]:
    """How a PFN of the mounted RSE maps to a local path.

    Posix PFNs look like file://localhost<prefix><scope path>/<name>, with <prefix> the RSE's
    storage directory. Local path = mount_path + (PFN path with pfn_prefix removed);
    path_begins_at is the same rule as rucio-jupyterlab's integer: the number of leading
    path components of the PFN path to drop.
    """
    mount = lay.rse_dir(MOUNTED_RSE)
    return {
        "mounted_rse": MOUNTED_RSE,
        "mount_path": str(mount),
        "pfn_prefix": f"file://localhost{mount}/",
        "path_begins_at": len(mount.parts) - 1,
        "lfn2pfn_algorithm": LFN2PFN,
    }


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)
