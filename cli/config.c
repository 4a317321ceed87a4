// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "uapi/linux/vnetscope.h"
#include "config.h"
#include "filter.h"
#include "print.h"
#include "util.h"

bool vns_config_is_empty(const struct vns_config *cfg)
{
	return !cfg->has_period && !cfg->has_threshold &&
	       !cfg->has_stage_threshold && !cfg->has_dir && !cfg->phy[0] &&
	       !cfg->vm[0];
}

int vns_config_set_dir(struct vns_config *cfg, const char *what,
		       const char *val, char *err, size_t errlen)
{
	static const char *const dirs[] = {
		[VNS_DIR_BOTH] = "both",
		[VNS_DIR_RX] = "rx",
		[VNS_DIR_TX] = "tx",
	};
	size_t i;

	for (i = 0; i < VNS_ARRAY_SIZE(dirs); i++) {
		if (!strcmp(val, dirs[i])) {
			cfg->dir = (u8)i;
			cfg->has_dir = true;
			return 0;
		}
	}
	snprintf(err, errlen, "invalid %s '%s': expected rx, tx or both", what,
		 val);
	return -1;
}

int vns_config_set_port(struct vns_config *cfg, bool vm, const char *what,
			const char *val, char *err, size_t errlen)
{
	char *dst = vm ? cfg->vm : cfg->phy;

	if (!vns_ifname_valid(val)) {
		snprintf(err, errlen,
			 "invalid %s '%s': expected an interface name (1 to %d bytes, no '/', ':' or blanks)",
			 what, val, VNS_IFNAMSIZ - 1);
		return -1;
	}
	memset(dst, 0, VNS_IFNAMSIZ);
	strcpy(dst, val);
	return 0;
}

enum vns_cfg_word {
	VNS_WORD_PERIOD,
	VNS_WORD_THRESHOLD,
	VNS_WORD_STAGE_THRESHOLD,
	VNS_WORD_PHY,
	VNS_WORD_VM,
	VNS_WORD_DIR,
};

int vns_config_parse_word(struct vns_config *cfg, const char *word,
			  char *err, size_t errlen)
{
	static const struct {
		const char *key;
		const char *example;
	} keys[] = {
		[VNS_WORD_PERIOD] = { "period", "10ms" },
		[VNS_WORD_THRESHOLD] = { "threshold", "20ms" },
		[VNS_WORD_STAGE_THRESHOLD] = { "stage_threshold", "5ms" },
		[VNS_WORD_PHY] = { "phy", "eth0" },
		[VNS_WORD_VM] = { "vm", "vnet0" },
		[VNS_WORD_DIR] = { "dir", "rx" },
	};
	const char *eq = strchr(word, '=');
	const char *val = eq ? eq + 1 : "";
	size_t klen = eq ? (size_t)(eq - word) : strlen(word);
	enum vns_cfg_word k;
	bool period;
	size_t i;
	u64 us;

	for (i = 0; i < VNS_ARRAY_SIZE(keys); i++)
		if (strlen(keys[i].key) == klen &&
		    !strncmp(word, keys[i].key, klen))
			break;
	if (i == VNS_ARRAY_SIZE(keys)) {
		snprintf(err, errlen,
			 "unknown setting '%s' (settings: period=, threshold=, stage_threshold=, phy=, vm=, dir=)",
			 word);
		return -1;
	}
	k = (enum vns_cfg_word)i;
	if (!eq) {
		snprintf(err, errlen, "setting '%s' needs a value, e.g. %s=%s",
			 word, word, keys[k].example);
		return -1;
	}
	switch (k) {
	case VNS_WORD_PHY:
	case VNS_WORD_VM:
		return vns_config_set_port(cfg, k == VNS_WORD_VM, keys[k].key,
					   val, err, errlen);
	case VNS_WORD_DIR:
		return vns_config_set_dir(cfg, keys[k].key, val, err, errlen);
	default:
		break;
	}
	period = k == VNS_WORD_PERIOD;
	if (period ? vns_parse_duration_us(val, VNS_CFG_PERIOD_MIN_US,
					   VNS_CFG_PERIOD_MAX_US, &us) :
		     vns_parse_duration_us(val, VNS_CFG_THRESHOLD_MIN_US,
					   VNS_CFG_THRESHOLD_MAX_US, &us)) {
		snprintf(err, errlen,
			 "invalid %s '%s': expected %s, e.g. %s (units ns, us, ms, s; no unit: ms)",
			 keys[k].key, val,
			 period ? "a duration from 1ms to 1s" :
				  "a duration from 1ms to 10s",
			 keys[k].example);
		return -1;
	}
	if (period) {
		cfg->period_us = (u32)us;
		cfg->has_period = true;
	} else if (k == VNS_WORD_STAGE_THRESHOLD) {
		cfg->stage_threshold_us = (u32)us;
		cfg->has_stage_threshold = true;
	} else {
		cfg->threshold_us = (u32)us;
		cfg->has_threshold = true;
	}
	return 0;
}

