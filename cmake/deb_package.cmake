# `cpack -G DEB` (in the build directory): a .deb of the installed files, prefix /usr, its dependencies found by
# dpkg-shlibdeps from the libraries nnc links.
set(CPACK_PACKAGE_NAME nnc)
set(CPACK_PACKAGE_VENDOR "nnc")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "compiler for neural-network models written as YAML")
set(CPACK_PACKAGE_INSTALL_DIRECTORY nnc)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "nnc developers")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
# dpkg-shlibdeps must find libnnc_core.so, which is not installed on the system yet.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${CMAKE_LIBRARY_OUTPUT_DIRECTORY})
include(CPack)
