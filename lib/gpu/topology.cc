#include "lib/gpu/topology.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <system_error>

namespace amdrr::gpu {
namespace {

namespace fs = std::filesystem;

std::optional<uint64_t> parse_u64(std::string_view s) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// sysfs files are small; read them whole with the errno of a failure kept.
Result<std::string> read_text(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno{errno};
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return Errno{e};
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

Result<uint64_t> read_u64(const fs::path& path) {
  auto text = read_text(path);
  if (!text) return Errno{text.error()};
  auto v = parse_u64(trim(*text));
  if (!v) return Errno{EINVAL};
  return *v;
}

Result<PropertyList> read_properties(const fs::path& path) {
  auto text = read_text(path);
  if (!text) return Errno{text.error()};
  return PropertyList::parse(*text);
}

// Numbered subdirectories (nodes/0, nodes/1, ...) in numeric order.
std::vector<fs::path> numbered_dirs(const fs::path& dir) {
  std::vector<std::pair<uint64_t, fs::path>> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    auto n = parse_u64(entry.path().filename().string());
    if (n && entry.is_directory(ec)) found.emplace_back(*n, entry.path());
  }
  std::sort(found.begin(), found.end());
  std::vector<fs::path> out;
  for (auto& [n, p] : found) out.push_back(std::move(p));
  return out;
}

Result<std::vector<IoLink>> read_links(const fs::path& dir) {
  std::vector<IoLink> links;
  for (const auto& d : numbered_dirs(dir)) {
    auto props = read_properties(d / "properties");
    if (!props) return Errno{props.error()};
    links.push_back(IoLink{std::move(*props)});
  }
  return links;
}

Result<Node> read_node(const fs::path& dir, uint32_t index) {
  Node node;
  node.index = index;
  auto gpu_id = read_u64(dir / "gpu_id");
  if (!gpu_id) return Errno{gpu_id.error()};
  node.gpu_id = static_cast<uint32_t>(*gpu_id);
  if (auto name = read_text(dir / "name")) node.name = std::string(trim(*name));
  auto props = read_properties(dir / "properties");
  if (!props) return Errno{props.error()};
  node.properties = std::move(*props);

  for (const auto& d : numbered_dirs(dir / "mem_banks")) {
    auto bank_props = read_properties(d / "properties");
    if (!bank_props) return Errno{bank_props.error()};
    MemBank bank{std::move(*bank_props), std::nullopt};
    if (auto used = read_u64(d / "used_memory")) bank.used_memory = *used;
    node.mem_banks.push_back(std::move(bank));
  }
  for (const auto& d : numbered_dirs(dir / "caches")) {
    auto cache_props = read_properties(d / "properties");
    if (!cache_props) return Errno{cache_props.error()};
    node.caches.push_back(Cache{std::move(*cache_props)});
  }
  auto io = read_links(dir / "io_links");
  if (!io) return Errno{io.error()};
  node.io_links = std::move(*io);
  auto p2p = read_links(dir / "p2p_links");
  if (!p2p) return Errno{p2p.error()};
  node.p2p_links = std::move(*p2p);
  return node;
}

Result<Topology> read_once(const fs::path& root) {
  Topology topo;
  auto gen = read_u64(root / "generation_id");
  if (!gen) return Errno{gen.error()};
  topo.generation_id = *gen;
  auto sys = read_properties(root / "system_properties");
  if (!sys) return Errno{sys.error()};
  topo.system_properties = std::move(*sys);
  for (const auto& d : numbered_dirs(root / "nodes")) {
    auto node = read_node(d, static_cast<uint32_t>(*parse_u64(d.filename().string())));
    if (!node) return Errno{node.error()};
    topo.nodes.push_back(std::move(*node));
  }
  return topo;
}

}  // namespace

std::optional<uint64_t> PropertyList::find(std::string_view key) const {
  const std::string* text = find_text(key);
  if (!text) return std::nullopt;
  return parse_u64(*text);
}

uint64_t PropertyList::get(std::string_view key, uint64_t fallback) const {
  return find(key).value_or(fallback);
}

const std::string* PropertyList::find_text(std::string_view key) const {
  for (const auto& [k, v] : entries_) {
    if (k == key) return &v;
  }
  return nullptr;
}

void PropertyList::set(std::string_view key, std::string value) {
  for (auto& [k, v] : entries_) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  entries_.emplace_back(std::string(key), std::move(value));
}

Result<PropertyList> PropertyList::parse(std::string_view text) {
  PropertyList list;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = trim(text.substr(0, eol));
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (line.empty()) continue;
    size_t sep = line.find_first_of(" \t");
    if (sep == std::string_view::npos) return Errno{EINVAL};
    list.set(line.substr(0, sep), std::string(trim(line.substr(sep + 1))));
  }
  return list;
}

std::string PropertyList::to_text() const {
  std::string out;
  for (const auto& [k, v] : entries_) out += k + " " + v + "\n";
  return out;
}

uint64_t Node::vram_size() const {
  uint64_t total = 0;
  for (const auto& bank : mem_banks) {
    if (bank.heap_type() == HeapType::kFbPublic || bank.heap_type() == HeapType::kFbPrivate) {
      total += bank.size_in_bytes();
    }
  }
  return total;
}

const Node* Topology::find_gpu(uint32_t gpu_id) const {
  if (gpu_id == 0) return nullptr;
  for (const auto& n : nodes) {
    if (n.gpu_id == gpu_id) return &n;
  }
  return nullptr;
}

std::vector<const Node*> Topology::gpu_nodes() const {
  std::vector<const Node*> out;
  for (const auto& n : nodes) {
    if (n.is_gpu()) out.push_back(&n);
  }
  return out;
}

Result<Topology> read_topology(const std::filesystem::path& root) {
  // libhsakmt retries until generation_id is the same before and after.
  constexpr int kMaxAttempts = 8;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto topo = read_once(root);
    if (!topo) return topo;
    auto after = read_u64(root / "generation_id");
    if (!after) return Errno{after.error()};
    if (*after == topo->generation_id) return topo;
  }
  return Errno{EAGAIN};
}

}  // namespace amdrr::gpu
