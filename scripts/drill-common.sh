# shellcheck shell=bash
# What the drills share (scripts/fault-drill.sh, scripts/disk-drill.sh, scripts/sweep-drill.sh):
# the comparison of a resumed run with an uninterrupted one, and the cleanup on exit.
# same_run WHOLE DIR: whether the run in DIR ended as the uninterrupted run in WHOLE did: the model
# memory in model.ckpt byte for byte (the header differs only in its wall-clock fields, and so the
# checksum), and metrics.csv in every column but the last two (examples/s and elapsed seconds).
same_run() {
    local whole=$1 dir=$2 size diffs last
    diff <(rev "$whole/metrics.csv" | cut -d, -f3- | rev) <(rev "$dir/metrics.csv" | cut -d, -f3- | rev) >/dev/null \
        || { echo "$dir: metrics differ"; return 1; }
    size=$(stat -c %s "$whole/model.ckpt")
    [[ $size == $(stat -c %s "$dir/model.ckpt") ]] || { echo "$dir: model.ckpt sizes differ"; return 1; }
    # cmp -l lists differing bytes by 1-based offset: all must be in the header (its first KiB or
    # two) or the 8-byte checksum at the end, never in the model memory between them.
    diffs=$({ cmp -l "$whole/model.ckpt" "$dir/model.ckpt" || true; } | awk -v s="$size" '$1 <= s - 8 { print $1 }' | sort -n)
    last=$(tail -n1 <<< "${diffs:-0}")
    (( last <= 2048 )) || { echo "$dir: model memory differs at byte $last"; return 1; }
    echo "$dir: same as $whole (metrics but the wall-clock columns; model memory: the $size-byte files differ only in the header's wall-clock fields and the checksum)"
}

# stop_jobs PID...: stops the drill's runs still going (a check failed) and waits for them, so that
# none still holds files where the drill is about to unmount or remove.
stop_jobs() {
    local job
    for job in "$@"; do
        if kill "$job" 2> /dev/null; then
            wait "$job" 2> /dev/null || true
        fi
    done
}

# remove_drill DISK WORK: unmounts the drill's tmpfs if mounted, then removes its directory.
remove_drill() {
    if mountpoint -q "$1"; then
        umount "$1"
    fi
    rm -rf -- "$2"
}
