-- One atomic decision or charge for one key, on the Redis server's clock.
-- KEYS[1] request bucket (GCRA arrival time), KEYS[2] token counter, KEYS[3] prefix of the period counter.
-- ARGV[1] requests per period (0: no request limit), ARGV[2] period in µs, ARGV[3] bucket capacity,
-- ARGV[4] tokens per period (0: no token limit), ARGV[5] token period in µs,
-- ARGV[6] budget in nanodollars (0: none), ARGV[7] period kind (0 none, 1 day, 2 week, 3 month),
-- ARGV[8] 0 admit / 1 charge, ARGV[9] tokens to charge, ARGV[10] nanodollars to charge (-1: unpriced),
-- ARGV[11] comma-separated alert thresholds in percent.
-- Returns {refusal, request remaining, request reset µs, request retry µs, tokens used, period index,
-- period tokens, period cost, period unpriced, crossed thresholds...}; refusal 0 admitted, 1 requests,
-- 2 tokens, 3 budget.
local t = redis.call('TIME')
local sec = tonumber(t[1])
-- µs since 2026-01-01 keeps the doubles small enough for sub-µs precision.
local now = (sec - 1767225600) * 1000000 + tonumber(t[2])
local requests, period, capacity = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokenLimit, tokenPeriod = tonumber(ARGV[4]), tonumber(ARGV[5])
local budget, kind, charging = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8] == '1'

local function fmt(x) return string.format('%.17g', x) end

local function periodIndex()
  local day = math.floor(sec / 86400)
  if kind == 1 then return day end
  if kind == 2 then return math.floor((day + 3) / 7) end
  -- Days to civil date (H. Hinnant), then months since year 0.
  local z = day + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local m = mp < 10 and mp + 3 or mp - 9
  if m <= 2 then y = y + 1 end
  return y * 12 + m - 1
end

-- Request bucket as GCRA: take = true spends one request when one is available.
local function bucket(take)
  if requests == 0 then return 1, -1, 0, 0 end
  local interval = period / requests
  local window = interval * capacity
  local tat = tonumber(redis.call('GET', KEYS[1])) or now
  if tat < now then tat = now end
  if not take then
    return 1, math.floor((window - (tat - now)) / interval + 1e-9), tat - now, 0
  end
  local nxt = tat + interval
  if nxt - now <= window + 0.01 then
    redis.call('SET', KEYS[1], fmt(nxt), 'PX', math.ceil((nxt - now) / 1000) + 1000)
    return 1, math.floor((window - (nxt - now)) / interval + 1e-9), nxt - now, 0
  end
  return 0, 0, tat - now, nxt - window - now
end

-- Tokens used, draining at tokenLimit per tokenPeriod.
local function tokensUsed(add)
  if tokenLimit == 0 then return -1 end
  local state = redis.call('HMGET', KEYS[2], 'u', 't')
  local used = tonumber(state[1]) or 0
  local at = tonumber(state[2]) or now
  local elapsed = now - at
  if elapsed < 0 then elapsed = 0 end
  used = used - elapsed * tokenLimit / tokenPeriod
  if used < 0 then used = 0 end
  if add > 0 then
    used = used + add
    if at < now then at = now end
    redis.call('HSET', KEYS[2], 'u', fmt(used), 't', fmt(at))
    redis.call('PEXPIRE', KEYS[2], math.ceil(used * tokenPeriod / tokenLimit / 1000) + 1000)
  end
  return used
end

local index, periodKey = -1, nil
if kind > 0 then
  index = periodIndex()
  periodKey = KEYS[3] .. index
end

local function periodState()
  if periodKey == nil then return 0, 0, 0 end
  local p = redis.call('HMGET', periodKey, 't', 'c', 'u')
  return tonumber(p[1]) or 0, tonumber(p[2]) or 0, tonumber(p[3]) or 0
end

if not charging then
  local ptokens, pcost, punpriced = periodState()
  local refusal = 0
  if budget > 0 and pcost >= budget then
    refusal = 3
  else
    local used = tokensUsed(0)
    if tokenLimit > 0 and used >= tokenLimit then refusal = 2 end
  end
  local allowed, remaining, reset, retry = bucket(refusal == 0)
  if refusal == 0 and allowed == 0 then refusal = 1 end
  return {refusal, remaining, math.ceil(reset), math.ceil(retry), fmt(tokensUsed(0)), index, ptokens, pcost, punpriced}
end

local add, cost = tonumber(ARGV[9]), tonumber(ARGV[10])
local used = tokensUsed(add)
local result = {0, -1, 0, 0, fmt(used), index, 0, 0, 0}
if periodKey ~= nil then
  redis.call('HINCRBY', periodKey, 't', add)
  if cost >= 0 then redis.call('HINCRBY', periodKey, 'c', ARGV[10]) else redis.call('HINCRBY', periodKey, 'u', 1) end
  -- Kept a little past the period's end so a late read still finds it.
  redis.call('PEXPIRE', periodKey, (kind == 1 and 2 or kind == 2 and 8 or 32) * 86400000)
  local ptokens, pcost, punpriced = periodState()
  result[7], result[8], result[9] = ptokens, pcost, punpriced
  if budget > 0 then
    for threshold in string.gmatch(ARGV[11], '%d+') do
      if pcost * 100 >= budget * tonumber(threshold) and redis.call('HSETNX', periodKey, 'x' .. threshold, 1) == 1 then
        table.insert(result, tonumber(threshold))
      end
    end
  end
end
return result