int vns_config_check(const struct vns_config *cfg, char *err, size_t errlen)
{
	u64 period = cfg->has_period ? cfg->period_us :
				       VNS_CFG_PERIOD_DEFAULT_US;
	char b1[VNS_DUR_STR_MAX], b2[VNS_DUR_STR_MAX], b3[VNS_DUR_STR_MAX];

	if (cfg->has_threshold && cfg->threshold_us < period) {
		snprintf(err, errlen,
			 "threshold %s is below the period (%s): it must be at least %s",
			 vns_dur_str((u64)cfg->threshold_us * 1000, b1,
				     sizeof(b1)),
			 vns_dur_str(period * 1000, b2, sizeof(b2)),
			 vns_dur_str(period * 1000, b3, sizeof(b3)));
		return -1;
	}
	return 0;
}

int vns_config_put(struct nl_msg *msg, const struct vns_config *cfg)
{
	struct nlattr *nest;

	if (vns_config_is_empty(cfg))
		return 0;
	nest = nla_nest_start(msg, VNS_A_CONFIG);
	if (!nest)
		return -ENOMEM;
	if ((cfg->has_period &&
	     nla_put_u32(msg, VNS_CFG_A_PERIOD_US, cfg->period_us)) ||
	    (cfg->has_threshold &&
	     nla_put_u32(msg, VNS_CFG_A_THRESHOLD_US, cfg->threshold_us)) ||
	    (cfg->has_stage_threshold &&
	     nla_put_u32(msg, VNS_CFG_A_STAGE_THRESHOLD_US,
			 cfg->stage_threshold_us)) ||
	    (cfg->phy[0] &&
	     nla_put_string(msg, VNS_CFG_A_PHY_IF, cfg->phy)) ||
	    (cfg->vm[0] && nla_put_string(msg, VNS_CFG_A_VM_IF, cfg->vm)) ||
	    (cfg->has_dir &&
	     nla_put_u8(msg, VNS_CFG_A_DIRECTION, cfg->dir))) {
		nla_nest_cancel(msg, nest);
		return -ENOMEM;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static const struct nla_policy vns_cfg_policy[VNS_CFG_A_MAX + 1] = {
	[VNS_CFG_A_PERIOD_US] = { .type = NLA_U32 },
	[VNS_CFG_A_THRESHOLD_US] = { .type = NLA_U32 },
	[VNS_CFG_A_PHY_IF] = { .type = NLA_STRING, .maxlen = VNS_IFNAME_MAX },
	[VNS_CFG_A_VM_IF] = { .type = NLA_STRING, .maxlen = VNS_IFNAME_MAX },
	[VNS_CFG_A_DIRECTION] = { .type = NLA_U8 },
	[VNS_CFG_A_STAGE_THRESHOLD_US] = { .type = NLA_U32 },
};

int vns_config_from_nest(struct vns_config *cfg, struct nlattr *nest)
{
	struct nlattr *tb[VNS_CFG_A_MAX + 1];

	memset(cfg, 0, sizeof(*cfg));
	if (nla_parse_nested(tb, VNS_CFG_A_MAX, nest, vns_cfg_policy))
		return -EBADMSG;
	if (tb[VNS_CFG_A_PERIOD_US]) {
		cfg->period_us = nla_get_u32(tb[VNS_CFG_A_PERIOD_US]);
		cfg->has_period = true;
	}
	if (tb[VNS_CFG_A_THRESHOLD_US]) {
		cfg->threshold_us = nla_get_u32(tb[VNS_CFG_A_THRESHOLD_US]);
		cfg->has_threshold = true;
	}
	if (tb[VNS_CFG_A_STAGE_THRESHOLD_US]) {
		cfg->stage_threshold_us =
			nla_get_u32(tb[VNS_CFG_A_STAGE_THRESHOLD_US]);
		cfg->has_stage_threshold = true;
	}
	if (tb[VNS_CFG_A_DIRECTION]) {
		cfg->dir = nla_get_u8(tb[VNS_CFG_A_DIRECTION]);
		cfg->has_dir = true;
	}
	if (tb[VNS_CFG_A_PHY_IF])
		snprintf(cfg->phy, sizeof(cfg->phy), "%s",
			 nla_get_string(tb[VNS_CFG_A_PHY_IF]));
	if (tb[VNS_CFG_A_VM_IF])
		snprintf(cfg->vm, sizeof(cfg->vm), "%s",
			 nla_get_string(tb[VNS_CFG_A_VM_IF]));
	return 0;
}

void vns_config_print_json(const struct vns_config *cfg)
{
	static const char *const dirs[] = {
		[VNS_DIR_BOTH] = "both",
		[VNS_DIR_RX] = "rx",
		[VNS_DIR_TX] = "tx",
	};
	char buf[8];

	if (cfg->has_period)
		print_u64(PRINT_JSON, "period_us", NULL, cfg->period_us);
	if (cfg->has_threshold)
		print_u64(PRINT_JSON, "threshold_us", NULL, cfg->threshold_us);
	if (cfg->has_stage_threshold)
		print_u64(PRINT_JSON, "stage_threshold_us", NULL,
			  cfg->stage_threshold_us);
	if (cfg->phy[0])
		print_string(PRINT_JSON, "phy", NULL, cfg->phy);
	if (cfg->vm[0])
		print_string(PRINT_JSON, "vm", NULL, cfg->vm);
	if (cfg->has_dir)
		print_string(PRINT_JSON, "dir", NULL,
			     vns_name_of(dirs, VNS_ARRAY_SIZE(dirs), cfg->dir,
					 buf, sizeof(buf)));
}
