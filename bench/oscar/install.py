"""Installs django-oscar 4.2.1 from PyPI into its own virtualenv and loads the benchmark catalog.

    .venv/bin/python bench/oscar/install.py --source-database ocop_bench_peer

Creates ``var/bench-oscar/venv`` (gitignored) and installs ``django-oscar==4.2.1``, gunicorn,
psycopg and what oscar's product images need (sorl-thumbnail); creates
the PostgreSQL database ``oscar_bench`` (``--database``), migrates it with the shop of
``bench/oscar/oscar_site`` (oscar's documented settings, guest checkout on, 24 products a
page), and loads the catalog with ``bench/oscar/load.py``: copied from our database with the
national demo data (``--source-database``, see ``ocop demo load --scale national``) or, without
it, 20 000 generated products. Every step is skipped when already done; ``--fresh`` drops the
oscar database first. Run on demand, not in CI.
"""

# ruff: noqa: S608 - the SQL here names the database given on the command line

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VAR = ROOT / "var" / "bench-oscar"
VENV = VAR / "venv"
PYTHON = VENV / "bin" / "python"
PACKAGES = ["django-oscar==4.2.1", "gunicorn", "psycopg[binary]", "sorl-thumbnail"]
sys.path.insert(0, str(ROOT))  # bench.support, when this file is run on its own
from bench.support import SERVER_PYTHON, interpreter  # noqa: E402

PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}


def pg_url(database: str) -> str:
    return f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{database}"


def oscar_env(database: str) -> dict[str, str]:
    """The environment oscar's processes run in: its settings, its database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "oscar_site.settings",
        "PYTHONPATH": str(HERE),
        "OSCAR_BENCH_DB": database,
        "OSCAR_BENCH_DB_HOST": PG["host"],
        "OSCAR_BENCH_DB_PORT": PG["port"],
        "OSCAR_BENCH_DB_USER": PG["user"],
        "OSCAR_BENCH_VAR": str(VAR),
    }


def run_sql(sql: str, database: str = "postgres") -> str:
    """One statement through oscar's psycopg (autocommit, so CREATE DATABASE works)."""
    code = (
        "import sys, psycopg\n"
        "with psycopg.connect(sys.argv[1], autocommit=True) as c:\n"
        "    r = c.execute(sys.argv[2])\n"
        "    print(r.fetchone()[0] if r.description else '')\n"
    )
    done = subprocess.run(
        [str(PYTHON), "-c", code, pg_url(database), sql], check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def ensure_venv() -> None:
    if PYTHON.exists() and interpreter(PYTHON) != interpreter(SERVER_PYTHON):
        # Both sides of the comparison run on one interpreter: builds differ by a quarter. One
        # that no longer starts (its base Python removed) is made again too.
        print(f"{VENV} was made with another Python: making it again")
        shutil.rmtree(VENV)
    if not PYTHON.exists():
        print(f"creating {VENV}")
        subprocess.run([str(SERVER_PYTHON), "-m", "venv", "--copies", str(VENV)], check=True)
    check = subprocess.run(
        [str(PYTHON), "-c", "import oscar, gunicorn, psycopg, sorl; print(oscar.get_version())"],
        capture_output=True,
        text=True,
    )
    if check.returncode == 0 and check.stdout.strip() == "4.2.1":
        return
    print("pip install " + " ".join(PACKAGES))
    subprocess.run([str(PYTHON), "-m", "pip", "install", "-q", *PACKAGES], check=True)


def ensure_database(database: str, fresh: bool) -> None:
    if fresh:
        run_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    if run_sql(f"SELECT count(*) FROM pg_database WHERE datname = '{database}'") == "0":
        run_sql(f'CREATE DATABASE "{database}"')
    env = oscar_env(database)
    django_admin = [str(PYTHON), "-m", "django"]
    subprocess.run([*django_admin, "migrate", "--no-input", "-v", "0"], env=env, check=True)


def load(database: str, source: str | None, count: int, reload: bool) -> None:
    command = [str(PYTHON), str(HERE / "load.py"), "--count", str(count)]
    if source:
        command += ["--source", pg_url(source)]
    if reload:
        command.append("--reload")
    subprocess.run(command, env=oscar_env(database), check=True)


def install(database: str, source: str | None, count: int = 20_000, fresh: bool = False) -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    ensure_venv()
    ensure_database(database, fresh)
    load(database, source, count, reload=False)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default="oscar_bench", help="oscar's PostgreSQL database")
    parser.add_argument("--source-database", help="our database with the national data to copy from")
    parser.add_argument("--count", type=int, default=20_000, help="products to generate without a source")
    parser.add_argument("--fresh", action="store_true", help="drop oscar's database first")
    args = parser.parse_args()
    if sys.prefix == str(VENV):
        raise SystemExit("run this with the project's Python, not oscar's")
    install(args.database, args.source_database, args.count, args.fresh)


if __name__ == "__main__":
    main()
