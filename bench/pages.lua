-- wrk script for bench/pages.py: sends the session cookie (BENCH_COOKIE) with every request,
-- counts the answers that are not 200 (a redirect to the login page means the session broke;
-- wrk itself counts a 3xx as a success) and prints the figures pages.py reads.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
  wrk.headers["User-Agent"] = "bench-pages"
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do
    n = n + t:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    "requests %d\nduration_us %d\nbad %d\nerrors %d\ntimeouts %d\np50_us %d\np99_us %d\n",
    summary.requests, summary.duration, n, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
