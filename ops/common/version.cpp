// tilesim::ops library identity.
namespace tilesim::ops {
const char* library_version() {
    return TILESIM_VERSION;
}
}  // namespace tilesim::ops
