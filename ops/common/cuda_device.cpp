// The parts of the CUDA plumbing that need no CUDA header: the error messages (built with fmt, which nvcc
// never has to compile), CudaBuffer's moves, and, in a build without the CUDA toolkit, the stubs that
// report the backend as unavailable (the CUDA versions are in cuda_device.cu).
#include "ops/common/cuda_device.hpp"

#include <utility>

#include <fmt/format.h>

#include "tilesim/error.hpp"

namespace tilesim::ops {

namespace cuda {

[[noreturn]] void throw_cuda_error(const char* file, int line, const char* call, const char* message) {
    throw Error(fmt::format("CUDA error in {} at {}:{}: {}", call, file, line, message));
}

}  // namespace cuda

void require_cuda_device(const char* op) {
    if (!cuda_device_available()) throw_cuda_backend_unavailable(op);
}

void throw_cuda_backend_unavailable(const char* op) {
    std::string why;
    (void)cuda_device_available(&why);
    throw BackendUnavailable(fmt::format("{}: backend 'cuda' is unavailable: {}", op, why));
}

CudaBuffer::CudaBuffer(CudaBuffer&& other) noexcept
    : ptr_(std::exchange(other.ptr_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

CudaBuffer& CudaBuffer::operator=(CudaBuffer&& other) noexcept {
    if (this != &other) {
        release();
        ptr_ = std::exchange(other.ptr_, nullptr);
        bytes_ = std::exchange(other.bytes_, 0);
    }
    return *this;
}

CudaBuffer::~CudaBuffer() {
    release();
}

#ifndef TILESIM_HAVE_CUDA
// A build without the CUDA toolkit: nothing can run; every entry point says so.

bool cuda_device_available(std::string* why) {
    if (why != nullptr) *why = "tilesim was built without the CUDA toolkit";
    return false;
}

std::string cuda_device_description() {
    throw_cuda_backend_unavailable("cuda_device_description");
}

CudaBuffer::CudaBuffer(size_t) {
    throw_cuda_backend_unavailable("CudaBuffer");
}
CudaBuffer::CudaBuffer(const void*, size_t) {
    throw_cuda_backend_unavailable("CudaBuffer");
}
void CudaBuffer::release() noexcept {}
void CudaBuffer::copy_from_host(const void*, size_t) {
    throw_cuda_backend_unavailable("CudaBuffer");
}
void CudaBuffer::copy_to_host(void*, size_t) const {
    throw_cuda_backend_unavailable("CudaBuffer");
}
void CudaBuffer::zero() {
    throw_cuda_backend_unavailable("CudaBuffer");
}

CudaEventTimer::CudaEventTimer() {
    throw_cuda_backend_unavailable("CudaEventTimer");
}
CudaEventTimer::~CudaEventTimer() = default;
void CudaEventTimer::start() {}
float CudaEventTimer::stop_ms() {
    return 0.f;
}

void cuda_synchronize() {
    throw_cuda_backend_unavailable("cuda_synchronize");
}
#endif

}  // namespace tilesim::ops
