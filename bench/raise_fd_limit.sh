# Sourced by the SIP benchmarks: callgate opens one RTP socket per call (plus SIP, HTTP,
# SQLite), so the 5,000 calls of bench-sip need ~5,100 descriptors, not the usual 1024. Raises
# the soft limit to 65536, or to the hard limit when that is lower.
want=65536
hard="$(ulimit -Hn)"
if [ "$hard" != "unlimited" ] && [ "$hard" -lt "$want" ]; then want="$hard"; fi
ulimit -n "$want" || true
echo "open files limit: $(ulimit -n)"
if [ "$(ulimit -n)" != "unlimited" ] && [ "$(ulimit -n)" -lt 6000 ]; then
  echo "note: fewer than 6000 descriptors: 5,000 concurrent calls will fail (raise the hard limit)"
fi
