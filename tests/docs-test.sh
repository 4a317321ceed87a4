#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/docs-test.sh: the documentation cannot drift from the code (make check runs it).
#
# (a) cli/vnetscope.8 is clean for mandoc -T lint -W warning, (b) and for man --warnings;
# (c) every command of 'vnetscope --help' has its subsection in the man page, holding every
#     option (and enable's settings words) of 'vnetscope COMMAND --help', and the exit
#     statuses are there; (d) the bash completion, driven in bash with and without
#     bash-completion, completes exactly what the CLI's --help lists; (e) LICENSE holds the
#     GPL-2.0 text and covers every SPDX identifier in the tree; (f) every source file has an
#     SPDX line.  Needs mandoc, man-db and bash-completion (scripts/lab-setup.sh installs
#     them) and builds the CLI if needed.
# Lists are split on purpose ($commands ...), and ok() never fails (A && ok || bad)
# shellcheck disable=SC2086,SC2046,SC2015,SC2016
set -u
cd "$(dirname "$0")/.." || exit 1
TOP=$PWD
CLI=$TOP/cli/vnetscope
MAN=cli/vnetscope.8
COMP=cli/vnetscope.bash
BASHCOMP=${VNS_BASH_COMPLETION:-/usr/share/bash-completion/bash_completion}
TAG="SPDX-License-""Identifier"
pass=0 fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vns-docs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

make -s -C cli >/dev/null || { echo "FAIL make -C cli"; echo "0 passed, 1 failed"; exit 1; }

# --- (a), (b): the man page lints clean ---
if out=$(mandoc -T lint -W warning "$MAN" 2>&1) && [ -z "$out" ]; then
  ok "mandoc -T lint -W warning $MAN"
else
  bad "mandoc -T lint -W warning $MAN: ${out:-mandoc missing}"
fi
if command -v man >/dev/null &&
   out=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l "$MAN" 2>&1 >/dev/null) &&
   [ -z "$out" ]; then
  ok "man --warnings $MAN"
else
  bad "man --warnings $MAN: ${out:-man missing}"
fi

