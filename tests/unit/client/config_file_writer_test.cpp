#include "config_file_writer.hpp"

#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace ssocred::cli {
namespace {

namespace fs = std::filesystem;

class ConfigFileWriter : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::path(::testing::TempDir()) /
               ("ssocred-config-writer-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_ / "dotfiles");
        fs::create_directories(dir_ / "home");
    }
    void TearDown() override { fs::remove_all(dir_); }

    static void write(const fs::path& p, const std::string& text) {
        std::ofstream(p, std::ios::binary) << text;
    }
    static std::string read(const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    }
    static mode_t mode_of(const fs::path& p) {
        struct stat st {};
        EXPECT_EQ(::stat(p.c_str(), &st), 0);
        return st.st_mode & 07777;
    }

    fs::path dir_;
};

TEST_F(ConfigFileWriter, ReplacesTheTargetOfALinkKeepsModeAndBacksUp) {
    const fs::path target = dir_ / "dotfiles" / "config";
    const fs::path link = dir_ / "home" / "config";
    write(target, "[default]\n");
    ::chmod(target.c_str(), 0640);
    fs::create_symlink(target, link);

    auto file = read_config_file(link);
    ASSERT_TRUE(file) << file.error().message;
    EXPECT_EQ(file->target, fs::canonical(target));
    EXPECT_EQ(file->text, "[default]\n");
    auto backup = replace_config_file(*file, "[default]\nregion = x\n");
    ASSERT_TRUE(backup) << backup.error().message;

    EXPECT_TRUE(fs::is_symlink(link));
    EXPECT_EQ(fs::read_symlink(link), target);
    EXPECT_EQ(read(target), "[default]\nregion = x\n");
    EXPECT_EQ(*backup, fs::canonical(target).string() + ".bak");
    EXPECT_EQ(read(*backup), "[default]\n");
    EXPECT_EQ(mode_of(target), 0640u);
    EXPECT_EQ(mode_of(*backup), 0640u);
    // No temporary is left behind.
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_ / "dotfiles")) ++entries;
    EXPECT_EQ(entries, 2u);
}

TEST_F(ConfigFileWriter, AFileChangedSinceItWasReadIsNotOverwritten) {
    const fs::path path = dir_ / "home" / "config";
    write(path, "[default]\n");
    auto file = read_config_file(path);
    ASSERT_TRUE(file);
    write(path, "[default]\n# the user's edit\n");
    auto r = replace_config_file(*file, "generated\n");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("changed while syncing"), std::string::npos);
    EXPECT_EQ(read(path), "[default]\n# the user's edit\n");
    EXPECT_FALSE(fs::exists(path.string() + ".bak"));
}

TEST_F(ConfigFileWriter, MissingFileAndDirectoryAreErrors) {
    auto missing = read_config_file(dir_ / "home" / "nope");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
    EXPECT_FALSE(read_config_file(dir_ / "home"));
}

}  // namespace
}  // namespace ssocred::cli
