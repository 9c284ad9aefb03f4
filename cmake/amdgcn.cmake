# amdrr_amdgcn_code_object(<out.co> SOURCE <kernel.cl> [MCPU gfx942] [OPT O3])
# Builds an amdgcn code object from OpenCL C in the repo with Debian's
# clang-19 and ld.lld-19 (-nogpulib: Debian's device libraries lack gfx942,
# so kernels use clang builtins). No prebuilt binary is ever committed.
find_program(AMDRR_LLD NAMES ld.lld-19 PATHS /usr/lib/llvm-19/bin)
function(amdrr_amdgcn_code_object out)
  cmake_parse_arguments(K "" "SOURCE;MCPU;OPT" "" ${ARGN})
  if(NOT K_MCPU)
    set(K_MCPU gfx942)
  endif()
  if(NOT K_OPT)
    set(K_OPT O3)
  endif()
  if(NOT AMDRR_CLANG_AMDGPU OR NOT AMDRR_LLD)
    message(FATAL_ERROR "clang-19 and ld.lld-19 build the amdgcn kernels: run scripts/setup.sh")
  endif()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${AMDRR_CLANG_AMDGPU} -x cl -cl-std=CL2.0 -target amdgcn-amd-amdhsa -mcpu=${K_MCPU}
            -nogpulib -${K_OPT} -c ${K_SOURCE} -o ${out}.o
    COMMAND ${AMDRR_LLD} -shared ${out}.o -o ${out}
    DEPENDS ${K_SOURCE}
    COMMENT "clang-19: ${K_SOURCE} for ${K_MCPU} at -${K_OPT}")
endfunction()
