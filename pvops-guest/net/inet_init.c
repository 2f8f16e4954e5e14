/*
 * Bring-up of the network stack: lo (127.0.0.1/8, up), the veth test
 * pair veth0/veth1 (down, no address: configured with ifconfig), and
 * /proc/net.
 */
#include "inet.h"

void net_init(void)
{
	loopback_init();
	veth_pair_create("veth0", "veth1");
	net_procfs_init();
}
