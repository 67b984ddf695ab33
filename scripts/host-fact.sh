#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print one fact make doctor found of the host (HOST_FACTS, build/host.json):
# xsave_bytes, xsave_simulated or host_kernel (a value up to its first
# comma: not cpu); nothing when the file or key is missing.
#
# usage: host-fact.sh KEY
sed -n "s/.*\"$1\": \"\{0,1\}\([^\",}]*\).*/\1/p" "${HOST_FACTS:-/nonexistent}" 2>/dev/null
