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
