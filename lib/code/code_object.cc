#include "lib/code/code_object.h"

#include <elf.h>

#include "lib/code/msgpack.h"

#include <cstring>

namespace amdrr::code {
namespace {

constexpr uint16_t kEmAmdgpu = 224;
constexpr uint64_t kMaxImage = 256u << 20;  // refuse absurd images from hostile files

template <typename T>
bool read_at(std::span<const uint8_t> b, uint64_t off, T* out) {
  if (off > b.size() || sizeof(T) > b.size() - off) return false;
  std::memcpy(out, b.data() + off, sizeof(T));
  return true;
}

template <typename T>
T le_at(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

constexpr uint32_t kNtAmdgpuMetadata = 32;

uint32_t u32(const MsgValue& map, const char* key) {
  const MsgValue* v = map.find(key);
  auto u = v ? v->as_uint() : std::nullopt;
  return u && *u <= UINT32_MAX ? static_cast<uint32_t>(*u) : 0;
}

std::string text(const MsgValue& map, const char* key) {
  const MsgValue* v = map.find(key);
  const std::string* s = v ? v->as_string() : nullptr;
  return s ? *s : std::string();
}

// Fills kernels' metadata and the target from the msgpack note.
bool apply_metadata(std::span<const uint8_t> desc, CodeObject* co, std::string* error) {
  auto root = parse_msgpack(desc, error);
  if (!root) return false;
  co->target_id = text(*root, "amdhsa.target");
  if (auto at = co->target_id.rfind("--"); at != std::string::npos) {
    co->target = co->target_id.substr(at + 2, co->target_id.find(':', at) - at - 2);
  }
  const MsgValue* kernels = root->find("amdhsa.kernels");
  if (!kernels || !kernels->as_array()) return true;
  for (const MsgValue& k : *kernels->as_array()) {
    std::string symbol = text(k, ".symbol");
    for (Kernel& kernel : co->kernels) {
      if (kernel.name + ".kd" != symbol) continue;
      KernelMetadata& m = kernel.metadata;
      m.present = true;
      m.kernarg_segment_size = u32(k, ".kernarg_segment_size");
      m.kernarg_segment_align = u32(k, ".kernarg_segment_align");
      m.wavefront_size = u32(k, ".wavefront_size");
      m.max_flat_workgroup_size = u32(k, ".max_flat_workgroup_size");
      const MsgValue* args = k.find(".args");
      if (!args || !args->as_array()) continue;
      for (const MsgValue& a : *args->as_array()) {
        KernelArg arg{text(a, ".name"), u32(a, ".offset"), u32(a, ".size"), text(a, ".value_kind")};
        if (uint64_t{arg.offset} + arg.size > m.kernarg_segment_size) {
          *error = "code object: argument " + arg.name + " of " + kernel.name +
                   " lies outside its kernarg segment";
          return false;
        }
        m.args.push_back(std::move(arg));
      }
    }
  }
  return true;
}

// Walks the notes of one SHT_NOTE section for NT_AMDGPU_METADATA.
bool read_notes(std::span<const uint8_t> notes, CodeObject* co, std::string* error) {
  size_t at = 0;
  auto align4 = [](uint64_t n) { return (n + 3) & ~uint64_t{3}; };
  while (notes.size() - at >= 12) {
    uint32_t namesz = le_at<uint32_t>(notes.data() + at);
    uint32_t descsz = le_at<uint32_t>(notes.data() + at + 4);
    uint32_t type = le_at<uint32_t>(notes.data() + at + 8);
    uint64_t name_at = at + 12, desc_at = name_at + align4(namesz);
    if (desc_at > notes.size() || descsz > notes.size() - desc_at) {
      *error = "code object: a note runs past its section";
      return false;
    }
    std::string owner(reinterpret_cast<const char*>(notes.data() + name_at),
                      namesz > 0 ? namesz - 1 : 0);
    if (owner == "AMDGPU" && type == kNtAmdgpuMetadata) {
      return apply_metadata(notes.subspan(desc_at, descsz), co, error);
    }
    at = desc_at + align4(descsz);
  }
  return true;
}

}  // namespace

std::string target_from_e_flags(uint32_t e_flags) {
  // EF_AMDGPU_MACH_AMDGCN_* (llvm/BinaryFormat/ELF.h) for the targets amdrr knows.
  switch (e_flags & 0xff) {
    case 0x3f:
      return "gfx90a";
    case 0x40:
      return "gfx940";
    case 0x4b:
      return "gfx941";
    case 0x4c:
      return "gfx942";
    case 0x41:
      return "gfx1100";
    default:
      return "";
  }
}

KernelDescriptor KernelDescriptor::parse(std::span<const uint8_t, 64> b) {
  KernelDescriptor d;
  d.group_segment_fixed_size = le_at<uint32_t>(&b[0]);
  d.private_segment_fixed_size = le_at<uint32_t>(&b[4]);
  d.kernarg_size = le_at<uint32_t>(&b[8]);
  d.kernel_code_entry_byte_offset = le_at<int64_t>(&b[16]);
  d.compute_pgm_rsrc3 = le_at<uint32_t>(&b[44]);
  d.compute_pgm_rsrc1 = le_at<uint32_t>(&b[48]);
  d.compute_pgm_rsrc2 = le_at<uint32_t>(&b[52]);
  d.kernel_code_properties = le_at<uint16_t>(&b[56]);
  d.kernarg_preload = le_at<uint16_t>(&b[58]);
  return d;
}

const Kernel* CodeObject::find(const std::string& name) const {
  for (const Kernel& k : kernels)
    if (k.name == name) return &k;
  return nullptr;
}

CodeObjectResult parse_code_object(std::span<const uint8_t> elf) {
  CodeObjectResult r;
  auto fail = [&](std::string msg) {
    r.error = "code object: " + std::move(msg);
    return r;
  };
  Elf64_Ehdr eh;
  if (!read_at(elf, 0, &eh)) return fail("shorter than an ELF header");
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) return fail("not an ELF file");
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
    return fail("not ELF64 little-endian");
  if (eh.e_machine != kEmAmdgpu)
    return fail("e_machine " + std::to_string(eh.e_machine) + " is not EM_AMDGPU");
  if (eh.e_phentsize != sizeof(Elf64_Phdr) && eh.e_phnum) return fail("bad e_phentsize");
  if (eh.e_shentsize != sizeof(Elf64_Shdr) && eh.e_shnum) return fail("bad e_shentsize");
  CodeObject co;
  co.e_flags = eh.e_flags;

