// Decoder oracle list for gfx90a: where its encodings or spellings differ
// from gfx942 (cache bits glc/slc/scc, v_mac/v_mad, scratch addressing).
s_load_dwordx2 s[0:1], s[4:5], 0x0
v_mac_f32_e32 v0, v1, v2
v_mad_f32 v0, v1, v2, v3
v_mad_legacy_f32 v0, v1, v2, v3
v_fmac_f32_e32 v0, v1, v2
v_add_f32_e32 v0, v1, v2
flat_load_dword v1, v[2:3] offset:16 glc slc
global_load_dword v1, v[2:3], off offset:-16 glc
global_atomic_add v1, v[2:3], v4, off glc
global_store_dword v[0:1], v2, off scc
scratch_load_dword v1, off, s33 offset:28
scratch_load_dword v1, v2, off
scratch_store_dword off, v1, s33 offset:4
buffer_store_dword v1, off, s[0:3], s4 offset:8
buffer_load_dword v1, v2, s[0:3], 0 offen glc
buffer_wbl2
buffer_invl2
ds_read_b32 v0, v1
v_accvgpr_read_b32 v0, a0
v_accvgpr_write_b32 a0, v0
v_pk_fma_f32 v[0:1], v[2:3], v[4:5], v[6:7]
v_mov_b32_dpp v1, v2 row_newbcast:1 row_mask:0xf bank_mask:0xf
s_endpgm
s_buffer_load_dwordx4 s[8:11], s[4:7], 0x20
v_pk_add_u16 v1, v2, v3 clamp
v_pk_mul_f32 v[0:1], v[2:3], v[4:5] clamp
