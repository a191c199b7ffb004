include(CMakePackageConfigHelpers)
install(TARGETS tilesim_sim tilesim_ops EXPORT tilesimTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY sim/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# Op headers keep their in-tree paths ("ops/grid_sample/grid_sample.hpp") under include/tilesim/.
install(DIRECTORY ops/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tilesim/ops FILES_MATCHING PATTERN "*.hpp")
install(DIRECTORY kernels/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tilesim/kernels FILES_MATCHING PATTERN "*.hpp")
install(DIRECTORY configs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/tilesim/configs)
install(EXPORT tilesimTargets NAMESPACE tilesim:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tilesim)
configure_package_config_file(cmake/tilesimConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/tilesimConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tilesim)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/tilesimConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/tilesimConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/tilesimConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tilesim)
