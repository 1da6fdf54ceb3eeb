#include "aws_config_scan.hpp"

#include <fstream>
#include <sstream>

namespace ssocred::cli {
namespace {

std::string trim(std::string s) {
    const char* ws = " \t\r";
    s.erase(0, s.find_first_not_of(ws));
    s.erase(s.find_last_not_of(ws) + 1);
    return s;
}

}  // namespace

ConfigSections scan_config_text(const std::string& text) {
    ConfigSections out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        line = trim(line);
        if (line.size() < 3 || line.front() != '[' || line.back() != ']') continue;
        std::string name = trim(line.substr(1, line.size() - 2));
        if (name == "default") {
            out.profiles.push_back(name);
        } else if (name.rfind("profile ", 0) == 0) {
            out.profiles.push_back(trim(name.substr(8)));
        } else if (name.rfind("sso-session ", 0) == 0) {
            out.sso_sessions.push_back(trim(name.substr(12)));
        }
    }
    return out;
}

Expected<ConfigSections> scan_config_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return Error::make(ErrorCode::NotFound, path.string() + " does not exist");
    std::ifstream in(path);
    if (!in) return Error::make(ErrorCode::Io, path.string() + " is not readable");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return Error::make(ErrorCode::Io, path.string() + " could not be read");
    return scan_config_text(text.str());
}

}  // namespace ssocred::cli
