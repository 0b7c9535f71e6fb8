-- wrk script for bench/load/compare.sh: POST the JSON body in $BODY_FILE to /v1/chat/completions and
-- print one JSON summary line at the end (requests/s, latency percentiles, errors).
-- With STREAM=1 it also counts SSE events (`data:` occurrences in each response body) and reports
-- events/s, and how many streams ended with a different count than $EXPECT_EVENTS (if set).
--   BODY_FILE=body.json [STREAM=1 EXPECT_EVENTS=203] wrk -t1 -c64 -d10s -s bench/load/chat.lua http://127.0.0.1:PORT
local body_file = os.getenv("BODY_FILE") or error("BODY_FILE is required")
local f = assert(io.open(body_file, "rb"))
wrk.method = "POST"
wrk.path = "/v1/chat/completions"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench-0000000000000000"

local streaming = os.getenv("STREAM") == "1"
local expect = tonumber(os.getenv("EXPECT_EVENTS") or "")

-- setup() runs in the main Lua state once per thread; done() reads the per-thread counters from there.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

if streaming then
  events = 0
  short_streams = 0
  non_200 = 0
  -- Defining response() makes wrk keep each body; only the streaming run needs it.
  function response(status, headers, body)
    if status ~= 200 then non_200 = non_200 + 1 end
    local n, at = 0, 1
    while true do
      local s = string.find(body, "data:", at, true)
      if not s then break end
      n = n + 1
      at = s + 5
    end
    events = events + n
    if expect and n ~= expect then short_streams = short_streams + 1 end
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local ev, short, bad = 0, 0, 0
  for _, t in ipairs(threads) do
    ev = ev + (t:get("events") or 0)
    short = short + (t:get("short_streams") or 0)
    bad = bad + (t:get("non_200") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d,' ..
    '"events":%d,"events_per_s":%.1f,"short_streams":%d,"non_200":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, ev, ev / seconds, short, bad))
end
