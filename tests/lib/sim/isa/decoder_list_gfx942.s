// Decoder oracle list for gfx942: each encoding format and the opcodes the
// interpreter implements. Assembled by llvm-mc at build time; the test
// compares the decoder + printer with llvm-objdump's disassembly.
// SOP2
s_add_u32 s0, s1, s2
s_sub_u32 s0, s1, 0x12345
s_add_i32 s3, s4, -1
s_sub_i32 s3, s4, 64
s_addc_u32 s5, s6, s7
s_subb_u32 s5, s6, s7
s_min_i32 s0, s1, s2
s_min_u32 s0, s1, s2
s_max_i32 s0, s1, s2
s_max_u32 s0, s1, s2
s_cselect_b32 s0, s1, s2
s_cselect_b64 s[0:1], s[2:3], exec
s_and_b32 s0, s1, 0xffff
s_and_b64 s[0:1], s[2:3], vcc
s_or_b32 s0, s1, s2
s_or_b64 exec, exec, s[0:1]
s_xor_b32 s0, s1, s2
s_xor_b64 s[0:1], s[2:3], s[4:5]
s_andn2_b32 s0, s1, s2
s_andn2_b64 s[0:1], exec, s[4:5]
s_orn2_b32 s0, s1, s2
s_orn2_b64 s[0:1], s[2:3], s[4:5]
s_nand_b64 s[0:1], s[2:3], s[4:5]
s_nor_b64 s[0:1], s[2:3], s[4:5]
s_xnor_b64 s[0:1], s[2:3], s[4:5]
s_lshl_b32 s0, s1, 2
s_lshl_b64 s[0:1], s[2:3], 3
s_lshr_b32 s0, s1, s2
s_lshr_b64 s[0:1], s[2:3], s4
s_ashr_i32 s0, s1, 31
s_ashr_i64 s[0:1], s[2:3], 31
s_bfm_b32 s0, s1, s2
s_bfm_b64 s[0:1], s2, s3
s_mul_i32 s0, s1, s2
s_bfe_u32 s0, s1, 0x80008
s_bfe_i32 s0, s1, 0x80008
s_bfe_u64 s[0:1], s[2:3], 0x200000
s_bfe_i64 s[0:1], s[2:3], s4
s_absdiff_i32 s0, s1, s2
s_mul_hi_u32 s0, s1, s2
s_mul_hi_i32 s0, s1, s2
s_lshl1_add_u32 s0, s1, s2
s_lshl2_add_u32 s0, s1, s2
s_lshl3_add_u32 s0, s1, s2
s_lshl4_add_u32 s0, s1, s2
s_pack_ll_b32_b16 s0, s1, s2
s_pack_lh_b32_b16 s0, s1, s2
s_pack_hh_b32_b16 s0, s1, s2
// SOPK
s_movk_i32 s0, 0x3ff
s_cmovk_i32 s0, 0x10
s_cmpk_eq_i32 s0, 0x10
s_cmpk_lg_u32 s0, 0x10
s_cmpk_lt_i32 s0, 0x10
s_cmpk_gt_u32 s0, 0x10
s_addk_i32 s0, 0x10
s_mulk_i32 s0, 0x10
s_getreg_b32 s0, hwreg(HW_REG_MODE)
s_getreg_b32 s0, hwreg(HW_REG_MODE, 4, 2)
s_setreg_b32 hwreg(HW_REG_MODE, 4, 2), s3
s_setreg_imm32_b32 hwreg(HW_REG_MODE, 4, 2), 3
// SOP1
s_mov_b32 s33, 0
s_mov_b32 s0, 0x3ff
s_mov_b32 vcc_lo, m0
s_mov_b32 m0, -1
s_mov_b64 s[0:1], exec
s_mov_b64 vcc, 1.0
s_mov_b64 s[0:1], 0xffffffff
s_cmov_b32 s0, s1
s_cmov_b64 s[0:1], s[2:3]
s_not_b32 s0, s1
s_not_b64 s[0:1], s[2:3]
s_brev_b32 s0, s1
s_bcnt1_i32_b32 s0, s1
s_bcnt1_i32_b64 s0, s[2:3]
s_ff1_i32_b32 s0, s1
s_ff1_i32_b64 s0, s[2:3]
s_flbit_i32_b32 s0, s1
s_flbit_i32_b64 s0, s[2:3]
s_flbit_i32 s0, s1
s_sext_i32_i8 s0, s1
s_sext_i32_i16 s0, s1
s_bitset0_b32 s0, s1
s_bitset1_b32 s0, s1
s_getpc_b64 s[0:1]
s_setpc_b64 s[0:1]
s_swappc_b64 s[30:31], s[4:5]
s_and_saveexec_b64 s[0:1], vcc
s_or_saveexec_b64 s[12:13], -1
s_xor_saveexec_b64 s[0:1], s[2:3]
s_andn2_saveexec_b64 s[0:1], s[2:3]
s_orn2_saveexec_b64 s[0:1], s[2:3]
s_abs_i32 s0, s1
s_andn1_saveexec_b64 s[0:1], s[2:3]
// SOPC
s_cmp_eq_i32 s0, s1
s_cmp_lg_i32 s0, 0x1234
s_cmp_gt_i32 s0, s1
s_cmp_ge_i32 s0, s1
s_cmp_lt_i32 s0, s1
s_cmp_le_i32 s0, s1
s_cmp_eq_u32 s0, s1
s_cmp_lg_u32 s0, s1
s_cmp_gt_u32 s0, s1
s_cmp_ge_u32 s0, s1
s_cmp_lt_u32 s0, s1
s_cmp_le_u32 s0, s1
s_cmp_eq_u64 s[0:1], s[2:3]
s_cmp_lg_u64 s[0:1], 0
s_bitcmp0_b32 s0, 3
s_bitcmp1_b32 s0, s1
s_bitcmp0_b64 s[0:1], s2
s_bitcmp1_b64 s[0:1], 5
// SOPP
s_nop 0
s_nop 7
s_endpgm
s_branch 5
s_cbranch_scc0 -3
s_cbranch_scc1 2
s_cbranch_vccz 1
s_cbranch_vccnz 1
s_cbranch_execz 33
s_cbranch_execnz -10
s_barrier
s_waitcnt vmcnt(0)
s_waitcnt lgkmcnt(0)
s_waitcnt vmcnt(0) lgkmcnt(0)
s_waitcnt vmcnt(2) expcnt(1) lgkmcnt(3)
s_sleep 2
s_setprio 3
s_trap 2
s_icache_inv
// SMEM
s_load_dword s0, s[2:3], 0x18
s_load_dwordx2 s[10:11], s[2:3], 0x0
s_load_dwordx4 s[4:7], s[0:1], 0x10
s_load_dwordx8 s[4:11], s[0:1], 0x20
s_load_dwordx16 s[4:19], s[0:1], 0x40
s_load_dword s1, s[2:3], 0x10 glc
s_load_dword s1, s[2:3], s4
s_load_dword s1, s[2:3], s4 offset:0x10
s_buffer_load_dword s1, s[4:7], 0x10
s_buffer_load_dwordx2 s[2:3], s[4:7], s12
s_buffer_load_dwordx4 s[8:11], s[4:7], 0x20
s_buffer_load_dwordx8 s[8:15], s[4:7], 0x40
s_buffer_load_dwordx16 s[16:31], s[4:7], s2
s_store_dword s1, s[2:3], 0x8
s_memtime s[0:1]
s_memrealtime s[0:1]
s_dcache_wb
s_dcache_inv
// VOP1
v_nop
v_mov_b32_e32 v2, v0
v_mov_b32_e32 v1, 0x3e800000
v_mov_b32_e32 v1, 0.15915494
v_mov_b32_e32 v0, src_shared_base
v_mov_b32_e32 v0, s5
v_mov_b64_e32 v[4:5], s[10:11]
v_mov_b64_e32 v[4:5], v[6:7]
v_readfirstlane_b32 s0, v1
v_cvt_f32_i32_e32 v0, v1
v_cvt_f32_u32_e32 v0, v1
v_cvt_u32_f32_e32 v0, v1
v_cvt_i32_f32_e32 v0, v1
v_cvt_f16_f32_e32 v0, v1
v_cvt_f32_f16_e32 v0, v1
v_cvt_f32_f64_e32 v0, v[2:3]
v_cvt_f64_f32_e32 v[0:1], v2
v_cvt_f64_i32_e32 v[0:1], v2
v_cvt_f64_u32_e32 v[0:1], v2
v_cvt_i32_f64_e32 v0, v[2:3]
v_cvt_u32_f64_e32 v0, v[2:3]
v_cvt_f32_ubyte0_e32 v0, v1
v_cvt_f32_ubyte3_e32 v0, v1
v_fract_f32_e32 v0, v1
v_trunc_f32_e32 v0, v1
v_ceil_f32_e32 v0, v1
v_rndne_f32_e32 v0, v1
v_floor_f32_e32 v0, v1
v_exp_f32_e32 v0, v1
v_log_f32_e32 v0, v1
v_rcp_f32_e32 v0, v1
v_rcp_iflag_f32_e32 v0, v1
v_rsq_f32_e32 v0, v1
v_sqrt_f32_e32 v0, v1
v_rcp_f64_e32 v[0:1], v[2:3]
v_rsq_f64_e32 v[0:1], v[2:3]
v_sqrt_f64_e32 v[0:1], v[2:3]
v_trunc_f64_e32 v[0:1], v[2:3]
v_ceil_f64_e32 v[0:1], v[2:3]
v_floor_f64_e32 v[0:1], v[2:3]
v_rndne_f64_e32 v[0:1], v[2:3]
v_fract_f64_e32 v[0:1], v[2:3]
v_sin_f32_e32 v0, v1
v_cos_f32_e32 v0, v1
v_not_b32_e32 v0, v1
v_bfrev_b32_e32 v0, v1
v_ffbh_u32_e32 v0, v1
v_ffbl_b32_e32 v0, v1
v_ffbh_i32_e32 v0, v1
v_frexp_exp_i32_f32_e32 v0, v1
v_frexp_mant_f32_e32 v0, v1
v_frexp_exp_i32_f64_e32 v0, v[2:3]
v_frexp_mant_f64_e32 v[0:1], v[2:3]
v_cvt_f16_u16_e32 v0, v1
v_cvt_f16_i16_e32 v0, v1
v_cvt_u16_f16_e32 v0, v1
v_cvt_i16_f16_e32 v0, v1
v_rcp_f16_e32 v0, v1
v_sqrt_f16_e32 v0, v1
v_rsq_f16_e32 v0, v1
v_trunc_f16_e32 v0, v1
v_floor_f16_e32 v0, v1
v_ceil_f16_e32 v0, v1
v_rndne_f16_e32 v0, v1
v_accvgpr_mov_b32 a1, a2
// VOP2
v_cndmask_b32_e32 v0, v1, v2, vcc
v_add_f32_e32 v2, v6, v7
v_sub_f32_e32 v2, v6, v7
v_subrev_f32_e32 v2, v6, v7
v_mul_f32_e32 v2, 0.5, v7
v_mul_i32_i24_e32 v2, v6, v7
v_mul_hi_i32_i24_e32 v2, v6, v7
v_mul_u32_u24_e32 v2, v6, v7
v_mul_hi_u32_u24_e32 v2, v6, v7
v_min_f32_e32 v2, v6, v7
v_max_f32_e32 v2, v6, v7
v_min_i32_e32 v2, v6, v7
v_max_i32_e32 v2, v6, v7
v_min_u32_e32 v2, v6, v7
v_max_u32_e32 v2, v6, v7
v_lshrrev_b32_e32 v2, 4, v7
v_ashrrev_i32_e32 v2, 31, v7
v_lshlrev_b32_e32 v2, 2, v7
v_and_b32_e32 v2, s6, v7
v_or_b32_e32 v2, v6, v7
v_xor_b32_e32 v2, v6, v7
v_add_co_u32_e32 v0, vcc, v1, v2
v_sub_co_u32_e32 v0, vcc, v1, v2
v_subrev_co_u32_e32 v0, vcc, v1, v2
v_addc_co_u32_e32 v0, vcc, v1, v2, vcc
v_subb_co_u32_e32 v0, vcc, v1, v2, vcc
v_subbrev_co_u32_e32 v0, vcc, v1, v2, vcc
v_add_f16_e32 v0, 1.0, v1
v_sub_f16_e32 v0, v1, v2
v_mul_f16_e32 v0, v1, v2
v_max_f16_e32 v0, v1, v2
v_min_f16_e32 v0, v1, v2
v_ldexp_f16_e32 v0, v1, v2
v_add_u16_e32 v0, v1, v2
v_sub_u16_e32 v0, v1, v2
v_mul_lo_u16_e32 v0, v1, v2
v_lshlrev_b16_e32 v0, v1, v2
v_add_u32_e32 v0, s2, v0
v_sub_u32_e32 v0, v1, v2
v_subrev_u32_e32 v0, v1, v2
v_fmac_f32_e32 v0, v1, v2
v_fmac_f64_e32 v[0:1], v[2:3], v[4:5]
v_fmamk_f32 v0, v1, 0x41200000, v2
v_fmaak_f32 v0, v1, v2, 0x41200000
v_xnor_b32_e32 v0, v1, v2
// VOPC
v_cmp_eq_u32_e32 vcc, v1, v2
v_cmp_gt_u32_e32 vcc, s4, v0
v_cmp_lt_i32_e32 vcc, 0, v0
v_cmp_ne_u64_e32 vcc, v[0:1], v[2:3]
v_cmp_lt_f32_e32 vcc, v0, v1
v_cmp_neq_f32_e32 vcc, v0, v1
v_cmp_u_f32_e32 vcc, v0, v1
v_cmp_class_f32_e32 vcc, v0, v1
v_cmp_lt_f64_e32 vcc, v[0:1], v[2:3]
v_cmp_eq_f16_e32 vcc, v0, v1
v_cmpx_eq_u32_e32 vcc, v1, v2
v_cmp_eq_u32_e64 s[2:3], v1, v2
v_cmp_lt_u32_e64 s[2:3], v1, v2
v_cmp_le_f32_e64 s[0:1], -v1, |v2|
v_cmp_class_f32_e64 s[0:1], v1, 3
// VOP3
v_mad_u64_u32 v[0:1], s[2:3], v4, v5, v[6:7]
v_mad_i64_i32 v[0:1], s[2:3], v4, v5, v[6:7]
v_cndmask_b32_e64 v1, v2, 0.5, s[4:5]
v_fma_f32 v1, -v2, |v3|, -|v4| clamp mul:2
v_fma_f64 v[0:1], v[2:3], v[4:5], v[6:7]
v_fma_f16 v0, v1, v2, v3
v_mul_lo_u32 v1, s6, v1
v_mul_hi_u32 v1, v2, v3
v_mul_hi_i32 v1, v2, v3
v_add_u32_e64 v1, v1, v2
v_and_b32_e64 v2, v2, s0
v_lshl_add_u64 v[0:1], v[0:1], 0, v[4:5]
v_lshl_add_u32 v0, v1, 2, v3
v_add_lshl_u32 v0, v1, v2, 2
v_lshl_or_b32 v0, v1, 16, v2
v_and_or_b32 v0, v1, v2, v3
v_or3_b32 v0, v1, v2, v3
v_xad_u32 v0, v1, v2, v3
v_add3_u32 v0, v1, v2, v3
v_bfe_u32 v0, v1, 8, 4
v_bfe_i32 v0, v1, 8, 4
v_bfi_b32 v0, v1, v2, v3
v_alignbit_b32 v0, v1, v2, 3
v_alignbyte_b32 v0, v1, v2, 1
v_min3_f32 v0, v1, v2, v3
v_max3_i32 v0, v1, v2, v3
v_med3_u32 v0, v1, v2, v3
v_mad_u32_u24 v0, v1, v2, v3
v_mad_i32_i24 v0, v1, v2, v3
v_div_scale_f32 v0, vcc, v1, v1, v2
v_div_scale_f64 v[0:1], s[4:5], v[2:3], v[2:3], v[4:5]
v_div_fmas_f32 v0, v1, v2, v3
v_div_fmas_f64 v[0:1], v[2:3], v[4:5], v[6:7]
v_div_fixup_f32 v0, v1, v2, v3
v_div_fixup_f64 v[0:1], v[2:3], v[4:5], v[6:7]
v_div_fixup_f16 v0, v1, v2, v3
v_ldexp_f32 v0, v1, v2
v_ldexp_f64 v[0:1], v[2:3], v4
v_add_f64 v[0:1], v[2:3], -v[4:5]
v_mul_f64 v[0:1], v[2:3], 2.0
v_min_f64 v[0:1], v[2:3], v[4:5]
v_max_f64 v[0:1], v[2:3], v[4:5]
v_lshlrev_b64 v[4:5], s0, v[2:3]
v_lshrrev_b64 v[4:5], 3, v[2:3]
v_ashrrev_i64 v[4:5], v0, v[2:3]
v_readlane_b32 s0, v1, 3
v_writelane_b32 v0, s0, 1
v_mbcnt_lo_u32_b32 v0, -1, 0
v_mbcnt_hi_u32_b32 v0, -1, v0
v_bcnt_u32_b32 v0, v1, 0
v_bfm_b32 v0, v1, v2
v_mul_f32_e64 v0, v1, v2 div:2
v_cvt_pkrtz_f16_f32 v0, v1, v2
v_pack_b32_f16 v0, v1, v2
v_trig_preop_f64 v[0:1], v[2:3], v4
v_add_co_u32_e64 v0, s[4:5], v1, v2
v_addc_co_u32_e64 v0, s[4:5], v1, v2, s[6:7]
v_sub_co_u32_e64 v0, s[4:5], v1, v2
v_subb_co_u32_e64 v0, s[4:5], v1, v2, s[6:7]
v_mad_u16 v0, v1, v2, v3
v_cvt_pk_u8_f32 v0, v1, 1, v2
// VOP3P
v_pk_add_f16 v1, v2, v3 op_sel:[1,0] op_sel_hi:[0,1] neg_lo:[1,0] neg_hi:[0,1]
v_pk_fma_f16 v1, v2, v3, v4
v_pk_mul_f16 v1, v2, v3
v_pk_add_u16 v1, v2, v3
v_pk_fma_f32 v[0:1], v[2:3], v[4:5], v[6:7]
v_pk_mul_f32 v[0:1], v[2:3], v[4:5]
v_pk_add_f32 v[0:1], v[2:3], v[4:5]
v_pk_add_u16 v1, v2, v3 clamp
v_pk_sub_u16 v1, v2, v3 clamp
v_pk_add_i16 v1, v2, v3 clamp
v_pk_sub_i16 v1, v2, v3 clamp
v_pk_mad_u16 v1, v2, v3, v4 clamp
v_pk_mad_i16 v1, v2, v3, v4
v_pk_max_i16 v1, v2, v3
v_pk_min_u16 v1, v2, v3
v_pk_ashrrev_i16 v1, v2, v3
v_pk_add_f16 v1, v2, v3 clamp
v_pk_fma_f32 v[0:1], v[2:3], v[4:5], v[6:7] clamp
v_pk_mov_b32 v[0:1], v[2:3], v[4:5] op_sel:[0,1]
v_accvgpr_read_b32 v0, a0
v_accvgpr_write_b32 a0, v0
v_dot2_f32_f16 v0, v1, v2, v3
// DPP and SDWA
v_mov_b32_dpp v1, v2 quad_perm:[1,0,3,2] row_mask:0xf bank_mask:0xf bound_ctrl:1
v_add_f32_dpp v1, -v2, |v3| row_shr:1 row_mask:0xa bank_mask:0x3
v_add_u32_dpp v1, v2, v3 row_bcast:15 row_mask:0xa bank_mask:0xf
v_add_u32_dpp v1, v2, v3 row_bcast:31 row_mask:0xc bank_mask:0xf
v_mov_b32_dpp v1, v2 wave_shr:1 row_mask:0xf bank_mask:0xf
v_mov_b32_dpp v1, v2 row_mirror row_mask:0xf bank_mask:0xf
v_add_u32_sdwa v1, v2, sext(v3) dst_sel:WORD_1 dst_unused:UNUSED_PAD src0_sel:DWORD src1_sel:WORD_0
v_cmp_eq_u32_sdwa s[4:5], v1, v2 src0_sel:WORD_1 src1_sel:DWORD
v_mov_b32_sdwa v1, v2 dst_sel:DWORD dst_unused:UNUSED_PRESERVE src0_sel:BYTE_1
v_cvt_f32_f16_sdwa v0, v1 dst_sel:DWORD dst_unused:UNUSED_PAD src0_sel:WORD_1
v_add_f16_sdwa v0, v1, v2 dst_sel:WORD_1 dst_unused:UNUSED_PRESERVE src0_sel:WORD_1 src1_sel:WORD_1
// DS
ds_write_b32 v1, v2 offset:16
ds_write_b64 v1, v[2:3]
ds_write_b8 v1, v2
ds_write_b16 v1, v2 offset:2
ds_write2_b32 v1, v2, v3 offset0:1 offset1:2
ds_write2st64_b32 v1, v2, v3 offset1:1
ds_write2_b64 v1, v[2:3], v[4:5] offset1:1
ds_write_b128 v1, v[2:5]
ds_read_b32 v0, v1
ds_read_b64 v[0:1], v1 offset:8
ds_read_u8 v0, v1
ds_read_i8 v0, v1
ds_read_u16 v0, v1
ds_read_i16 v0, v1
ds_read2_b32 v[0:1], v2 offset0:1 offset1:2
ds_read2st64_b32 v[0:1], v2 offset1:1
ds_read2_b64 v[0:3], v2 offset1:1
ds_read_b128 v[0:3], v1
ds_add_u32 v1, v2
ds_add_rtn_u32 v0, v1, v2
ds_sub_rtn_u32 v0, v1, v2
ds_min_rtn_i32 v0, v1, v2
ds_max_rtn_u32 v0, v1, v2
ds_and_b32 v1, v2
ds_or_rtn_b32 v0, v1, v2
ds_xor_b32 v1, v2
ds_inc_rtn_u32 v0, v1, v2
ds_wrxchg_rtn_b32 v0, v1, v2
ds_cmpst_rtn_b32 v0, v1, v2, v3
ds_add_f32 v1, v2
ds_add_rtn_f32 v0, v1, v2
ds_add_u64 v1, v[2:3]
ds_add_rtn_u64 v[0:1], v1, v[2:3]
ds_bpermute_b32 v0, v1, v2
ds_permute_b32 v0, v1, v2
// FLAT / GLOBAL / SCRATCH
flat_load_dword v1, v[2:3] offset:16
flat_load_dwordx2 v[0:1], v[2:3]
flat_load_dwordx4 v[0:3], v[2:3]
flat_load_ubyte v1, v[2:3]
flat_load_sbyte v1, v[2:3]
flat_load_ushort v1, v[2:3]
flat_load_sshort v1, v[2:3]
flat_store_dword v[2:3], v4
flat_store_dwordx2 v[2:3], v[4:5]
flat_store_byte v[2:3], v4
flat_store_short v[2:3], v4
flat_atomic_add v1, v[2:3], v4 sc0
flat_atomic_cmpswap v1, v[2:3], v[4:5] sc0
global_load_dword v0, v[4:5], off
global_load_dword v1, v[2:3], off offset:-16 sc0 sc1 nt
global_load_dword v1, v2, s[4:5] offset:16
global_load_ushort v1, v1, s[2:3] offset:44
global_load_dwordx2 v[0:1], v[2:3], off
global_load_dwordx3 v[0:2], v[4:5], off
global_load_dwordx4 v[0:3], v[4:5], off
global_load_short_d16_hi v0, v[2:3], off
global_store_dword v[0:1], v2, off
global_store_dwordx2 v[0:1], v[2:3], off
global_store_dwordx4 v0, v[2:5], s[0:1]
global_store_short v[0:1], v2, off
global_store_byte v[0:1], v2, off
global_atomic_add v[2:3], v4, off
global_atomic_add v1, v[2:3], v4, off sc0
global_atomic_sub v1, v2, v4, s[0:1] sc0
global_atomic_cmpswap v1, v[2:3], v[4:5], off sc0
global_atomic_swap v1, v[2:3], v4, off sc0
global_atomic_umax v[2:3], v4, off
global_atomic_smin v[2:3], v4, off
global_atomic_and v[2:3], v4, off
global_atomic_or v[2:3], v4, off
global_atomic_xor v[2:3], v4, off
global_atomic_inc v[2:3], v4, off
global_atomic_add_x2 v[2:3], v[4:5], off
global_atomic_add_f32 v[2:3], v4, off
global_atomic_cmpswap_x2 v[0:1], v[2:3], v[4:7], off sc0
scratch_load_dword v1, off, s33 offset:28
scratch_load_dword v10, v2, off
scratch_load_dwordx2 v[0:1], off, s33
scratch_store_dword off, v1, s33 offset:28
scratch_store_dwordx2 off, v[4:5], s33 offset:8
scratch_store_dword v2, v1, off
scratch_load_ushort v1, off, s33 offset:2
scratch_store_short off, v1, s33 offset:2
// MUBUF
buffer_load_dword v1, v2, s[8:11], s5 offen offset:16 sc0
buffer_load_dword v1, off, s[0:3], 0 offset:4
buffer_store_dword v1, off, s[0:3], s4 offset:8
buffer_store_dword v1, v2, s[0:3], 0 offen
buffer_load_dwordx2 v[0:1], v2, s[8:11], 0 offen
buffer_atomic_add v1, v2, s[8:11], 0 offen sc0
buffer_inv sc1
buffer_wbl2 sc1
