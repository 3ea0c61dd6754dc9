#!/usr/bin/env bash
# The test command: install what the tests need, start a throwaway PostgreSQL, lint, run every test.
#
#   bash scripts/test.sh                      # everything: unit, app, SQL, browser
#   bash scripts/test.sh tests/metrics -x     # extra arguments go to pytest
#
# Works from any directory, on a fresh Debian machine as root (CI runs exactly this), and on a
# developer machine that already has chromium and PostgreSQL. Under this command a test that
# needs PostgreSQL or Chromium fails when they are missing (BENEFITBOARD_REQUIRE_ALL=1); a bare
# `pytest` skips such tests instead.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
readonly REPO_ROOT=$PWD
readonly VENV=$REPO_ROOT/.venv

# ---- timing -------------------------------------------------------------------------------

PHASE_SUMMARY=()
PHASE_NAME=""
PHASE_STARTED_US=0
readonly RUN_STARTED_US=${EPOCHREALTIME/[.,]/}

seconds_since() {
    local elapsed_ms=$(((${EPOCHREALTIME/[.,]/} - $1) / 1000))
    printf '%d.%02d' $((elapsed_ms / 1000)) $((elapsed_ms % 1000 / 10))
}

phase_begin() {
    PHASE_NAME=$1
    PHASE_STARTED_US=${EPOCHREALTIME/[.,]/}
    echo "==> $PHASE_NAME"
}

# phase_end [outcome]: record how long the current phase took.
phase_end() {
    local took
    took=$(seconds_since "$PHASE_STARTED_US")
    PHASE_SUMMARY+=("$(printf '  %-18s %7ss  %s' "$PHASE_NAME" "$took" "${1:-ok}")")
    echo "<== $PHASE_NAME: ${took}s ${1:-ok}"
    PHASE_NAME=""
}

die() {
    echo "scripts/test.sh: $*" >&2
    exit 1
}

# ---- phases -------------------------------------------------------------------------------

install_system_packages() {
    local missing=()
    command -v chromium >/dev/null || missing+=(chromium fonts-liberation)
    command -v chromedriver >/dev/null || missing+=(chromium-driver)
    # Screenshots (README, exports) should show the pages' icons, not empty boxes.
    [[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]] || missing+=(fonts-noto-color-emoji)
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
    [[ -x $VENV/bin/python ]] || python3 -c 'import ensurepip, venv' 2>/dev/null ||
        missing+=(python3-venv)
    if [[ ${#missing[@]} -eq 0 ]]; then
        echo "chromium, chromium-driver and PostgreSQL are installed"
        return 0
    fi
    if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null; then
        die "missing system packages: ${missing[*]}. Install them as root, e.g." \
            "sudo apt-get install ${missing[*]}, then run this command again."
    fi
    echo "installing with apt-get: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq </dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
}

install_python_packages() {
    if [[ ! -x $VENV/bin/python ]]; then
        echo "creating $VENV"
        python3 -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        -r requirements-dev.txt </dev/null
}

PG_DIR=""

start_postgres() {
    PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/benefitboard-pg.XXXXXX")
    BENEFITBOARD_TEST_PG_URL=$(scripts/pg_test_server.sh start "$PG_DIR")
    export BENEFITBOARD_TEST_PG_URL
    echo "BENEFITBOARD_TEST_PG_URL=$BENEFITBOARD_TEST_PG_URL"
}

# Runs when the script ends for any reason: stop the server, delete its directory, print timings.
finish() {
    local status=$?
    trap - EXIT INT TERM
    if [[ -n $PHASE_NAME ]]; then
        phase_end "FAILED (exit $status)"
    fi
    if [[ -n $PG_DIR ]]; then
        phase_begin "postgres stop"
        scripts/pg_test_server.sh stop "$PG_DIR" || echo "warning: could not remove $PG_DIR" >&2
        phase_end
    fi
    echo
    echo "Timings:"
    printf '%s\n' "${PHASE_SUMMARY[@]}"
    printf '  %-18s %7ss\n' "total" "$(seconds_since "$RUN_STARTED_US")"
    if [[ $status -eq 0 ]]; then
        echo "scripts/test.sh: all checks passed"
    else
        echo "scripts/test.sh: FAILED (exit $status)" >&2
    fi
    exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the run ------------------------------------------------------------------------------

phase_begin "system packages"
install_system_packages
phase_end

phase_begin "python packages"
install_python_packages
phase_end

export PATH="$VENV/bin:$PATH"
export BENEFITBOARD_REQUIRE_ALL=1

phase_begin "postgres start"
start_postgres
phase_end

# Lint and tests both run, so one CI run reports both; either failing fails the command.
failures=()

phase_begin "lint"
lint_status=0
ruff check . || lint_status=$?
ruff format --check . || lint_status=$?
if [[ $lint_status -eq 0 ]]; then
    phase_end
else
    phase_end "FAILED"
    failures+=("lint")
fi

# The layer rules of docs/ARCHITECTURE.md, as import-linter contracts (pyproject.toml).
phase_begin "import contracts"
if lint-imports; then
    phase_end
else
    phase_end "FAILED"
    failures+=("import contracts")
fi

# Types of the application packages ([tool.mypy] in pyproject.toml).
phase_begin "type check"
if mypy; then
    phase_end
else
    phase_end "FAILED"
    failures+=("type check")
fi

phase_begin "tests"
pytest_status=0
# Two workers or more (one per core): browser and database tests wait on servers much of the
# time, so a second worker fills that time; --dist loadfile keeps each module on one worker,
# so a module's servers and fixtures start once.
python -m pytest --numprocesses auto --dist loadfile "$@" || pytest_status=$?
if [[ $pytest_status -eq 5 ]]; then
    phase_end "no tests collected (ok)"
elif [[ $pytest_status -eq 0 ]]; then
    phase_end
else
    phase_end "FAILED (pytest exit $pytest_status)"
    failures+=("tests")
fi

if [[ ${#failures[@]} -gt 0 ]]; then
    echo "failed: ${failures[*]}" >&2
    exit 1
fi
