// tilesim::sim library identity.
namespace tilesim {
const char* version() {
    return TILESIM_VERSION;
}
}  // namespace tilesim
