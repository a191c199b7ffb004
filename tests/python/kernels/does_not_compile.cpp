// Test kernel of tests/python/test_errors.py: a compile error (KernelBuildError).
void kernel_main() {
    this_is_not_declared();
}
