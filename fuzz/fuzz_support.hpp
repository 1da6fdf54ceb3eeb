// Helpers shared by the fuzz targets: a private temp directory per fuzzing process, and
// quiet logs (the daemon logs every rejected file; at a million inputs that is noise).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include <spdlog/spdlog.h>

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

}  // namespace ssocred::fuzz
