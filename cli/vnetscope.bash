# SPDX-License-Identifier: GPL-2.0
#
# bash completion for vnetscope(8): its commands, each command's own options,
# the values of the options and settings that take a fixed set, collector
# names, network devices (/sys/class/net) and files for --config.  The lists
# are static: completion never needs the module or runs the command.
# tests/docs-test.sh checks them against each 'vnetscope COMMAND --help'.
#
# Installed as vnetscope in bash-completion's completions directory
# (/usr/share/bash-completion/completions), or sourced from ~/.bashrc.
# Uses bash-completion's _init_completion and _filedir when they are there,
# and works without them.

_vnetscope_commands='status probes enable disable reset drops softirqs timers
	irqoff latency tun vhost kvm virtio vmpath start stop'

# The collectors enable, disable and reset take
_vnetscope_collectors='drops softirqs timers irqoff latency tun vhost kvm virtio'

# Set _vnetscope_opts (every option of command $1) and _vnetscope_argopts
# (those of them that take a value)
_vnetscope_options()
{
	local filter='--src-ip --dst-ip --proto --sport --dport --dev'
	local loop='--interval --count'
	local read='--json --no-enable --help'

	case $1 in
	status | probes)
		_vnetscope_opts='--json --help'
		_vnetscope_argopts=
		;;
	enable)
		_vnetscope_opts="$filter --help"
		_vnetscope_argopts=$filter
		;;
	disable | reset)
		_vnetscope_opts='--help'
		_vnetscope_argopts=
		;;
	drops)
		_vnetscope_opts="$loop --top $filter $read"
		_vnetscope_argopts="$loop --top $filter"
		;;
	softirqs)
		_vnetscope_opts="--cpu $loop --hist $read"
		_vnetscope_argopts="--cpu $loop"
		;;
	timers)
		_vnetscope_opts="--top --min-us --sort $loop --hist $read"
		_vnetscope_argopts="--top --min-us --sort $loop"
		;;
	irqoff)
		_vnetscope_opts="--threshold --cpu $read"
		_vnetscope_argopts='--threshold --cpu'
		;;
	latency)
		_vnetscope_opts="--direction --phy-interface --vm-interface $loop
			--details --threshold --stage-threshold --duration $filter
			$read"
		_vnetscope_argopts="--direction --phy-interface --vm-interface
			$loop --threshold --stage-threshold --duration $filter"
		;;
	tun)
		_vnetscope_opts="--dev --queue --events $loop --hist $read"
		_vnetscope_argopts="--dev --queue $loop"
		;;
	vhost)
		_vnetscope_opts="--pid --dev --queue $loop --hist $read"
		_vnetscope_argopts="--pid --dev --queue $loop"
		;;
	kvm)
		_vnetscope_opts="--pid --gsi $loop $read"
		_vnetscope_argopts="--pid --gsi $loop"
		;;
	virtio)
		_vnetscope_opts="--dev --queue $loop $read"
		_vnetscope_argopts="--dev --queue $loop"
		;;
	vmpath)
		_vnetscope_opts="--dev $loop $read"
		_vnetscope_argopts="--dev $loop"
		;;
	start | stop)
		_vnetscope_opts='--config --help'
		_vnetscope_argopts='--config'
		;;
	*)
		_vnetscope_opts=
		_vnetscope_argopts=
		;;
	esac
	# one blank between words, for the " $list " == *" $word "* tests
	local a
	read -r -d '' -a a <<< "$_vnetscope_argopts"
	_vnetscope_argopts="${a[*]}"
}

# The settings words that follow collector $1 in 'vnetscope enable'
_vnetscope_settings()
{
	case $1 in
	latency) echo 'phy= vm= dir= threshold= stage_threshold=' ;;
	irqoff) echo 'period= threshold=' ;;
	esac
}

# The network devices, from /sys/class/net
_vnetscope_ifnames()
{
	local d

	for d in /sys/class/net/*; do
		[[ -e $d ]] && printf '%s\n' "${d##*/}"
	done
}

