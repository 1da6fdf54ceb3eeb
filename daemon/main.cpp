#include <cstdio>

#include "ssocred/version.hpp"

int main() {
    std::printf("ssocredd %s\n", ssocred::kVersion);
    return 0;
}
