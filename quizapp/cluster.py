"""A whole deployment on this machine, for trying it out and for the cluster test: PostgreSQL with
production settings, Redis for the rate limits, several gunicorn app servers and HAProxy in front
with HTTP health checks (`scripts/cluster`, docs/deploy.md#a-cluster-on-this-machine).

Each piece is a process started here and stopped by stop() (SIGTERM, then SIGKILL). The cluster
test (tests/cluster) starts the same Redis, AppServer and Balancer against the test database.
Run: `python -m quizapp.cluster [--empty] [--port 8090] [--servers 3] [--data DIR] [--reset]`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(what: str, ready, process: subprocess.Popen | None, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited during start-up (status {process.returncode})")
        if ready():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start within {seconds:.0f} s")


def answers(port: int, path: str = "/healthz") -> int | None:
    """The HTTP status of GET `path` on 127.0.0.1:`port`, or None if nothing answers."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()


@dataclass
class Piece:
    """One started process (in a process group of its own, so a stop reaches its children)."""

    name: str
    process: subprocess.Popen
    log: Path

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout=20)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def kill(self) -> None:
        """SIGKILL the whole process group at once: the server dies as in a crash, mid-request."""
        self.stop(signal.SIGKILL)


def _start(name: str, args: list[str], log: Path, env: dict[str, str] | None = None) -> Piece:
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
                                   start_new_session=True)
    return Piece(name, process, log)


