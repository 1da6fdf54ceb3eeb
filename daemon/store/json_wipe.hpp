// Wiping secrets held inside nlohmann::json values and their serialised text.
//
// nlohmann::json keeps its own std::string copies of every member; serialising a state
// file or parsing one therefore leaves secret bytes on the heap unless those strings are
// wiped before the json value is destroyed. (The library's lexer buffer is out of our
// reach; this covers what we hold.)
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace ssocred {

// Wipes every string value in `j` (recursively, through arrays and objects), then
// leaves `j` null. Keys are member names, not secrets, and are left alone.
void wipe_json(nlohmann::json& j) noexcept;

// Owns a json value and wipes it on scope exit.
class WipedJson {
  public:
    WipedJson() = default;
    explicit WipedJson(nlohmann::json j) : j_(std::move(j)) {}
    ~WipedJson() { wipe_json(j_); }
    WipedJson(const WipedJson&) = delete;
    WipedJson& operator=(const WipedJson&) = delete;
    nlohmann::json& operator*() { return j_; }
    nlohmann::json* operator->() { return &j_; }

  private:
    nlohmann::json j_;
};

// Owns a string (serialised JSON, file content) and wipes it on scope exit.
class WipedString {
  public:
    WipedString() = default;
    explicit WipedString(std::string s) noexcept : s_(std::move(s)) {}
    ~WipedString();
    WipedString(const WipedString&) = delete;
    WipedString& operator=(const WipedString&) = delete;
    std::string& operator*() { return s_; }
    const std::string& operator*() const { return s_; }

  private:
    std::string s_;
};

}  // namespace ssocred