_vnetscope_cpus()
{
	local d

	for d in /sys/devices/system/cpu/cpu[0-9]*; do
		[[ -e $d ]] && printf '%s\n' "${d##*/cpu}"
	done
}

# COMPREPLY from the words $1 that start with $cur
_vnetscope_words()
{
	local IFS=$' \t\n'

	mapfile -t COMPREPLY < <(compgen -W "$1" -- "$cur")
}

# Without bash-completion: cur, prev, words and cword from the line up to the
# cursor, split on blanks (vnetscope's arguments need no quoting), and
# --opt=value split as _init_completion -s does
_vnetscope_split_line()
{
	local line=${COMP_LINE:0:COMP_POINT}

	read -r -a words <<< "$line"
	[[ $line =~ [[:space:]]$ || ${#words[@]} -eq 0 ]] && words+=('')
	cword=$((${#words[@]} - 1))
	cur=${words[cword]}
	prev=
	((cword > 0)) && prev=${words[cword - 1]}
	if [[ $cur == --*=* ]]; then
		prev=${cur%%=*}
		cur=${cur#*=}
		split=true
	fi
}

_vnetscope()
{
	local cur prev words cword split=false
	local cmd i w collector='' nargs=0

	if declare -F _init_completion > /dev/null; then
		_init_completion -s -n = || return
	else
		_vnetscope_split_line
	fi

	if ((cword == 1)); then
		if [[ $cur == -* ]]; then
			_vnetscope_words '--help --version'
		else
			_vnetscope_words "$_vnetscope_commands"
		fi
		return
	fi
	cmd=${words[1]}
	_vnetscope_options "$cmd"
	[[ -z $_vnetscope_opts ]] && return

	# the value of an option
	if [[ " $_vnetscope_argopts " == *" $prev "* ]]; then
		case $prev in
		--proto)
			_vnetscope_words 'tcp udp icmp icmp6 sctp udplite'
			;;
		--dev | --phy-interface | --vm-interface)
			_vnetscope_words "$(_vnetscope_ifnames)"
			;;
		--direction)
			_vnetscope_words 'rx tx both'
			;;
		--sort)
			_vnetscope_words 'max total count'
			;;
		--cpu)
			_vnetscope_words "$(_vnetscope_cpus)"
			;;
		--pid)
			_vnetscope_words "$(pgrep qemu 2> /dev/null)"
			;;
		--config)
			if declare -F _filedir > /dev/null; then
				_filedir
			else
				compopt -o filenames 2> /dev/null
				mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			fi
			;;
		*)
			COMPREPLY=()	# a number, an address, a duration
			;;
		esac
		return
	fi
	$split && return

	if [[ $cur == -* ]]; then
		_vnetscope_words "$_vnetscope_opts"
		return
	fi

	# the words before this one that are not options or their values
	for ((i = 2; i < cword; i++)); do
		w=${words[i]}
		if [[ " $_vnetscope_argopts " == *" $w "* ]]; then
			((i++))
		elif [[ $w != -* ]]; then
			((nargs++ == 0)) && collector=$w
		fi
	done

	case $cmd in
	enable)
		if ((nargs == 0)); then
			_vnetscope_words "$_vnetscope_collectors"
			return
		fi
		case $cur in
		phy=* | vm=*)
			cur=${cur#*=}
			_vnetscope_words "$(_vnetscope_ifnames)"
			;;
		dir=*)
			cur=${cur#*=}
			_vnetscope_words 'rx tx both'
			;;
		*=*)
			;;
		*)
			_vnetscope_words "$(_vnetscope_settings "$collector")"
			[[ ${COMPREPLY[0]-} == *= ]] && compopt -o nospace 2> /dev/null
			;;
		esac
		;;
	disable | reset)
		((nargs == 0)) && _vnetscope_words "$_vnetscope_collectors"
		;;
	esac
}

complete -F _vnetscope vnetscope
