#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    const int rc = ssocred::cli::run(args, std::cout, std::cerr);
    std::cout.flush();
    return rc;
}
