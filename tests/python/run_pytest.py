"""CTest's entry to the pytest suite: runs tests/python with pytest, says so and exits 77 (CTest's
"skipped") when pytest is not installed, and fails when pytest collects no tests (exit code 5), so an
empty run never passes silently. Tests that need torch skip themselves, and -rs lists them."""

import pathlib
import sys


def main():
    try:
        import pytest
    except ImportError:
        print("SKIPPED: pytest is not installed (Debian: apt-get install python3-pytest)")
        return 77
    here = pathlib.Path(__file__).resolve().parent
    code = pytest.main([str(here), "-q", "-rs", "-p", "no:cacheprovider", *sys.argv[1:]])
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        print("FAILED: pytest collected no tests from tests/python")
        return 1
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
