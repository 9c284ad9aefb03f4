# Warnings are errors, for our code only (generated capnp code is exempt via
# amdrr_no_warnings below).
function(amdrr_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Werror -Wshadow -Wnon-virtual-dtor
    -Wimplicit-fallthrough -Wno-missing-field-initializers)
  # GCC 12 at -O3 warns inside libstdc++ for `"text" + std::string&&`
  # (GCC bug 105329, a false -Wrestrict); Release builds must still build.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND
     CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()
