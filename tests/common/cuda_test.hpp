#pragma once
// Fixtures for the tests of the CUDA paths. CudaTest runs its tests only where a CUDA device is present
// and skips elsewhere with the reason; NoCudaTest runs only where none is, to pin the one clear error the
// CUDA paths give then. Use them through an alias per test suite: `using GridSampleCuda = CudaTest;`.
#include <string>

#include <gtest/gtest.h>

#include "ops/common/cuda_device.hpp"

namespace tilesim::testing {

class CudaTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string why;
        if (!ops::cuda_device_available(&why)) GTEST_SKIP() << "no CUDA device: " << why;
    }
};

class NoCudaTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (ops::cuda_device_available()) GTEST_SKIP() << "a CUDA device is present";
    }
};

}  // namespace tilesim::testing
