-- wrk script for the directory benchmark: each request picks one of the searches in
-- paths.txt (written by run.sh), and the summary prints p50, p99 and requests per second.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local i = 0

request = function()
  i = i + 1
  return wrk.format("GET", paths[(i * 7919) % #paths + 1])
end

done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT p50_ms=%.2f p99_ms=%.2f rps=%.0f requests=%d errors=%d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests / secs,
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
