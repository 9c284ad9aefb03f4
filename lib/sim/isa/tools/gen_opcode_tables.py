#!/usr/bin/env python3
"""Generates lib/sim/isa/generated/opcode_table.inc from the LLVM disassembler.

Every opcode value of every GFX9 encoding format is fed to
`llvm-mc --disassemble` for each target (gfx942, gfx90a); the mnemonic and
the operand layout it prints become one table entry. An entry present with
the same spelling on both targets is shared; otherwise each target gets its
own entry (generations as data: the decoder picks entries by target mask).

Usage: gen_opcode_tables.py [llvm-mc] > lib/sim/isa/generated/opcode_table.inc
"""
import re
import subprocess
import sys

LLVM_MC = sys.argv[1] if len(sys.argv) > 1 else "llvm-mc-19"
TARGETS = {"gfx942": 1, "gfx90a": 2}


def le(*ws):
    return tuple(b for w in ws for b in ((w >> (8 * i)) & 0xFF for i in range(4)))


def cases():
    """(format, opcode, [encodings to try]) with operands placed in known registers:
    dst 10, src0 2, src1 4 (or s14), src2 6 (or s12), VOP3b sdst 0."""
    c = []
    for op in range(0x60):
        c.append(("Sop2", op, [le(0x80000000 | op << 23 | 10 << 16 | 4 << 8 | 2)]))
    for op in range(0x1D):
        c.append(("Sopk", op, [le(0xB0000000 | op << 23 | 0x0901, 0x5678),
                               le(0xB0000000 | op << 23 | 10 << 16 | 0x1234)]))
    for op in range(256):
        c.append(("Sop1", op, [le(0xBE800000 | 10 << 16 | op << 8 | 2),
                               le(0xBE800000 | op << 8 | 2), le(0xBE800000 | 10 << 16 | op << 8)]))
    for op in range(128):
        c.append(("Sopc", op, [le(0xBF000000 | op << 16 | 4 << 8 | 2)]))
    for op in range(128):
        c.append(("Sopp", op, [le(0xBF800000 | op << 16 | 3), le(0xBF800000 | op << 16)]))
    for op in range(256):
        c.append(("Smem", op, [le(0xC0000000 | op << 18 | 1 << 17 | 8 << 6 | 2, 0x10),
                               le(0xC0000000 | op << 18 | 1 << 17 | 8 << 6, 0x10),
                               le(0xC0000000 | op << 18 | 1 << 17, 0), le(0xC0000000 | op << 18, 0)]))
    for op in range(0x3E):
        c.append(("Vop2", op, [le(op << 25 | 10 << 17 | 4 << 9 | 258, 0x11),
                               le(op << 25 | 10 << 17 | 4 << 9 | 258)]))
    for op in range(256):
        c.append(("Vop1", op, [le(0x7E000000 | 10 << 17 | op << 9 | 258), le(0x7E000000 | op << 9)]))
    for op in range(256):
        c.append(("Vopc", op, [le(0x7C000000 | op << 17 | 4 << 9 | 258)]))
    for op in range(0x380):  # 0x380.. is VOP3P
        v = [le(0xD0000000 | op << 16 | 10, s0 | s1 << 9 | s2 << 18)
             for s2 in (262, 12, 0) for s1 in (260, 14, 0) for s0 in (258, 16)]
        c.append(("Vop3", op, v + [le(0xD0000000 | op << 16, 0)]))
    for op in range(128):
        c.append(("Vop3p", op, [le(0xD3800000 | op << 16 | 10, 258 | 260 << 9 | 262 << 18 | 3 << 27),
                                le(0xD3800000 | op << 16 | 10, 258 | 260 << 9 | 262 << 18),
                                le(0xD3800000 | op << 16 | 1 << 14 | 10, 258 | 260 << 9 | 3 << 27),
                                le(0xD3800000 | op << 16 | 1 << 14 | 10, 258 | 3 << 27)]))
    for op in range(256):
        c.append(("Ds", op, [le(0xD8000000 | op << 17, 2 | (4 * a) << 8 | (6 * b) << 16 | (10 * d) << 24)
                             for a in (1, 0) for b in (1, 0) for d in (1, 0)]))
    for seg, fmt in enumerate(("Flat", "Scratch", "Global")):
        for op in range(128):
            v = []
            for sa in ((0,) if seg == 0 else (0x7F,)):
                for sve in ((0, 1) if seg == 1 else (0,)):
                    for glc in (0, 1):
                        for a, d in ((0, 1), (1, 0), (1, 1), (0, 0)):
                                v.append(le(0xDC000000 | op << 18 | seg << 14 | sve << 13 | glc << 16,
                                            2 | (4 * a) << 8 | sa << 16 | (10 * d) << 24))
            c.append((fmt, op, v))
    for op in range(128):
        c.append(("Mubuf", op, [le(0xE0000000 | op << 18 | 1 << 12, 2 | 10 << 8 | 2 << 16 | 0x80 << 24),
                                le(0xE0000000 | op << 18, 2 << 16 | 0x80 << 24), le(0xE0000000 | op << 18, 0)]))
    return c


