// Moved to ssocred/errno_text.hpp (the daemon and the CLI share it). This forwarder keeps
// files that still include the old path compiling; delete it once none does.
#pragma once

#include "ssocred/errno_text.hpp"
