/*
 * Pins the layout of our ABI headers to the offsets Xen's public headers
 * define (LP64).  A wrong offset here means a real Xen PV kernel would
 * misread hv, so these are compile-time failures.
 */
#include <check.h>
#include <stddef.h>
#include <public/xen.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/callback.h>
#include <public/io/console.h>
#include <public/io/xs_wire.h>
#include <public/io/xenbus.h>
#include <public/io/blkif.h>
#include <public/io/netif.h>
#include <public/segbase.h>
#include <public/hvm/ioreq.h>
#include <public/hvm/dm_op.h>
#include <public/domctl.h>
#include <public/sysctl.h>

#define AT(type, field, off) \
    _Static_assert(offsetof(type, field) == (off), #type "." #field)
#define SIZE(type, n) _Static_assert(sizeof(type) == (n), "sizeof " #type)

SIZE(struct start_info, 1168);
AT(struct start_info, nr_pages, 32);
AT(struct start_info, shared_info, 40);
AT(struct start_info, flags, 48);
AT(struct start_info, store_mfn, 56);
AT(struct start_info, store_evtchn, 64);
AT(struct start_info, console.domU.mfn, 72);
AT(struct start_info, console.domU.evtchn, 80);
AT(struct start_info, pt_base, 88);
AT(struct start_info, nr_pt_frames, 96);
AT(struct start_info, mfn_list, 104);
AT(struct start_info, mod_start, 112);
AT(struct start_info, mod_len, 120);
AT(struct start_info, cmd_line, 128);
AT(struct start_info, first_p2m_pfn, 1152);
AT(struct start_info, nr_p2m_frames, 1160);

SIZE(struct vcpu_info, 64);
AT(struct vcpu_info, evtchn_upcall_mask, 1);
AT(struct vcpu_info, evtchn_pending_sel, 8);
AT(struct vcpu_info, arch.cr2, 16);
AT(struct vcpu_info, time, 32);
SIZE(struct vcpu_time_info, 32);
AT(struct vcpu_time_info, tsc_timestamp, 8);
AT(struct vcpu_time_info, system_time, 16);
AT(struct vcpu_time_info, tsc_to_system_mul, 24);
AT(struct vcpu_time_info, tsc_shift, 28);
AT(struct vcpu_time_info, flags, 29);

AT(struct shared_info, evtchn_pending, 2048);
AT(struct shared_info, evtchn_mask, 2560);
AT(struct shared_info, wc_version, 3072);
AT(struct shared_info, wc_sec, 3076);
AT(struct shared_info, wc_nsec, 3080);
AT(struct shared_info, wc_sec_hi, 3084);
AT(struct shared_info, arch.max_pfn, 3088);
AT(struct shared_info, arch.pfn_to_mfn_frame_list_list, 3096);
AT(struct shared_info, arch.p2m_cr3, 3112);
AT(struct shared_info, arch.p2m_generation, 3128);

SIZE(struct multicall_entry, 64);
SIZE(struct mmuext_op, 24);
AT(struct mmuext_op, arg1, 8);
AT(struct mmuext_op, arg2, 16);
SIZE(struct trap_info, 16);
AT(struct trap_info, address, 8);

SIZE(struct cpu_user_regs, 200);
AT(struct cpu_user_regs, rdi, 112);
AT(struct cpu_user_regs, error_code, 120);
AT(struct cpu_user_regs, rip, 128);
AT(struct cpu_user_regs, cs, 136);
AT(struct cpu_user_regs, saved_upcall_mask, 140);
AT(struct cpu_user_regs, rflags, 144);
AT(struct cpu_user_regs, rsp, 152);
AT(struct cpu_user_regs, ss, 160);
AT(struct cpu_user_regs, gs, 192);

SIZE(struct vcpu_guest_context, 5168);
AT(struct vcpu_guest_context, flags, 512);
AT(struct vcpu_guest_context, user_regs, 520);
AT(struct vcpu_guest_context, trap_ctxt, 720);
AT(struct vcpu_guest_context, ldt_base, 4816);
AT(struct vcpu_guest_context, gdt_frames, 4832);
AT(struct vcpu_guest_context, gdt_ents, 4960);
AT(struct vcpu_guest_context, kernel_ss, 4968);
AT(struct vcpu_guest_context, ctrlreg, 4984);
AT(struct vcpu_guest_context, ctrlreg[3], 5008);
AT(struct vcpu_guest_context, debugreg, 5048);
AT(struct vcpu_guest_context, event_callback_eip, 5112);
AT(struct vcpu_guest_context, vm_assist, 5136);
AT(struct vcpu_guest_context, fs_base, 5144);

AT(struct evtchn_bind_interdomain, remote_port, 4);
AT(struct evtchn_bind_interdomain, local_port, 8);
AT(struct evtchn_bind_virq, port, 8);
AT(struct evtchn_status, port, 4);
AT(struct evtchn_status, status, 8);
AT(struct evtchn_status, vcpu, 12);
AT(struct evtchn_status, u, 16);
AT(struct evtchn_status, u.interdomain.port, 20);
AT(struct evtchn_alloc_unbound, port, 4);
AT(struct evtchn_bind_ipi, port, 4);
SIZE(struct evtchn_op, 28);

SIZE(struct grant_entry_v1, 8);
SIZE(struct gnttab_map_grant_ref, 32);
AT(struct gnttab_map_grant_ref, flags, 8);
AT(struct gnttab_map_grant_ref, ref, 12);
AT(struct gnttab_map_grant_ref, dom, 16);
AT(struct gnttab_map_grant_ref, status, 18);
AT(struct gnttab_map_grant_ref, handle, 20);
AT(struct gnttab_map_grant_ref, dev_bus_addr, 24);
SIZE(struct gnttab_unmap_grant_ref, 24);
AT(struct gnttab_unmap_grant_ref, handle, 16);
AT(struct gnttab_unmap_grant_ref, status, 20);
SIZE(struct gnttab_setup_table, 24);
AT(struct gnttab_setup_table, nr_frames, 4);
AT(struct gnttab_setup_table, status, 8);
AT(struct gnttab_setup_table, frame_list, 16);
SIZE(struct gnttab_copy, 40);
AT(struct gnttab_copy, source.domid, 8);
AT(struct gnttab_copy, source.offset, 10);
AT(struct gnttab_copy, dest, 16);
AT(struct gnttab_copy, len, 32);
AT(struct gnttab_copy, flags, 34);
AT(struct gnttab_copy, status, 36);
AT(struct gnttab_query_size, nr_frames, 4);
AT(struct gnttab_query_size, max_nr_frames, 8);
AT(struct gnttab_query_size, status, 12);

AT(struct xen_memory_reservation, nr_extents, 8);
AT(struct xen_memory_reservation, extent_order, 16);
AT(struct xen_memory_reservation, mem_flags, 20);
AT(struct xen_memory_reservation, domid, 24);
AT(struct xen_memory_map, buffer, 8);
SIZE(struct xen_mem_acquire_resource, 32);
AT(struct xen_mem_acquire_resource, type, 2);
AT(struct xen_mem_acquire_resource, id, 4);
AT(struct xen_mem_acquire_resource, nr_frames, 8);
AT(struct xen_mem_acquire_resource, pad, 12);
AT(struct xen_mem_acquire_resource, frame, 16);
AT(struct xen_mem_acquire_resource, frame_list, 24);
_Static_assert(XENMEM_acquire_resource == 28 && XENMEM_resource_grant_table == 1 &&
               XENMEM_resource_grant_table_id_shared == 0, "acquire_resource numbers");
SIZE(struct e820entry, 20);

AT(struct sched_poll, nr_ports, 8);
AT(struct sched_poll, timeout, 16);
AT(struct sched_remote_shutdown, reason, 4);
SIZE(struct vcpu_runstate_info, 48);
AT(struct vcpu_runstate_info, state_entry_time, 8);
AT(struct vcpu_set_singleshot_timer, flags, 8);
AT(struct vcpu_register_vcpu_info, offset, 8);
SIZE(struct vcpu_register_time_memory_area, 8);
_Static_assert(VCPUOP_register_vcpu_time_memory_area == 13, "VCPUOP number");
AT(struct callback_register, address, 8);
_Static_assert(SEGBASE_FS == 0 && SEGBASE_GS_USER == 1 && SEGBASE_GS_KERNEL == 2 &&
               SEGBASE_GS_USER_SEL == 3, "SEGBASE_*");

AT(struct xencons_interface, out, 1024);
AT(struct xencons_interface, in_cons, 3072);
AT(struct xencons_interface, out_prod, 3084);
AT(struct xencons_interface, connection, 3088);

SIZE(struct xsd_sockmsg, 16);
AT(struct xsd_sockmsg, req_id, 4);
AT(struct xsd_sockmsg, tx_id, 8);
AT(struct xsd_sockmsg, len, 12);
SIZE(struct xenstore_domain_interface, 2080);
AT(struct xenstore_domain_interface, rsp, 1024);
AT(struct xenstore_domain_interface, req_cons, 2048);
AT(struct xenstore_domain_interface, req_prod, 2052);
AT(struct xenstore_domain_interface, rsp_cons, 2056);
AT(struct xenstore_domain_interface, rsp_prod, 2060);
AT(struct xenstore_domain_interface, server_features, 2064);
AT(struct xenstore_domain_interface, connection, 2068);
AT(struct xenstore_domain_interface, error, 2072);
AT(struct xenstore_domain_interface, evtchn_port, 2076);
_Static_assert(XS_WATCH_EVENT == 15 && XS_ERROR == 16, "xs types");
_Static_assert(XS_SET_TARGET == 19 && XS_RESET_WATCHES == 21, "xs types");
_Static_assert(XS_SET_QUOTA == 26 && XS_TYPE_COUNT == 27, "xs types");
_Static_assert(XS_INVALID == 0xffff, "xs invalid");
_Static_assert(XENSTORE_PAYLOAD_MAX == 4096, "xs payload");
_Static_assert(XENSTORE_SERVER_FEATURE_WATCHDEPTH == 4, "xs features");

/* Split drivers: xenbus states, the shared ring header, blkif. */
_Static_assert(XenbusStateInitialising == 1 && XenbusStateInitWait == 2 &&
               XenbusStateInitialised == 3 && XenbusStateConnected == 4 &&
               XenbusStateClosing == 5 && XenbusStateClosed == 6 &&
               XenbusStateReconfigured == 8, "xenbus states");
AT(struct blkif_sring, req_event, 4);
AT(struct blkif_sring, rsp_prod, 8);
AT(struct blkif_sring, rsp_event, 12);
AT(struct blkif_sring, pvt, 16);
AT(struct blkif_sring, ring, 64);
SIZE(struct blkif_request_segment, 8);
AT(struct blkif_request_segment, first_sect, 4);
AT(struct blkif_request_segment, last_sect, 5);
SIZE(struct blkif_request, 112);
AT(struct blkif_request, nr_segments, 1);
AT(struct blkif_request, handle, 2);
AT(struct blkif_request, id, 8);
AT(struct blkif_request, sector_number, 16);
AT(struct blkif_request, seg, 24);
SIZE(struct blkif_request_discard, 32);
AT(struct blkif_request_discard, flag, 1);
AT(struct blkif_request_discard, nr_sectors, 24);
SIZE(struct blkif_request_indirect, 64);
AT(struct blkif_request_indirect, nr_segments, 2);
AT(struct blkif_request_indirect, id, 8);
AT(struct blkif_request_indirect, sector_number, 16);
AT(struct blkif_request_indirect, handle, 24);
AT(struct blkif_request_indirect, indirect_grefs, 28);
SIZE(struct blkif_response, 16);
AT(struct blkif_response, operation, 8);
AT(struct blkif_response, status, 10);
SIZE(union blkif_sring_entry, 112);
_Static_assert(BLK_RING_SIZE(4096) == 32, "blkif ring slots in a page");
_Static_assert(BLKIF_OP_FLUSH_DISKCACHE == 3 && BLKIF_OP_DISCARD == 5 &&
               BLKIF_OP_INDIRECT == 6 && BLKIF_MAX_SEGMENTS_PER_REQUEST == 11 &&
               BLKIF_RSP_EOPNOTSUPP == -2 && VDISK_READONLY == 4, "blkif numbers");

/* netif: tx/rx requests and responses, the extra-info slot, 256 slots a page. */
SIZE(struct netif_tx_request, 12);
AT(struct netif_tx_request, offset, 4);
AT(struct netif_tx_request, flags, 6);
AT(struct netif_tx_request, id, 8);
AT(struct netif_tx_request, size, 10);
SIZE(struct netif_tx_response, 4);
AT(struct netif_tx_response, status, 2);
SIZE(struct netif_extra_info, 8);
AT(struct netif_extra_info, flags, 1);
AT(struct netif_extra_info, u, 2);
AT(struct netif_extra_info, u.gso.features, 6);
SIZE(struct netif_rx_request, 8);
AT(struct netif_rx_request, gref, 4);
SIZE(struct netif_rx_response, 8);
AT(struct netif_rx_response, offset, 2);
AT(struct netif_rx_response, flags, 4);
AT(struct netif_rx_response, status, 6);
SIZE(union netif_tx_sring_entry, 12);
SIZE(union netif_rx_sring_entry, 8);
AT(struct netif_tx_sring, ring, 64);
AT(struct netif_rx_sring, ring, 64);
_Static_assert(NET_TX_RING_SIZE(4096) == 256 && NET_RX_RING_SIZE(4096) == 256,
               "netif ring slots in a page");
_Static_assert(NETTXF_csum_blank == 1 && NETTXF_data_validated == 2 &&
               NETTXF_more_data == 4 && NETTXF_extra_info == 8 &&
               NETRXF_data_validated == 1 && NETRXF_csum_blank == 2 &&
               NETRXF_more_data == 4 && NETRXF_extra_info == 8 && NETRXF_gso_prefix == 16,
               "netif flags");
_Static_assert(NETIF_RSP_DROPPED == -2 && NETIF_RSP_ERROR == -1 && NETIF_RSP_OKAY == 0 &&
               NETIF_RSP_NULL == 1 && XEN_NETIF_NR_SLOTS_MIN == 18 &&
               XEN_NETIF_MAX_TX_SIZE == 0xffff && XEN_NETIF_EXTRA_TYPE_GSO == 1,
               "netif numbers");

/* HVM: ioreq slots and dm_op (public/hvm/). */
SIZE(struct ioreq, 32);
AT(struct ioreq, data, 8);
AT(struct ioreq, count, 16);
AT(struct ioreq, size, 20);
AT(struct ioreq, vp_eport, 24);
AT(struct ioreq, type, 31);
_Static_assert(STATE_IOREQ_READY == 1 && STATE_IORESP_READY == 3, "ioreq states");
_Static_assert(IOREQ_TYPE_PIO == 0 && IOREQ_TYPE_COPY == 1 && IOREQ_READ == 1,
               "ioreq types");
SIZE(struct xen_dm_op, 32);
AT(struct xen_dm_op, u, 8);
SIZE(struct xen_dm_op_create_ioreq_server, 6);
AT(struct xen_dm_op_create_ioreq_server, id, 4);
SIZE(struct xen_dm_op_get_ioreq_server_info, 24);
AT(struct xen_dm_op_get_ioreq_server_info, bufioreq_port, 4);
AT(struct xen_dm_op_get_ioreq_server_info, ioreq_gfn, 8);
AT(struct xen_dm_op_get_ioreq_server_info, bufioreq_gfn, 16);
SIZE(struct xen_dm_op_ioreq_server_range, 24);
AT(struct xen_dm_op_ioreq_server_range, type, 4);
AT(struct xen_dm_op_ioreq_server_range, start, 8);
AT(struct xen_dm_op_ioreq_server_range, end, 16);
SIZE(struct xen_dm_op_set_ioreq_server_state, 4);
AT(struct xen_dm_op_set_ioreq_server_state, enabled, 2);
SIZE(struct xen_dm_op_set_isa_irq_level, 2);
SIZE(struct xen_dm_op_buf, 16);
AT(struct xen_dm_op_buf, size, 8);
_Static_assert(XEN_DMOP_create_ioreq_server == 1 && XEN_DMOP_destroy_ioreq_server == 6 &&
               XEN_DMOP_set_isa_irq_level == 9, "dm_op numbers");
_Static_assert(XEN_DMOP_IO_RANGE_PORT == 0 && XEN_DMOP_IO_RANGE_MEMORY == 1 &&
               XEN_DMOP_IO_RANGE_PCI == 2, "dm_op range types");

/* The ioreq bitfields share the byte at offset 30, state in its low bits. */
/* domctl / sysctl, interface version 0x15 (Xen 4.17). */
SIZE(struct xen_arch_domainconfig, 8);
SIZE(struct xen_domctl_createdomain, 64);
AT(struct xen_domctl_createdomain, flags, 20);
AT(struct xen_domctl_createdomain, max_vcpus, 28);
AT(struct xen_domctl_createdomain, grant_opts, 44);
AT(struct xen_domctl_createdomain, arch, 56);
SIZE(struct xen_domctl_getdomaininfo, 112);
AT(struct xen_domctl_getdomaininfo, flags, 4);
AT(struct xen_domctl_getdomaininfo, tot_pages, 8);
AT(struct xen_domctl_getdomaininfo, shared_info_frame, 48);
AT(struct xen_domctl_getdomaininfo, cpu_time, 56);
AT(struct xen_domctl_getdomaininfo, nr_online_vcpus, 64);
AT(struct xen_domctl_getdomaininfo, handle, 76);
AT(struct xen_domctl_getdomaininfo, cpupool, 92);
AT(struct xen_domctl_getdomaininfo, gpaddr_bits, 96);
AT(struct xen_domctl_getdomaininfo, arch_config, 104);
SIZE(struct xen_domctl_vcpucontext, 16);
SIZE(struct xen_domctl_getvcpuinfo, 24);
AT(struct xen_domctl_getvcpuinfo, cpu_time, 8);
SIZE(struct heron_domctl_hvm_build, 64);
AT(struct heron_domctl_hvm_build, image, 8);
AT(struct heron_domctl_hvm_build, cmdline, 40);
AT(struct heron_domctl_hvm_build, cmdline_len, 48);
AT(struct heron_domctl_hvm_build, msg, 56);
AT(struct xen_domctl_getvcpuinfo, cpu, 16);
SIZE(struct xen_domctl_hypercall_init, 8);
SIZE(struct xen_domctl, 144);
AT(struct xen_domctl, domain, 8);
AT(struct xen_domctl, u, 16);
SIZE(struct xen_sysctl_physinfo, 112);
AT(struct xen_sysctl_physinfo, capabilities, 28);
AT(struct xen_sysctl_physinfo, total_pages, 40);
AT(struct xen_sysctl_physinfo, max_mfn, 72);
SIZE(struct xen_sysctl_getdomaininfolist, 24);
AT(struct xen_sysctl_getdomaininfolist, buffer, 8);
AT(struct xen_sysctl_getdomaininfolist, num_domains, 16);
SIZE(struct heron_sysctl_fail_alloc, 64);
AT(struct heron_sysctl_fail_alloc, nth, 8);
AT(struct heron_sysctl_fail_alloc, allocs, 24);
AT(struct heron_sysctl_fail_alloc, xenheap_frames, 56);
SIZE(struct xen_sysctl, 136);
AT(struct xen_sysctl, u, 8);

START_TEST(ioreq_bitfields)
{
    struct ioreq r = { .state = STATE_IORESP_READY, .dir = IOREQ_READ };

    ck_assert_uint_eq(((const uint8_t *)&r)[30], 0x23);
}
END_TEST

/* The asserts above do the work; this case confirms the file was built. */
START_TEST(abi_layout_compiled)
{
    struct start_info si = { .nr_pages = 7 };
    ck_assert_uint_eq(((uint64_t *)&si)[4], 7);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("abi_layout");
    TCase *tc = tcase_create("offsets");
    tcase_add_test(tc, abi_layout_compiled);
    tcase_add_test(tc, ioreq_bitfields);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
