# Warnings are errors, for our code only (generated capnp code is exempt via
# amdrr_no_warnings below).
function(amdrr_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Werror -Wshadow -Wnon-virtual-dtor
    -Wimplicit-fallthrough -Wno-missing-field-initializers)
endfunction()