  // Loadable image.
  std::vector<Elf64_Phdr> loads;
  uint64_t image_end = 0;
  for (uint32_t i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    if (!read_at(elf, eh.e_phoff + uint64_t{i} * sizeof ph, &ph))
      return fail("program header out of bounds");
    if (ph.p_type != PT_LOAD) continue;
    if (ph.p_filesz > ph.p_memsz) return fail("PT_LOAD filesz > memsz");
    if (ph.p_offset > elf.size() || ph.p_filesz > elf.size() - ph.p_offset)
      return fail("PT_LOAD outside the file");
    if (ph.p_vaddr > kMaxImage || ph.p_memsz > kMaxImage - ph.p_vaddr)
      return fail("PT_LOAD too large");
    image_end = std::max<uint64_t>(image_end, ph.p_vaddr + ph.p_memsz);
    loads.push_back(ph);
  }
  if (loads.empty()) return fail("no PT_LOAD segment");
  co.image.assign(image_end, 0);
  for (const Elf64_Phdr& ph : loads) {
    if (ph.p_filesz == 0) continue;  // the image may be empty: no pointer to copy to
    std::memcpy(co.image.data() + ph.p_vaddr, elf.data() + ph.p_offset, ph.p_filesz);
  }

  // Kernels: the OBJECT symbols named "<kernel>.kd" in the symbol table.
  for (uint32_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh;
    if (!read_at(elf, eh.e_shoff + uint64_t{i} * sizeof sh, &sh))
      return fail("section header out of bounds");
    if (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) continue;
    Elf64_Shdr strtab;
    if (sh.sh_link >= eh.e_shnum ||
        !read_at(elf, eh.e_shoff + uint64_t{sh.sh_link} * sizeof strtab, &strtab))
      return fail("symbol string table out of bounds");
    if (strtab.sh_offset > elf.size() || strtab.sh_size > elf.size() - strtab.sh_offset)
      return fail("string table outside the file");
    if (sh.sh_offset > elf.size() || sh.sh_size > elf.size() - sh.sh_offset)
      return fail("symtab outside the file");
    for (uint64_t off = 0; off + sizeof(Elf64_Sym) <= sh.sh_size; off += sizeof(Elf64_Sym)) {
      Elf64_Sym sym;
      std::memcpy(&sym, elf.data() + sh.sh_offset + off, sizeof sym);
      if (sym.st_name >= strtab.sh_size) continue;
      const char* s = reinterpret_cast<const char*>(elf.data() + strtab.sh_offset + sym.st_name);
      size_t len = strnlen(s, strtab.sh_size - sym.st_name);
      if (len == strtab.sh_size - sym.st_name) return fail("unterminated symbol name");
      std::string name(s, len);
      if (name.size() < 4 || name.compare(name.size() - 3, 3, ".kd") != 0) continue;
      if (sym.st_value > co.image.size() || co.image.size() - sym.st_value < 64)
        return fail("kernel descriptor " + name + " outside the image");
      Kernel k;
      k.name = name.substr(0, name.size() - 3);
      k.descriptor_va = sym.st_value;
      k.descriptor =
          KernelDescriptor::parse(std::span<const uint8_t, 64>(co.image.data() + sym.st_value, 64));
      uint64_t code = k.code_va();
      if (code >= co.image.size())
        return fail("kernel " + k.name + " code entry outside the image");
      if (!co.find(k.name)) co.kernels.push_back(std::move(k));
    }
  }
  if (co.kernels.empty()) return fail("no kernel descriptors (.kd symbols)");

  // Metadata: kernel arguments and the target, from the AMDGPU note.
  for (uint32_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh;
    if (!read_at(elf, eh.e_shoff + uint64_t{i} * sizeof sh, &sh) || sh.sh_type != SHT_NOTE)
      continue;
    if (sh.sh_offset > elf.size() || sh.sh_size > elf.size() - sh.sh_offset)
      return fail("note section outside the file");
    std::string error;
    if (!read_notes(elf.subspan(sh.sh_offset, sh.sh_size), &co, &error)) {
      r.error = error;
      return r;
    }
  }
  if (co.target.empty()) co.target = target_from_e_flags(co.e_flags);
  r.object = std::move(co);
  return r;
}

}  // namespace amdrr::code
