// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "uapi/linux/vnetscope.h"
#include "config.h"
#include "print.h"
#include "util.h"

void vns_config_init(struct vns_settings *s)
{
	vns_settings_default(s);
}

bool vns_config_is_empty(const struct vns_settings *s)
{
	return !s->given;
}

/* "@key=@val" through the codec; -1 and the codec's reason in @why */
static int vns_config_word(struct vns_settings *s, const char *key,
			   const char *val, const char **why)
{
	char word[128];

	if ((size_t)snprintf(word, sizeof(word), "%s=%s", key, val) >=
	    sizeof(word)) {
		*why = VNS_SET_ERR_IFNAME;
		return -1;
	}
	return vns_settings_parse_word(s, word, why) ? -1 : 0;
}

int vns_config_set_dir(struct vns_settings *s, const char *what,
		       const char *val, char *err, size_t errlen)
{
	const char *why;

	if (!vns_config_word(s, "dir", val, &why))
		return 0;
	snprintf(err, errlen, "invalid %s '%s': %s", what, val,
		 VNS_SET_ERR_DIR);
	return -1;
}

int vns_config_set_port(struct vns_settings *s, bool vm, const char *what,
			const char *val, char *err, size_t errlen)
{
	const char *why;

	if (!vns_config_word(s, vm ? "vm" : "phy", val, &why))
		return 0;
	snprintf(err, errlen, "invalid %s '%s': %s", what, val,
		 VNS_SET_ERR_IFNAME);
	return -1;
}

int vns_config_parse_word(struct vns_settings *s, const char *word,
			  char *err, size_t errlen)
{
	const char *eq = strchr(word, '='), *why;
	size_t klen = eq ? (size_t)(eq - word) : strlen(word);
	int ret = vns_settings_parse_word(s, word, &why);

	if (!ret)
		return 0;
	if (ret == VNS_PARSE_UNKNOWN)
		snprintf(err, errlen,
			 "unknown setting '%s' (settings: period=, threshold=, stage_threshold=, phy=, vm=, dir=)",
			 word);
	else if (!eq)
		snprintf(err, errlen, "%s", why);	/* needs a value */
	else if (!strcmp(why, VNS_SET_ERR_THRESHOLD))
		/* the example of the setting itself */
		snprintf(err, errlen,
			 "invalid %.*s '%s': expected a duration from 1us to 10s, e.g. %s (units ns, us, ms, s; no unit: ms)",
			 (int)klen, word, eq + 1,
			 klen == strlen("threshold") ? "20ms" : "5ms");
	else
		snprintf(err, errlen, "invalid %.*s '%s': %s", (int)klen, word,
			 eq + 1, why);
	return -1;
}

int vns_config_check(const struct vns_settings *s, char *err, size_t errlen)
{
	u64 period = VNS_GIVEN(s, VNS_SET_PERIOD) ? s->period_us :
						    VNS_CFG_PERIOD_DEFAULT_US;
	char b1[VNS_DUR_STR_MAX], b2[VNS_DUR_STR_MAX], b3[VNS_DUR_STR_MAX];

	if (VNS_GIVEN(s, VNS_SET_THRESHOLD) && s->threshold_us < period) {
		snprintf(err, errlen,
			 "threshold %s is below the period (%s): it must be at least %s",
			 vns_dur_str((u64)s->threshold_us * 1000, b1,
				     sizeof(b1)),
			 vns_dur_str(period * 1000, b2, sizeof(b2)),
			 vns_dur_str(period * 1000, b3, sizeof(b3)));
		return -1;
	}
	return 0;
}

int vns_config_put(struct nl_msg *msg, const struct vns_settings *s)
{
	return vns_settings_put(msg, VNS_A_CONFIG, s) ? -ENOMEM : 0;
}

static const struct nla_policy vns_cfg_policy[VNS_CFG_A_MAX + 1] = {
	[VNS_CFG_A_PERIOD_US] = { .type = NLA_U32 },
	[VNS_CFG_A_THRESHOLD_US] = { .type = NLA_U32 },
	[VNS_CFG_A_PHY_IF] = { .type = NLA_STRING, .maxlen = VNS_IFNAME_MAX },
	[VNS_CFG_A_VM_IF] = { .type = NLA_STRING, .maxlen = VNS_IFNAME_MAX },
	[VNS_CFG_A_DIRECTION] = { .type = NLA_U8 },
	[VNS_CFG_A_STAGE_THRESHOLD_US] = { .type = NLA_U32 },
};

int vns_config_from_nest(struct vns_settings *s, struct nlattr *nest)
{
	struct nlattr *tb[VNS_CFG_A_MAX + 1];
	const char *err;
	int bad;

	vns_config_init(s);
	if (nla_parse_nested(tb, VNS_CFG_A_MAX, nest, vns_cfg_policy) ||
	    vns_settings_get(tb, s, &err, &bad))
		return -EBADMSG;
	return 0;
}

void vns_config_print_json(const struct vns_settings *s)
{
	char buf[8];

	if (VNS_GIVEN(s, VNS_SET_PERIOD))
		print_u64(PRINT_JSON, "period_us", NULL, s->period_us);
	if (VNS_GIVEN(s, VNS_SET_THRESHOLD))
		print_u64(PRINT_JSON, "threshold_us", NULL, s->threshold_us);
	if (VNS_GIVEN(s, VNS_SET_STAGE_THRESHOLD))
		print_u64(PRINT_JSON, "stage_threshold_us", NULL,
			  s->stage_threshold_us);
	if (VNS_GIVEN(s, VNS_SET_PHY))
		print_string(PRINT_JSON, "phy", NULL, s->phy);
	if (VNS_GIVEN(s, VNS_SET_VM))
		print_string(PRINT_JSON, "vm", NULL, s->vm);
	if (VNS_GIVEN(s, VNS_SET_DIR)) {
		snprintf(buf, sizeof(buf), "%u", s->dir);
		print_string(PRINT_JSON, "dir", NULL,
			     vns_dir_name(s->dir) ? vns_dir_name(s->dir) : buf);
	}
}
