#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/service-test.sh: the systemd unit and the example configuration files of scripts/.
#  - scripts/vnetscope.service: its directives exactly; `systemd-analyze verify` passes with
#    @SBINDIR@ replaced by this tree's cli/ (the built CLI), and with --root on a staged tree
#    (usr/sbin/vnetscope, usr/lib/systemd/system/vnetscope.service) as make install
#    DESTDIR=... or a package lays it out; verify fails when ExecStart's binary is missing (it
#    does check); `systemctl --root enable` links it into multi-user.target.wants. The
#    Documentation=man:vnetscope(8) check runs when cli/vnetscope.8 exists (else --man=no).
#  - scripts/modprobe.conf: one "#options vnetscope NAME=DEFAULT" line per module parameter
#    of kmod/ (module_param*, but the test-only vns_fail_init), each with its source default,
#    and modprobe reads them all when uncommented.
#  - scripts/modules-load.conf: loads nothing as shipped, exactly "vnetscope" uncommented.
#  (scripts/vnetscope.conf is parsed by the CLI's unit tests, test_cli_conffile.)
# Needs cli/vnetscope built (make cli) and systemd-analyze (systemd 252 here). No VM, no root.
# Ends with "N passed, N failed".
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
CLI=$REPO/cli/vnetscope
UNIT=$REPO/scripts/vnetscope.service
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
p=0 f=0
ok() { echo "PASS $1"; p=$((p + 1)); }
ko() { echo "FAIL $1: $2"; f=$((f + 1)); }
# expect NAME GOT WANT
expect() { if [ "$2" = "$3" ]; then ok "$1"; else ko "$1" "got '$2', want '$3'"; fi; }

[ -x "$CLI" ] || { echo "service-test: no $CLI (make cli)"; echo "0 passed, 1 failed"; exit 1; }
command -v systemd-analyze > /dev/null ||
  { echo "service-test: systemd-analyze missing"; echo "0 passed, 1 failed"; exit 1; }

# --- the unit's directives, exactly --------------------------------------------------------
expect service/directives "$(grep -v -e '^#' -e '^$' "$UNIT")" "[Unit]
Description=vnetscope packet drop and latency collectors
Documentation=man:vnetscope(8)
DefaultDependencies=no
After=local-fs.target systemd-modules-load.service
Before=network-pre.target shutdown.target
Wants=network-pre.target
Conflicts=shutdown.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStartPre=/sbin/modprobe vnetscope
ExecStart=@SBINDIR@/vnetscope start
ExecReload=@SBINDIR@/vnetscope start
ExecStop=@SBINDIR@/vnetscope stop
[Install]
WantedBy=multi-user.target"
expect service/placeholders "$(grep -o '@[A-Za-z_]*@' "$UNIT" | sort -u)" "@SBINDIR@"

# --- systemd-analyze verify, the CLI of this tree ------------------------------------------
# man: the man page of this tree when it has one, else no man check
man=(--man=no) manpath=
if [ -f "$REPO/cli/vnetscope.8" ]; then
  mkdir -p "$t/man/man8" && cp "$REPO/cli/vnetscope.8" "$t/man/man8/"
  man=(--man=yes) manpath=$t/man
  echo "service-test: with the man page check (cli/vnetscope.8)"
else
  echo "service-test: no cli/vnetscope.8: systemd-analyze verify --man=no"
fi
verify() { MANPATH=$manpath systemd-analyze verify "${man[@]}" "$@" > "$t/out" 2>&1; }

mkdir -p "$t/here"
sed "s|@SBINDIR@|$REPO/cli|g" "$UNIT" > "$t/here/vnetscope.service"
verify "$t/here/vnetscope.service"; rc=$?
expect service/verify_rc $rc 0
expect service/verify_quiet "$(cat "$t/out")" ""

# --- a staged tree: verify --root, then systemctl --root enable -----------------------------
R=$t/root
mkdir -p "$R/usr/sbin" "$R/usr/lib/systemd/system" "$R/sbin" "$R/etc"
cp "$CLI" "$R/usr/sbin/vnetscope"
sed "s|@SBINDIR@|/usr/sbin|g" "$UNIT" > "$R/usr/lib/systemd/system/vnetscope.service"
# modprobe is the system's, never staged: a stand-in for the check
printf '#!/bin/sh\n' > "$R/sbin/modprobe" && chmod 755 "$R/sbin/modprobe"
verify --root="$R" vnetscope.service; rc=$?
expect service/verify_root_rc $rc 0
expect service/verify_root_quiet "$(cat "$t/out")" ""

# verify looks inside the root: without the staged CLI it fails, naming it
mv "$R/usr/sbin/vnetscope" "$t/vnetscope.away"
verify --root="$R" vnetscope.service; rc=$?
[ $rc != 0 ] && ok service/verify_root_missing_rc || ko service/verify_root_missing_rc "exit 0"
expect service/verify_root_missing_msg \
  "$(grep -c '^vnetscope.service: Command /usr/sbin/vnetscope is not executable: No such file or directory$' "$t/out")" 3
mv "$t/vnetscope.away" "$R/usr/sbin/vnetscope"

out=$(SYSTEMD_OFFLINE=1 systemctl --root="$R" enable vnetscope.service 2>&1); rc=$?
expect service/enable_rc $rc 0
expect service/enable_link "$(readlink "$R/etc/systemd/system/multi-user.target.wants/vnetscope.service")" \
  /usr/lib/systemd/system/vnetscope.service
expect service/enable_links_only_that "$(cd "$R/etc/systemd/system" && find . -type l | sort)" \
  ./multi-user.target.wants/vnetscope.service

# --- modprobe.conf: every module parameter, with its default --------------------------------
MP=$REPO/scripts/modprobe.conf
# module_param(NAME, ...) and module_param_cb(NAME, ...) of kmod/, but the test builds' own
params=$(grep -rhoE 'module_param(_cb)?\([a-z_0-9]+' "$REPO/kmod" | sed 's/.*(//' |
  grep -vx vns_fail_init | sort)
shown=$(sed -n 's/^#options vnetscope \([a-z_0-9]*\)=.*/\1/p' "$MP" | sort)
expect modprobe/every_parameter "$shown" "$params"
expect modprobe/no_dup "$(echo "$shown" | uniq -d)" ""
expect modprobe/nothing_set "$(grep -c '^options' "$MP")" 0
bad=
for n in $params; do
  want=$(grep -rhE "^static (unsigned )?int $n = [0-9]+;" "$REPO/kmod" | sed 's/.*= \([0-9]*\);/\1/')
  case $n in mem_limit) want=0;; collectors) want=;; esac
  got=$(sed -n "s/^#options vnetscope $n=\(.*\)/\1/p" "$MP")
  [ "$got" = "$want" ] || bad+=" $n=$got (source: '$want')"
done
expect modprobe/defaults "$bad" ""
mkdir -p "$t/modprobe.d"
sed 's/^#options/options/' "$MP" > "$t/modprobe.d/vnetscope.conf"
expect modprobe/modprobe_reads_them \
  "$(modprobe -C "$t/modprobe.d" --showconfig | sed -n 's/^options vnetscope \([a-z_0-9]*\)=.*/\1/p' | sort)" \
  "$params"

# --- modules-load.conf -----------------------------------------------------------------------
ML=$REPO/scripts/modules-load.conf
expect modules_load/loads_nothing "$(grep -v -e '^[#;]' -e '^[[:space:]]*$' "$ML")" ""
expect modules_load/uncommented "$(sed -n 's/^#\([a-z_]\+\)$/\1/p' "$ML")" vnetscope

echo "$p passed, $f failed"
[ $f = 0 ]
