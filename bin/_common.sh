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

# ---------------------------------------------------------------------------------------------------------------
# Throwaway PostgreSQL + Redis for scripts other than bin/test (bin/benchmark, ad-hoc development runs). The same
# recipe as bin/test, under names of their own (svc_*, SVC_*) so bin/test's functions and variables stay untouched.
# Usage: `trap svc_stop EXIT; svc_start erp_bench` exports DATABASE_URL, REDIS_URL and ERP_PG_BIN; svc_stop always
# stops both services and removes the data directory (safe to call twice, and when svc_start failed half-way).
SVC_PG_USER_OS=erp-pg
SVC_WORK=""
SVC_PG_BIN=""

svc_as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u "$SVC_PG_USER_OS" -- "$@")
    else
        "$@"
    fi
}

svc_find_pg_bin() {
    if [ -n "${ERP_PG_BIN:-}" ] && [ -x "$ERP_PG_BIN/initdb" ]; then
        echo "$ERP_PG_BIN"
        return
    fi
    local d
    for d in /usr/lib/postgresql/15/bin $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
        if [ -x "$d/initdb" ]; then
            echo "$d"
            return
        fi
    done
}

svc_start() {
    local dbname="${1:-erp}" pg_port redis_port i
    SVC_PG_BIN="$(svc_find_pg_bin)"
    if [ -z "$SVC_PG_BIN" ]; then
        say "PostgreSQL server not installed: installing it"
        apt_install postgresql
        SVC_PG_BIN="$(svc_find_pg_bin)"
        [ -n "$SVC_PG_BIN" ] || die "PostgreSQL binaries (initdb, pg_ctl) not found after installing"
    fi
    if ! command -v redis-server >/dev/null; then
        say "redis-server not installed: installing it"
        apt_install redis-server
    fi
    if [ "$(id -u)" -eq 0 ] && ! id -u "$SVC_PG_USER_OS" >/dev/null 2>&1; then
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$SVC_PG_USER_OS"
    fi

    SVC_WORK="$(mktemp -d -t erp-svc.XXXXXX)"
    [ "$(id -u)" -eq 0 ] && chown "$SVC_PG_USER_OS:" "$SVC_WORK"

    pg_port="$(free_port)"
    svc_as_pg "$SVC_PG_BIN/initdb" -D "$SVC_WORK/pg" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
    svc_as_pg "$SVC_PG_BIN/pg_ctl" -D "$SVC_WORK/pg" -l "$SVC_WORK/pg.log" -w -t 60 \
        -o "-k $SVC_WORK -c listen_addresses=127.0.0.1 -p $pg_port -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || { cat "$SVC_WORK/pg.log" >&2; die "PostgreSQL did not start"; }
    "$SVC_PG_BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres "$dbname"

    redis_port="$(free_port)"
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
        --pidfile "$SVC_WORK/redis.pid" --logfile "$SVC_WORK/redis.log" --dir "$SVC_WORK" >/dev/null
    export REDIS_URL="redis://127.0.0.1:$redis_port/0"
    for i in $(seq 50); do
        "$PY" -c 'import os, redis; redis.Redis.from_url(os.environ["REDIS_URL"]).ping()' 2>/dev/null && break
        [ "$i" -eq 50 ] && { cat "$SVC_WORK/redis.log" >&2; die "Redis did not start"; }
        sleep 0.1
    done

    export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/$dbname"
    export ERP_PG_BIN="$SVC_PG_BIN"
    echo "PostgreSQL $("$SVC_PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port"
}

svc_stop() {
    if [ -n "$SVC_WORK" ] && [ -d "$SVC_WORK" ]; then
        if [ -f "$SVC_WORK/pg/postmaster.pid" ]; then
            svc_as_pg "$SVC_PG_BIN/pg_ctl" -D "$SVC_WORK/pg" -m immediate -w -t 20 stop >/dev/null 2>&1 \
                || kill -9 "$(head -1 "$SVC_WORK/pg/postmaster.pid")" 2>/dev/null
        fi
        if [ -f "$SVC_WORK/redis.pid" ]; then
            kill "$(cat "$SVC_WORK/redis.pid")" 2>/dev/null
        fi
        rm -rf "$SVC_WORK"
    fi
    SVC_WORK=""
    return 0
}
