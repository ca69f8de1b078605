-- replay.lua: wrk sends pre-signed requests from a Lua table, round-robin.
--
--   wrk -t1 -c64 -d10s -s cmd/connectd-load/wrk/replay.lua URL -- TABLE.lua
--
-- TABLE.lua is written by `connectd-load -wrk-table TABLE.lua` (or by
-- `connectd-load -server BINARY -wrk wrk`, which also runs wrk): a chunk
-- that returns a list of raw HTTP/1.1 requests, each signed with SigV4 by
-- the aws-sdk-go-v2 signer and valid for 15 minutes from when it was
-- written. wrk's URL only says where to connect: the requests carry the
-- Host they were signed for, which connectd checks and the yardstick
-- ignores. With one thread (-t1) there is one Lua state and one counter.

local reqs
local i = 0

function init(args)
  if args[1] == nil then
    error("give the request table after --, e.g. -- /tmp/update.lua")
  end
  reqs = dofile(args[1])
  if #reqs == 0 then
    error(args[1] .. " holds no requests")
  end
end

function request()
  i = i % #reqs + 1
  return reqs[i]
end
