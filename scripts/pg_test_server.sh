#!/usr/bin/env bash
# A throwaway PostgreSQL server for one test run.
#
# The SQL tests need a real server, not a mock. This script makes one in a directory the
# caller owns, so the caller can always clean up, even after a half-finished start:
#
#   dir=$(mktemp -d)
#   trap 'scripts/pg_test_server.sh stop "$dir"' EXIT
#   url=$(scripts/pg_test_server.sh start "$dir")   # postgresql+psycopg://postgres@127.0.0.1:PORT/postgres
#
# start DIR  initdb into DIR/data, listen on 127.0.0.1 only, on a free port, trust auth on
#            loopback, fsync off; print the SQLAlchemy URL on stdout (messages go to stderr).
# stop DIR   stop the server if it runs, then delete DIR.
#
# initdb and pg_ctl refuse to run as root, so as root they run as the `postgres` system user
# (created by Debian's postgresql package), and DIR is handed to that user.
set -euo pipefail

readonly START_ATTEMPTS=3

die() {
    echo "pg_test_server: $*" >&2
    exit 1
}

postgres_bin_dir() {
    local newest
    newest=$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n 1 || true)
    if [[ -n $newest ]]; then
        dirname "$newest"
    elif command -v initdb >/dev/null; then
        dirname "$(command -v initdb)"
    else
        die "no initdb found: install PostgreSQL (Debian: apt-get install postgresql)"
    fi
}

# Run a PostgreSQL tool as the user that owns the cluster, from inside DIR
# (the postgres user may not be allowed to read the caller's working directory).
as_cluster_owner() {
    local dir=$1
    shift
    if [[ $EUID -eq 0 ]]; then
        (cd "$dir" && runuser -u postgres -- "$@")
    else
        (cd "$dir" && "$@")
    fi
}

free_loopback_port() {
    python3 -c 'import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])'
}

start_server() {
    local dir=$1 bin port attempt
    [[ -d $dir ]] || die "start: directory '$dir' does not exist (create it with mktemp -d)"
    [[ ! -e $dir/data ]] || die "start: '$dir/data' already exists; give start a fresh directory"
    bin=$(postgres_bin_dir)

    if [[ $EUID -eq 0 ]]; then
        getent passwd postgres >/dev/null ||
            die "running as root but there is no 'postgres' user: install Debian's postgresql package"
        chown postgres: "$dir"
    fi

    as_cluster_owner "$dir" "$bin/initdb" --pgdata="$dir/data" --username=postgres \
        --auth=trust --encoding=UTF8 --locale=C --no-sync --no-instructions \
        >"$dir/initdb.log" 2>&1 ||
        die "initdb failed:"$'\n'"$(cat "$dir/initdb.log")"

    # Loopback only; the Unix socket lives in DIR so nothing is left in /var/run. The data is
    # thrown away after the run, so durability is traded for speed.
    cat >>"$dir/data/postgresql.conf" <<EOF

# Benefitboard test server (scripts/pg_test_server.sh)
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

    # Another process may take the free port between the check and the bind: try again.
    for ((attempt = 1; attempt <= START_ATTEMPTS; attempt++)); do
        port=$(free_loopback_port)
        if as_cluster_owner "$dir" "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" \
            --options="-p $port" --wait --timeout=30 --silent start >&2; then
            echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
            return 0
        fi
        echo "pg_test_server: start on port $port failed (attempt $attempt of $START_ATTEMPTS)" >&2
    done
    die "could not start PostgreSQL; server log:"$'\n'"$(cat "$dir/server.log" 2>/dev/null)"
}

stop_server() {
    local dir=$1 bin pid
    [[ -n $dir && -d $dir ]] || return 0
    if [[ -f $dir/data/postmaster.pid ]]; then
        bin=$(postgres_bin_dir)
        if ! as_cluster_owner "$dir" "$bin/pg_ctl" --pgdata="$dir/data" --mode=fast \
            --wait --timeout=15 --silent stop >&2; then
            pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
            if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
                echo "pg_test_server: pg_ctl stop failed; killing postmaster $pid" >&2
                kill -KILL "$pid" 2>/dev/null || true
            fi
        fi
    fi
    rm -rf -- "$dir"
}

main() {
    local usage="usage: $0 start DIR | stop DIR"
    [[ $# -eq 2 ]] || die "$usage"
    case $1 in
        start) start_server "$2" ;;
        stop) stop_server "$2" ;;
        *) die "$usage" ;;
    esac
}

main "$@"
