#pragma once
// The files of the one-CPU one-GPU sysfs tree that fuzz_topology builds from
// its input, in input order (chunks separated by kTopologySeparator).

#include <string_view>

namespace amdrr::fuzz {

inline constexpr std::string_view kTopologySeparator = "\n--\n";
inline constexpr const char* kTopologyFiles[] = {
    "generation_id",
    "system_properties",
    "nodes/0/gpu_id",
    "nodes/0/name",
    "nodes/0/properties",
    "nodes/1/gpu_id",
    "nodes/1/name",
    "nodes/1/properties",
    "nodes/1/mem_banks/0/properties",
    "nodes/1/mem_banks/0/used_memory",
    "nodes/1/caches/0/properties",
    "nodes/1/io_links/0/properties",
    "nodes/1/p2p_links/0/properties",
};

}  // namespace amdrr::fuzz
