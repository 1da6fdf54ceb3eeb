#include <cstdio>

#include "ssocred/version.hpp"

int main() {
    std::printf("ssocred %s\n", ssocred::kVersion);
    return 0;
}
