/* Runs N software-float operations of one kind on an RV32IM core (no FPU), as a data-movement RISC-V of a
 * Wormhole chip runs a kernel's float arithmetic. Built freestanding and run under qemu-riscv32 by
 * measure.sh, which counts the instructions executed with and without the operation. */
#include <stdint.h>

#ifndef N
#define N 4096
#endif

static uint32_t state = 12345u;
static uint32_t next(void) {
    state = state * 1664525u + 1013904223u;
    return state;
}
/* A float of magnitude in [2^-1, 2^8): the range of pixel coordinates and weights. */
static float random_float(void) {
    union {
        uint32_t u;
        float f;
    } v;
    const uint32_t r = next();
    v.u = (r & 0x80000000u) | ((126u + (r >> 8) % 9u) << 23) | (next() & 0x7fffffu);
    return v.f;
}

volatile float fa[N], fb[N], fr;
volatile double dr;
volatile int32_t ir;

void _start(void) {
    for (int i = 0; i < N; ++i) {
        fa[i] = random_float();
        fb[i] = random_float();
    }
    for (int i = 0; i < N; ++i) {
        const float a = fa[i], b = fb[i];
        (void)a;
        (void)b;
#if defined(OP_add)
        fr = a + b;
#elif defined(OP_mul)
        fr = a * b;
#elif defined(OP_div)
        fr = a / b;
#elif defined(OP_to_int)
        ir = (int32_t)a;
#elif defined(OP_from_int)
        fr = (float)(int32_t)(next() >> 16);
#elif defined(OP_compare)
        ir = a < b;
#elif defined(OP_dadd)
        dr = (double)a + (double)b;
#elif defined(OP_dmul)
        dr = (double)a * (double)b;
#elif defined(OP_to_double)
        dr = (double)a;
#elif defined(OP_from_int_base)
        fr = (float)(next() >> 16 & 0);
#endif
    }
    __asm__ volatile("li a0, 0\n li a7, 93\n ecall");
    for (;;) {
    }
}
