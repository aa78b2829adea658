# Shared by bin/run and bin/test (sourced, not executed). Everything here is idempotent: a second run only checks.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1

PY="$ROOT/.venv/bin/python"
export PYTHONUNBUFFERED=1
export PIP_DISABLE_PIP_VERSION_CHECK=1

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\n\033[1;31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi
}

APT_UPDATED=0
apt_install() {
    command -v apt-get >/dev/null || die "apt-get not found; install these packages by hand: $*"
    if [ "$APT_UPDATED" = 0 ]; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# Python: a .venv made by uv, holding exactly the locked requirements.
UV=(uv)
ensure_python_deps() {
    if ! command -v uv >/dev/null; then
        say "Installing uv"
        python3 -m pip install --quiet uv || die "could not install uv with pip"
        hash -r
        # pip may put the script where PATH does not look (pyenv shims, ~/.local/bin): the module always works.
        command -v uv >/dev/null || UV=(python3 -m uv)
    fi
    if [ ! -x "$PY" ]; then
        say "Creating .venv (Python 3.11)"
        # An explicit interpreter: uv must not try to download one (this network reaches package registries only).
        local python
        python="$(command -v python3.11 || command -v python3)" || die "Python 3.11 is required"
        "${UV[@]}" venv --quiet --python "$python" .venv
    fi
    say "Installing locked Python requirements"
    "${UV[@]}" pip install --quiet --python "$PY" -r requirements/base.txt -r requirements/dev.txt
}

# Front end: only when the project has one. npm ci is skipped when node_modules already matches the lock file.
ensure_frontend() {
    if [ ! -f package.json ]; then
        say "No package.json: skipping the front-end build"
        return
    fi
    command -v npm >/dev/null || die "npm is required to build the front end (install Node.js 20)"
    local stamp=node_modules/.erp-lock.sha256 want=""
    [ -f package-lock.json ] && want="$(sha256sum package-lock.json package.json | sha256sum | cut -d' ' -f1)"
    if [ -n "$want" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        say "Front-end packages up to date"
    else
        say "Installing front-end packages (npm ci)"
        if [ -f package-lock.json ]; then
            npm ci --no-audit --no-fund --loglevel=error
            printf '%s' "$want" >"$stamp"
        else
            npm install --no-audit --no-fund --loglevel=error
        fi
    fi
    say "Building the front end (npm run build)"
    npm run --silent build
}

# Translations: the .mo files are committed, so this only refreshes them when gettext is installed.
compile_messages() {
    if command -v msgfmt >/dev/null; then
        say "Compiling translations"
        "$PY" manage.py compilemessages --ignore=.venv --ignore=node_modules --verbosity 0
    else
        say "gettext (msgfmt) not installed: using the committed .mo files"
    fi
}

# A free TCP port on the loopback interface (the OS picks it; tiny race window, fine for throwaway services).
free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Wall-clock timing of named steps, for the closing summary. A step runs as a plain command so `set -e` still
# applies inside it: the first failing command ends the script, and the EXIT trap reports the step that was running.
STEP_NAMES=()
STEP_TIMES=()
CURRENT_STEP=""
CURRENT_START=0
step() {
    CURRENT_STEP="$1"
    CURRENT_START=$SECONDS
    shift
    say "$CURRENT_STEP"
    "$@"
    STEP_NAMES+=("$CURRENT_STEP")
    STEP_TIMES+=("$((SECONDS - CURRENT_START))")
    CURRENT_STEP=""
}
print_summary() {
    local i
    printf '\n\033[1m==> Summary\033[0m\n'
    for i in "${!STEP_NAMES[@]}"; do
        printf '  %-32s %-8s %5ss\n' "${STEP_NAMES[$i]}" "ok" "${STEP_TIMES[$i]}"
    done
    if [ -n "$CURRENT_STEP" ]; then
        printf '  %-32s %-8s %5ss\n' "$CURRENT_STEP" "FAILED" "$((SECONDS - CURRENT_START))"
    fi
}
