#pragma once
// Reads llvm-objdump disassembly ("\tmnemonic operands // ADDR: WORD WORD")
// into (encoding bytes, normalised text) pairs for the decoder oracle.

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace amdrr::sim::isa::testing {

struct OracleLine {
  uint64_t address = 0;
  std::vector<uint8_t> bytes;
  std::string text;  // normalised: single spaces, no comment
};

/// Collapses whitespace runs and trims, so spacing differences do not count.
inline std::string normalise(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

inline std::vector<OracleLine> read_objdump(const std::string& path) {
  std::vector<OracleLine> lines;
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] != '\t') continue;
    auto c = line.find("//");
    if (c == std::string::npos) continue;
    OracleLine o;
    o.text = normalise(line.substr(0, c));
    std::string rest = line.substr(c + 2);
    auto colon = rest.find(':');
    if (colon == std::string::npos) continue;
    o.address = std::stoull(rest.substr(0, colon), nullptr, 16);
    std::istringstream words(rest.substr(colon + 1));
    std::string w;
    while (words >> w) {
      if (w[0] == '<') break;
      uint32_t v = static_cast<uint32_t>(std::stoul(w, nullptr, 16));
      for (int i = 0; i < 4; ++i) o.bytes.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
    lines.push_back(std::move(o));
  }
  return lines;
}

}  // namespace amdrr::sim::isa::testing
