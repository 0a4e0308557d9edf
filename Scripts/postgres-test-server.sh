#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and for trying BuildTriage's history on PostgreSQL.
#
#   Scripts/postgres-test-server.sh start   # prints `export BUILDTRIAGE_TEST_POSTGRES_URL='postgres://…'`
#   Scripts/postgres-test-server.sh url     # prints the URL of the running server
#   Scripts/postgres-test-server.sh stop    # stops the server and removes its directory
#   Scripts/postgres-test-server.sh halt    # stops the server at once (-m immediate), keeping its directory
#   Scripts/postgres-test-server.sh resume  # starts a halted server again
#   Scripts/postgres-test-server.sh sql Q   # runs one statement as the role, prints the rows unaligned
#
# `eval "$(Scripts/postgres-test-server.sh start)"` starts it and sets the variable the test suite reads.
#
# It installs nothing (`.ci/run` installs Debian's `postgresql` when `initdb` is missing). The cluster lives in
# a new temporary directory; `initdb` and `pg_ctl` run as the `postgres` user when this runs as root. The server
# listens on 127.0.0.1 only, on a free port, with no Unix socket. pg_hba allows only scram-sha-256 password
# logins over TCP (no `trust`). The role `buildtriage` (random password) owns the database `buildtriage`.
# TLS is on with a certificate for the name `localhost`, signed by a CA made for this cluster: the URL names that
# CA with `sslrootcert=`, so `sslmode=verify-full` works against `localhost` and fails against `127.0.0.1`.
#
# The running server is recorded in `.postgres-test-server` at the repository root (git ignores it), so each
# checkout has its own server. BUILDTRIAGE_PG_STATE names another record file.
set -euo pipefail

# Descriptors inherited from the caller (a test process's sockets, say) are closed first: the server would keep them
# open for its whole life, and a port the caller closed would go on listening in it and never answer.
for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
done

repo="$(cd "$(dirname "$0")/.." && pwd)"
state="${BUILDTRIAGE_PG_STATE:-$repo/.postgres-test-server}"

say() { printf 'postgres-test-server: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# The directory of initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/<version>/bin (newest first).
find_bindir() {
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v initdb)")"
        return
    fi
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return
        fi
    done
    die "initdb not found: install PostgreSQL (Debian: apt-get install -y postgresql)"
}

