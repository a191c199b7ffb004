// tilesim random: writes a float32 .npy of uniform random values (inputs for `tilesim op`, the tutorial
// and quick experiments without Python).
#include <random>

#include "cli_common.hpp"
#include "tilesim/error.hpp"
#include "tilesim/npy.hpp"

namespace tilesim::cli {

void add_random_command(CLI::App& app) {
    struct Options {
        std::vector<uint32_t> shape;
        uint32_t seed = 0;
        double low = -1, high = 1;
        std::string out;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("random", "write a .npy of uniform random float32 values");
    cmd->add_option("shape", o->shape, "dims, e.g. 1 16 32 32")->required()->check(CLI::PositiveNumber);
    cmd->add_option("--seed", o->seed, "random seed (default 0)");
    cmd->add_option("--low", o->low, "smallest value (default -1)");
    cmd->add_option("--high", o->high, "largest value (default 1)");
    cmd->add_option("--out", o->out, "output .npy file")->required();
    cmd->callback([o] {
        if (!(o->low <= o->high)) fail("random: --low {} must not exceed --high {}", o->low, o->high);
        Shape shape(o->shape);
        if (shape.volume() > (uint64_t(1) << 31)) fail("random: shape {} has more than 2^31 elements", shape);
        std::mt19937 rng(o->seed);
        std::uniform_real_distribution<double> d(o->low, o->high);
        std::vector<float> v(shape.volume());
        for (auto& x : v) x = static_cast<float>(d(rng));
        write_npy(o->out, Tensor::from_floats(shape, v));
        std::printf("wrote %s: %s\n", o->out.c_str(), shape.str().c_str());
    });
}

}  // namespace tilesim::cli
