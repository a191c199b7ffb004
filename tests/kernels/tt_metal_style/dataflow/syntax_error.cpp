// Deliberately broken: the kernel build must report the compiler's error in one line.
void kernel_main() {
    uint32_t x = get_arg_val<uint32_t>(0)
}
