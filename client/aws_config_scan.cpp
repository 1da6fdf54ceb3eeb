#include "aws_config_scan.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "config/ini_parser.hpp"

namespace ssocred::cli {
namespace {

void add_once(std::vector<std::string>& names, const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
}

}  // namespace

Expected<ConfigSections> scan_config_text(std::string_view text, std::string_view file_name) {
    auto doc = config::parse_ini(text, file_name);
    if (!doc) return std::move(doc).error();
    ConfigSections out;
    for (const auto& section : doc->sections) {
        const auto& w = section.words;
        // The SDKs' reading: [default] is the profile "default" (as is [profile default]);
        // a header of any other shape names nothing they use.
        if (w.size() == 1 && w[0] == "default") {
            add_once(out.profiles, w[0]);
        } else if (w.size() == 2 && w[0] == "profile") {
            add_once(out.profiles, w[1]);
        } else if (w.size() == 2 && w[0] == "sso-session") {
            add_once(out.sso_sessions, w[1]);
        }
    }
    return out;
}

Expected<ConfigSections> scan_config_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return Error::make(ErrorCode::NotFound, path.string() + " does not exist");
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error::make(ErrorCode::Io, path.string() + " is not readable");
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) return Error::make(ErrorCode::Io, path.string() + " could not be read");
    return scan_config_text(text, path.string());
}

}  // namespace ssocred::cli