def disassemble(cpu, encs):
    # Two s_nop words after each candidate keep the stream in step when a
    # candidate is invalid or takes a literal it was not given.
    pad = " 0x00 0x00 0x80 0xbf 0x00 0x00 0x80 0xbf"
    inp = "\n".join(" ".join("0x%02x" % x for x in e) + pad for e in encs) + "\n"
    out = subprocess.run([LLVM_MC, "-arch=amdgcn", "-mcpu=" + cpu, "--disassemble", "-show-encoding"],
                         input=inp, capture_output=True, text=True).stdout
    res = {}
    for line in out.splitlines():
        m = re.match(r"\s+(.*?)\s*; encoding: \[(.*)\]", line)
        if m and "Invalid" not in m.group(1):
            res[tuple(int(x, 16) for x in m.group(2).split(","))] = m.group(1)
    return res


REG = re.compile(r"^([vsa])(\d+)$|^([vsa])\[(\d+):(\d+)\]$")
SRC_ROLE = {"Vop3": {2: "0", 16: "0", 4: "1", 14: "1", 6: "2", 12: "2", 10: "D", 0: "C"},
            "Vop3p": {2: "0", 4: "1", 6: "2", 10: "D"},
            "Vop2": {2: "0", 4: "1", 10: "D"}, "Vop1": {2: "0", 10: "D"}, "Vopc": {2: "0", 4: "1"},
            "Sop2": {2: "0", 4: "1", 10: "D"}, "Sop1": {2: "0", 10: "D"}, "Sopc": {2: "0", 4: "1"},
            "Sopk": {10: "D"}}
MEM_ROLE = {"Ds": {2: "A", 4: "0", 6: "1", 10: "D"}, "Smem": {4: "B", 8: "D"},
            "Mubuf": {2: "A", 10: "D", 8: "B"},
            "Flat": {2: "A", 4: "0", 10: "D"}, "Scratch": {2: "A", 4: "0", 10: "D"},
            "Global": {2: "A", 4: "0", 10: "D"}}


def fp_width(name):
    """Floating-point width of the sources (VOP3 neg/abs act on it), from the mnemonic."""
    parts = name.split("_")
    types = [p for p in parts if re.fullmatch(r"[fiub](16|32|64)|bf16", p)]
    if not types:
        return 0
    t = types[-1]  # v_cvt_f32_u32: the source type comes last
    return int(t[1:]) if t[0] == "f" else 0


def entry(fmt, op, text):
    mnem, _, rest = text.partition(" ")
    name = re.sub(r"_e(32|64)$", "", mnem)
    rest = re.split(r" (?=[a-z_]+:|offen|idxen|glc|slc|sc0|sc1|nt)", rest)[0]  # drop modifiers
    ops = [o.strip() for o in rest.split(",")] if rest else []
    roles = MEM_ROLE.get(fmt) or SRC_ROLE.get(fmt, {})
    pattern, widths = "", {}
    for o in ops:
        m = REG.match(o)
        if o == "vcc":
            pattern += "V"
        elif m:
            first = int(m.group(2) or m.group(4))
            n = 1 if m.group(2) else int(m.group(5)) - first + 1
            file = m.group(1) or m.group(3)
            role = roles.get(first, "?")
            widths[role] = n
            if role == "D" and fmt not in MEM_ROLE and file != "v":
                role = "d" if file == "s" else "e"  # SGPR / AGPR destination
            elif role == "0" and file == "a":
                role = "f"  # AGPR source
            if fmt == "Mubuf" and file == "s":
                role = "B"
            pattern += role
        elif o == "off":
            pattern += "O"
        else:
            pattern += "I"
    w = lambda r: widths.get(r, 0)
    flags = 1 if mnem.endswith("_e32") else 0  # LLVM spells the 32-bit encoding with _e32
    if fmt in MEM_ROLE:
        return (name, fmt, op, pattern, w("D"), w("A"), w("0"), w("1"), w("B"), 0, flags)
    return (name, fmt, op, pattern, w("D"), w("C"), w("0"), w("1"), w("2"), fp_width(name), flags)


def main():
    cs = cases()
    per_target = {}
    for cpu in TARGETS:
        enc = disassemble(cpu, [e for _, _, v in cs for e in v])
        got = {}
        for fmt, op, variants in cs:
            for v in variants:
                if v in enc:
                    e = entry(fmt, op, enc[v])
                    if fmt == "Vop3" and enc[v].split(" ")[0].endswith("_e64"):
                        break  # a VOP1/VOP2/VOPC op in VOP3 encoding: decoded through its own table
                    got[(fmt, op)] = e
                    break
        per_target[cpu] = got
    keys = sorted(set().union(*[set(g) for g in per_target.values()]), key=lambda k: (k[0], k[1]))
    ver = subprocess.run([LLVM_MC, "--version"], capture_output=True, text=True).stdout
    ver = re.search(r"LLVM version (\S+)", ver).group(1)
    print("// GENERATED by lib/sim/isa/tools/gen_opcode_tables.py from llvm-mc %s. Do not edit." % ver)
    print("// {mnemonic, format, opcode, targets, operand pattern, dst, sdst|addr, src0|data0,")
    print("//  src1|data1, src2|base dwords, fp width, flags}. Pattern letters: see opcode_table.h.")
    for k in keys:
        variants = {}
        for cpu, bit in TARGETS.items():
            e = per_target[cpu].get(k)
            if e:
                variants.setdefault(e, 0)
                variants[e] |= bit
        for e, mask in variants.items():
            name, fmt, op, pat, a, b, c, d, f, fp, flags = e
            print('{"%s", Format::k%s, %d, %d, "%s", %d, %d, %d, %d, %d, %d, %d},' %
                  (name, fmt, op, mask, pat, a, b, c, d, f, fp, flags))


main()
