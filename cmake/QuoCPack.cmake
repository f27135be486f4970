# The .deb: `cpack -G DEB` in a configured and built tree (docs/packaging.md).
# One package, quo-conformance, with the programs, the libraries, the
# headers, the CMake and pkg-config files and the docs.
set(CPACK_PACKAGE_NAME quo-conformance)
set(CPACK_PACKAGE_VENDOR "quo-conformance")
set(CPACK_PACKAGE_CONTACT "quo-conformance maintainers <quo-conformance@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "conformance suite, mock server and validator for the Quo API's POST /v1/tasks")
set(CPACK_PACKAGE_DESCRIPTION
"quo-conformance certifies a server (quo-conformance), a client (quo-mock)
and request/response bodies (quo-validate) against the Quo public API's
Create-a-task contract, which is compiled into every program. Also ships
libquo and libquo-mock with headers, CMake and pkg-config files.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# Run-time dependencies of the programs and shared libraries, from the
# dpkg database (dpkg-shlibdeps, in dpkg-dev; works offline).
find_program(QUO_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(QUO_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  message(STATUS "dpkg-shlibdeps not found: the .deb declares only the development dependencies")
endif()
# What building against the package needs: the headers include cJSON's,
# and quo.pc / quo-mock.pc / quo-config.cmake name these modules.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcjson-dev, libpcre2-dev, libmicrohttpd-dev, pkgconf | pkg-config")
include(CPack)