# --- what the CLI says it has ---
# The commands: the lines of --help between "Commands:" and the blank line after them
commands=$("$CLI" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p')
[ -n "$commands" ] && ok "vnetscope --help lists $(echo $commands | wc -w) commands" ||
  bad "vnetscope --help lists no command"
# A command's options: the option lines of its --help ("  --name ...")
declare -A opts
for c in $commands; do
  opts[$c]=$("$CLI" "$c" --help | sed -n 's/^ \{1,\}\(--[a-z][a-z-]*\).*/\1/p' | sort -u)
done
# enable's settings words ("  phy=IFNAME ...")
settings=$("$CLI" enable --help | sed -n 's/^  \([a-z_]*=\).*/\1/p' | sort -u)
# The collectors enable takes ("Collectors: a, b, c.")
collectors=$("$CLI" enable --help | sed -n 's/.*Collectors: \(.*\)\./\1/p' | tr -d ',')
# The values of --proto ("--proto P        tcp, udp, ... or 1-255")
protos=$("$CLI" drops --help | sed -n 's/^ *--proto P *\(.*\) or .*/\1/p' | tr -d ',')
# start and stop come with the systemd unit: while 'vnetscope --help' lacks them, the man
# page and the completion may have them beside its commands
extra=
for c in start stop; do
  printf '%s\n' $commands | grep -qx "$c" || extra="$extra $c"
done

# --- (c): the man page has every command and option ---
# The text of subsection .SS $1, with the font escapes out and \- as -
man_section() {
  awk -v name="$1" '
    /^\.S[SH]/ { insec = ($0 == ".SS " name || $0 == ".SS \"" name "\"") ; next }
    insec' "$MAN" | sed -e 's/\\f[BIRP]//g' -e 's/\\c//g' -e 's/\\-/-/g'
}
for c in $commands; do
  sec=$(man_section "$c")
  if [ -z "$sec" ]; then
    bad "man page: no subsection .SS $c"
    continue
  fi
  missing=
  words="${opts[$c]} $([ "$c" = enable ] && echo $settings)"
  for o in $words; do
    [[ $sec =~ (^|[^a-z_-])$o($|[^a-z0-9_-]) ]] || missing="$missing $o"
  done
  [ -z "$missing" ] && ok "man page: $c and its $(echo $words | wc -w) options and settings" ||
    bad "man page: $c lacks:$missing"
done
# --help, which every command takes, is said once
grep -q '^Every command takes$' "$MAN" && grep -q '^\.BR \\-h ", " \\-\\-help ,$' "$MAN" &&
  ok "man page: every command's --help" || bad "man page: no word of every command's --help"
# ... and no subsection of COMMANDS that the CLI does not have
sections=$(awk '/^\.SH/ { cmds = ($0 == ".SH COMMANDS") } cmds && /^\.SS/ { print $2 }' "$MAN" |
  tr -d '"')
stray=
for s in $sections; do
  printf '%s\n' $commands $extra | grep -qx "$s" || stray="$stray $s"
done
[ -z "$stray" ] && ok "man page: every subsection of COMMANDS is a command" ||
  bad "man page: subsections that are no command:$stray"
exits=$(awk '/^\.SH/ { ex = ($0 == ".SH EXIT STATUS") } ex && /^\.B [0-9]$/ { printf "%s ", $2 }' "$MAN")
helpexits=$("$CLI" --help | sed -n '/^Exit status:/,$p' | grep -oE '\b[0-9] [a-z]' | cut -c1 |
  tr '\n' ' ')
[ "$exits" = "$helpexits" ] && [ "$exits" = "0 1 2 3 4 " ] &&
  ok "man page: EXIT STATUS $exits" || bad "man page: EXIT STATUS '$exits', --help '$helpexits'"

# --- (d): the completion, driven in bash ---
# comp.sh MODE BASHCOMP COMP: sources bash-completion (MODE=with) or not, then the completion
# COMP; reads lines "LINE" from stdin and prints "LINE|sorted COMPREPLY".  COMP_WORDS are split
# as bash splits them: on blanks, and at the break characters = and : (a run of them is one
# word).
cat > "$tmp/comp.sh" <<'EOF'
if [ "$1" = with ]; then
  . "$2" || exit 1
  declare -F _init_completion >/dev/null || { echo "no _init_completion in $2"; exit 1; }
fi
. "$3"
declare -F _init_completion >/dev/null && [ "$1" = without ] && { echo "_init_completion"; exit 1; }
while IFS= read -r line; do
  COMP_LINE=$line COMP_POINT=${#line} COMP_WORDS=()
  for w in $line; do
    while [[ $w =~ ^([^=:]*)([=:]+)(.*)$ ]]; do
      [ -n "${BASH_REMATCH[1]}" ] && COMP_WORDS+=("${BASH_REMATCH[1]}")
      COMP_WORDS+=("${BASH_REMATCH[2]}")
      w=${BASH_REMATCH[3]}
    done
    [ -n "$w" ] && COMP_WORDS+=("$w")
  done
  [[ $line == *' ' ]] && COMP_WORDS+=('')
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _vnetscope vnetscope "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s|%s\n' "$line" "$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//')"
done
EOF
sorted() { printf '%s\n' "$@" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//'; }
ifnames=$(sorted $(ls /sys/class/net))
cpus=$(sorted $(seq 0 $(($(getconf _NPROCESSORS_CONF) - 1))))
touch "$tmp/vnetscope.conf" "$tmp/vnetscope.cfg" "$tmp/other"
{
  echo "vnetscope |$(sorted $commands $extra)"
  echo "vnetscope dr|drops"
  echo "vnetscope s|$(sorted $(printf '%s\n' $commands $extra | grep '^s'))"
  echo "vnetscope -|--help --version"
  echo "vnetscope enable |$(sorted $collectors)"
  echo "vnetscope disable |$(sorted $collectors)"
  echo "vnetscope reset |$(sorted $collectors)"
  echo "vnetscope disable drops |"
  echo "vnetscope enable --proto udp |$(sorted $collectors)"
  echo "vnetscope enable l|latency"
  echo "vnetscope enable latency |$(sorted $(printf '%s\n' $settings | grep -vx 'period='))"
  echo "vnetscope enable irqoff |period= threshold="
  echo "vnetscope enable drops |"
  echo "vnetscope enable latency dir=|both rx tx"
  echo "vnetscope enable latency dir=r|rx"
  echo "vnetscope enable latency phy=|$ifnames"
  echo "vnetscope enable latency phy=eth0 vm=|$ifnames"
  echo "vnetscope enable latency threshold=|"
  echo "vnetscope drops --pr|--proto"
  echo "vnetscope drops --proto |$(sorted $protos)"
  echo "vnetscope drops --proto u|udp udplite"
  echo "vnetscope drops --proto=ud|udp udplite"
  echo "vnetscope drops --dev |$ifnames"
  echo "vnetscope drops --interval |"
  echo "vnetscope drops --top 5 --d|--dev --dport --dst-ip"
  echo "vnetscope latency --phy-interface |$ifnames"
  echo "vnetscope latency --vm-interface |$ifnames"
  echo "vnetscope latency --direction |both rx tx"
  echo "vnetscope latency --details --st|--stage-threshold"
  echo "vnetscope timers --sort |count max total"
  echo "vnetscope softirqs --cpu |$cpus"
  echo "vnetscope vmpath --dev |$ifnames"
  echo "vnetscope tun --dev |$ifnames"
  echo "vnetscope virtio --dev |$ifnames"
  echo "vnetscope start --config $tmp/vnetscope.c|$tmp/vnetscope.cfg $tmp/vnetscope.conf"
  echo "vnetscope stop --config=$tmp/o|$tmp/other"
  echo "vnetscope status |"
  for c in $commands; do
    echo "vnetscope $c -|$(sorted ${opts[$c]} --help)"
  done
} > "$tmp/cases"
for mode in with without; do
  if [ $mode = with ] && [ ! -r "$BASHCOMP" ]; then
    bad "completion with bash-completion: $BASHCOMP missing"
    continue
  fi
  cut -d'|' -f1 "$tmp/cases" |
    bash --norc --noprofile "$tmp/comp.sh" $mode "$BASHCOMP" "$COMP" > "$tmp/got.$mode" 2>&1
  n=0
  while IFS= read -r want <&3 && IFS= read -r got <&4; do
    n=$((n + 1))
    [ "$got" = "$want" ] && ok "completion ($mode bash-completion): ${want%%|*}" ||
      bad "completion ($mode bash-completion): '${want%%|*}': got '${got#*|}', want '${want#*|}'"
  done 3< "$tmp/cases" 4< "$tmp/got.$mode"
  [ "$n" = "$(wc -l < "$tmp/cases")" ] || bad "completion ($mode): $(cat "$tmp/got.$mode")"
done

# --- (e): LICENSE covers every SPDX identifier ---
gpl=/usr/share/common-licenses/GPL-2
if [ -f LICENSE ] && tail -c "$(stat -c %s "$gpl")" LICENSE | cmp -s - "$gpl"; then
  ok "LICENSE ends with the GPL-2.0 text of $gpl"
else
  bad "LICENSE missing, or not ending with $gpl"
fi
valid=$(sed -n 's/^Valid-\(License\|Exception\)-Identifier: *//p' LICENSE 2>/dev/null)
exprs=$(git ls-files -z | grep -zv '^LICENSE$' | xargs -0 head -q -n 5 2>/dev/null |
  sed -n "s/.*$TAG: *\([^*]*\).*/\1/p" | sed 's/ *-->.*//; s/ *$//' | sort -u)
[ -n "$exprs" ] || bad "no $TAG found"
for e in $(printf '%s\n' "$exprs" | tr ' ()' '[\n*]' | grep -vxE 'OR|AND|WITH|' | sort -u); do
  printf '%s\n' $valid | grep -qx -- "$e" && ok "LICENSE covers $e" || bad "LICENSE lacks $e"
done
if printf '%s\n' "$exprs" | grep -q 'WITH Linux-syscall-note'; then
  grep -q 'NOTE! This copyright does \*not\* cover user programs that use kernel' LICENSE &&
    ok "LICENSE holds the Linux-syscall-note text" || bad "LICENSE lacks the Linux-syscall-note text"
fi

# --- (f): every source file has an SPDX line in its first 5 lines ---
# The source files by name, and the other files that start with #!
git ls-files -z | xargs -0 awk -v tag="$TAG: " '
  FNR == 1 {
    n = split(FILENAME, p, "/"); base = p[n]
    src = FILENAME ~ /\.(c|h|sh|py|awk|bash|8|spec\.in|spec|service|conf|mk|md)$/ ||
          base ~ /^(Makefile|Kbuild|\.gitignore)$/ || FILENAME ~ /^\.ci\// || /^#!/
    if (src) { nfiles++; need[FILENAME] = 1 }
  }
  FNR <= 5 && index($0, tag) { delete need[FILENAME] }
  END {
    for (f in need) printf "%s ", f
    printf "\n%d\n", nfiles
  }' > "$tmp/spdx"
nosrc=$(sed -n 1p "$tmp/spdx")
nfiles=$(sed -n 2p "$tmp/spdx")
[ -z "$nosrc" ] && [ "$nfiles" -gt 0 ] && ok "$TAG in all $nfiles source files" ||
  bad "no $TAG line: $nosrc"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
