#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 81-cost: the cost benchmark (tests/vm/bench.sh) as a correctness run: a small N, one round,
# and its checks that every config's handler ran N times (hits, the fixture's flow, the
# vns_fixture_bench_drop frame, the latency collector's tracked/filtered); its timings are
# printed (MEASURE cost ...) and never checked. VNS_BENCH=full (`make bench`): the full run,
# 7 rounds of 20000 (VNS_BENCH_ROUNDS, VNS_BENCH_N override either).
here=$(cd "$(dirname "$0")/.." && pwd)
if [ "${VNS_BENCH:-}" = full ]; then
  export VNS_BENCH_N=${VNS_BENCH_N:-20000} VNS_BENCH_ROUNDS=${VNS_BENCH_ROUNDS:-7}
else
  export VNS_BENCH_N=${VNS_BENCH_N:-2000} VNS_BENCH_ROUNDS=${VNS_BENCH_ROUNDS:-1}
fi
exec bash "$here/bench.sh"
