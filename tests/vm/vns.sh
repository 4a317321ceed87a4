# tests/vm/vns.sh: vnetscope helpers for the VM scenarios; source after lib.sh.
#
# The text views are parsed as their README documents them: "# vnetscope <view> v1", then
# records of space-separated key=value pairs.

VNS_DBG=/sys/kernel/debug/vnetscope
VNS_PROC=/proc/vnetscope

# view_sum FILE KEY=VALUE...: sum of count= over the records matching every KEY=VALUE
view_sum() {
  local f=$1; shift
  awk -v conds="$*" -f "$VNS_REPO/tests/vm/view.awk" -v mode=sum "$f"
}

# view_count FILE KEY=VALUE...: number of records matching
view_count() {
  local f=$1; shift
  awk -v conds="$*" -f "$VNS_REPO/tests/vm/view.awk" -v mode=count "$f"
}

# view_get FILE FIELD KEY=VALUE...: FIELD of every matching record, one per line
view_get() {
  local f=$1 field=$2; shift 2
  awk -v conds="$*" -v field="$field" -f "$VNS_REPO/tests/vm/view.awk" -v mode=get "$f"
}

# status_get KEY: KEY of the drops collector in the status view
status_get() {
  view_get "${VNS_STATUS:-$VNS_PROC/status}" "$1" collector=drops
}

# ctl COMMAND: write one command to the control file
ctl() { echo "$*" > "$VNS_DBG/control"; }

# keep VIEW NAME: a copy of a view in $VNS_OUT/views/, for the post-mortem
keep() { mkdir -p "$VNS_OUT/views"; cat "$1" > "$VNS_OUT/views/$VNS_SCENARIO-$2.txt"; }

# udp_send SRC SPORT DST DPORT N [SIZE]: N datagrams from one socket (one flow)
udp_send() { "$VNS_TESTBIN/udpsend" "$@" >/dev/null; }

# has_reasons: does this kernel give drop reasons (5.17+)?  Read from the tracepoint itself.
has_reasons() {
  grep -q reason /sys/kernel/tracing/events/skb/kfree_skb/format 2>/dev/null
}
