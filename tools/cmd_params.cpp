// tilesim params [OP...]: the ops' parameter tables in markdown, between the markers docs/cli.md holds them
// in (tests/tools/test_op_params.cpp checks the docs against this output).
#include <cstdio>

#include "cli_common.hpp"

namespace tilesim::cli {

std::string params_markdown_block(const std::string& op) {
    return "<!-- params:" + op + " -->\n" + param_table_markdown(find_op(op).params) + "<!-- /params -->\n";
}

void add_params_command(CLI::App& app) {
    auto ops = std::make_shared<std::vector<std::string>>();
    CLI::App* cmd = app.add_subcommand(
        "params", "print the ops' arguments (flags and run-config args) as markdown tables");
    cmd->add_option("op", *ops, "ops to describe (default: every op)");
    cmd->callback([ops] {
        const std::vector<std::string> names = ops->empty() ? op_names() : *ops;
        for (size_t i = 0; i < names.size(); ++i)
            std::printf("%s%s", i ? "\n" : "", params_markdown_block(names[i]).c_str());
    });
}

}  // namespace tilesim::cli
