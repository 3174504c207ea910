// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: module load and unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

#include "compat.h"
#include "podnet_private.h"

unsigned int pn_net_id __read_mostly;

static int __net_init pn_net_init(struct net *net)
{
	struct pn_net *pnn = net_generic(net, pn_net_id);

	INIT_LIST_HEAD(&pnn->devices);
	INIT_LIST_HEAD(&pnn->socks);
	INIT_LIST_HEAD(&pnn->ipip_devs);
	INIT_WORK(&pnn->addr6_work, pn_addr6_work);
	return 0;
}

/*
 * After the devices of the namespace are gone, and with them the address
 * events that queue the work.
 */
static void __net_exit pn_net_exit(struct net *net)
{
	struct pn_net *pnn = net_generic(net, pn_net_id);

	cancel_work_sync(&pnn->addr6_work);
}

static struct pernet_operations pn_net_ops = {
	.init = pn_net_init,
	.exit = pn_net_exit,
	.id = &pn_net_id,
	.size = sizeof(struct pn_net),
};

static int __init pn_mod_init(void)
{
	int ret;

	ret = pn_subnets_init();
	if (ret)
		goto err_subnets;

	pn_compat_set_exit_rtnl(&pn_net_ops);
	ret = register_pernet_subsys(&pn_net_ops);
	if (ret)
		goto err_pernet;

	ret = pn_device_init();
	if (ret)
		goto err_device;

	ret = pn_genl_init();
	if (ret)
		goto err_genl;

	pr_info("podnet " PODNET_VERSION " loaded\n");
	return 0;

err_genl:
	pn_device_uninit();
err_device:
	unregister_pernet_subsys(&pn_net_ops);
err_pernet:
	pn_subnets_uninit();
err_subnets:
	return ret;
}

static void __exit pn_mod_exit(void)
{
	pn_genl_uninit();
	pn_device_uninit();
	pn_ipip_uninit();
	unregister_pernet_subsys(&pn_net_ops);
	pn_subnets_uninit();
}

module_init(pn_mod_init);
module_exit(pn_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Pod overlay network device (VXLAN and IP-in-IP)");
MODULE_VERSION(PODNET_VERSION);
MODULE_ALIAS_RTNL_LINK("podnet");
MODULE_ALIAS_GENL_FAMILY(PODNET_FAMILY_NAME);
