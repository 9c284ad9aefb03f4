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
pk_mov_sgpr:
  v_mov_b32 v6, s4
  v_mov_b32 v7, s5
  v_pk_mov_b32 v[2:3], s[2:3], v[6:7] op_sel:[0,1]
  v_lshlrev_b32 v1, 3, v0
  global_store_dwordx2 v1, v[2:3], s[0:1]
  s_endpgm
fma_f16_op_sel:
  v_mov_b32 v4, s2
  v_mov_b32 v5, s3
  v_mov_b32 v6, s4
  v_mov_b32 v2, s5
  v_mov_b32 v3, 0
  v_fma_f16 v2, v4, v5, v6 op_sel:[1,0,1,1]
  v_lshlrev_b32 v1, 3, v0
  global_store_dwordx2 v1, v[2:3], s[0:1]
  s_endpgm
pack_b32_f16_op_sel:
  v_mov_b32 v4, s2
  v_mov_b32 v5, s3
  v_mov_b32 v3, 0
  v_pack_b32_f16 v2, v4, v5 op_sel:[1,0,0]
  v_lshlrev_b32 v1, 3, v0
  global_store_dwordx2 v1, v[2:3], s[0:1]
  s_endpgm
mad_u16_keeps_high:
  v_mov_b32 v4, s2
  v_mov_b32 v5, s3
  v_mov_b32 v6, s4
  v_mov_b32 v2, s5
  v_mov_b32 v3, 0
  v_mad_u16 v2, v4, v5, v6
  v_lshlrev_b32 v1, 3, v0
  global_store_dwordx2 v1, v[2:3], s[0:1]
  s_endpgm
add_u16_zeroes_high:
  v_mov_b32 v4, s2
  v_mov_b32 v5, s3
  v_mov_b32 v2, s5
  v_mov_b32 v3, 0
  v_add_u16_e64 v2, v4, v5
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
clamp_i32:
  v_mov_b32 v4, s2
  v_mov_b32 v5, s3
  v_add_i32 v2, v4, v5 clamp
  v_sub_i32 v3, v5, v4 clamp
  v_lshlrev_b32 v1, 3, v0
  global_store_dwordx2 v1, v[2:3], s[0:1]
  s_endpgm
clamp_16:
  v_mov_b32 v4, s2
  v_mov_b32 v5, s3
  v_add_u16_e64 v2, v4, v5 clamp
  v_add_i16 v3, v4, v5 clamp
  v_lshlrev_b32 v1, 3, v0
  global_store_dwordx2 v1, v[2:3], s[0:1]
  s_endpgm
clamp_add_co:
  v_mov_b32 v4, s2
  v_mov_b32 v5, s3
  v_add_co_u32_e64 v2, s[6:7], v4, v5 clamp
  v_cndmask_b32_e64 v3, 0, 1, s[6:7]
  v_lshlrev_b32 v1, 3, v0
  global_store_dwordx2 v1, v[2:3], s[0:1]
  s_endpgm
clamp_mad_u32_u24:
  v_mov_b32 v4, s2
  v_mov_b32 v5, s3
  v_mov_b32 v6, s4
  v_mad_u32_u24 v2, v4, v5, v6 clamp
  v_mad_u32_u24 v3, v4, v5, v6
  v_lshlrev_b32 v1, 3, v0
  global_store_dwordx2 v1, v[2:3], s[0:1]
  s_endpgm
// Clamp on a packed multiply-low: UNVERIFIED semantics, so unsupported.
clamp_pk_mul_lo_u16_unsupported:
  v_pk_mul_lo_u16 v2, v4, v5 clamp
  s_endpgm
div_scale_f64_far_exponents:
  v_mov_b32 v4, s2
  v_mov_b32 v5, s3
  v_mov_b32 v6, s4
  v_mov_b32 v7, s5
  v_div_scale_f64 v[2:3], vcc, v[6:7], v[6:7], v[4:5]
  v_cndmask_b32_e64 v8, 0, 1, vcc
  v_lshlrev_b32 v1, 4, v0
  global_store_dwordx2 v1, v[2:3], s[0:1]
  global_store_dword v1, v8, s[0:1] offset:8
  s_endpgm
div_scale_f64_numerator_call:
  v_mov_b32 v4, s2
  v_mov_b32 v5, s3
  v_mov_b32 v6, s4
  v_mov_b32 v7, s5
  v_div_scale_f64 v[2:3], vcc, v[4:5], v[6:7], v[4:5]
  v_cndmask_b32_e64 v8, 0, 1, vcc
  v_lshlrev_b32 v1, 4, v0
  global_store_dwordx2 v1, v[2:3], s[0:1]
  global_store_dword v1, v8, s[0:1] offset:8
  s_endpgm
div_fmas_f64_rescales:
  v_mov_b32 v4, s2
  v_mov_b32 v5, s3
  v_mov_b32 v6, s4
  v_mov_b32 v7, s5
  s_mov_b64 vcc, -1
  v_div_fmas_f64 v[2:3], v[4:5], v[6:7], v[6:7]
  v_lshlrev_b32 v1, 3, v0
  global_store_dwordx2 v1, v[2:3], s[0:1]
  s_endpgm
// VOP3P clamp: integer halves saturate (unsigned / signed).
pk_clamp_int:
  v_mov_b32 v4, s2
  v_mov_b32 v5, s3
  v_pk_add_u16 v2, v4, v5 clamp
  v_pk_add_i16 v3, v4, v5 clamp
  v_lshlrev_b32 v1, 3, v0
  global_store_dwordx2 v1, v[2:3], s[0:1]
  s_endpgm
// VOP3P clamp: fp16 halves to [0, 1]; unsigned subtraction stops at 0.
pk_clamp_f16:
  v_mov_b32 v4, s2
  v_mov_b32 v5, s3
  v_pk_add_f16 v2, v4, v5 clamp
  v_pk_sub_u16 v3, v5, v4 clamp
  v_lshlrev_b32 v1, 3, v0
  global_store_dwordx2 v1, v[2:3], s[0:1]
  s_endpgm
// s_buffer_load through a V# over the output buffer (NUM_RECORDS = s2):
// dwords at out + 768 and + 772, written first by the wave.
sbuffer_load:
  v_mov_b32 v1, 0
  v_mov_b32 v2, s3
  v_mov_b32 v3, s4
  global_store_dwordx2 v1, v[2:3], s[0:1] offset:768
  s_waitcnt vmcnt(0)
  s_mov_b32 s8, s0
  s_and_b32 s9, s1, 0xffff
  s_mov_b32 s10, s2
  s_mov_b32 s11, 0
  s_movk_i32 s12, 0x300
  s_buffer_load_dwordx2 s[6:7], s[8:11], s12
  s_waitcnt lgkmcnt(0)
  v_mov_b32 v2, s6
  v_mov_b32 v3, s7
  v_lshlrev_b32 v1, 3, v0
  global_store_dwordx2 v1, v[2:3], s[0:1]
  s_endpgm
// A loop with no exit (s_branch to itself): only a limit ends it.
runaway:
  s_branch -1
