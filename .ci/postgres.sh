#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on a loopback port and print its URL.
# Usage: eval "$(bash .ci/postgres.sh start [DIR] [PORT])"   ...   bash .ci/postgres.sh stop DIR
# Installs the Debian packages when pg_ctl is missing (the machine is root with apt).
set -euo pipefail

find_bin() {
    local name=$1
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
    local hit
    hit=$(ls -1 /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -n $hit ]] && echo "$hit"
}

ensure_installed() {
    if [[ -z $(find_bin pg_ctl) ]]; then
        echo "PostgreSQL not found: installing it from the Debian packages" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq postgresql >&2
    fi
}

run_as_owner() {
    # initdb and postgres refuse to run as root: use the postgres system user then.
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

cmd=${1:-start}
dir=${2:-/tmp/boligmatch-pg}
port=${3:-54329}
case $cmd in
start)
    ensure_installed
    pg_ctl=$(find_bin pg_ctl)
    initdb=$(find_bin initdb)
    if [[ -f $dir/data/postmaster.pid ]]; then
        run_as_owner "$pg_ctl" -D "$dir/data" -m immediate stop >&2 || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && { id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres; chown postgres "$dir"; }
    run_as_owner "$initdb" -D "$dir/data" -U boligmatch --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    run_as_owner "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >&2
    run_as_owner "$(find_bin createdb)" -h 127.0.0.1 -p "$port" -U boligmatch boligmatch_test
    echo "export BOLIGMATCH_TEST_POSTGRES_URL=postgresql+psycopg://boligmatch@127.0.0.1:$port/boligmatch_test"
    ;;
stop)
    pg_ctl=$(find_bin pg_ctl)
    [[ -f $dir/data/postmaster.pid ]] && run_as_owner "$pg_ctl" -D "$dir/data" -m fast stop >&2 || true
    ;;
*)
    echo "usage: $0 start|stop [DIR] [PORT]" >&2
    exit 2
    ;;
esac
