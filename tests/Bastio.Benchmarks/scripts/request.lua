-- wrk script for `make bench`: one OpenAI-style chat completion per request, the same for every target.
-- BENCH_KEY: the client key sent as a bearer token (the gateway checks it; the other targets ignore it).
-- BENCH_DELAY_MS: when set, each connection waits this long between requests (paced, not saturating).
wrk.method = "POST"
wrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "none")

local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
if pause > 0 then
  function delay()
    return pause
  end
end

-- One machine-readable line: requests, duration (µs), socket errors, non-2xx/3xx answers, p50, p99 (µs).
function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("BENCH %d %d %d %d %d %d\n", summary.requests, summary.duration, errors,
    summary.errors.status, latency:percentile(50), latency:percentile(99)))
end