def _as_postgres() -> list[str]:
    """PostgreSQL refuses to run as root: then its server runs as the postgres system user."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _pg_bin(program: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"), key=lambda p: int(p.parts[-3]))
    return str(found[-1]) if found else program


@dataclass
class Postgres:
    """A PostgreSQL server in a data folder of its own, with production durability (fsync,
    synchronous_commit and full_page_writes on: PostgreSQL's defaults, written out so nobody
    copies the test suite's fsync=off) and connections for every app server's pool."""

    root: Path
    port: int
    piece: Piece | None = None

    @property
    def data(self) -> Path:
        return self.root / "postgres"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://quizapp:{self._password()}@127.0.0.1:{self.port}/quizapp"

    def _password(self) -> str:
        path = self.root / "postgres-password"
        if not path.exists():
            path.write_text(secrets.token_hex(16))
            path.chmod(0o600)
        return path.read_text().strip()

    def start(self) -> None:
        fresh = not (self.data / "PG_VERSION").exists()
        if fresh:
            self.data.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.data, "postgres")
            pwfile = self.root / "postgres-superuser"
            pwfile.write_text(secrets.token_hex(16))
            if os.geteuid() == 0:
                shutil.chown(pwfile, "postgres")
            subprocess.run([*_as_postgres(), _pg_bin("initdb"), "-D", str(self.data), "-U", "postgres",
                            "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8",
                            "--locale=C.UTF-8"], check=True, stdout=subprocess.DEVNULL)
            pwfile.unlink()
        settings = {"listen_addresses": "127.0.0.1", "port": str(self.port), "unix_socket_directories": str(self.data),
                    "fsync": "on", "synchronous_commit": "on", "full_page_writes": "on",
                    "max_connections": "200", "shared_buffers": "256MB"}
        args = [_pg_bin("postgres"), "-D", str(self.data)]
        for key, value in settings.items():
            args += ["-c", f"{key}={value}"]
        self.piece = _start("postgres", [*_as_postgres(), *args], self.root / "logs" / "postgres.log")
        _wait("PostgreSQL", lambda: subprocess.run(
            [_pg_bin("pg_isready"), "-h", str(self.data), "-p", str(self.port)], capture_output=True).returncode == 0,
            self.piece.process)
        if fresh:
            # The app's own role owns its database; the superuser is reached only over the socket (in the
            # data folder, which only its owner can enter).
            sql = (f"CREATE ROLE quizapp LOGIN PASSWORD '{self._password()}'; "
                   "CREATE DATABASE quizapp OWNER quizapp ENCODING 'UTF8';")
            for statement in sql.split("; "):
                subprocess.run([*_as_postgres(), _pg_bin("psql"), "-h", str(self.data), "-p", str(self.port),
                                "-U", "postgres", "-q", "-c", statement.rstrip(";")], check=True)


@dataclass
class Redis:
    """Redis for the rate limits: counters that expire, so no persistence, a memory cap, and
    keys dropped by nearest expiry if it is ever reached."""

    root: Path
    port: int
    piece: Piece | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        folder = self.root / "redis"
        folder.mkdir(parents=True, exist_ok=True)
        self.piece = _start("redis", [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(folder), "--save", "",
            "--appendonly", "no", "--maxmemory", "256mb", "--maxmemory-policy", "volatile-ttl"],
            self.root / "logs" / "redis.log")
        _wait("Redis", self._pong, self.piece.process)

    def _pong(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def server_env(database_url: str, redis_url: str, root: Path, secret_key: str,
               extra: dict[str, str] | None = None) -> dict[str, str]:
    """The settings every app server shares (README, "Multi-server settings"): one database, one
    limit storage, one secret key, one photo folder, the balancer as the one trusted proxy."""
    return {**os.environ, "PYTHONPATH": str(ROOT), "QUIZAPP_DATABASE_URL": database_url,
            "QUIZAPP_RATELIMIT_STORAGE_URI": redis_url, "QUIZAPP_SECRET_KEY": secret_key,
            "QUIZAPP_TRUSTED_PROXIES": "1", "QUIZAPP_PHOTO_DIR": str(root / "photos"),
            "QUIZAPP_INSTANCE": str(root / "instance"),
            # Plain http on 127.0.0.1 here; behind HTTPS in production leave Secure cookies on.
            "QUIZAPP_SECURE_COOKIES": "0", **(extra or {})}


QUIZAPP = [sys.executable, "-m", "quizapp"]  # the `quizapp` command of this checkout


def quizapp(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    """Run a `quizapp` command as one of the servers would (cron, set-up)."""
    return subprocess.run([*QUIZAPP, *args], env=env, cwd=ROOT, **kwargs)


@dataclass
class AppServer:
    """One app server: `quizapp serve` (gunicorn) on its own port."""

    name: str
    port: int
    env: dict[str, str]
    workers: int = 2
    threads: int = 4
    log: Path = Path("app.log")
    piece: Piece | None = None

    def start(self) -> None:
        self.piece = _start(self.name, [*QUIZAPP, "serve", "--host", "127.0.0.1",
                                        "--port", str(self.port), "--workers", str(self.workers),
                                        "--threads", str(self.threads)], self.log, self.env)

    def wait(self) -> None:
        assert self.piece is not None
        _wait(self.name, lambda: answers(self.port) == 200, self.piece.process)


@dataclass
class Balancer:
    """HAProxy in front of the app servers: round robin, an HTTP health check of /healthz every
    second (out after 2 failures, back after 2 successes), a request refused by a dead server's
    port retried on another, and at most `maxconn` requests at once on each server (the rest wait
    in HAProxy's queue, where a server's death cannot lose them)."""

    root: Path
    port: int
    servers: list[AppServer]
    stats_port: int
    maxconn: int = 8
    piece: Piece | None = None
    config: Path = field(init=False)

    def render(self) -> str:
        lines = [
            "global", "    maxconn 4096", "    log stderr format raw daemon info", "",
            # Failed requests are logged (logs/haproxy.log), the normal ones are not.
            "defaults", "    mode http", "    log global", "    option httplog", "    option dontlog-normal",
            "    timeout connect 2s", "    timeout client 60s",
            "    timeout server 60s", "    timeout queue 30s", "    retries 3", "    option redispatch 1",
            "    option http-server-close", "    option forwardfor", "",
            "frontend quizapp", f"    bind 127.0.0.1:{self.port}", "    http-request set-header X-Forwarded-Proto http",
            "    default_backend app", "",
            "backend app", "    balance roundrobin", "    option httpchk",
            "    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host localhost",
            "    http-check expect status 200",
            # Which server answered: for tracing (and the cluster test's spread of wrong PINs).
            "    http-response set-header X-Served-By %s",
            # Out after 2 failed checks, or at once when a request's connection is refused (a dead
            # server's port: until its checks fail, it would look free and draw every queued request).
            f"    default-server check inter 1s fall 2 rise 2 maxconn {self.maxconn} observe layer4 error-limit 1"
            " on-error mark-down",
            *(f"    server {s.name} 127.0.0.1:{s.port}" for s in self.servers), "",
            "frontend stats", f"    bind 127.0.0.1:{self.stats_port}", "    stats enable", "    stats uri /",
            "    stats refresh 2s", "",
        ]
        return "\n".join(lines)

    def start(self) -> None:
        self.config = self.root / "haproxy.cfg"
        self.config.write_text(self.render())
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        subprocess.run([haproxy, "-c", "-q", "-f", str(self.config)], check=True)
        self.piece = _start("haproxy", [haproxy, "-db", "-f", str(self.config)], self.root / "logs" / "haproxy.log")
        _wait("HAProxy", lambda: answers(self.port) == 200, self.piece.process)

    def up(self) -> dict[str, bool]:
        """Each server's state as HAProxy sees it (its stats CSV): True when up."""
        conn = http.client.HTTPConnection("127.0.0.1", self.stats_port, timeout=5)
        try:
            conn.request("GET", "/;csv")
            rows = conn.getresponse().read().decode().splitlines()
        finally:
            conn.close()
        header = rows[0].lstrip("# ").split(",")
        states = {}
        for row in rows[1:]:
            cells = dict(zip(header, row.split(","), strict=False))
            if cells.get("pxname") == "app" and cells.get("svname") not in ("FRONTEND", "BACKEND"):
                states[cells["svname"]] = cells.get("status", "").startswith("UP")
        return states


def app_servers(ports: list[int], env: dict[str, str], logs: Path, workers: int, threads: int) -> list[AppServer]:
    return [AppServer(f"app{n}", port, env, workers, threads, logs / f"app{n}.log")
            for n, port in enumerate(ports, start=1)]


def start_servers(servers: list[AppServer]) -> None:
    """Start every app server, then wait for all (they import quizapp side by side)."""
    for server in servers:
        server.start()
    for server in servers:
        server.wait()


def _secret(root: Path) -> str:
    path = root / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _load(env: dict[str, str], empty: bool, base_url: str) -> str:
    """The demo town, or an empty migrated database with the question bank: what to print."""
    if not empty:
        done = quizapp(["demo", "--no-serve", "--port", base_url.rsplit(":", 1)[1]], env, check=True,
                       capture_output=True, text=True)
        return done.stdout
    quizapp(["db", "upgrade"], env, check=True, capture_output=True)
    quizapp(["bank", "load", str(ROOT / "question_bank")], env, check=True, capture_output=True)
    return (f"quizapp (an empty town: migrated, question bank loaded, no accounts yet) at {base_url}\n"
            "Start again without --empty (and with --reset) for the demo town and its accounts.\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/cluster", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--empty", action="store_true", help="an empty migrated database instead of the demo town")
    parser.add_argument("--port", type=int, default=8090,
                        help="HAProxy's port; app servers take the next ones, the stats page the last of 10")
    parser.add_argument("--servers", type=int, default=3, help="app servers (gunicorn)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes per app server")
    parser.add_argument("--threads", type=int, default=4, help="threads per process")
    parser.add_argument("--postgres-port", type=int, default=5442)
    parser.add_argument("--redis-port", type=int, default=6389)
    parser.add_argument("--data", type=Path, default=Path("/var/tmp/quizapp-cluster"),
                        help="where PostgreSQL's data, Redis, logs and the shared secret live (kept between runs)")
    parser.add_argument("--reset", action="store_true", help="throw the data folder away first")
    opts = parser.parse_args(argv)
    if opts.servers + 2 > 10:
        parser.error("at most 8 app servers (ports --port .. --port+9)")
    root: Path = opts.data.resolve()
    if opts.reset and root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)  # the postgres user must reach its data folder inside
    pieces: list[Piece] = []

    def stop_all(*_args) -> None:
        for piece in reversed(pieces):
            piece.stop()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        postgres = Postgres(root, opts.postgres_port)
        postgres.start()
        assert postgres.piece is not None
        pieces.append(postgres.piece)
        redis = Redis(root, opts.redis_port)
        redis.start()
        assert redis.piece is not None
        pieces.append(redis.piece)
        env = server_env(postgres.url, redis.url, root, _secret(root))
        base_url = f"http://127.0.0.1:{opts.port}"
        print(f"==> loading {'an empty database' if opts.empty else 'the demo town'} (the demo takes a few minutes "
              "the first time)", flush=True)
        said = _load(env, opts.empty, base_url)
        servers = app_servers([opts.port + n for n in range(1, opts.servers + 1)], env, root / "logs",
                              opts.workers, opts.threads)
        start_servers(servers)
        pieces.extend(s.piece for s in servers if s.piece is not None)
        balancer = Balancer(root, opts.port, servers, stats_port=opts.port + 9)
        balancer.start()
        assert balancer.piece is not None
        pieces.append(balancer.piece)
        print(said)
        print(json.dumps({"balancer": base_url, "haproxy_stats": f"http://127.0.0.1:{opts.port + 9}/",
                          "app_servers": [f"http://127.0.0.1:{s.port}" for s in servers],
                          "postgres": f"127.0.0.1:{opts.postgres_port} (data in {postgres.data})",
                          "redis": redis.url, "logs": str(root / "logs")}, indent=2))
        print("==> running; Ctrl-C stops everything", flush=True)
        while all(p.process.poll() is None for p in pieces):
            time.sleep(1)
        dead = [p.name for p in pieces if p.process.poll() is not None]
        print(f"==> {', '.join(dead)} stopped; stopping the rest (logs in {root / 'logs'})", flush=True)
        return 1
    except KeyboardInterrupt:
        print("\n==> stopping", flush=True)
        return 0
    finally:
        stop_all()


if __name__ == "__main__":
    sys.exit(main())
