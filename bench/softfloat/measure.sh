#!/usr/bin/env bash
# Instructions an RV32IM core (no FPU) executes per software float operation: libgcc's soft-fp routines,
# counted under qemu-riscv32 (one instruction per translation block, every execution logged).
# (sqrt is libm's, not libgcc's: not measured here.) Needs Debian's gcc-riscv64-unknown-elf and qemu-user. Prints one line per operation.
#   bench/softfloat/measure.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
n=4096
count() {  # $1: OP name -> instructions executed by the whole program
    riscv64-unknown-elf-gcc -march=rv32im -mabi=ilp32 -O2 -static -nostdlib -ffreestanding -Wl,--no-relax \
        -DN=$n -DOP_$1 "$here/softfloat_ops.c" -lgcc -o "$work/$1"
    qemu-riscv32 -singlestep -d exec,nochain -D "$work/$1.log" "$work/$1" >/dev/null
    grep -c '^Trace' "$work/$1.log"
}
base="$(count none)"
base_int="$(count from_int_base)"
printf '%-10s %s\n' operation instructions
for op in add mul div to_int compare dadd dmul to_double; do
    total="$(count "$op")"
    echo "$op $(( (total - base) / n ))" | awk '{printf "%-10s %s\n", $1, $2}'
done
total="$(count from_int)"
echo "from_int $(( (total - base_int) / n ))" | awk '{printf "%-10s %s\n", $1, $2}'
