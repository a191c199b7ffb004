// Placeholder until the CLI lands.
#include <cstdio>
int main() { std::puts("tilesim " TILESIM_VERSION); return 0; }
