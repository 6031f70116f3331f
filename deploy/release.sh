#!/usr/bin/env bash
# One release step, run with the production environment (the same .env or
# variables as gunicorn) before gunicorn is (re)started. Safe to run again.
#
#   deploy/release.sh            # uses .venv/bin/python, or PYTHON=...
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
[ -x "$PY" ] || PY="$(command -v python3)"

# Refuse to release a configuration Django itself calls unsafe.
"$PY" manage.py check --deploy --fail-level WARNING
# Schema first: old workers keep running until gunicorn is reloaded, so
# migrations must stay backward compatible for one release (docs/deploy.md).
"$PY" manage.py migrate --no-input
# The shared cache (login throttling) lives in a database table.
"$PY" manage.py createcachetable
"$PY" manage.py compilemessages --ignore=.venv -v0
# Hashed, compressed copies under STATIC_ROOT for whitenoise.
"$PY" manage.py collectstatic --no-input -v0
echo "release: ready"
