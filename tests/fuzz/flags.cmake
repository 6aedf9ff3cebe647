# Included by the root CMakeLists.txt when CATENA_BUILD_FUZZ is ON, before any target is defined:
# every library is compiled with libFuzzer's coverage instrumentation and with AddressSanitizer and
# UndefinedBehaviorSanitizer (any report aborts, so the fuzzer keeps the input), plus libstdc++'s
# own checks (bounds of vector and string_view indexing). tests/fuzz/CMakeLists.txt links the
# fuzzer's main into the targets.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "CATENA_BUILD_FUZZ needs clang (libFuzzer): configure a separate build "
                        "folder with -DCMAKE_CXX_COMPILER=clang++, or just run scripts/fuzz")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                    -fno-sanitize-recover=all -g)
add_compile_definitions(_GLIBCXX_ASSERTIONS)
add_link_options(-fsanitize=address,undefined)
