-- wrk script for bench/answer_vs_bare.py: each wrk thread replays its own file of prepared
-- requests ("cookie<TAB>path<TAB>body" per line), each once, in order. The driver orders a thread's
-- file so that an attempt's next answer comes only after many others (one phone at a time per
-- attempt). Running past the end of the file is reported (the window was too long for it).
-- Usage: wrk -t2 -c32 -d5s -s bench/answers.lua http://127.0.0.1:PORT -- /path/to/window-dir [js]
-- With "js", each answer asks for JSON as quiz.js does (the feedback and the next question as
-- fragments); without it, it is a plain form's POST (the page with the feedback).

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  -- What a phone's browser sends with a form's POST besides the cookies: where the form came from.
  local here = "http://" .. wrk.host .. ":" .. wrk.port
  local accept = "text/html,application/xhtml+xml"
  if args[2] == "js" then
    accept = "application/json"
  end
  requests = {}
  position = 0
  wrapped = 0
  local file = args[1] .. "/" .. id .. ".tsv"
  for line in io.lines(file) do
    local cookie, path, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)$")
    requests[#requests + 1] = wrk.format("POST", path, {
      ["Cookie"] = cookie,
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Accept"] = accept,
      ["User-Agent"] = "quizapp-bench",
      ["Origin"] = here,
      ["Referer"] = here .. path,
    }, body)
  end
end

function request()
  position = position + 1
  if position > #requests then
    position = 1
    wrapped = wrapped + 1
  end
  return requests[position]
end

function done(summary, latency, requests)
  local wraps = 0
  for _, thread in ipairs(threads) do
    wraps = wraps + thread:get("wrapped")
  end
  io.write(string.format('RESULT {"requests": %d, "seconds": %.3f, "non_2xx_3xx": %d, "socket_errors": %d, ' ..
    '"p50_ms": %.2f, "p99_ms": %.2f, "wrapped": %d}\n',
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, wraps))
end
