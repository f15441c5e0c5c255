-- wrk script: PUT twinningStatus On/Off on the pairs listed in $PAIRS_FILE ("token id" per line),
-- each request on the next pair, alternating the target status per pair.
local pairs_list = {}
local state = {}
local i = 0

function init(args)
  for line in io.lines(os.getenv("PAIRS_FILE")) do
    local token, id = line:match("^(%S+)%s+(%S+)$")
    if token then
      table.insert(pairs_list, {token = token, id = id})
    end
  end
end

function request()
  i = i % #pairs_list + 1
  local p = pairs_list[i]
  state[i] = not state[i]
  local status = state[i] and "Off" or "On"
  return wrk.format("PUT", "/twinning/v1/acr:auth/twinnings/" .. p.id .. "/twinningStatus",
    {["Authorization"] = "Bearer " .. p.token, ["Content-Type"] = "application/json"},
    '{"twinningStatus":"' .. status .. '"}')
end

function done(summary, latency, requests)
  io.write(string.format("non2xx=%d\n", summary.errors.status))
end
