# Every dependency is a Debian 12 package (DESIGN.md "Dependencies"); nothing is downloaded.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS headers)
find_package(nlohmann_json 3 REQUIRED)
find_package(spdlog REQUIRED)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
pkg_check_modules(KEYUTILS IMPORTED_TARGET libkeyutils)
if(SSOCRED_BUILD_TESTS)
    find_package(GTest REQUIRED)
endif()

# Asio/Beast are header-only; one flag set for every target that uses them.
add_library(ssocred_asio INTERFACE)
target_link_libraries(ssocred_asio INTERFACE Boost::headers Threads::Threads OpenSSL::SSL OpenSSL::Crypto)
target_compile_definitions(ssocred_asio INTERFACE BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
