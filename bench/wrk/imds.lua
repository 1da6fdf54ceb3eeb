-- wrk script for the IMDSv2 pair: alternately PUT /latest/api/token and GET the role's
-- credentials with the newest token seen. Args (after --): ROLE INITIAL_TOKEN.
-- A token response is recognised by its echoed TTL header; its body becomes the token the
-- next GETs send (ssocred mints a fresh token per PUT; nginx answers a constant one).
-- Requests are counted one by one, so pairs per second = requests per second / 2.
local role, token
local put_next = true

init = function(args)
  role = args[1]
  token = args[2]
end

request = function()
  put_next = not put_next
  if not put_next then
    return wrk.format("PUT", "/latest/api/token",
                      {["X-aws-ec2-metadata-token-ttl-seconds"] = "21600"}, nil)
  end
  return wrk.format("GET", "/latest/meta-data/iam/security-credentials/" .. role,
                    {["X-aws-ec2-metadata-token"] = token}, nil)
end

response = function(status, headers, body)
  if status == 200 and headers["X-aws-ec2-metadata-token-ttl-seconds"] ~= nil then
    token = body
  end
end

done = function(summary, latency, requests)
  local p = {}
  for _, q in ipairs({50, 75, 90, 99, 99.9, 99.99}) do
    p[#p + 1] = string.format("\"%s\":%d", tostring(q), latency:percentile(q))
  end
  io.write(string.format(
    "WRKJSON {\"requests\":%d,\"duration_us\":%d,\"bytes\":%d,\"connect_errors\":%d," ..
    "\"read_errors\":%d,\"write_errors\":%d,\"status_errors\":%d,\"timeouts\":%d," ..
    "\"mean_us\":%.1f,\"max_us\":%d,\"percentiles\":{%s}}\n",
    summary.requests, summary.duration, summary.bytes, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency.mean, latency.max, table.concat(p, ",")))
end