# Runs a command as the cluster's owner: `postgres` when we are root (initdb refuses root), else ourselves.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# A port nothing on 127.0.0.1 listens on now (the start is retried if another process takes it first).
free_port() {
    local port
    for _ in $(seq 1 200); do
        port=$(( 20000 + RANDOM % 40000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    die "no free port found on 127.0.0.1"
}

random_hex() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

# The recorded cluster directory, if the record names one that still exists.
recorded_dir() {
    [ -f "$state" ] || return 1
    local dir
    dir="$(cat "$state")"
    [ -n "$dir" ] && [ -d "$dir" ] || return 1
    echo "$dir"
}

is_running() { as_owner "$1/bin/pg_ctl" -D "$1/data" status >/dev/null 2>&1; }

print_export() { printf "export BUILDTRIAGE_TEST_POSTGRES_URL='%s'\n" "$(cat "$1/url")"; }

# A CA and a server certificate for `localhost` (not for 127.0.0.1), valid for two days.
make_certificates() {
    local dir="$1" data="$1/data"
    local ext="$dir/server.ext"
    printf '%s\n' 'subjectAltName=DNS:localhost' 'basicConstraints=critical,CA:FALSE' \
        'keyUsage=critical,digitalSignature,keyEncipherment' 'extendedKeyUsage=serverAuth' >"$ext"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj "/CN=BuildTriage test CA" -addext 'basicConstraints=critical,CA:TRUE' \
        -addext 'keyUsage=critical,keyCertSign,cRLSign' \
        -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" \
        -keyout "$data/server.key" -out "$dir/server.csr" 2>/dev/null
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -set_serial "0x$(random_hex)" \
        -days 2 -extfile "$ext" -out "$data/server.crt" 2>/dev/null
    rm -f "$dir/ca.key" "$dir/server.csr" "$ext"
    chmod 600 "$data/server.key"
    chmod 644 "$dir/ca.crt"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$data/server.key" "$data/server.crt"; fi
}

start() {
    local dir
    if dir="$(recorded_dir)" && is_running "$dir"; then
        say "already running ($dir)"
        print_export "$dir"
        return
    fi
    command -v openssl >/dev/null 2>&1 || die "openssl not found (Debian: apt-get install -y openssl)"
    local bindir
    bindir="$(find_bindir)"

    dir="$(mktemp -d "${TMPDIR:-/tmp}/buildtriage-pg.XXXXXX")"
    chmod 755 "$dir"
    mkdir "$dir/bin"
    ln -s "$bindir/pg_ctl" "$dir/bin/pg_ctl"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    echo "$dir" >"$state"

    local super_password role_password
    super_password="$(random_hex)"
    role_password="$(random_hex)"
    (umask 077; echo "$super_password" >"$dir/superuser.pw")
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir/superuser.pw"; fi

    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --pwfile="$dir/superuser.pw" --auth=scram-sha-256 \
        -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    rm -f "$dir/superuser.pw"
    make_certificates "$dir"

    # Password logins over TCP from 127.0.0.1 only; nothing else (no socket, no trust).
    as_owner sh -c "printf '%s\n' 'host all all 127.0.0.1/32 scram-sha-256' >'$dir/data/pg_hba.conf'"

    local port attempt
    for attempt in 1 2 3 4 5; do
        port="$(free_port)"
        as_owner sh -c "cat >>'$dir/data/postgresql.conf'" <<EOF
# postgres-test-server.sh (attempt $attempt): a throwaway test cluster.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
password_encryption = 'scram-sha-256'
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
        if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null 2>&1; then
            break
        fi
        if [ "$attempt" = 5 ] || ! grep -q 'could not bind\|Address already in use' "$dir/server.log" 2>/dev/null; then
            tail -n 20 "$dir/server.log" >&2 || true
            stop
            die "the server did not start"
        fi
        say "port $port was taken; trying another"
    done

    local psql="$bindir/psql"
    [ -x "$psql" ] || psql="$(command -v psql)"
    PGPASSWORD="$super_password" PGSSLMODE=disable "$psql" -X -q -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$port" -U postgres -d postgres \
        -c "CREATE ROLE buildtriage LOGIN CREATEDB PASSWORD '$role_password'" \
        -c "CREATE DATABASE buildtriage OWNER buildtriage" >/dev/null ||
        { stop; die "could not create the role and the database"; }

    echo "postgres://buildtriage:$role_password@127.0.0.1:$port/buildtriage?sslrootcert=$dir/ca.crt" >"$dir/url"
    say "started on 127.0.0.1:$port ($dir)"
    print_export "$dir"
}

stop() {
    local dir
    if ! dir="$(recorded_dir)"; then
        rm -f "$state"
        say "no server recorded in $state"
        return
    fi
    if is_running "$dir"; then
        as_owner "$dir/bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || say "pg_ctl stop failed"
    fi
    case "$dir" in
        */buildtriage-pg.*) rm -rf "$dir" ;;
        *) say "not removing unexpected directory $dir" ;;
    esac
    rm -f "$state"
    say "stopped and removed $dir"
}

url() {
    local dir
    dir="$(recorded_dir)" && is_running "$dir" || die "not running: Scripts/postgres-test-server.sh start"
    cat "$dir/url"
}

# A crash, as far as the sessions can tell: every connection is cut and uncommitted work is lost (the tests use it
# to stop the server in the middle of a record). The directory stays, for `resume`.
halt() {
    local dir
    dir="$(recorded_dir)" || die "no server recorded in $state"
    as_owner "$dir/bin/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || die "pg_ctl stop failed"
    say "halted $dir"
}

resume() {
    local dir
    dir="$(recorded_dir)" || die "no server recorded in $state"
    is_running "$dir" && return
    as_owner "$dir/bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null 2>&1 ||
        { tail -n 20 "$dir/server.log" >&2 || true; die "the server did not start again"; }
    say "resumed $dir"
}

sql() {
    local dir psql
    dir="$(recorded_dir)" && is_running "$dir" || die "not running: Scripts/postgres-test-server.sh start"
    psql="$(dirname "$(readlink -f "$dir/bin/pg_ctl")")/psql"
    [ -x "$psql" ] || psql="$(command -v psql)"
    "$psql" -X -q -t -A -v ON_ERROR_STOP=1 -d "$(cat "$dir/url")" -c "$1"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) url ;;
    halt) halt ;;
    resume) resume ;;
    sql) [ $# -eq 2 ] || die "usage: $0 sql STATEMENT"; sql "$2" ;;
    *) echo "usage: $0 start|stop|url|halt|resume|sql STATEMENT" >&2; exit 64 ;;
esac
