# Sourced by the SIP benchmarks: callgate opens one RTP socket per call (plus SIP, HTTP,
# SQLite), so a few hundred calls up need more than the usual 1024 descriptors. Raises the soft
# limit to 65536, or to the hard limit when that is lower.
want=65536
hard="$(ulimit -Hn)"
if [ "$hard" != "unlimited" ] && [ "$hard" -lt "$want" ]; then want="$hard"; fi
ulimit -n "$want" || true
echo "open files limit: $(ulimit -n)"
