"""python3 -m tilesim ARGS: runs the tilesim command-line tool (the binary built or installed with this
package) with ARGS, e.g. `python3 -m tilesim devices wormhole_b0`. $TILESIM_CLI overrides the binary."""

import os
import sys


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    cli = os.environ.get("TILESIM_CLI")
    if not cli:
        from ._paths import CLI as cli
    if not os.access(cli, os.X_OK):
        sys.stderr.write(f"tilesim: the tilesim command-line tool is not at {cli} (set TILESIM_CLI)\n")
        return 1
    os.execv(cli, [cli, *argv])


if __name__ == "__main__":
    sys.exit(main())
