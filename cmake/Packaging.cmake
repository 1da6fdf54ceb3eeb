# CPack: `cpack -G DEB` in a build directory makes ssocred_<version>_<arch>.deb from the
# `cmake --install` rules (cmake/Install.cmake and the targets' install()), into /usr.
# Runtime dependencies come from dpkg-shlibdeps (packages dpkg-dev and file).
set(CPACK_PACKAGE_NAME ssocred)
set(CPACK_PACKAGE_VENDOR "ssocred")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "ssocredd keeps an AWS IAM Identity Center (SSO) session fresh and serves role\n\
credentials to every AWS SDK on the machine through the container-credentials and\n\
IMDSv2 endpoints on loopback. ssocred is its command line. A systemd user unit\n\
(socket-activated) runs one daemon per user.")
set(CPACK_PACKAGE_CONTACT "ssocred maintainers <ssocred@users.noreply.github.com>")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/ssocred/ssocred")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
# A package, not a tarball: no top-level directory, nothing but what install() names.
set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR "")

set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${CPACK_PACKAGE_HOMEPAGE_URL}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # ssocred_0.1.0-1_amd64.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)

include(CPack)
