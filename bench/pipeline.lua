-- wrk script: HTTP/1.1 pipelining. Every write carries `depth` GET requests
-- for "/" (default 16; pass another after `--`), and wrk waits for all of
-- their responses before the next write on that connection.
local batch

function init(args)
  local depth = tonumber(args[1]) or 16
  local requests = {}
  for i = 1, depth do
    requests[i] = wrk.format("GET", "/")
  end
  batch = table.concat(requests)
end

function request()
  return batch
end
