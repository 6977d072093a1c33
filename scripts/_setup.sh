# Sourced by scripts/demo and scripts/test: makes sure .venv holds quizapp and its dependencies.
# Needs only Python 3.11+ and pip; everything else comes from the package registries.
# Everything it says goes to stderr: stdout is the command's own (`scripts/demo --json` prints JSON
# alone, even on a first run; tests/app/test_cli.py checks it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"
if [ ! -x "$VENV/bin/python" ]; then
  echo "==> creating $VENV" >&2
  "$PYTHON" -m venv "$VENV" >&2
fi
stamp="$VENV/.quizapp-installed"
want="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> installing quizapp and its dependencies into $VENV" >&2
  "$VENV/bin/python" -m pip install --quiet --upgrade pip >&2
  "$VENV/bin/python" -m pip install --quiet -e ".[test]" >&2
  echo "$want" > "$stamp"
fi
export PATH="$VENV/bin:$PATH"

# Debian packages the test and cluster scripts need, installed when missing (apt-get; sudo unless
# root): `debian_packages chromium fonts-noto-cjk postgresql redis-server haproxy wrk`. Each is looked
# for by the program it brings, so a server installed some other way is used as it is. Exports
# PG_BIN (PostgreSQL's server binaries: initdb, pg_ctl) and puts it on PATH.
debian_packages() {
  local missing=() package
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  for package in "$@"; do
    case "$package" in
      chromium) command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium) ;;
      fonts-noto-cjk) dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed" \
                        || missing+=(fonts-noto-cjk) ;;
      postgresql) command -v initdb >/dev/null 2>&1 || [ -n "$PG_BIN" ] || missing+=(postgresql) ;;
      redis-server) command -v redis-server >/dev/null 2>&1 || missing+=(redis-server) ;;
      haproxy) command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy) ;;
      wrk) command -v wrk >/dev/null 2>&1 || missing+=(wrk) ;;
      *) echo "debian_packages: no check for $package" >&2; return 1 ;;
    esac
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing Debian packages: ${missing[*]}" >&2
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  fi
  # Debian keeps the servers' binaries off the default PATH: PostgreSQL's, and /usr/sbin (haproxy).
  [ -n "$PG_BIN" ] && export PATH="$PATH:$PG_BIN"
  case ":$PATH:" in *:/usr/sbin:*) ;; *) export PATH="$PATH:/usr/sbin" ;; esac
  export PG_BIN
}
