// Runs grid_sample on the simulated Wormhole B0 and on the CPU reference through an installed tilesim,
// and compares them.
#include <cstdio>
#include <random>

#include "ops/grid_sample/grid_sample.hpp"
#include "tilesim/compare.hpp"

int main() {
    using namespace tilesim;
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> d(-1.f, 1.f);
    std::vector<float> x(2 * 16 * 9 * 13), g(2 * 7 * 5 * 2);
    for (auto& v : x) v = d(rng);
    for (auto& v : g) v = d(rng);
    const Tensor input = Tensor::from_floats(Shape{2, 16, 9, 13}, x);  // NCHW, as PyTorch
    const Tensor grid = Tensor::from_floats(Shape{2, 7, 5, 2}, g);

    ops::GridSampleArgs args;
    const Tensor cpu = ops::grid_sample(input, grid, args).output;
    args.backend = ops::Backend::Sim;
    const ops::GridSampleResult sim = ops::grid_sample(input, grid, args);
    const Comparison c = compare(sim.output.to_floats(), cpu.to_floats());
    std::printf("grid_sample sim vs cpu: max abs error %.3g, PCC %.6f, predicted %.2f us on %s\n",
                c.max_abs_error, c.pcc, sim.report->predicted_us(), sim.report->device.c_str());
    const bool ok = c.within(1e-5, 0.9999);
    std::puts(ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
