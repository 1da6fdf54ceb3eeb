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
