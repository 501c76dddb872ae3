#!/usr/bin/env bash
# Throwaway single-node Slurm cluster for bfa's integration tests and CI.
#
#   scripts/slurm-local.sh up DIR     start it; prints `export SLURM_CONF=DIR/slurm.conf` on stdout
#   scripts/slurm-local.sh down DIR   stop what `up DIR` started (safe to repeat)
#
# Typical use:  eval "$(scripts/slurm-local.sh up /tmp/slurm)"; ...; scripts/slurm-local.sh down /tmp/slurm
#
# Needs root (apt-get, munge user switch, SlurmUser=root). Works without systemd: the
# daemons are started directly and tracked by the PIDs written to DIR/pids/.
#
# Environment overrides:
#   SLURM_LOCAL_CTLD_PORT (6817), SLURM_LOCAL_SLURMD_PORT (6818)  - for a second cluster
#   SLURM_LOCAL_UP_TIMEOUT (60)                                     - seconds to wait for the node
#   SLURM_LOCAL_STOP_TIMEOUT (15)                                   - seconds between SIGTERM and SIGKILL
set -euo pipefail

readonly PACKAGES=(slurmctld slurmd slurm-client munge)
readonly MUNGE_KEY=/etc/munge/munge.key
readonly MUNGE_RUN=/run/munge
readonly CTLD_PORT=${SLURM_LOCAL_CTLD_PORT:-6817}
readonly SLURMD_PORT=${SLURM_LOCAL_SLURMD_PORT:-6818}
readonly UP_TIMEOUT=${SLURM_LOCAL_UP_TIMEOUT:-60}
readonly STOP_TIMEOUT=${SLURM_LOCAL_STOP_TIMEOUT:-15}
# Every daemon we start carries this variable and slurmstepd inherits it from slurmd, so
# `down` can find leftovers of exactly this instance without matching process names.
readonly MARKER=BFA_SLURM_LOCAL_DIR
MUNGE_JUST_INSTALLED=0

# stdout is reserved for the single export line so that `eval "$(... up DIR)"` works;
# fd 3 keeps the real stdout, everything else (apt, logs, errors) goes to stderr.
exec 3>&1 1>&2

log() { printf 'slurm-local: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
    log "usage: $0 up DIR | down DIR"
    exit 2
}

# A zombie still answers kill -0; PID 1 here (and in containers) may never reap the
# daemons we orphan, so treat zombies as dead.
pid_alive() {
    local pid=$1 stat
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat%% *} != Z ]]
}

# Guards against signalling an unrelated process that reused a recorded PID.
pid_is() {
    local pid=$1 comm=$2
    pid_alive "$pid" && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$comm" ]]
}

recorded_pid() {
    local file=$DIR/pids/$1.pid
    if [[ -f $file ]]; then cat "$file"; fi
}

daemon_running() {
    local pid
    pid=$(recorded_pid "$1")
    [[ -n $pid ]] && pid_is "$pid" "$1"
}

any_alive() {
    local pid
    for pid in "$@"; do pid_alive "$pid" && return 0; done
    return 1
}

