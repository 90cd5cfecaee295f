-- wrk script for bench/ballots.py: each connection posts full sheets with fresh one-time codes.
-- Reads BENCH_CODES (one code per line), BENCH_BODY_TAIL (the grades part of the form) and
-- BENCH_THREADS from the environment; writes receipts and counts to BENCH_OUT at the end.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local nthreads = tonumber(os.getenv("BENCH_THREADS"))
  codes = {}
  local i = 0
  for line in io.lines(os.getenv("BENCH_CODES")) do
    if i % nthreads == id then table.insert(codes, line) end
    i = i + 1
  end
  tails = {}
  for line in io.lines(os.getenv("BENCH_TAILS")) do table.insert(tails, line) end
  next_code = 1
  sent = 0
  ok = 0
  refused = 0
  receipts = {}
  path = os.getenv("BENCH_PATH")
  headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
end

function request()
  local code = codes[next_code] or "EXHAUSTED"
  next_code = next_code + 1
  sent = sent + 1
  local body = "code=" .. code .. "&" .. tails[(sent % #tails) + 1]
  return wrk.format("POST", path, headers, body)
end

function response(status, hdrs, body)
  local receipt = status == 200 and string.match(body, 'data%-testid="receipt">([A-Z0-9]+)<')
  if receipt then
    ok = ok + 1
    table.insert(receipts, receipt)
  else
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local out = io.open(os.getenv("BENCH_OUT"), "w")
  local sent_total, ok_total, refused_total = 0, 0, 0
  for _, t in ipairs(threads) do
    sent_total = sent_total + t:get("sent")
    ok_total = ok_total + t:get("ok")
    refused_total = refused_total + t:get("refused")
    for _, r in ipairs(t:get("receipts")) do out:write("receipt ", r, "\n") end
  end
  out:write(string.format("sent %d\nok %d\nrefused %d\n", sent_total, ok_total, refused_total))
  out:write(string.format("duration_us %d\nrequests %d\n", summary.duration, summary.requests))
  local e = summary.errors
  out:write(string.format("errors %d\n", e.connect + e.read + e.write + e.timeout))
  out:write(string.format("p50_us %d\np99_us %d\nmean_us %d\nmax_us %d\n",
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max))
  out:close()
end
