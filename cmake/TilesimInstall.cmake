include(CMakePackageConfigHelpers)
install(TARGETS tilesim_sim tilesim_ops EXPORT tilesimTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY sim/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# Op headers keep their in-tree paths ("ops/grid_sample/grid_sample.hpp") under include/tilesim/; each op's
# detail/ folder (SIMD loops, factory internals, helpers of the references) is not part of the API and stays
# out. No installed header may include one.
install(DIRECTORY ops/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tilesim/ops FILES_MATCHING PATTERN "*.hpp"
  PATTERN detail EXCLUDE)
install(DIRECTORY kernels/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tilesim/kernels FILES_MATCHING PATTERN "*.hpp")
install(DIRECTORY configs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/tilesim/configs)
# The kernel build at run time: tt-metal's kernel API headers and tilesim's kernel sources; the library
# finds them relative to itself (<libdir>/../share/tilesim), so an installed tree works from any prefix.
install(DIRECTORY sim/kernel_include/ DESTINATION ${CMAKE_INSTALL_DATADIR}/tilesim/kernel_include)
install(DIRECTORY kernels/ DESTINATION ${CMAKE_INSTALL_DATADIR}/tilesim/kernels)
install(EXPORT tilesimTargets NAMESPACE tilesim:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tilesim)
configure_package_config_file(cmake/tilesimConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/tilesimConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tilesim)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/tilesimConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/tilesimConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/tilesimConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tilesim)