# SIGTERM, then SIGKILL after TIMEOUT seconds. Usage: stop_pids WHAT TIMEOUT PID...
stop_pids() {
    local what=$1 timeout=$2 pid deadline live=()
    shift 2
    for pid in "$@"; do pid_alive "$pid" && live+=("$pid"); done
    ((${#live[@]})) || return 0
    log "stopping $what (pid ${live[*]})"
    kill -TERM "${live[@]}" 2>/dev/null || true
    deadline=$((SECONDS + timeout))
    while any_alive "${live[@]}" && ((SECONDS < deadline)); do sleep 0.2; done
    if any_alive "${live[@]}"; then
        log "$what still alive ${timeout}s after SIGTERM, sending SIGKILL"
        kill -KILL "${live[@]}" 2>/dev/null || true
        deadline=$((SECONDS + 5))
        while any_alive "${live[@]}" && ((SECONDS < deadline)); do sleep 0.2; done
    fi
}

# PID and all its descendants, from one snapshot taken before anything is signalled
# (once a parent dies its children are reparented and the tree cannot be found again).
process_tree() {
    local table pids=("$1") i=0 child
    table=$(ps -e -o pid=,ppid=)
    while ((i < ${#pids[@]})); do
        while read -r child; do
            pids+=("$child")
        done < <(awk -v p="${pids[i]}" '$2 == p {print $1}' <<<"$table")
        i=$((i + 1))
    done
    printf '%s\n' "${pids[@]}"
}

stop_recorded() {
    local name=$1 pid
    pid=$(recorded_pid "$name")
    if [[ -n $pid ]]; then
        if pid_is "$pid" "$name"; then
            stop_pids "$name" "$STOP_TIMEOUT" "$pid"
        else
            log "$name (pid $pid) is not running"
        fi
        rm -f "$DIR/pids/$name.pid"
    fi
}

# Prints "PID VALUE" for every process whose environment has MARKER set.
marked_processes() {
    local env_file pid value
    for env_file in /proc/[0-9]*/environ; do
        pid=${env_file#/proc/}
        pid=${pid%/environ}
        value=$(tr '\0' '\n' 2>/dev/null <"$env_file" | sed -n "s/^$MARKER=//p" | head -n 1) || true
        [[ -n $value ]] && pid_alive "$pid" && printf '%s %s\n' "$pid" "$value"
    done
    return 0
}

port_in_use() {
    timeout 2 bash -c "exec 9<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

port_owner() {
    if command -v ss >/dev/null; then
        ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:.*' | head -n 1 || true
    fi
}

munge_works() {
    munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1
}

set_dir() {
    [[ -n ${1:-} ]] || usage
    [[ $1 != *[[:space:]]* ]] || die "DIR must not contain whitespace (slurm.conf cannot quote paths): $1"
    if [[ $2 == create ]]; then
        mkdir -p "$1"
    elif [[ ! -d $1 ]]; then
        log "$1 does not exist, nothing to stop"
        exit 0
    fi
    DIR=$(cd "$1" && pwd -P)
    CONF=$DIR/slurm.conf
    export SLURM_CONF=$CONF
}

ensure_packages() {
    local missing=() pkg status
    for pkg in "${PACKAGES[@]}"; do
        # shellcheck disable=SC2016 # ${Status} is dpkg-query's format, not a shell variable
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        [[ $status == "install ok installed" ]] || missing+=("$pkg")
    done
    ((${#missing[@]} == 0)) && return 0
    [[ " ${missing[*]} " == *" munge "* ]] && MUNGE_JUST_INSTALLED=1
    log "installing ${missing[*]}"
    # No stdin in CI: keep debconf and apt from ever waiting for an answer.
    export DEBIAN_FRONTEND=noninteractive
    apt-get update </dev/null
    apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
}

ensure_munge() {
    if [[ ! -s $MUNGE_KEY ]]; then
        log "creating $MUNGE_KEY"
        install -d -o munge -g munge -m 0700 "$(dirname "$MUNGE_KEY")"
        if ! mungekey --create --keyfile="$MUNGE_KEY" 2>/dev/null; then
            dd if=/dev/urandom of="$MUNGE_KEY" bs=1024 count=1 status=none
        fi
        chown munge:munge "$MUNGE_KEY"
        chmod 0400 "$MUNGE_KEY"
    fi
    # /run is a tmpfs that nobody (no systemd-tmpfiles here) recreates the socket dir in.
    install -d -o munge -g munge -m 0755 "$MUNGE_RUN"

    local pid=
    if munge_works; then
        pid=$(cat "$MUNGE_RUN/munged.pid" 2>/dev/null || true)
        # Without a policy-rc.d denying it, munge's postinst starts munged through its init
        # script; that one exists only because of this up, so down should stop it too.
        if ((MUNGE_JUST_INSTALLED)) && pid_is "$pid" munged; then
            log "adopting munged (pid $pid) started by the munge package's postinst"
            echo "$pid" >"$DIR/pids/munged.pid"
        else
            log "munged already running, reusing it (down will not stop it)"
        fi
        return 0
    fi
    log "starting munged"
    # munged forks into the background itself; its PID only shows up in its own pid file.
    rm -f "$MUNGE_RUN/munged.pid"
    runuser -u munge -- /usr/sbin/munged \
        </dev/null >>"$DIR/log/munged.stdout" 2>&1 3>&-
    local deadline=$((SECONDS + 10))
    until munge_works; do
        ((SECONDS < deadline)) || die "munged did not start, see $DIR/log/munged.stdout and /var/log/munge/munged.log"
        sleep 0.2
    done
    pid=$(cat "$MUNGE_RUN/munged.pid" 2>/dev/null || true)
    pid_is "$pid" munged || die "munged runs but $MUNGE_RUN/munged.pid does not name it"
    echo "$pid" >"$DIR/pids/munged.pid"
}

write_conf() {
    local host=$1 cpus mem_kb real_mem
    cpus=$(nproc)
    mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
    # slurmd drains a node whose RealMemory exceeds what it measures, so stay below it.
    real_mem=$((mem_kb * 95 / 100 / 1024))
    cat >"$CONF" <<EOF
# Generated by scripts/slurm-local.sh up; rewritten on every up.
ClusterName=bfa-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
# CR_CPU (not CR_Core) so a 1-CPU task takes one CPU even on hosts with SMT siblings.
SelectTypeParameters=CR_CPU
ReturnToService=2
# Reject at submit time what this node can never run (default: pend forever, Reason=PartitionConfig).
EnforcePartLimits=ALL
# Finished jobs stay visible to scontrol/squeue for an hour (there is no accounting DB).
MinJobAge=3600
KillWait=5
InactiveLimit=0
MailProg=/bin/true
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$real_mem State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

start_daemon() {
    local name=$1
    shift
    # setsid: survive the caller's session/terminal; 3>&- and the log redirections: never
    # hold the caller's pipes open, or `$(... up DIR)` would wait for the daemons to exit.
    setsid env "$MARKER=$DIR" SLURM_CONF="$CONF" "$@" \
        </dev/null >>"$DIR/log/$name.stdout" 2>&1 3>&- &
    echo "$!" >"$DIR/pids/$name.pid"
}

print_logs() {
    local f
    for f in "$DIR"/log/*; do
        [[ -s $f ]] || continue
        log "---- last lines of $f ----"
        tail -n 25 "$f" >&2
    done
}

on_up_exit() {
    local rc=$?
    ((rc == 0)) && return 0
    log "up failed (exit $rc)"
    print_logs
    log "stopping whatever was started"
    cmd_down_body || true
    exit "$rc"
}

cmd_up() {
    set_dir "${1:-}" create
    ((EUID == 0)) || die "must run as root"
    local start=$SECONDS host spool_socket
    host=$(hostname -s)

    if daemon_running slurmctld && daemon_running slurmd; then
        log "already up in $DIR"
        printf 'export SLURM_CONF=%s\n' "$CONF" >&3
        return 0
    fi
    # A half-alive instance in DIR (e.g. an earlier up died) is cleared before starting anew.
    cmd_down_body

    # slurmstepd's unix socket ($SlurmdSpoolDir/<host>_<job>.<step>) must fit in sun_path (108).
    spool_socket="$DIR/spool/${host}_4294967294.4294967294"
    ((${#spool_socket} < 108)) || die "DIR path too long for slurmd's sockets: $DIR"

    # Refuse rather than share: two clusters on one port pair would silently talk to each other.
    local port other
    for port in "$CTLD_PORT" "$SLURMD_PORT"; do
        if port_in_use "$port"; then
            other=$(marked_processes | awk -v me="$DIR" '$2 != me {print $2; exit}')
            die "port $port is already in use $(port_owner "$port") (by the cluster of: $0 up ${other:-?}); stop it with: $0 down ${other:-OTHERDIR}; or pick other ports via SLURM_LOCAL_CTLD_PORT/SLURM_LOCAL_SLURMD_PORT"
        fi
    done

    ensure_packages

    trap on_up_exit EXIT
    # A throwaway cluster starts empty: no jobs or node state from a previous up.
    rm -rf "$DIR/state" "$DIR/spool" "$DIR/run" "$DIR/log"
    mkdir -p "$DIR/state" "$DIR/spool" "$DIR/run" "$DIR/log" "$DIR/pids"
    ensure_munge
    write_conf "$host"

    start_daemon slurmctld slurmctld -D -c -f "$CONF"
    start_daemon slurmd slurmd -D -f "$CONF" -N "$host"

    local deadline=$((SECONDS + UP_TIMEOUT)) state=
    while :; do
        state=$(sinfo -h -N -n "$host" -o %T 2>/dev/null || true)
        [[ $state == idle ]] && break
        daemon_running slurmctld || die "slurmctld exited"
        daemon_running slurmd || die "slurmd exited"
        ((SECONDS < deadline)) || die "node $host not idle after ${UP_TIMEOUT}s (state: '${state:-none}')"
        sleep 0.5
    done
    trap - EXIT
    log "node $host idle after $((SECONDS - start))s (slurmctld pid $(recorded_pid slurmctld), slurmd pid $(recorded_pid slurmd))"
    printf 'export SLURM_CONF=%s\n' "$CONF" >&3
}

cancel_jobs() {
    daemon_running slurmctld || return 0
    local ids deadline
    ids=$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ') || return 0
    [[ -n ${ids// /} ]] || return 0
    log "cancelling jobs: $ids"
    # shellcheck disable=SC2086 # word splitting of the id list is intended
    scancel $ids 2>/dev/null || true
    # Leave KillWait (5s) plus slack for slurmstepd to tear the tasks down itself.
    deadline=$((SECONDS + 15))
    while [[ -n $(squeue -h -t RUNNING,COMPLETING,CONFIGURING -o %A 2>/dev/null || true) ]] &&
        ((SECONDS < deadline)); do
        sleep 0.5
    done
}

stop_munged() {
    local pid other
    pid=$(recorded_pid munged)
    [[ -n $pid ]] || return 0
    other=$(marked_processes | awk -v me="$DIR" -v m="$pid" '$1 != m && $2 != me {print $2; exit}')
    if [[ -n $other ]] && pid_is "$pid" munged && [[ -d $other/pids && ! -e $other/pids/munged.pid ]]; then
        # Another instance still authenticates through this munged; it becomes that one's to stop.
        log "munged (pid $pid) is still used by the cluster in $other; handing it over to that DIR"
        mv "$DIR/pids/munged.pid" "$other/pids/munged.pid"
        return 0
    fi
    stop_recorded munged
}

cmd_down_body() {
    [[ -d $DIR/pids ]] || return 0
    cancel_jobs
    stop_recorded slurmd
    stop_recorded slurmctld
    # Only left when slurmd died before its jobs: slurmstepd and the job's tasks below it.
    local pid value leftovers=()
    while read -r pid value; do
        [[ $value == "$DIR" && $pid != "$(recorded_pid munged)" ]] || continue
        mapfile -t -O "${#leftovers[@]}" leftovers < <(process_tree "$pid")
    done < <(marked_processes)
    if ((${#leftovers[@]})); then
        stop_pids "leftover job processes" 5 "${leftovers[@]}"
    fi
    stop_munged
}

cmd_down() {
    set_dir "${1:-}" existing
    ((EUID == 0)) || die "must run as root"
    cmd_down_body
    log "down: $DIR"
}

case ${1:-} in
up) cmd_up "${2:-}" ;;
down) cmd_down "${2:-}" ;;
*) usage ;;
esac
