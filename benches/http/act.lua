-- Recording an act: admits, one by one, the requests filed in body ESCR
-- (ESCR-ARCO-2026-00001 ...). Each wrk thread takes its own stride so no two requests
-- admit the same case; every response should be 200.
local token
for line in io.lines(os.getenv("TOKENS")) do
  local code, tok = line:match("^(%S+)%s+(%S+)$")
  if code == "ESCR" then token = tok end
end
local threads = tonumber(os.getenv("THREADS") or "2")
-- OFFSET skips the cases a previous run admitted; MINIMAL sends `Prefer: return=minimal`.
local offset = tonumber(os.getenv("OFFSET") or "0")
local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
if os.getenv("MINIMAL") then headers["Prefer"] = "return=minimal" end
local counter = 0
local next_id = 0
-- `id` is a global set in each thread by setup() (a local would shadow it).
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end
function init(args)
  counter = 0
end
request = function()
  local id = id or 0
  local seq = offset + counter * threads + id + 1
  counter = counter + 1
  local folio = string.format("ESCR-ARCO-2026-%05d", seq)
  return wrk.format("POST", "/v1/requests/" .. folio .. "/acts", headers,
    '{"act":{"act":"admitted"},"at":"2026-11-18T10:00:00-06:00"}')
end
done = function(summary, latency, requests)
  io.write(string.format("respuestas no 2xx/3xx: %d de %d\n", summary.errors.status, summary.requests))
end
