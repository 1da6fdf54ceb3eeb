// Helpers shared by the fuzz targets: a private temp directory per fuzzing process, quiet
// logs (the daemon logs every rejected file; at a million inputs that is noise), writing a
// file, and a well-formed session state to compare against.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "ssocred/time.hpp"

#include "store/token_state.hpp"

namespace ssocred::fuzz {

// Created on first use, removed at exit. Every target that touches files works below it.
inline const std::filesystem::path& temp_dir() {
    static const std::filesystem::path dir = [] {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / "ssocred-fuzz-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
        std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(temp_dir(), ec);
        });
        return std::filesystem::path(tmpl);
    }();
    return dir;
}

inline void quiet_logs() {
    spdlog::set_level(spdlog::level::off);
}

inline void put_file(const std::filesystem::path& path, std::string_view content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

// A logged-in session as the daemon would hold it (fake, fixed values).
inline TokenState sample_token_state(const std::string& session) {
    TokenState s;
    s.session = session;
    s.start_url = "https://d-1234567890.awsapps.com/start";
    s.region = "eu-west-1";
    s.access_token = Secret(std::string("fuzz-access-token"));
    s.access_token_expires_at = *parse_utc("2030-01-01T00:00:00Z");
    s.issued_at = *parse_utc("2029-12-31T23:00:00Z");
    return s;
}

}  // namespace ssocred::fuzz
