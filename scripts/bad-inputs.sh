#!/usr/bin/env bash
# Runs ./bfa on each bad input of docs/reliability.md ("Bad input") and prints one Markdown table
# row per case: | case | what bfa prints on stderr | exit code |. Each case starts from a fresh
# copy of the real MNIST and Fashion-MNIST files and breaks one thing with standard tools.
#
#   scripts/bad-inputs.sh              uses data/ (run ./bfa fetch first)
#   DATA=/path/to/data scripts/bad-inputs.sh
set -uo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
DATA=${DATA:-$ROOT/data}
for name in mnist fashion-mnist; do
    [[ -d $DATA/$name ]] || { echo "bad-inputs: $DATA/$name missing; run ./bfa fetch" >&2; exit 2; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/bfa-bad-inputs.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
D=$work/data
OUT=$work/out

fresh() {
    rm -rf -- "$D" "$OUT"
    mkdir -p "$D"
    cp -r -- "$DATA/mnist" "$DATA/fashion-mnist" "$D/"
}

# Overwrites bytes of file $1 at offset $2 with the printf-escaped bytes $3.
poke() {
    printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# The plain (uncompressed) copy of an IDX file, so that it can be edited in place.
plain() {
    if [[ -f $1.gz ]]; then
        gzip -d -- "$1.gz"
    fi
    printf '%s\n' "$1"
}

train() {
    "$ROOT/bfa" train --quiet --steps 1 --data-dir "$D" --out "$OUT" "$@"
}

# Prints the row for case $1, running the remaining arguments; notes a --out left behind.
run_case() {
    local label=$1
    shift
    local err rc existed=0
    [[ -e $OUT ]] && existed=1
    err=$("$@" 2>&1 >/dev/null)
    rc=$?
    err=$(printf '%s\n' "$err" | grep -v '^WARNING: Using incubator modules' | grep -v '^bfa: building')
    local lines
    lines=$(printf '%s\n' "$err" | grep -c .)
    local shown=${err//$work/\$TMP}
    if ((lines > 1)); then
        shown="$(printf '%s\n' "$shown" | head -n1) … (+$((lines - 1)) lines)"
    fi
    local left=""
    if ((!existed)) && [[ -e $OUT ]]; then
        left=" (left $OUT behind!)"
    fi
    printf '| %s | `%s`%s | %s |\n' "$label" "${shown//|/\\|}" "$left" "$rc"
}

echo "| bad input | what bfa prints (stderr) | exit code |"
echo "|---|---|---|"

# ---- data files
fresh; f=$(plain "$D/mnist/train-images-idx3-ubyte"); poke "$f" 0 'ABCD'
run_case "IDX image file with a wrong magic number" train
fresh; f=$(plain "$D/mnist/train-images-idx3-ubyte"); truncate -s -1000 "$f"
run_case "truncated IDX image file (1000 bytes cut)" train
fresh; f=$(plain "$D/mnist/train-labels-idx1-ubyte"); poke "$f" 4 '\x00\x00\xea\x5f'; truncate -s -1 "$f"
run_case "image and label counts differ (59999 labels)" train
fresh; f=$(plain "$D/mnist/train-labels-idx1-ubyte"); poke "$f" $((8 + 17)) '\x0c'
run_case "label out of range (12 at index 17)" train
fresh; f=$(plain "$D/mnist/train-images-idx3-ubyte"); l=$(plain "$D/mnist/train-labels-idx1-ubyte")
poke "$f" 4 '\x00\x00\x75\x30\x00\x00\x00\x1c\x00\x00\x00\x38'   # 30000 images of 28x56
poke "$l" 4 '\x00\x00\x75\x30'; truncate -s $((8 + 30000)) "$l"
run_case "image size not the network's input (28x56 images for mnist)" train
fresh; mkdir -p "$D/cifar10"
for b in data_batch_1 data_batch_2 data_batch_3 data_batch_4 data_batch_5 test_batch; do
    head -c $((3073 * 2)) /dev/zero > "$D/cifar10/$b.bin"
done
head -c 5 /dev/zero >> "$D/cifar10/data_batch_3.bin"
run_case "CIFAR-10 batch whose length is not a multiple of 3073" train --forward cifar10
fresh; f=$D/fashion-mnist/train-images-idx3-ubyte.gz
if [[ ! -f $f ]]; then gzip -- "$D/fashion-mnist/train-images-idx3-ubyte"; fi
poke "$f" 1000000 '\xff\xff\xff\xff'
run_case "corrupt gzip (4 bytes overwritten inside the deflate stream)" train
fresh
run_case "missing files (no cifar10/ directory)" train --forward cifar10
fresh; f=$(plain "$D/mnist/train-images-idx3-ubyte")
printf '\x00\x00\x08\x03\x80\x00\x00\x00\x00\x00\x00\x1c\x00\x00\x00\x1c' > "$f"
start=$(date +%s%N)
run_case "16-byte image file claiming 2^31 images" train
echo "<!-- the 2^31 case took $(( ($(date +%s%N) - start) / 1000000 )) ms, JVM start included -->"

# ---- options
fresh
run_case "unknown option" train --widht 64
run_case "zero size" train --width 0
run_case "negative size" train --batch -8
run_case "learning rate NaN" train --lr NaN
run_case "learning rate infinite" train --lr Infinity
run_case "learning rate zero" train --lr 0
run_case "depth too small for the coupling" train --mode coupled-both --depth 1
run_case "depth too small for a mode reproduce runs" "$ROOT/bfa" reproduce --quiet --steps 1 --data-dir "$D" --out "$OUT" --depth 1
run_case "thread count out of range" train --threads 0
run_case "thread count out of range" train --threads 300
run_case "more memory than the machine has" train --width 100000

# ---- the output directory
fresh; mkdir -p "$OUT"; echo '{}' > "$OUT/config.json"
run_case "--out holds another run" train
rm -rf -- "$OUT"; echo notes > "$work/notes.txt"
run_case "--out is a file" "$ROOT/bfa" train --quiet --steps 1 --data-dir "$D" --out "$work/notes.txt"
run_case "--out under a file" "$ROOT/bfa" train --quiet --steps 1 --data-dir "$D" --out "$work/notes.txt/run"
run_case "--out where no file fits (/proc: 0 bytes free)" "$ROOT/bfa" train --quiet --steps 1 --data-dir "$D" --out /proc/bfa-run

# ---- eval
run_case "eval of a missing checkpoint" "$ROOT/bfa" eval "$work/nothing"
echo 'not a checkpoint' > "$work/model.ckpt"
run_case "eval of a file that is not a checkpoint" "$ROOT/bfa" eval "$work/model.ckpt" --data-dir "$D"
run_case "bench --main with an unknown tool" "$ROOT/bfa" bench --main Nope
fresh; f=$(plain "$D/mnist/train-labels-idx1-ubyte"); truncate -s 3 "$f"
run_case "--verbose: the same one line, then the stack trace" "$ROOT/bfa" --verbose train --quiet --steps 1 --data-dir "$D" --out "$OUT"
