// Per-instruction regression snippets (inst_test.cc). Each label starts a
// snippet run as one wave64: s[0:1] = output buffer, s2..s15 = inputs; it
// leaves its result in v[2:3] and stores it at out + 8 * lane.
pk_mov_lo_hi:
  v_mov_b32 v4, s2
  v_mov_b32 v5, s3
  v_mov_b32 v6, s4
  v_mov_b32 v7, s5
  v_pk_mov_b32 v[2:3], v[4:5], v[6:7] op_sel:[1,0]
  v_lshlrev_b32 v1, 3, v0
  global_store_dwordx2 v1, v[2:3], s[0:1]
  s_endpgm
// Scratch through MUBUF (gfx90a -O0 style): s[8:11] is a private segment
// V#, s12 the wave offset; each lane writes and reads its own dwords.
mubuf_scratch:
  v_mov_b32 v4, s2
  v_add_u32_e32 v5, s3, v0
  v_mov_b32 v6, 4
  buffer_store_dword v4, off, s[8:11], s12 offset:8
  buffer_store_dword v5, v6, s[8:11], s12 offen offset:8
  buffer_load_dword v2, off, s[8:11], s12 offset:12
  buffer_load_dword v3, off, s[8:11], s12 offset:8
  s_waitcnt vmcnt(0)
  v_lshlrev_b32 v1, 3, v0
  global_store_dwordx2 v1, v[2:3], s[0:1]
  s_endpgm
clamp_u32:
  v_mov_b32 v4, s2
  v_mov_b32 v5, s3
  v_add_u32_e64 v2, v4, v5 clamp
  v_sub_u32_e64 v3, v5, v4 clamp
  v_lshlrev_b32 v1, 3, v0
  global_store_dwordx2 v1, v[2:3], s[0:1]
  s_endpgm
