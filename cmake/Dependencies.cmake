# Every dependency is a Debian 12 package (DESIGN.md "Dependencies"); nothing is downloaded.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS headers)
find_package(nlohmann_json 3 REQUIRED)
find_package(spdlog REQUIRED)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# The OS layer daemon/platform/ builds (daemon/CMakeLists.txt): linux, macos, or generic -
# the fallbacks any OS can run, which the portable build (SSOCRED_PORTABLE) uses everywhere.
if(SSOCRED_PORTABLE)
    set(SSOCRED_OS_LAYER generic)
elseif(APPLE)
    set(SSOCRED_OS_LAYER macos)
elseif(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    set(SSOCRED_OS_LAYER linux)
else()
    set(SSOCRED_OS_LAYER generic)
endif()
# libsystemd (sd-bus notices, the journal) is optional: used on Linux when found.
if(SSOCRED_OS_LAYER STREQUAL "linux")
    pkg_check_modules(SYSTEMD IMPORTED_TARGET libsystemd)
endif()
if(SYSTEMD_FOUND AND NOT SSOCRED_PORTABLE)
    set(SSOCRED_WITH_SYSTEMD ON)
else()
    set(SSOCRED_WITH_SYSTEMD OFF)
endif()
if(SSOCRED_OS_LAYER STREQUAL "linux")
    pkg_check_modules(KEYUTILS IMPORTED_TARGET libkeyutils)
endif()
if(SSOCRED_BUILD_TESTS)
    find_package(GTest REQUIRED)
endif()

# Asio/Beast are header-only; one flag set for every target that uses them. ssocred_asio_base
# is Asio and Beast without TLS (the CLI's unix-socket client); ssocred_asio adds OpenSSL
# for asio::ssl (the daemon's upstream client, the emulator).
add_library(ssocred_asio_base INTERFACE)
target_link_libraries(ssocred_asio_base INTERFACE Boost::headers Threads::Threads)
target_compile_definitions(ssocred_asio_base INTERFACE BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
add_library(ssocred_asio INTERFACE)
target_link_libraries(ssocred_asio INTERFACE ssocred_asio_base OpenSSL::SSL OpenSSL::Crypto)

# A shared library goes into a binary's DT_NEEDED only when the binary calls into it: each
# target lists what its code may use, and a binary that uses less of it (the CLI: no
# logging, TLS, compression or keyring) neither loads nor relocates the rest at start-up.
# Debian's gcc 12 passes it by default, but not with -fsanitize (the dev, tsan and fuzz
# builds) and clang does not. Apple's ld has no such flag (-dead_strip_dylibs is the nearest).
if(NOT APPLE)
    add_link_options(LINKER:--as-needed)
endif()

# What the build's OS layer is, for tests that start no daemon (tests/lib/daemon_harness.py
# build_platform(); a running daemon says the same in GET /v1/status "platform").
if(SSOCRED_WITH_SYSTEMD)
    set(SSOCRED_JOURNAL_JSON true)
else()
    set(SSOCRED_JOURNAL_JSON false)
endif()
file(WRITE ${PROJECT_BINARY_DIR}/ssocred-platform.json
     "{\"os_layer\": \"${SSOCRED_OS_LAYER}\", \"journal\": ${SSOCRED_JOURNAL_JSON}}\n")
