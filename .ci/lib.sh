# Shared by .ci/run, deploy/check.sh and bench/*.sh (source it; it runs nothing by itself).
# One place for "install what a script needs from Debian" and "start a local service that is down", so that every
# script works on a new machine, where nothing installed by hand is there.
#
# Written for `set -euo pipefail`: no `cmd | grep -q` or `cmd | head` (grep -q and head close the pipe early, the
# writer dies of SIGPIPE and the pipeline's status becomes 141); output is captured whole and matched in bash.

# need_tools TOOL=PACKAGE...: installs from Debian the packages of the tools not on PATH, saying which; fails naming a
# package only when Debian really has no candidate for it. Tools already there are not reinstalled.
need_tools() {
    local pair tool package missing=()
    for pair in "$@"; do
        tool=${pair%%=*} package=${pair#*=}
        command -v "$tool" >/dev/null 2>&1 || missing+=("$package")
    done
    ((${#missing[@]})) || return 0
    need_packages "${missing[@]}"
}

# need_packages PACKAGE...: installs the Debian packages that are not installed yet (dpkg's view, not PATH's).
need_packages() {
    local p status policy missing=()
    for p in "$@"; do
        status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
        [[ $status == ii* ]] || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    echo "installing from Debian: ${missing[*]}"
    if [[ $(id -u) != 0 ]]; then
        echo "not root: install them first (apt-get install ${missing[*]})" >&2
        return 1
    fi
    apt-get update -qq
    for p in "${missing[@]}"; do
        policy=$(apt-cache policy "$p" 2>/dev/null || true)
        [[ $policy == *"Candidate: "[0-9]* ]] || { echo "Debian package $p is not available (apt-cache policy $p)" >&2; return 1; }
    done
    # policy-rc.d (exit 101) keeps the packages' own services (nginx, prometheus) from starting during the install
    local policy_made=no
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_made=yes
    fi
    local rc=0
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
    [[ $policy_made == yes ]] && rm -f /usr/sbin/policy-rc.d
    ((rc == 0)) || { echo "apt-get install ${missing[*]} failed (exit $rc)" >&2; return 1; }
}

# first_line TEXT: the first line of TEXT (instead of `| head -1`, which can kill the writer under pipefail)
first_line() { printf '%s\n' "${1%%$'\n'*}"; }

# free_port: a free TCP port on 127.0.0.1 (bash picks none by itself; python3 is on every machine of this kind)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# await SECONDS COMMAND...: runs COMMAND until it succeeds, for up to SECONDS
await() {
    local seconds=$1; shift
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

# tcp_open HOST PORT: whether something listens there (bash's /dev/tcp, no tool needed)
tcp_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# await_tcp HOST PORT SECONDS
await_tcp() {
    local deadline=$((SECONDS + $3))
    until tcp_open "$1" "$2"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.5
    done
}

# need_postgres: PostgreSQL on 127.0.0.1:5432 (this machine kind's, database test), started when it is down
need_postgres() {
    tcp_open 127.0.0.1 5432 && return 0
    echo "starting PostgreSQL (it was not listening on 127.0.0.1:5432)"
    local version
    version=$(ls /etc/postgresql 2>/dev/null || true)
    [[ -n $version ]] || { echo "PostgreSQL is not installed (no /etc/postgresql)" >&2; return 1; }
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    await_tcp 127.0.0.1 5432 30 || { echo "PostgreSQL did not start listening on 127.0.0.1:5432" >&2; return 1; }
}

# need_rabbitmq: RabbitMQ on 127.0.0.1:5672 (guest/guest), started when it is down
# A test forces the memory alarm (watermark 0) and puts it back; a run killed in between would leave the broker blocking
# every publisher, so the watermark is reset to the default here first (where rabbitmqctl cannot, that is said, not fatal).
need_rabbitmq() {
    if ! tcp_open 127.0.0.1 5672; then
        echo "starting RabbitMQ (it was not listening on 127.0.0.1:5672)"
        command -v rabbitmq-server >/dev/null || { echo "RabbitMQ is not installed (no rabbitmq-server)" >&2; return 1; }
        rabbitmq-server -detached
        await_tcp 127.0.0.1 5672 90 || { echo "RabbitMQ did not start listening on 127.0.0.1:5672" >&2; return 1; }
    fi
    rabbitmqctl -q set_vm_memory_high_watermark 0.4 >/dev/null 2>&1 \
        || echo "could not reset RabbitMQ's memory watermark (rabbitmqctl set_vm_memory_high_watermark 0.4)" >&2
    return 0
}
