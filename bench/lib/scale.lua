-- wrk script for bench/scale.sh: reads (a random seeded primary lists its twinnings) or toggles (a random
-- seeded secondary flips its twinning, alternating per twinning). Env: MODE=read|toggle, N=seeded count.
local mode = os.getenv("MODE")
local n = tonumber(os.getenv("N"))
local state = {}
math.randomseed(os.time() + math.floor(os.clock() * 1000000))

function request()
  if mode == "read" then
    local p = math.random(1, math.floor(n / 4))
    return wrk.format("GET", string.format("/twinning/v1/tel%%3A%%2B4481%09d/twinnings", p))
  end
  local i = math.random(1, n)
  state[i] = not state[i]
  local status = state[i] and "Off" or "On"
  return wrk.format("PUT", string.format("/twinning/v1/tel%%3A%%2B4480%09d/twinnings/seed%d/twinningStatus", i, i),
    {["Content-Type"] = "application/json"}, '{"twinningStatus":"' .. status .. '"}')
end

function done(summary, latency, requests)
  io.write(string.format("non2xx=%d\n", summary.errors.status))
end
