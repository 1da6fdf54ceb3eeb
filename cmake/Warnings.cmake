add_library(ssocred_warnings INTERFACE)
target_compile_options(ssocred_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow=local
    -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough)
if(SSOCRED_WERROR)
    target_compile_options(ssocred_warnings INTERFACE -Werror)
endif()

if(SSOCRED_SANITIZE)
    add_compile_options(-fsanitize=${SSOCRED_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    add_link_options(-fsanitize=${SSOCRED_SANITIZE})
endif()

# GCC 12 at -O2 reports -Wrestrict inside libstdc++'s std::string operator+ (GCC bug
# 105329, a false positive); it would otherwise fail -Werror builds on correct code.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(ssocred_warnings INTERFACE -Wno-restrict)
endif()

# GCC 12 warns (-Wtsan) that std::atomic_thread_fence is not instrumented by TSan, from
# inside libstdc++ headers; nothing of ours uses a bare fence.
if(SSOCRED_SANITIZE MATCHES "thread" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(ssocred_warnings INTERFACE -Wno-tsan)
    add_compile_options(-Wno-tsan)
endif()
