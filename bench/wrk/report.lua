-- wrk script for plain GETs (headers come from wrk -H): prints one JSON line at the end
-- with the request count, errors and the latency percentiles (microseconds), which
-- bench/bench.py parses. wrk counts any non-2xx/3xx answer as errors.status.
done = function(summary, latency, requests)
  local p = {}
  for _, q in ipairs({50, 75, 90, 99, 99.9, 99.99}) do
    p[#p + 1] = string.format("\"%s\":%d", tostring(q), latency:percentile(q))
  end
  io.write(string.format(
    "WRKJSON {\"requests\":%d,\"duration_us\":%d,\"bytes\":%d,\"connect_errors\":%d," ..
    "\"read_errors\":%d,\"write_errors\":%d,\"status_errors\":%d,\"timeouts\":%d," ..
    "\"mean_us\":%.1f,\"max_us\":%d,\"percentiles\":{%s}}\n",
    summary.requests, summary.duration, summary.bytes, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency.mean, latency.max, table.concat(p, ",")))
end
